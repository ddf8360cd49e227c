import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

const HOUR = 3600_000;

/** A valid auction draft body; override any field. */
export function draftBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Vintage road bike',
    description: 'Steel frame, new tyres.',
    category: 'bikes',
    condition: 'good',
    auctionType: 'both',
    startingPriceCents: 5000,
    reservePriceCents: 8000,
    buyNowPriceCents: 15000,
    endsAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    location: { lat: 45.5019, lng: -73.5674, name: 'Plateau, Montréal' },
    ...overrides,
  };
}

/** Creates a draft through the API and answers its body (fails the test on anything but 201). */
export async function createDraft(env: TestEnv, user: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await env.http.post('/v1/listings').set(user.auth).send(draftBody(overrides));
  if (res.status !== 201) throw new Error(`create draft: ${res.status} ${res.text}`);
  return res.body as { id: string } & Record<string, unknown>;
}

/** Creates and publishes a listing; answers the published body. */
export async function createPublished(env: TestEnv, user: TestUser, overrides: Record<string, unknown> = {}) {
  const draft = await createDraft(env, user, overrides);
  const res = await env.http.post(`/v1/listings/${draft.id}/publish`).set(user.auth);
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${res.text}`);
  return res.body as { id: string } & Record<string, unknown>;
}

/** Env vars for listing tests: a private upload directory. */
export const listingEnv = (extra: Record<string, string> = {}) => ({ STORAGE_DIR: mkdtempSync(join(tmpdir(), 'biddt-uploads-')), ...extra });

/** Problem fields, for asserting that a 4xx names the right field. */
export const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field).sort();

export interface ListingSeller {
  env: TestEnv;
  seller: TestUser;
}

/**
 * Registers `beforeAll`/`afterAll` for the file: a test env with its own upload folder and one seller (read the
 * fields inside tests and hooks; they are set once `beforeAll` has run).
 */
export function useListingSeller(): ListingSeller {
  const ctx = {} as ListingSeller;
  beforeAll(async () => {
    ctx.env = await createTestEnv(listingEnv());
    ctx.seller = await createUser(ctx.env.deps);
  });
  afterAll(() => ctx.env.close());
  return ctx;
}

/**
 * Runs `work` while the database refuses every listing insert of `sellerId` (a trigger), as an outage
 * between the checks and the insert would: the request fails after the listing budget was spent.
 */
export async function whileDraftsRefused(env: TestEnv, sellerId: string, work: () => Promise<void>): Promise<void> {
  const db = env.deps.db;
  await sql`CREATE FUNCTION refuse_drafts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'drafts refused for the test'; END $$`.execute(db);
  await sql`CREATE TRIGGER refuse_drafts BEFORE INSERT ON listings FOR EACH ROW
    WHEN (NEW.seller_id = ${sql.lit(sellerId)}::uuid) EXECUTE FUNCTION refuse_drafts()`.execute(db);
  try {
    await work();
  } finally {
    await sql`DROP TRIGGER refuse_drafts ON listings`.execute(db);
    await sql`DROP FUNCTION refuse_drafts()`.execute(db);
  }
}
