import { formattersFor, renderText, sendNotification } from '../../src/modules/notifications';
import { localeFromAcceptLanguage } from '../../src/shared/locale';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import { createTestEnv, createUser, newPhone, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem, lastCodeFor } from '../support/http';

/** Records every push so the test reads the text a phone would show. */
class RecordingPush implements PushSender {
  readonly sent: PushMessage[] = [];
  async send(message: PushMessage): Promise<PushOutcome> {
    this.sent.push(message);
    return 'sent';
  }
}

const NBSP = '\u00a0';
let env: TestEnv;
const push = new RecordingPush();

beforeAll(async () => {
  env = await createTestEnv({}, { push });
});
afterAll(() => env.close());

async function signUp(acceptLanguage?: string) {
  const phone = newPhone();
  let send = env.http.post('/v1/auth/phone/send-code');
  if (acceptLanguage) send = send.set('Accept-Language', acceptLanguage);
  expect((await send.send({ phoneNumber: phone })).status).toBe(202);
  let verify = env.http.post('/v1/auth/phone/verify');
  if (acceptLanguage) verify = verify.set('Accept-Language', acceptLanguage);
  const res = await verify.send({ phoneNumber: phone, code: lastCodeFor(env.sms, phone) });
  expect(res.status).toBe(200);
  return { phone, res };
}

async function userIn(locale: 'en' | 'fr'): Promise<TestUser> {
  const user = await createUser(env.deps);
  expect((await env.http.patch('/v1/users/me').set(user.auth).send({ locale })).status).toBe(200);
  const token = `token-${locale}-${user.id}`;
  expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'ios' })).status).toBe(200);
  return user;
}

const won = (user: TestUser, dedupeKey: string) => ({
  userId: user.id,
  type: 'won' as const,
  dedupeKey,
  text: { key: 'won' as const, params: { listingTitle: 'Lampe', priceCents: 107_500, paymentDeadlineSec: 172_800 } },
  data: { listingId: 'l1' },
});

describe('the user locale', () => {
  it('is set from Accept-Language at sign-up (English when absent or unsupported), and the code is texted in it', async () => {
    const fr = await signUp('fr-CA,fr;q=0.9,en;q=0.8');
    expect(fr.res.body.user.locale).toBe('fr');
    const frText = [...env.sms.sent].reverse().find((m) => m.to === fr.phone)!.body;
    expect(frText).toMatch(/^Votre code Biddt est \d{6}\. Il expire dans 5 minutes\.$/);

    expect((await signUp()).res.body.user.locale).toBe('en');
    expect((await signUp('de-DE, fr;q=0.5')).res.body.user.locale).toBe('fr');
    expect((await signUp('de-DE')).res.body.user.locale).toBe('en');
    expect(localeFromAcceptLanguage('fr;q=0.4, en-CA;q=0.7')).toBe('en');
    expect(localeFromAcceptLanguage('fr;q=0, en')).toBe('en');
  });

  it('is editable on the profile; an unknown language is a problem naming the field', async () => {
    const user = await createUser(env.deps);
    const bad = await env.http.patch('/v1/users/me').set(user.auth).send({ locale: 'de' });
    expectProblem(bad, 400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'locale' })]);
    const ok = await env.http.patch('/v1/users/me').set(user.auth).send({ locale: 'fr' });
    expect(ok.status).toBe(200);
    expect(ok.body.locale).toBe('fr');
    expect((await env.http.get('/v1/users/me').set(user.auth)).body.locale).toBe('fr');
  });
});

describe('notification texts per locale', () => {
  it('formats prices the Canadian way of each language', () => {
    expect(formattersFor('en').price(107_500)).toBe('$1,075.00');
    // fr-CA: no-break spaces as the thousands separator and before the sign (Node 20's ICU writes U+00A0).
    expect(formattersFor('fr').price(107_500)).toBe(`1${NBSP}075,00${NBSP}$`);
    expect(formattersFor('fr').price(5)).toBe(`0,05${NBSP}$`);
  });

  it('writes the in-app row, the push and the SMS in the French user’s language', async () => {
    const user = await userIn('fr');
    expect(await sendNotification(env.deps, won(user, 'fr-won'))).toBe('sent');
    const row = await env.deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', 'fr-won').executeTakeFirstOrThrow();
    const body = `Vous avez remporté «${NBSP}Lampe${NBSP}» pour 1${NBSP}075,00${NBSP}$. Payez d’ici 48 heures.`;
    expect(row.title).toBe(`Vous avez gagné${NBSP}!`);
    expect(row.body).toBe(body);
    expect(push.sent.find((m) => m.token === `token-fr-${user.id}`)).toMatchObject({ title: `Vous avez gagné${NBSP}!`, body });
    expect(env.sms.sent.filter((m) => m.to === user.phone).map((m) => m.body)).toEqual([`Biddt${NBSP}: ${body}`]);
    const listed = await env.http.get('/v1/notifications').set(user.auth);
    expect(listed.body.items[0]).toMatchObject({ title: `Vous avez gagné${NBSP}!`, body });
  });

  it('writes them in English for an English user', async () => {
    const user = await userIn('en');
    await sendNotification(env.deps, won(user, 'en-won'));
    const body = 'You won "Lampe" for $1,075.00. Pay within 48 hours.';
    const row = await env.deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', 'en-won').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: 'You won!', body });
    expect(push.sent.find((m) => m.token === `token-en-${user.id}`)).toMatchObject({ title: 'You won!', body });
    expect(env.sms.sent.filter((m) => m.to === user.phone).map((m) => m.body)).toEqual([`Biddt: ${body}`]);
  });

  it('dates the payment reminder in the locale', () => {
    const params = { paymentDueAt: '2026-12-03T14:05:00.000Z', amountCents: 2_500 };
    expect(renderText('en', { key: 'payment_due', params }).body).toBe(
      'Pay for your purchase ($25.00) by Dec 3, 2026, 2:05 p.m. UTC or it will be cancelled.',
    );
    expect(renderText('fr', { key: 'payment_due', params }).body).toBe(
      `Payez votre achat (25,00${NBSP}$) avant le 3 déc. 2026, 14 h 05 UTC, sinon il sera annulé.`,
    );
  });

  it('refuses to render a text whose parameters do not fit it', () => {
    expect(() => renderText('fr', { key: 'won', params: { listingTitle: 'Lampe' } })).toThrow();
  });
});
