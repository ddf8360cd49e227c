import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { freePort } from '../../src/dev/local-services';
import { buyNowSale, ledgerOf, openWallet, payAndFund, simulateVerify, transfersOf, waitForStatus } from '../escrow/helpers';
import { closeAllClients, openClient } from '../realtime/realtime-support';
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, newPhone, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { insertZone } from '../safe-zones/support';

/**
 * The support console in a real browser (Debian's Chromium driven by playwright-core) against a
 * platform this file starts: api (serving the console build), realtime, workers and the Stripe
 * stand-in. Screenshots of each screen go to test-results/console/, or with UPDATE_SCREENSHOTS=1 to
 * docs/console/ (shown in the README), so a test run leaves the checkout as it found it.
 */
const ROOT = join(__dirname, '..', '..');
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'console') : join(ROOT, 'test-results', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CODE = '123456';

let env: StripeTestEnv;
let rt: RealtimeServer;
let browser: Browser;
let seller: TestUser;
let buyer: TestUser;
const supportPhone = newPhone();
const adminPhone = newPhone();
const plainPhone = newPhone();
const suspendedStaffPhone = newPhone();

/** The api serves console/dist; build it once when this checkout has none. */
function ensureConsoleBuild(): void {
  if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) return;
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'console/vite.config.mts'), '--logLevel', 'error'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`console build failed:\n${run.stdout}\n${run.stderr}`);
}

beforeAll(async () => {
  ensureConsoleBuild();
  mkdirSync(SHOTS, { recursive: true });
  const realtimePort = await freePort();
  const apiPort = await freePort();
  env = await createStripeTestEnv({
    apiPort,
    env: {
      // Stored photos (chat evidence) get absolute URLs on this api.
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      REALTIME_PORT: String(realtimePort),
      AUTH_TEST_PHONE_CODES: [supportPhone, adminPhone, plainPhone, suspendedStaffPhone].map((p) => `${p}:${CODE}`).join(','),
      DEV_STAFF_PHONES: `${supportPhone}:support,${adminPhone}:admin`,
      // A payout Stripe refuses once is listed as failing at once, and its next automatic attempt is
      // an hour away: the Retry on screen is what runs it again.
      MONEY_INTENT_FAILING_AFTER: '1',
      MONEY_INTENT_BACKOFF_BASE_MS: '3600000',
    },
  });
  rt = await startRealtime(await env.sibling(), realtimePort);
  [seller, buyer] = await Promise.all([
    createUser(env.deps, { displayName: 'Selma Seller' }),
    createUser(env.deps, { displayName: 'Bruno Buyer' }),
  ]);
  await openWallet(env, seller);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  closeAllClients();
  await browser?.close();
  await rt?.stop();
  await env?.close();
});

async function signedIn(phone: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${env.apiUrl}/console/`);
  await page.getByLabel('Phone number').fill(phone);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code').fill(CODE);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** A paid sale the buyer disputes through the API, with a chat message and an evidence photo. */
async function disputedSale() {
  const sale = await buyNowSale(env, seller, buyer, 10_000);
  const tx = await payAndFund(env, buyer, sale.id);
  const say = await env.http
    .post(`/v1/transactions/${tx.id}/messages`)
    .set(buyer.auth)
    .send({ content: 'The lens arrived scratched, photo attached.' });
  expect(say.status).toBe(201);
  // Evidence photos are image messages in the chat (SPEC §9), uploaded by the party.
  const photo = await QRCode.toBuffer('scratch', { scale: 4, margin: 1 });
  const posted = await env.http
    .post(`/v1/transactions/${tx.id}/messages/images`)
    .set(buyer.auth)
    .attach('image', photo, { filename: 'scratch.png', contentType: 'image/png' });
  expect(posted.status).toBe(201);
  const opened = await env.http
    .post(`/v1/transactions/${tx.id}/dispute`)
    .set(buyer.auth)
    .send({ reason: 'item_not_as_described', details: 'Deep scratch across the front element.' });
  expect(opened.status).toBe(201);
  return { tx, disputeId: opened.body.id as string };
}

describe('support console in Chromium', () => {
  it('support resolves a dispute with a partial refund: chat and evidence read, split shown, transaction, ledger and audit log agree', async () => {
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await page.getByText('● live').waitFor();
    // Opened while the queue is on screen: it appears through the staff room, not a reload or a poll.
    const { tx, disputeId } = await disputedSale();
    await page.getByRole('link', { name: 'Vintage road bike' }).first().waitFor({ timeout: 5_000 });
    await shot(page, 'dispute-queue');

    await page.goto(`${env.apiUrl}/console/disputes/${disputeId}`);
    await page.getByText('The lens arrived scratched, photo attached.').waitFor();
    const evidence = page.getByAltText('Evidence photo from the buyer');
    await evidence.waitFor();
    // The root tsconfig has no DOM types: the element is described by the two fields read.
    expect(await evidence.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0)).toBe(true);
    await shot(page, 'dispute-detail');

    await page.getByLabel('Refund part of it').check();
    await page.getByLabel('Refund to the buyer (CAD)').fill('100.00');
    await page.getByLabel('Note to the parties').fill('Partial refund for the scratch.');
    await page.getByRole('button', { name: 'Review the money split' }).click();
    await page.getByText(/Must be less than the sale amount/).waitFor();
    await page.getByLabel('Refund to the buyer (CAD)').fill('30.00');
    await page.getByRole('button', { name: 'Review the money split' }).click();
    // SPEC §1: the seller keeps 7000 − commission 420 − escrow fee 199.
    expect(await page.getByTestId('buyer-refund').textContent()).toBe('$30.00');
    expect(await page.getByTestId('seller-payout').textContent()).toBe('$63.81');
    await shot(page, 'dispute-resolve-confirm');
    await page.getByRole('button', { name: 'Confirm partial refund' }).click();
    await page.getByRole('heading', { name: 'Resolved' }).waitFor();

    const done = await eventually(async () => {
      const row = await env.deps.db.selectFrom('transactions').selectAll().where('id', '=', tx.id).executeTakeFirstOrThrow();
      return row.refundedCents === 3_000 ? row : undefined;
    }, 20_000);
    expect(done.refundedCents).toBe(3_000);
    const ledger = await eventually(async () => {
      const l = await ledgerOf(env.deps, tx.id);
      return l.movements.some((m) => m.type === 'refund') ? l : undefined;
    }, 20_000);
    expect(ledger.movements.every((m) => m.sum === 0)).toBe(true);
    const support = await env.deps.db.selectFrom('users').select('id').where('phoneNumber', '=', supportPhone).executeTakeFirstOrThrow();
    const resolved = await env.deps.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'dispute.resolved')
      .where('targetId', '=', disputeId)
      .execute();
    expect(resolved).toEqual([expect.objectContaining({ actorId: support.id })]);

    await page.reload();
    await page.getByTestId('refunded').getByText('$30.00').waitFor();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('dispute.resolved');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'dispute.resolved' }).first().waitFor();
    await shot(page, 'audit-log');

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Phone prefix or name').fill('Bruno');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Bruno Buyer' }).click();
    await page.getByRole('heading', { name: 'Latest transactions' }).waitFor();
    await shot(page, 'user-profile');
    await page.context().close();
  }, 120_000);

  it('a partial refund that leaves the seller exactly $0.00 after fees is offered and goes through (SPEC §1: only a negative payout is refused)', async () => {
    const { tx, disputeId } = await disputedSale();
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await page.goto(`${env.apiUrl}/console/disputes/${disputeId}`);
    await page.getByLabel('Refund part of it').check();
    // Seller keeps 212: commission 13 + escrow fee 199 take all of it.
    await page.getByLabel('Refund to the buyer (CAD)').fill('97.88');
    await page.getByLabel('Note to the parties').fill('Nearly all of it back.');
    await page.getByRole('button', { name: 'Review the money split' }).click();
    await page.getByTestId('seller-payout').waitFor();
    expect(await page.getByTestId('buyer-refund').textContent()).toBe('$97.88');
    expect(await page.getByTestId('seller-payout').textContent()).toBe('$0.00');
    await page.getByRole('button', { name: 'Confirm partial refund' }).click();
    await page.getByRole('heading', { name: 'Resolved' }).waitFor();
    const dispute = await env.deps.db.selectFrom('disputes').selectAll().where('id', '=', disputeId).executeTakeFirstOrThrow();
    expect(dispute).toMatchObject({ status: 'resolved', resolution: 'partial_refund', transactionId: tx.id });
    await page.context().close();
  }, 120_000);

  it('a decided case whose money is still on the way offers no staff message box (the server refuses it: 409 dispute_not_open)', async () => {
    const { tx, disputeId } = await disputedSale();
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    const support = await env.deps.db.selectFrom('users').select('id').where('phoneNumber', '=', supportPhone).executeTakeFirstOrThrow();
    // Decided, its release not yet run: the transaction is still `disputed` (as while a payout waits for the wallet).
    await env.deps.db
      .updateTable('disputes')
      .set({ status: 'resolved', resolution: 'release', resolutionNote: 'As described.', resolvedBy: support.id, resolvedAt: new Date() })
      .where('id', '=', disputeId)
      .execute();
    await page.goto(`${env.apiUrl}/console/disputes/${disputeId}`);
    await page.getByRole('heading', { name: 'Resolved' }).waitFor();
    expect((await env.deps.db.selectFrom('transactions').select('status').where('id', '=', tx.id).executeTakeFirstOrThrow()).status).toBe(
      'disputed',
    );
    expect(await page.getByLabel('Message both parties').isDisabled()).toBe(true);
    await page.context().close();
  }, 120_000);

  it('a release refused because a chargeback holds the funds shows the server’s reason, not “resolved meanwhile”', async () => {
    const { tx, disputeId } = await disputedSale();
    // The buyer's bank also charges back: the open party dispute absorbs it, the card network holds the 100.00.
    env.standIn.createDispute(tx.chargeId!);
    await eventually(async () => ((await ledgerOf(env.deps, tx.id)).movements.some((m) => m.type === 'chargeback') ? true : undefined), 20_000);
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await page.goto(`${env.apiUrl}/console/disputes/${disputeId}`);
    await page.getByLabel('Release to the seller').check();
    await page.getByLabel('Note to the parties').fill('Seller showed the handover.');
    await page.getByRole('button', { name: 'Review the money split' }).click();
    await page.getByRole('button', { name: 'Confirm release' }).click();
    await page.getByText(/The card issuer holds 10000 cents of this sale for a chargeback/).waitFor();
    expect(await page.getByText(/resolved or changed this dispute meanwhile/).count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it('a chargeback case is not offered a staff decision: the card issuer decides it, and the console says so', async () => {
    const sale = await buyNowSale(env, seller, buyer, 10_000);
    const tx = await payAndFund(env, buyer, sale.id);
    env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(env.deps, tx.id, 'disputed');
    const ours = await eventually(
      () =>
        env.deps.db
          .selectFrom('disputes')
          .selectAll()
          .where('transactionId', '=', tx.id)
          .where('source', '=', 'chargeback')
          .executeTakeFirst(),
      20_000,
    );
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await page.goto(`${env.apiUrl}/console/disputes/${ours.id}`);
    await page.getByRole('heading', { name: 'Money' }).waitFor();
    await page.getByText(/decided by the card issuer/).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('button', { name: 'Review the money split' }).count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it('support finds a case whose handover was flagged far from the zone, and the case shows where and how far', async () => {
    const { tx, disputeId } = await disputedSale();
    // What the QR verify stores for a scan 1.1 km from the accepted meetup's zone (test/meetups covers how).
    const at = { lat: 43.6632, lng: -79.3832 };
    await env.deps.db
      .updateTable('transactions')
      .set({ handoverLat: at.lat, handoverLng: at.lng, handoverDistanceM: 1112, handoverFlagged: true })
      .where('id', '=', tx.id)
      .execute();
    await env.deps.db
      .insertInto('transactionEvents')
      .values({
        transactionId: tx.id,
        type: 'handover_far_from_zone',
        actorId: seller.id,
        data: JSON.stringify({ distanceM: 1112, thresholdM: 500, safeZoneName: 'City Hall police desk', lat: at.lat, lng: at.lng }),
      })
      .execute();

    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await page.getByLabel('Handover').selectOption('true');
    const row = page.locator('tbody tr', { hasText: 'handover flagged' });
    await row.first().waitFor();
    // Only flagged cases are listed: the earlier tests' disputes are not.
    expect(await page.locator('tbody tr').count()).toBe(1);
    await row.getByRole('link', { name: 'Vintage road bike' }).click();
    const banner = page.getByRole('note', { name: 'Handover flagged' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('1,112 m from City Hall police desk (limit 500 m)');
    const flagged = page.locator('.timeline li.flag');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.textContent()).toContain('handover far from zone');
    expect(page.url()).toContain(disputeId);
    await shot(page, 'dispute-handover-flagged');
    await page.context().close();
  }, 120_000);

  it('an admin reaches safe zones past the first page of 100 with Load more', async () => {
    await Promise.all(
      Array.from({ length: 101 }, (_, i) =>
        insertZone(env.deps, { lat: 43.6 + i / 1000, lng: -79.4, name: `Paged zone ${String(i).padStart(3, '0')}` }),
      ),
    );
    const total = Number(
      (
        await env.deps.db
          .selectFrom('safeZones')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const page = await signedIn(adminPhone);
    await page.getByRole('link', { name: 'Safe zones' }).click();
    const rows = page.locator('table.grid tbody tr');
    await rows.nth(99).waitFor();
    expect(await rows.count()).toBe(100);
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(total - 1).waitFor();
    expect(await rows.count()).toBe(total);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it('keeps the session when /users/me answers a transient 5xx or fails on the network, and retries', async () => {
    const page = await signedIn(supportPhone);
    await page.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    let failure: 'server' | 'network' | null = 'server';
    await page.route('**/v1/users/me', (route) => {
      if (failure === 'network') return route.abort('connectionreset');
      if (failure === 'server')
        return route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            code: 'unavailable',
            detail: 'Restarting.',
          }),
        });
      return route.continue();
    });
    // A reload during a deploy: the session must survive, on the page the agent was on.
    await page.goto(`${env.apiUrl}/console/users`);
    await page.getByRole('heading', { name: 'Cannot reach the server' }).waitFor();
    expect(await page.getByLabel('Phone number').count()).toBe(0);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('biddt.console.tokens'),
      ),
    ).not.toBeNull();
    await shot(page, 'server-unreachable');
    failure = 'network';
    const failed = page.waitForEvent('requestfailed', (r) => new URL(r.url()).pathname === '/v1/users/me');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await failed;
    // The retry has settled (the button is back) and the console still holds the session.
    await page.getByRole('button', { name: 'Retry now' }).waitFor();
    await page.getByRole('heading', { name: 'Cannot reach the server' }).waitFor();
    expect(await page.getByLabel('Phone number').count()).toBe(0);
    failure = null;
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/users');
    // The server's verdict on the session still signs out: a 401 the refresh cannot fix.
    await page.unroute('**/v1/users/me');
    await page.route('**/v1/users/me', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, code: 'session_revoked', detail: 'Signed out.' }),
      }),
    );
    await page.reload();
    await page.getByLabel('Phone number').waitFor();
    await page.context().close();
  }, 60_000);

  it('refuses a plain user after sign-in with a clear page', async () => {
    const page = await signedIn(plainPhone);
    await page.getByRole('heading', { name: 'This console is for Biddt staff' }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await shot(page, 'refused');
    await page.context().close();
  }, 60_000);

  it('refuses a suspended support member like a plain user: their session has no staff powers', async () => {
    const admin = await createUser(env.deps, { role: 'admin' });
    const agent = await createUser(env.deps, { role: 'support', phone: suspendedStaffPhone, displayName: 'Sid Suspended' });
    expect(
      (await env.http.post(`/v1/admin/users/${agent.id}/suspend`).set(admin.auth).send({ reason: 'Leaked a buyer address' })).status,
    ).toBe(200);
    const page = await signedIn(suspendedStaffPhone);
    await page.getByRole('heading', { name: 'This console is for Biddt staff' }).waitFor();
    await page.getByText('is suspended').waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('an admin takes a listing down and a watcher hears it on their socket; safe zones and categories render', async () => {
    const watcher = await createUser(env.deps, { displayName: 'Walt Watcher' });
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Suspicious camera' });
    expect((await env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth)).status).toBeLessThan(300);
    const socket = await openClient(rt.port, watcher.accessToken);

    const page = await signedIn(adminPhone);
    await page.getByRole('link', { name: 'Listings' }).click();
    await page.getByLabel('Listing id').fill(listing.id);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: 'Suspicious camera' }).waitFor();
    await page.getByRole('button', { name: 'Take down' }).click();
    await page.getByText('Say why').waitFor();
    await page.getByLabel('Reason for the takedown').fill('Stolen goods report');
    await page.getByRole('button', { name: 'Take down' }).click();
    await page.getByText(/Taken down\. Told 0 bidder\(s\) and 1 watcher\(s\)/).waitFor();
    await page.getByTestId('listing-status').getByText('cancelled').waitFor();
    await shot(page, 'listing-takedown');

    const [event] = await socket.waitFor('notification', 1, undefined, 15_000);
    expect(event).toMatchObject({ notification: expect.objectContaining({ type: 'listing_cancelled', data: { listingId: listing.id } }) });

    await page.getByRole('link', { name: 'Safe zones' }).click();
    await page.getByRole('button', { name: 'Add zone' }).click();
    await page.getByText('Between -90 and 90').waitFor();
    await shot(page, 'safe-zones');
    await page.getByRole('link', { name: 'Categories' }).click();
    await page.getByRole('cell', { name: 'bikes', exact: true }).waitFor();
    await page.getByLabel('Slug', { exact: true }).fill('bikes');
    await page.getByLabel('Name', { exact: true }).fill('Bikes again');
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByText('already exists').waitFor();
    await shot(page, 'categories');
    // An add clears the form and lists the row; its link deactivates it (the shared form of admin-form.tsx).
    const slug = `lamps-${Math.random().toString(36).slice(2, 8)}`;
    await page.getByLabel('Slug', { exact: true }).fill(slug);
    await page.getByLabel('Name', { exact: true }).fill(`Lamps ${slug}`);
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByRole('cell', { name: slug, exact: true }).waitFor();
    expect(await page.getByLabel('Slug', { exact: true }).inputValue()).toBe('');
    await page.getByRole('button', { name: `Deactivate Lamps ${slug}` }).click();
    await page.getByRole('button', { name: `Reactivate Lamps ${slug}` }).waitFor();

    const tablet = await signedIn(adminPhone, 820);
    await tablet.getByRole('heading', { name: /Dispute queue/ }).waitFor();
    await shot(tablet, 'dispute-queue-tablet');
    await tablet.context().close();
    await page.context().close();
  }, 120_000);

  it('support sees a payout Stripe keeps refusing under Money jobs and re-runs it once Stripe is back', async () => {
    const sale = await buyNowSale(env, seller, buyer, 5_000);
    const tx = await payAndFund(env, buyer, sale.id);
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit', times: 100_000 });
    try {
      await simulateVerify(env.deps, tx.id);
      await eventually(async () => {
        const intent = await env.deps.db.selectFrom('moneyIntents').selectAll().where('key', '=', `release-${tx.id}`).executeTakeFirst();
        // Past the job's own quick retries: from here only the sweep (an hour away) or staff run it again.
        return intent?.status === 'failing' && intent.attempts >= 3 ? intent : undefined;
      }, 30_000);
    } finally {
      env.standIn.clearFaults();
    }

    const page = await signedIn(supportPhone);
    await page.getByRole('link', { name: 'Money jobs' }).click();
    const row = page.locator('tr', { hasText: tx.id.slice(0, 8) });
    await row.getByTestId('money-job-status').getByText('failing').waitFor();
    await shot(page, 'money-jobs');

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('status').getByText('Queued again').waitFor();
    await waitForStatus(env.deps, tx.id, 'released');
    expect(transfersOf(env, tx.id)).toHaveLength(1);
    await page.getByLabel('Status').selectOption('succeeded');
    await page
      .locator('tr', { hasText: tx.id.slice(0, 8) })
      .getByTestId('money-job-status')
      .getByText('succeeded')
      .waitFor();
    const audit = await env.deps.db.selectFrom('auditLog').selectAll().where('action', '=', 'money_job.retried').execute();
    expect(audit).toHaveLength(1);
    await page.context().close();
  }, 120_000);
});
