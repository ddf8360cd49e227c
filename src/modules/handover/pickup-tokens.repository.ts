import { sql } from 'kysely';
import type { Trx } from '../../../db/connection';

/** The only Kysely code for pickup tokens. Tokens are stored as SHA-256 hashes, never in clear. */
export const pickupTokensRepository = {
  /** Voids every live (unused, unvoided, unexpired) token of the transaction. */
  async voidLive(trx: Trx, transactionId: string): Promise<number> {
    const result = await trx
      .updateTable('pickupTokens')
      .set({ voidedAt: sql<Date>`now()` })
      .where('transactionId', '=', transactionId)
      .where('usedAt', 'is', null)
      .where('voidedAt', 'is', null)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  /** Stores a new token's hash, valid `ttlSec` from the database's clock (the one redemption checks). */
  async insert(trx: Trx, t: { transactionId: string; buyerId: string; tokenHash: string; ttlSec: number }) {
    return trx
      .insertInto('pickupTokens')
      .values({
        transactionId: t.transactionId,
        buyerId: t.buyerId,
        tokenHash: t.tokenHash,
        expiresAt: sql<Date>`now() + make_interval(secs => ${t.ttlSec})`,
      })
      .returning(['id', 'expiresAt'])
      .executeTakeFirstOrThrow();
  },

  /**
   * Redeems a token in ONE conditional UPDATE: it succeeds for exactly one caller, and only for a live
   * token of this transaction and its buyer. Anything else (unknown, expired, used, voided, another
   * transaction's) returns undefined, indistinguishably.
   */
  async consume(trx: Trx, t: { tokenHash: string; transactionId: string; buyerId: string }) {
    return trx
      .updateTable('pickupTokens')
      .set({ usedAt: sql<Date>`now()` })
      .where('tokenHash', '=', t.tokenHash)
      .where('transactionId', '=', t.transactionId)
      .where('buyerId', '=', t.buyerId)
      .where('usedAt', 'is', null)
      .where('voidedAt', 'is', null)
      .where('expiresAt', '>', sql<Date>`now()`)
      .returning(['id', 'usedAt'])
      .executeTakeFirst();
  },
};
