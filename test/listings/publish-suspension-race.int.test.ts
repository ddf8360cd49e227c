/**
 * An admin suspension against a publish by the same seller (SPEC §2: a suspended account cannot list).
 * Once POST /v1/admin/users/:id/suspend has answered, no listing of that seller may still go live: a
 * publish in flight either commits before the suspension, or is refused. The suspension locks the
 * account row (FOR UPDATE); the publish share-locks it (KEY SHARE) before it locks the listing, so
 * whichever takes the account row first, the other sees its outcome. Each interleaving is forced as in
 * test/admin/suspension-bid-race.int.test.ts: a third transaction holds a table lock that parks one
 * side at a known point, and the test waits until PostgreSQL reports the other side waiting on it.
 */
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';
import { createDraft, listingEnv } from './support';

let env: TestEnv;
let locks: LockWatch;
let staff: TestUser;

beforeAll(async () => {
  env = await createTestEnv(listingEnv());
  locks = await LockWatch.open(env.databaseUrl);
  staff = await createUser(env.deps, { role: 'admin', displayName: 'Ada Admin' });
});
afterAll(async () => {
  await locks.close();
  await env.close();
});

/** Sends a request now (a supertest request only leaves when awaited). */
const send = (request: PromiseLike<{ status: number; body: { code?: string } }>) => Promise.resolve(request);

const startSuspension = (user: TestUser) => send(env.http.post(`/v1/admin/users/${user.id}/suspend`).set(staff.auth).send({ reason: 'Counterfeit goods' }));
const startPublish = (seller: TestUser, listingId: string) => send(env.http.post(`/v1/listings/${listingId}/publish`).set(seller.auth));

/** The listing's status and how many outbox messages (jobs, fan-out) name it. */
async function listingState(listingId: string) {
  const row = await env.deps.db.selectFrom('listings').select('status').where('id', '=', listingId).executeTakeFirstOrThrow();
  const messages = await env.deps.db.selectFrom('outbox').select('payload').execute();
  const about = messages.filter((m) => JSON.stringify(m.payload).includes(listingId));
  return { status: row.status, outboxMessages: about.length };
}

/** Parks the suspension after it locked and updated the account: its next statement writes the audit entry. */
const AFTER_SUSPENSION_LOCK = 'LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE';
/** Parks a publish after it share-locked the account, before it locks the listing's row (and a deletion after it locked and soft-deleted the account, before it deletes the listings). */
const BEFORE_LISTING_LOCK = 'LOCK TABLE listings IN EXCLUSIVE MODE';

describe('POST /v1/listings/:id/publish racing a suspension of the seller', () => {
  it('the suspension locks the account first: the publish waits for it, then answers 403 account_suspended', async () => {
    const seller = await createUser(env.deps, { displayName: 'Sly' });
    const draft = await createDraft(env, seller);

    const run = await locks.race(AFTER_SUSPENSION_LOCK, () => startSuspension(seller), () => startPublish(seller, draft.id));

    // The publish read the seller as not suspended (the suspension had not committed): it must wait
    // for the account row the suspension holds rather than publish past it.
    expect({ publishWaitedForSuspension: run.secondWaited }).toEqual({ publishWaitedForSuspension: true });
    expect(run.first.status).toBe(200);
    expect([run.second.status, run.second.body.code]).toEqual([403, 'account_suspended']);
    expect(await listingState(draft.id)).toEqual({ status: 'draft', outboxMessages: 0 });
  });

  it('the publish locks the account first: the suspension answers only after the listing is published', async () => {
    const seller = await createUser(env.deps, { displayName: 'Sol' });
    const draft = await createDraft(env, seller);

    const run = await locks.race(BEFORE_LISTING_LOCK, () => startPublish(seller, draft.id), () => startSuspension(seller));

    expect({ suspensionWaitedForPublish: run.secondWaited }).toEqual({ suspensionWaitedForPublish: true });
    expect(run.first.status).toBe(200);
    expect(run.second.status).toBe(200);
    // The publish came first: it stands (a suspension stops new listings, not live ones).
    expect((await listingState(draft.id)).status).toBe('active');
  });
});

/** Starts DELETE /v1/users/me now. */
const startDeletion = (user: TestUser) => send(env.http.delete('/v1/users/me').set(user.auth));

describe('POST /v1/listings/:id/publish racing the deletion of the seller’s account', () => {
  // A deletion locks the account, then soft-deletes its listings: the publish takes the account (shared)
  // before the listing, the same order, so neither interleaving deadlocks.
  it('the deletion locks the account first: the publish waits for it, then finds the listing gone', async () => {
    const seller = await createUser(env.deps, { displayName: 'Del' });
    const draft = await createDraft(env, seller);

    const run = await locks.race(BEFORE_LISTING_LOCK, () => startDeletion(seller), () => startPublish(seller, draft.id));

    expect({ publishWaitedForDeletion: run.secondWaited }).toEqual({ publishWaitedForDeletion: true });
    expect(run.first.status).toBe(204);
    expect(run.second.status).toBe(404);
    expect(await listingState(draft.id)).toEqual({ status: 'draft', outboxMessages: 0 });
  });

  it('the publish locks the account first: the deletion waits for it, then deletes the published listing too', async () => {
    const seller = await createUser(env.deps, { displayName: 'Pia' });
    const draft = await createDraft(env, seller);

    const run = await locks.race(BEFORE_LISTING_LOCK, () => startPublish(seller, draft.id), () => startDeletion(seller));

    expect({ deletionWaitedForPublish: run.secondWaited }).toEqual({ deletionWaitedForPublish: true });
    expect(run.first.status).toBe(200);
    expect(run.second.status).toBe(204);
    const row = await env.deps.db.selectFrom('listings').select(['status', 'deletedAt']).where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect({ status: row.status, deleted: row.deletedAt !== null }).toEqual({ status: 'active', deleted: true });
  });
});
