import { deleteAccount, exportAccount, restoreAccount } from '../../flows/account-lifecycle';
import { defineRoute, noContent, ok } from '../../http/route';
import { z } from '../../shared/zod';
import { UserSelf } from '../users';
import { TokenPair } from './auth.schemas';

const tags = ['users'];

const Records = z.array(z.record(z.string(), z.unknown()));

/** SPEC §9: the privacy access request's answer — every personal record of the caller. */
export const AccountExport = z
  .object({
    exportedAt: z.iso.datetime(),
    profile: UserSelf.extend({ phoneVerifiedAt: z.iso.datetime().nullable(), nonPaymentStrikes: z.number().int() }),
    listings: Records,
    bids: Records,
    transactions: Records,
    messages: Records,
    ratings: Records,
    notifications: Records,
    devices: Records,
    following: Records,
    watchlist: Records,
    /** The disputes the caller opened, with their reason and details. */
    disputes: Records,
    /** Every notification type with its channels on or off, as GET /v1/users/me/notification-preferences shows them. */
    notificationPreferences: z.record(z.string(), z.record(z.string(), z.boolean())),
    /** The meetups the caller proposed. */
    meetups: Records,
    /** Second-chance offers the caller made as seller or received as runner-up. */
    secondChanceOffers: Records,
  })
  .openapi('AccountExport');

export const accountRoutes = [
  defineRoute(
    {
      method: 'delete',
      path: '/v1/users/me',
      summary: 'Delete your account (restorable for 30 days by signing in again)',
      tags,
      responses: {
        204: { description: 'Deleted; every session and socket of the account ended' },
        409: {
          description:
            'account_has_open_obligations, `obligation` naming the first: open_transaction (a sale pending payment, in escrow or disputed), live_auction_with_bids, live_bid (a bid standing on a live auction) or second_chance_offer (an offer the runner-up may still accept)',
        },
      },
    },
    async (deps, { actor }) => {
      await deleteAccount(deps, actor);
      return noContent();
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/users/me/restore',
      summary: 'Restore your deleted account (within 30 days; with the session sign-in answered `restorable: true`)',
      tags,
      allowDeletedAccount: true,
      responses: {
        200: { description: 'Restored with its listings; a new ordinary session', schema: TokenPair },
        404: { description: 'Past the restore window or purged' },
        409: { description: 'account_not_deleted' },
      },
    },
    async (deps, { actor }) => ok(await restoreAccount(deps, actor)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/export',
      summary: 'Every personal record of yours as JSON (a privacy access request)',
      tags,
      allowDeletedAccount: true,
      responses: { 200: { description: 'Your records', schema: AccountExport } },
    },
    async (deps, { actor }) => ok(await exportAccount(deps, actor)),
  ),
];
