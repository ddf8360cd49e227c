import type { Platform } from '../../shared/platform';
import { randomToken, sha256 } from '../../shared/crypto';
import { notFound } from '../../shared/errors';
import type { Ctx } from '../../shared/context';
import { assertPartyRole, transactionsRepository } from '../transactions';
import { assertAwaitingHandover, assertNotVerified } from './handover.policy';
import { pickupTokensRepository } from './pickup-tokens.repository';
import { qrPngDataUrl } from './qr-png';

/** 32 random bytes = 256 bits (SPEC: ≥ 128), base64url. */
const TOKEN_BYTES = 32;

/** What the buyer's app shows (the QR) and what the seller's app scans. */
export const pickupUri = (transactionId: string, token: string) => `biddt://pickup/${transactionId}?t=${encodeURIComponent(token)}`;

export interface PickupCode {
  token: string;
  expiresAt: string;
  /** The same URI the QR encodes, for clients that draw their own code. */
  pickupUri: string;
  qrPngDataUrl: string;
}

/**
 * GET /transactions/:id/qr — the buyer's single-use pickup token for a funded transaction: stored
 * only as a hash, bound to the transaction and its buyer, valid `QR_TOKEN_TTL_SEC`. Issuing one voids
 * the earlier live tokens, so only the code on the buyer's screen now can be redeemed.
 */
export async function issuePickupCode(deps: Pick<Platform, 'db' | 'config'>, ctx: Ctx, transactionId: string): Promise<PickupCode> {
  assertPartyRole(ctx.actor, await transactionsRepository.findById(deps.db, transactionId), 'buyer');
  const token = randomToken(TOKEN_BYTES);
  const issued = await deps.db.transaction().execute(async (trx) => {
    // Under the row lock: no token is issued after a concurrent verification or dispute commits.
    const tx = await transactionsRepository.lockById(trx, transactionId);
    if (!tx) throw notFound('transaction');
    assertAwaitingHandover(tx, (await transactionsRepository.openDispute(trx, tx.id)) !== undefined);
    assertNotVerified(tx);
    await pickupTokensRepository.voidLive(trx, tx.id);
    return pickupTokensRepository.insert(trx, {
      transactionId: tx.id,
      buyerId: tx.buyerId,
      tokenHash: sha256(token),
      ttlSec: deps.config.timing.qrTokenTtlSec,
    });
  });
  const uri = pickupUri(transactionId, token);
  return { token, expiresAt: issued.expiresAt.toISOString(), pickupUri: uri, qrPngDataUrl: qrPngDataUrl(uri) };
}
