import { formattersFor } from '../../src/modules/notifications';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, openWallet, waitForStatus } from '../escrow/helpers';

let env: StripeTestEnv;
let seller: TestUser;

// Payment is due 2 s after the sale, so the deadline passes during the test.
beforeAll(async () => {
  env = await createStripeTestEnv({ env: { PAYMENT_DEADLINE_SEC: '2' } });
  seller = await createUser(env.deps);
  await openWallet(env, seller);
});
afterAll(() => env.close());

const rowsOf = (userId: string) => env.deps.db.selectFrom('notifications').select(['type', 'title', 'body', 'dedupeKey']).where('userId', '=', userId).execute();

describe('notification types', () => {
  it('spells the configured payment deadline, in each language', () => {
    const { duration } = formattersFor('en');
    expect(duration(172_800)).toBe('48 hours');
    expect(duration(3600)).toBe('1 hour');
    expect(duration(5400)).toBe('90 minutes');
    expect(duration(14 * 86_400)).toBe('14 days');
    expect(duration(2)).toBe('2 seconds');
    expect(formattersFor('fr').duration(172_800)).toBe('48 heures');
    expect(formattersFor('fr').duration(60)).toBe('1 minute');
  });

  it('tells the winner the configured deadline, and types a missed payment as its own kinds, not texted as payment_due', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    await waitForStatus(env.deps, tx.id, 'cancelled', 10_000);

    const buyerRows = await eventually(async () => {
      const rows = await rowsOf(buyer.id);
      return rows.some((r) => r.type === 'purchase_cancelled') && rows.some((r) => r.type === 'won') ? rows : undefined;
    });
    const won = buyerRows.find((r) => r.type === 'won')!;
    expect(won.body).toContain('Pay within 2 seconds.');
    expect(won.body).not.toContain('48 hours');
    const cancelled = buyerRows.find((r) => r.type === 'purchase_cancelled')!;
    expect(cancelled.dedupeKey).toBe(`payment-deadline-${tx.id}-buyer`);
    expect(buyerRows.filter((r) => r.dedupeKey.startsWith('payment-deadline')).map((r) => r.type)).toEqual(['purchase_cancelled']);

    const sellerRows = await eventually(async () => {
      const rows = await rowsOf(seller.id);
      return rows.some((r) => r.dedupeKey === `payment-deadline-${tx.id}-seller`) ? rows : undefined;
    });
    expect(sellerRows.find((r) => r.dedupeKey === `payment-deadline-${tx.id}-seller`)!.type).toBe('buyer_did_not_pay');

    // Delivered (push done) and not texted: a cancellation is not one of the texted types.
    await eventually(() =>
      env.deps.db.selectFrom('notifications').select('id').where('dedupeKey', '=', `payment-deadline-${tx.id}-buyer`).where('deliveredAt', 'is not', null).executeTakeFirst(),
    );
    expect(env.sms.sent.some((m) => m.to === buyer.phone && m.body.includes(cancelled.body))).toBe(false);
    expect(env.sms.sent.some((m) => m.to === buyer.phone && m.body.includes('Pay within 2 seconds.'))).toBe(true);
  });
});
