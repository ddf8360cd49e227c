import { createUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

// Issue #10: the account link's return_url / refresh_url pointed at routes that did not exist.
let env: StripeTestEnv;
beforeAll(async () => {
  env = await createStripeTestEnv();
});
afterAll(async () => {
  await env.close();
});

/** The path + query of one of our absolute URLs, for supertest. */
const local = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** Opens the account link in a "browser": the stand-in finishes onboarding and redirects back to us. */
async function followLink(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

const sellerAccount = (userId: string) =>
  env.deps.db.selectFrom('sellerAccounts').selectAll().where('userId', '=', userId).executeTakeFirstOrThrow();

describe('Connect onboarding return and refresh URLs', () => {
  it('return_url: re-reads the account from Stripe at once and shows its state', async () => {
    const seller = await createUser(env.deps);
    const opened = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
    const accountId = opened.body.accountId as string;
    // The seller has not finished onboarding yet (as Stripe reports it), and our row says so.
    env.standIn.setAccountEnabled(accountId, false);
    const again = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
    expect(again.body).toMatchObject({ payoutsEnabled: false });
    expect(await sellerAccount(seller.id)).toMatchObject({ payoutsEnabled: false });

    const back = await followLink(again.body.onboardingUrl);
    expect(back).toMatch(/\/v1\/wallet\/onboarding\/return\?/);
    const res = await env.http.get(local(back));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accountId, payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true });
    expect(await sellerAccount(seller.id)).toMatchObject({ payoutsEnabled: true });
  });

  it('refresh_url: redirects to a fresh account link for the same account', async () => {
    const seller = await createUser(env.deps);
    const opened = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
    const back = new URL(await followLink(opened.body.onboardingUrl));
    const refresh = `/v1/wallet/onboarding/refresh${back.search}`;
    const res = await env.http.get(refresh);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/\/_standin\/connect\//);
    expect(res.headers.location).not.toBe(opened.body.onboardingUrl);
    // The fresh link works: it leads back to our return page for the same account.
    const next = await env.http.get(local(await followLink(res.headers.location)));
    expect(next.body).toMatchObject({ accountId: opened.body.accountId });
  });

  it('refuses a link that is not ours (403), naming why', async () => {
    const seller = await createUser(env.deps);
    const opened = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
    const back = new URL(await followLink(opened.body.onboardingUrl));
    const forged = new URLSearchParams(back.search);
    forged.set('sig', 'f'.repeat(64));
    const res = await env.http.get(`/v1/wallet/onboarding/refresh?${forged.toString()}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'invalid_onboarding_link' });
    const otherAccount = new URLSearchParams(back.search);
    otherAccount.set('account', 'acct_someone_else');
    expect((await env.http.get(`/v1/wallet/onboarding/return?${otherAccount.toString()}`)).status).toBe(403);
    expect((await env.http.get('/v1/wallet/onboarding/return')).status).toBe(400);
  });
});
