import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { createTransaction } from '../escrow-handover/support';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';
import { ackError, closeAllClients, okData, openClient } from './realtime-support';

/**
 * A chat message sent over a socket is the same action as POST /transactions/:id/messages, so it spends
 * the same per-user API budget (SPEC §4: API 100/min per user; 5 here): opening more sockets, or
 * switching between REST and socket, does not buy a user more messages.
 */
const BUDGET = 5;
let env: TestEnv;
let rt: RealtimeServer;

beforeAll(async () => {
  env = await createTestEnv({ RATE_LIMIT_API_PER_USER_PER_MIN: String(BUDGET) });
  rt = await startRealtime(await env.sibling(), 0);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await env.close();
});

describe('socket message and the per-user API budget', () => {
  it('counts socket messages with REST requests, across sockets, and refuses the one past the budget with 429', async () => {
    const [buyer, seller] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    const tx = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id });
    const first = await openClient(rt.port, buyer.accessToken);
    const second = await openClient(rt.port, buyer.accessToken);
    const say = (socket: typeof first, n: number) => socket.ack('message', { transactionId: tx.id, content: `message ${n}` });

    expect((await env.http.post(`/v1/transactions/${tx.id}/messages`).set(buyer.auth).send({ content: 'message 0' })).status).toBe(201);
    for (let n = 1; n < BUDGET; n += 1) okData(await say(n % 2 ? first : second, n));
    expect(ackError(await say(second, BUDGET))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await env.http.post(`/v1/transactions/${tx.id}/messages`).set(buyer.auth).send({ content: 'one more' })).status).toBe(429);

    const stored = await env.deps.db.selectFrom('messages').select('content').where('transactionId', '=', tx.id).execute();
    expect(stored).toHaveLength(BUDGET);
    // The other party's budget is their own.
    const sellerSocket = await openClient(rt.port, seller.accessToken);
    okData(await sellerSocket.ack('message', { transactionId: tx.id, content: 'seen, thanks' }));
  });
});
