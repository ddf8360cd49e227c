import { z } from '../zod';

/**
 * The texts a notification can carry, each with the parameters its templates need. Producers name a
 * text and give its parameters; the notifications module renders title, body, push and SMS in the
 * recipient's language when it delivers (templates per locale in `modules/notifications/templates`,
 * typed against this list, so a text without a French template does not compile). Prices are cents
 * and dates ISO strings: formatting them is the template's job, in the recipient's locale.
 */
const cents = z.number().int();
const listingTitle = z.string();

export const NOTIFICATION_TEXTS = {
  outbid: z.object({ listingTitle, currentPriceCents: cents }),
  /** The bidder now leads because the former leader retracted their bids. */
  now_leading: z.object({ listingTitle, currentPriceCents: cents }),
  /** The former leader's retraction took effect: someone else leads (or nobody, without other bids). */
  bids_retracted: z.object({ listingTitle, currentPriceCents: cents, hasNewLeader: z.boolean() }),
  won: z.object({ listingTitle, priceCents: cents, paymentDeadlineSec: z.number().int().positive() }),
  sold: z.object({ listingTitle, priceCents: cents }),
  unsold: z.object({ listingTitle }),
  lost: z.object({ listingTitle, priceCents: cents }),
  lost_no_sale: z.object({ listingTitle }),
  ending_soon: z.object({ listingTitle, minutes: z.number().int().positive() }),
  payment_due: z.object({ paymentDueAt: z.iso.datetime(), amountCents: cents }),
  payment_received_seller: z.object({ amountCents: cents }),
  payment_received_buyer: z.object({ amountCents: cents }),
  purchase_cancelled: z.object({}),
  buyer_did_not_pay: z.object({}),
  escrow_released: z.object({ payoutCents: cents }),
  wallet_needed: z.object({ payoutCents: cents }),
  refund_issued: z.object({ amountCents: cents, full: z.boolean() }),
  /** A payment made on a purchase that was already paid (or no longer payable) was refunded in full. */
  extra_payment_refunded: z.object({ amountCents: cents }),
  dispute_opened: z.object({}),
  dispute_resolved: z.object({
    resolution: z.enum(['release', 'refund', 'partial_refund']),
    side: z.enum(['buyer', 'seller']),
    refundCents: cents.nullable(),
  }),
  chargeback_decided: z.object({ sellerWon: z.boolean() }),
  new_message: z.object({ preview: z.string() }),
  /** Support wrote in the chat of a disputed transaction. */
  staff_message: z.object({ preview: z.string() }),
  meetup_reminder: z.object({ lead: z.enum(['2h', '15m']), placeName: z.string().nullable(), placeAddress: z.string().nullable() }),
  /** The safe zone of an upcoming meetup (proposed, or `accepted`) stopped taking meetups. */
  meetup_zone_closed: z.object({ placeName: z.string(), accepted: z.boolean() }),
  /** Staff took the listing down: the seller reads the reason. */
  listing_taken_down: z.object({ listingTitle, reason: z.string() }),
  /** A listing the user bid on or watched was cancelled, by staff or by its seller. */
  listing_cancelled: z.object({ listingTitle, by: z.enum(['staff', 'seller']) }),
  rating_received: z.object({ score: z.number().int().min(1).max(5), hasComment: z.boolean() }),
  /** The runner-up may buy an unpaid item at their own maximum (SPEC §9 second chance). */
  second_chance_offer: z.object({ listingTitle, amountCents: cents, windowSec: z.number().int().positive() }),
  /** The seller's second-chance offer came to nothing. */
  second_chance_declined: z.object({ how: z.enum(['declined', 'expired']) }),
  /** A followed seller published a listing; `startsAt` when bidding opens later. */
  followed_seller_listed: z.object({ listingTitle, startsAt: z.iso.datetime().nullable() }),
} as const;

export type TextKey = keyof typeof NOTIFICATION_TEXTS;
export type TextParams<K extends TextKey> = z.output<(typeof NOTIFICATION_TEXTS)[K]>;
export const TEXT_KEYS = Object.keys(NOTIFICATION_TEXTS) as [TextKey, ...TextKey[]];

/** A named text and its parameters, typed together (what a producer writes). */
export type TextRef = { [K in TextKey]: { key: K; params: TextParams<K> } }[TextKey];

/**
 * The `text` of a `notification.send` payload: a known key, and parameters that key's schema accepts
 * (a job whose parameters do not fit is malformed, not delivered half-rendered).
 */
export const TextRefSchema = z
  .object({ key: z.enum(TEXT_KEYS), params: z.record(z.string(), z.unknown()) })
  .superRefine((ref, ctx) => {
    const parsed = NOTIFICATION_TEXTS[ref.key].safeParse(ref.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['params', ...issue.path.map(String)], message: issue.message });
    }
  });

/** Parameters of a text as its template reads them (after the payload schema accepted them). */
export function textParams<K extends TextKey>(key: K, params: Record<string, unknown>): TextParams<K> {
  return NOTIFICATION_TEXTS[key].parse(params) as TextParams<K>;
}
