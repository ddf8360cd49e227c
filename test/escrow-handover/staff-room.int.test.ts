import { startRealtime, type RealtimeServer } from '../../realtime/io';
import type { RunningWorkers } from '../../workers/workers';
import { withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { ackError, closeAllClients, okData, openClient } from '../realtime/realtime-support';
import { createTransaction } from './support';

let env: TestEnv;
let rt: RealtimeServer;
let workers: RunningWorkers;
let buyer: TestUser;
let seller: TestUser;
let support: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [rt, workers] = await Promise.all([startRealtime(await env.sibling(), 0), withWorkers(await env.sibling())]);
  [buyer, seller, support, stranger] = await Promise.all([
    createUser(env.deps),
    createUser(env.deps),
    createUser(env.deps, { role: 'support' }),
    createUser(env.deps),
  ]);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await workers.stop();
  await env.close();
});

describe('staff in the transaction room (SPEC §6: once a dispute is open)', () => {
  it('keeps staff out before the dispute, lets them in and hear the chat after it, never lets them post', async () => {
    const tx = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id });
    const staff = await openClient(rt.port, support.accessToken);
    expect(ackError(await staff.ack('join_chat', { transactionId: tx.id }))).toMatchObject({ status: 404 });
    expectProblem(await env.http.get(`/v1/transactions/${tx.id}/messages`).set(support.auth), 404);

    expect(
      (await env.http.post(`/v1/transactions/${tx.id}/dispute`).set(buyer.auth).send({ reason: 'damaged', details: 'Dented.' })).status,
    ).toBe(201);
    expect(okData(await staff.ack('join_chat', { transactionId: tx.id }))).toEqual({ transactionId: tx.id });
    const other = await openClient(rt.port, stranger.accessToken);
    expect(ackError(await other.ack('join_chat', { transactionId: tx.id }))).toMatchObject({ status: 404 });

    const sent = await env.http.post(`/v1/transactions/${tx.id}/messages`).set(buyer.auth).send({ content: 'Here is the dent.' });
    expect(sent.status).toBe(201);
    const [heard] = await staff.waitFor('new_message');
    expect(heard).toMatchObject({ transactionId: tx.id, message: { content: 'Here is the dent.' } });
    const history = await env.http.get(`/v1/transactions/${tx.id}/messages`).set(support.auth);
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: { content: string }) => m.content)).toEqual(['Here is the dent.']);

    expectProblem(await env.http.post(`/v1/transactions/${tx.id}/messages`).set(support.auth).send({ content: 'Support here' }), 404);
    expect(ackError(await staff.ack('message', { transactionId: tx.id, content: 'Support here' }))).toMatchObject({ status: 404 });
  });
});
