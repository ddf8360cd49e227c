import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, SecondChanceOffer, SecondChanceStatus } from '../../../db/schema';
import { biddingSuspendedUntil } from '../users';

type Reader = Kysely<Database> | Trx;

/** The runner-up of a listing: a bidder with their highest live maximum. */
export interface RunnerUp {
  bidderId: string;
  maxAmountCents: number;
}

/** The only Kysely code for `second_chance_offers` (and the read-only look at bids it starts from). */
export const offersRepository = {
  /**
   * The bidder with the highest live maximum on the listing (ties: the earlier bid, as the engine
   * breaks them), leaving out everyone who already had the item — a buyer of any sale of this listing,
   * or a bidder already offered it — and accounts deleted or suspended since, or barred from buying by
   * their non-payment strikes (SPEC §9): such a bidder would be refused at accept, and the unpaid sale's
   * one offer spent on them would leave the seller no runner-up to offer it to.
   */
  async runnerUp(trx: Trx, listingId: string): Promise<RunnerUp | undefined> {
    return trx
      .selectFrom('bids as b')
      .innerJoin('users as u', 'u.id', 'b.bidderId')
      .select(['b.bidderId', 'b.maxAmountCents'])
      .where('b.listingId', '=', listingId)
      .where('b.status', '=', 'active')
      .where('u.deletedAt', 'is', null)
      .where('u.suspendedAt', 'is', null)
      .where(biddingSuspendedUntil(sql.ref<string>('u.id')), 'is', null)
      .where('b.bidderId', 'not in', (eb) => eb.selectFrom('transactions').select('buyerId').where('listingId', '=', listingId))
      .where('b.bidderId', 'not in', (eb) => eb.selectFrom('secondChanceOffers').select('bidderId').where('listingId', '=', listingId))
      .orderBy('b.maxAmountCents', 'desc')
      .orderBy('b.seq', 'asc')
      .limit(1)
      .executeTakeFirst();
  },

  /** Inserts the offer unless the unpaid sale already has one (then undefined: offering twice is a 409). */
  async insert(
    trx: Trx,
    offer: Pick<SecondChanceOffer, 'listingId' | 'unpaidTransactionId' | 'sellerId' | 'bidderId' | 'amountCents'>,
    windowSec: number,
  ): Promise<SecondChanceOffer | undefined> {
    return trx
      .insertInto('secondChanceOffers')
      .values({ ...offer, expiresAt: sql<Date>`now() + make_interval(secs => ${windowSec})` })
      .onConflict((oc) => oc.column('unpaidTransactionId').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async findById(db: Reader, id: string): Promise<SecondChanceOffer | undefined> {
    return db.selectFrom('secondChanceOffers').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** `SELECT … FOR UPDATE`, with whether it is past its acceptance window by the database clock. */
  async lock(trx: Trx, id: string): Promise<(SecondChanceOffer & { lapsed: boolean }) | undefined> {
    return trx
      .selectFrom('secondChanceOffers')
      .selectAll()
      .select(sql<boolean>`expires_at <= now()`.as('lapsed'))
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  /** Records the answer of a pending offer (the caller holds its lock and checked it is pending). */
  async decide(
    trx: Trx,
    id: string,
    status: Exclude<SecondChanceStatus, 'pending'>,
    transactionId: string | null = null,
  ): Promise<SecondChanceOffer> {
    return trx
      .updateTable('secondChanceOffers')
      .set({ status, transactionId, decidedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};

/** The second-chance offers the user made (as seller) or received (as runner-up), for a privacy access request. */
export async function secondChanceOffersOf(db: Reader, userId: string): Promise<SecondChanceOffer[]> {
  return db
    .selectFrom('secondChanceOffers')
    .selectAll()
    .where((eb) => eb.or([eb('bidderId', '=', userId), eb('sellerId', '=', userId)]))
    .orderBy('createdAt')
    .execute();
}

/**
 * Whether the seller has an offer the runner-up may still accept (its account deletion waits for the
 * answer). One past its window counts no more, even before the expiry job has marked it: it cannot be accepted.
 */
export async function sellerHasPendingOffer(db: Reader, sellerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('secondChanceOffers')
    .select('id')
    .where('sellerId', '=', sellerId)
    .where('status', '=', 'pending')
    .where('expiresAt', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}
