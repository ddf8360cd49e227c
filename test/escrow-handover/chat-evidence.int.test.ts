import QRCode from 'qrcode';
import { createTransaction } from './support';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

/**
 * Evidence photos (SPEC §9): a party posts a photo to the transaction chat as an image message; the
 * other party and support see it in the chat, the URL serves the bytes, and nobody else may post.
 */
let env: StripeTestEnv;
let buyer: TestUser;
let seller: TestUser;
let stranger: TestUser;
let png: Buffer;

beforeAll(async () => {
  env = await createStripeTestEnv({ workers: false });
  [buyer, seller, stranger] = await Promise.all([createUser(env.deps), createUser(env.deps), createUser(env.deps)]);
  png = await QRCode.toBuffer('scratch', { scale: 2 });
});
afterAll(async () => {
  await env.close();
});

const upload = (user: TestUser, txId: string, bytes: Buffer, filename = 'scratch.png') =>
  env.http.post(`/v1/transactions/${txId}/messages/images`).set(user.auth).attach('image', bytes, { filename, contentType: 'image/png' });

describe('POST /v1/transactions/:id/messages/images', () => {
  it('a party posts a photo: an image message the other party reads, served from its URL', async () => {
    const tx = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, status: 'in_escrow' });
    const res = await upload(buyer, tx.id, png);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'image', senderId: buyer.id, content: expect.stringMatching(/\/uploads\/chat\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.png$/) });

    const chat = await env.http.get(`/v1/transactions/${tx.id}/messages`).set(seller.auth);
    expect(chat.body.items).toEqual([expect.objectContaining({ id: res.body.id, type: 'image', content: res.body.content })]);
    const served = await env.http.get(new URL(res.body.content as string).pathname).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, png)).toBe(0);
    // The other party is told, as for a text message.
    const outbox = await env.deps.db.selectFrom('outbox').select('payload').execute();
    expect(JSON.stringify(outbox.map((o) => o.payload))).toContain(res.body.id as string);
  });

  it('refuses anyone but the parties (404), a missing file (400 naming image), and a file that is not an image (422)', async () => {
    const tx = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, status: 'in_escrow' });
    expectProblem(await upload(stranger, tx.id, png), 404);
    const missing = await env.http.post(`/v1/transactions/${tx.id}/messages/images`).set(buyer.auth).field('note', 'no file');
    expectProblem(missing, 400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'image' })]);
    const text = await upload(seller, tx.id, Buffer.from('not a photo at all'), 'evil.png');
    expectProblem(text, 422, 'unsupported_image_type');
    expect(text.body.errors).toEqual([expect.objectContaining({ field: 'image' })]);
    expect(await env.deps.db.selectFrom('messages').select('id').where('transactionId', '=', tx.id).execute()).toEqual([]);
    expect((await env.http.post(`/v1/transactions/${tx.id}/messages/images`).attach('image', png, 'x.png')).status).toBe(401);
  });
});
