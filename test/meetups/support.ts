import type { Transaction } from '../../db/schema';
import type { TestEnv, TestUser } from '../support/harness';
import { insertZone } from '../safe-zones/support';

/** Toronto City Hall and a zone there (the handover checks measure from it). */
export const CITY_HALL = { lat: 43.6532, lng: -79.3832 };

export const inMinutes = (min: number, from = Date.now()) => new Date(from + min * 60_000);

export const zoneAt = (env: TestEnv, at = CITY_HALL, active = true) => insertZone(env.deps, { ...at, active, name: `Zone ${Math.random()}` });

export const propose = (env: TestEnv, user: TestUser, txId: string, body: Record<string, unknown>) =>
  env.http.post(`/v1/transactions/${txId}/meetup`).set(user.auth).send(body);

export const accept = (env: TestEnv, user: TestUser, txId: string) => env.http.post(`/v1/transactions/${txId}/meetup/accept`).set(user.auth).send();

/** The transaction's timeline entries of one type, oldest first. */
export async function timeline(env: TestEnv, txId: string, type: string) {
  const rows = await env.deps.db.selectFrom('transactionEvents').selectAll().where('transactionId', '=', txId).where('type', '=', type).orderBy('id').execute();
  return rows.map((r) => ({ ...r, data: r.data as Record<string, unknown> }));
}

export const meetupRows = (env: TestEnv, txId: string) =>
  env.deps.db.selectFrom('meetups').selectAll().where('transactionId', '=', txId).orderBy('createdAt').execute();

/** Proposes as `proposer` and accepts as `accepter`; answers the accepted meetup's id. */
export async function arranged(env: TestEnv, tx: Transaction, proposer: TestUser, accepter: TestUser, zoneId: string, startsAt: Date): Promise<string> {
  const p = await propose(env, proposer, tx.id, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });
  if (p.status !== 201) throw new Error(`propose: ${p.status} ${JSON.stringify(p.body)}`);
  const a = await accept(env, accepter, tx.id);
  if (a.status !== 200) throw new Error(`accept: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body.id as string;
}
