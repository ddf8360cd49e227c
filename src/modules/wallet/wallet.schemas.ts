import { z } from '../../shared/zod';

export const Wallet = z
  .object({
    accountId: z.string(),
    onboardingUrl: z.url(),
    onboardingExpiresAt: z.iso.datetime(),
    payoutsEnabled: z.boolean(),
    chargesEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
  })
  .openapi('Wallet');

export const WalletBalance = z
  .object({
    pendingCents: z.number().int().describe('Payouts of your sales that the buyer has not paid yet'),
    inEscrowCents: z.number().int().describe('Payouts of paid sales held in escrow (or in a dispute) until release'),
    paidOutCents: z.number().int().describe('Transferred to your wallet, less reversals'),
    currency: z.literal('CAD'),
    payoutsEnabled: z.boolean(),
  })
  .openapi('WalletBalance');

export const OnboardingQuery = z.object({
  account: z.string().min(1).max(255),
  expires: z.coerce.number().int().positive(),
  sig: z.string().min(1).max(128),
});

export const OnboardingStatus = z
  .object({
    accountId: z.string(),
    payoutsEnabled: z.boolean(),
    chargesEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
  })
  .openapi('WalletOnboardingStatus');
