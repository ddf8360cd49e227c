import { startRealtime, type RealtimeServer } from '../../realtime/io';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { ackError, closeAllClients, okData, openClient } from './realtime-support';

let env: TestEnv;
let workers: RunningWorkers;
let rt: RealtimeServer;
let seller: TestUser;
let buyer: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [rt, workers] = await Promise.all([startRealtime(await env.sibling(), 0), withWorkers(await env.sibling())]);
  [seller, buyer, stranger] = await Promise.all([createUser(env.deps), createUser(env.deps), createUser(env.deps)]);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await workers.stop();
  await env.close();
});

/** A sold listing and its transaction, inserted directly. */
async function createTransaction() {
  const listing = await createActiveListing(env.deps, seller.id, { status: 'ended_sold' });
  return env.deps.db
    .insertInto('transactions')
    .values({
      listingId: listing.id,
      buyerId: buyer.id,
      sellerId: seller.id,
      amountCents: 10000,
      commissionBps: 600,
      commissionCents: 600,
      escrowFeeCents: 199,
      sellerPayoutCents: 9201,
      source: 'auction',
      paymentDueAt: new Date(Date.now() + 86_400_000),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

describe('transaction rooms and chat', () => {
  it('lets the parties join and talk (socket and REST), stores every message, and keeps strangers out', async () => {
    const tx = await createTransaction();
    const b = await openClient(rt.port, buyer.accessToken);
    const s = await openClient(rt.port, seller.accessToken);
    const x = await openClient(rt.port, stranger.accessToken);
    expect(okData(await b.ack('join_chat', { transactionId: tx.id }))).toEqual({ transactionId: tx.id });
    expect(okData(await s.ack('join_chat', { transactionId: tx.id }))).toEqual({ transactionId: tx.id });
    expect(ackError(await x.ack('join_chat', { transactionId: tx.id }))).toMatchObject({ status: 404, code: 'not_found' });
    expect(ackError(await x.ack('message', { transactionId: tx.id, content: 'hi' }))).toMatchObject({ status: 404 });

    const sent = okData(await b.ack('message', { transactionId: tx.id, content: '  Can we meet Saturday?  ' }));
    expect(sent).toMatchObject({ transactionId: tx.id, senderId: buyer.id, type: 'text', content: 'Can we meet Saturday?', readAt: null });
    const [heard] = await s.waitFor('new_message');
    expect(heard).toEqual({ transactionId: tx.id, message: sent });

    const reply = await env.http
      .post(`/v1/transactions/${tx.id}/messages`)
      .set(seller.auth)
      .send({ content: 'Sure, 11am at the safe zone.' });
    expect(reply.status).toBe(201);
    const [second] = await b.waitFor('new_message', 2).then((all) => all.slice(1));
    expect(second).toEqual({ transactionId: tx.id, message: reply.body });

    // The other party is notified (in-app row + `notification` in their user room).
    const [note] = await s.waitFor('notification');
    expect(note).toMatchObject({
      notification: { type: 'new_message', data: { transactionId: tx.id, messageId: (sent as { id: string }).id } },
    });
    expect(x.received.filter((r) => r.event !== 'notification')).toHaveLength(0);

    const page = await env.http.get(`/v1/transactions/${tx.id}/messages`).set(buyer.auth);
    expect(page.status).toBe(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(['Sure, 11am at the safe zone.', 'Can we meet Saturday?']);
    expect(page.body.nextCursor).toBeNull();

    for (const res of [
      await env.http.get(`/v1/transactions/${tx.id}/messages`).set(stranger.auth),
      await env.http.post(`/v1/transactions/${tx.id}/messages`).set(stranger.auth).send({ content: 'let me in' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await env.http.get(`/v1/transactions/${tx.id}/messages`)).status).toBe(401);
  });

  it('applies a join_chat and the leave_chat sent right after it in that order: the socket ends out of the room', async () => {
    const tx = await createTransaction();
    const b = await openClient(rt.port, buyer.accessToken);
    const [joined, left] = await Promise.all([b.ack('join_chat', { transactionId: tx.id }), b.ack('leave_chat', { transactionId: tx.id })]);
    okData(joined);
    okData(left);
    const reply = await env.http.post(`/v1/transactions/${tx.id}/messages`).set(seller.auth).send({ content: 'Still there?' });
    expect(reply.status).toBe(201);
    // The notification (user room) goes out after the room's new_message: once it is here, that was too.
    await b.waitFor('notification');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.events('new_message')).toEqual([]);
  });

  it('records read receipts and tells the room', async () => {
    const tx = await createTransaction();
    const b = await openClient(rt.port, buyer.accessToken);
    okData(await b.ack('join_chat', { transactionId: tx.id }));
    const first = await env.http.post(`/v1/transactions/${tx.id}/messages`).set(seller.auth).send({ content: 'one' });
    await env.http.post(`/v1/transactions/${tx.id}/messages`).set(seller.auth).send({ content: 'two' });

    const read = await env.http.post(`/v1/transactions/${tx.id}/messages/read`).set(buyer.auth).send({ upToMessageId: first.body.id });
    expect(read.body).toMatchObject({ read: 1 });
    const [receipt] = await b.waitFor('messages_read');
    expect(receipt).toMatchObject({ transactionId: tx.id, readerId: buyer.id, upToMessageId: first.body.id });
    const rest = await env.http.post(`/v1/transactions/${tx.id}/messages/read`).set(buyer.auth).send({});
    expect(rest.body).toMatchObject({ read: 1 });

    const seen = await env.http.get(`/v1/transactions/${tx.id}/messages`).set(seller.auth);
    expect(seen.body.items.every((m: { readAt: string | null }) => m.readAt !== null)).toBe(true);
  });

  it('lets support staff into the room and the chat only while the transaction is disputed, read-only', async () => {
    const tx = await createTransaction();
    const staff = await createUser(env.deps, { role: 'support' });
    const st = await openClient(rt.port, staff.accessToken);
    expect(ackError(await st.ack('join_chat', { transactionId: tx.id }))).toMatchObject({ status: 404 });
    expect((await env.http.get(`/v1/transactions/${tx.id}/messages`).set(staff.auth)).status).toBe(404);
    await env.deps.db.updateTable('transactions').set({ status: 'disputed' }).where('id', '=', tx.id).execute();
    expect(okData(await st.ack('join_chat', { transactionId: tx.id }))).toEqual({ transactionId: tx.id });
    expect((await env.http.get(`/v1/transactions/${tx.id}/messages`).set(staff.auth)).status).toBe(200);
    expect(ackError(await st.ack('message', { transactionId: tx.id, content: 'hello' }))).toMatchObject({ status: 404 });
  });

  it('stops sending the chat to a staff socket once the dispute is decided, though it never left the room', async () => {
    const tx = await createTransaction();
    await env.deps.db.updateTable('transactions').set({ status: 'disputed' }).where('id', '=', tx.id).execute();
    const staff = await createUser(env.deps, { role: 'support' });
    const st = await openClient(rt.port, staff.accessToken);
    const b = await openClient(rt.port, buyer.accessToken);
    const s = await openClient(rt.port, seller.accessToken);
    for (const client of [st, b, s]) okData(await client.ack('join_chat', { transactionId: tx.id }));
    const say = (content: string) => env.http.post(`/v1/transactions/${tx.id}/messages`).set(seller.auth).send({ content });
    expect((await say('while disputed')).status).toBe(201);
    expect((await st.waitFor('new_message')).map((e) => (e.message as { content: string }).content)).toEqual(['while disputed']);

    // Decided (as the resolution leaves it): the chat is the parties' alone again.
    await env.deps.db.updateTable('transactions').set({ status: 'released' }).where('id', '=', tx.id).execute();
    expect((await say('after the decision')).status).toBe(201);
    await b.waitFor('new_message', 2);
    expect(st.events('new_message').map((e) => (e.message as { content: string }).content)).toEqual(['while disputed']);
    expect((await env.http.post(`/v1/transactions/${tx.id}/messages/read`).set(buyer.auth).send({})).status).toBe(200);
    await s.waitFor('messages_read');
    expect(st.events('messages_read')).toEqual([]);
  });

  it("audits a staff join like a staff read over REST (chat.viewed on the transaction); the parties' joins and a refused join are not", async () => {
    const tx = await createTransaction();
    const staff = await createUser(env.deps, { role: 'support' });
    const viewed = () =>
      env.deps.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'chat.viewed')
        .where('targetId', '=', tx.id)
        .orderBy('id')
        .execute();
    const st = await openClient(rt.port, staff.accessToken);
    const b = await openClient(rt.port, buyer.accessToken);
    expect(ackError(await st.ack('join_chat', { transactionId: tx.id }))).toMatchObject({ status: 404 });
    okData(await b.ack('join_chat', { transactionId: tx.id }));
    expect(await viewed()).toEqual([]);

    await env.deps.db.updateTable('transactions').set({ status: 'disputed' }).where('id', '=', tx.id).execute();
    okData(await st.ack('join_chat', { transactionId: tx.id }));
    expect(await viewed()).toEqual([
      expect.objectContaining({
        actorId: staff.id,
        action: 'chat.viewed',
        targetType: 'transaction',
        targetId: tx.id,
        details: { via: 'socket' },
      }),
    ]);
    // The REST read writes the same row shape, so the audit log shows both ways of reading alike.
    await env.http.get(`/v1/transactions/${tx.id}/messages`).set(staff.auth);
    expect((await viewed()).map((r) => [r.actorId, r.targetType])).toEqual([
      [staff.id, 'transaction'],
      [staff.id, 'transaction'],
    ]);
  });

  it('validates content: empty, over 2,000 characters, and oversized payloads', async () => {
    const tx = await createTransaction();
    const b = await openClient(rt.port, buyer.accessToken);
    expect(ackError(await b.ack('message', { transactionId: tx.id, content: '   ' }))).toMatchObject({
      status: 400,
      errors: [{ field: 'content' }],
    });
    expect(ackError(await b.ack('message', { transactionId: tx.id, content: 'x'.repeat(2001) }))).toMatchObject({
      status: 400,
      errors: [{ field: 'content' }],
    });
    expect(okData(await b.ack('message', { transactionId: tx.id, content: 'x'.repeat(2000) }))).toMatchObject({
      content: 'x'.repeat(2000),
    });
    expect(ackError(await b.ack('message', { transactionId: tx.id, content: 'x'.repeat(20_000) }))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    const rest = await env.http
      .post(`/v1/transactions/${tx.id}/messages`)
      .set(buyer.auth)
      .send({ content: 'x'.repeat(2001) });
    expect(rest.status).toBe(400);

    // Beyond the transport's 64 KB frame limit the server drops the connection.
    const gone = new Promise<string>((resolve) => b.socket.once('disconnect', resolve));
    b.socket.emit('message', { transactionId: tx.id, content: 'x'.repeat(70_000) });
    expect(await gone).toBe('transport close');
    const stored = await eventually(() =>
      env.deps.db.selectFrom('messages').select('content').where('transactionId', '=', tx.id).execute(),
    );
    expect(stored).toHaveLength(1);
  });
});
