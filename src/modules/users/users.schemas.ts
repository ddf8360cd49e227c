import { z } from '../../shared/zod';
import { LOCALES } from '../../shared/locale';

export const UserSelf = z
  .object({
    id: z.uuid(),
    phoneNumber: z.string(),
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    role: z.enum(['user', 'support', 'admin']).describe("The account's role; GET /v1/users/me's `sessionRole` is what this session may do"),
    locale: z.enum(LOCALES).describe('Language of every notification, push and SMS: set from Accept-Language at sign-up'),
    createdAt: z.iso.datetime(),
    /** Set on a deleted account signing in within its restore window (SPEC §9). */
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('UserSelf');

/** `GET /v1/users/me`: the account with its non-payment standing (SPEC §9). */
export const UserMe = UserSelf.extend({
  // `role` stays the account's (it means that in every UserSelf, and clients show it); what the
  // session may do can differ, so it is a property of its own.
  sessionRole: z
    .enum(['user', 'support', 'admin'])
    .describe(
      "The role this session acts with, the one staff routes check: 'user' while a support or admin account is suspended " +
        "(its staff powers come back with the first token refresh after the suspension is lifted), otherwise the account's `role`",
    ),
  strikes: z.number().int().describe('Non-payment strikes within the last 90 days'),
  biddingSuspendedUntil: z.iso
    .datetime()
    .nullable()
    .describe('With 2 strikes within 90 days, bids and buy-now are refused until then'),
}).openapi('UserMe');

export const PublicProfile = z
  .object({
    id: z.uuid(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    ratingAverage: z.number().nullable(),
    ratingCount: z.number().int(),
    memberSince: z.iso.datetime(),
  })
  .openapi('PublicProfile');

export const UpdateMeBody = z
  .strictObject({
    displayName: z.string().trim().min(2).max(50).optional(),
    email: z.email().max(254).nullable().optional(),
    avatarUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
    locale: z.enum(LOCALES).optional(),
  })
  .openapi('UpdateMe');

export const UserIdParams = z.object({ id: z.uuid() });
