import type { JobsOptions } from 'bullmq';
import { z } from '../zod';
import { TextRefSchema } from './notification-texts';

/**
 * The one list of background jobs: for each job name, the queue that carries it, the zod schema of
 * its payload, and its options where they differ from the defaults. Producers build jobs only
 * through `enqueue`/`jobFor` (which take these payload types), the outbox relay and the workers'
 * registry parse payloads with these schemas, and the registry refuses to boot unless every job
 * here has a handler — so a job can never be enqueued into a queue nobody drains, nor with a
 * payload its handler cannot read.
 */

/** Default retry policy: at-least-once with exponential backoff; handlers are idempotent. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** SPEC §7 notification types (the `notification.send` payload names one). */
export const NOTIFICATION_TYPES = [
  'outbid',
  'won',
  'lost',
  'sold',
  'unsold',
  'ending_soon',
  'payment_due',
  'payment_received',
  'escrow_released',
  'dispute_opened',
  'dispute_resolved',
  'new_message',
  'meetup_reminder',
  /** The safe zone of an upcoming meetup was deactivated: the parties pick another place. */
  'meetup_zone_closed',
  'listing_cancelled',
  /** The buyer's purchase was cancelled (missed payment deadline): in-app and push, not texted. */
  'purchase_cancelled',
  /** The seller's sale was cancelled because the buyer did not pay (not `unsold`: there was a winner). */
  'buyer_did_not_pay',
  /** The bidder leads because the former leader retracted (SPEC §2 retraction). */
  'now_leading',
  /** The leader's retraction took effect (someone else leads now). */
  'bids_retracted',
  /** A refund decided in a dispute reached the buyer's card. */
  'refund_issued',
  /** The other party of a sale rated the user. */
  'rating_received',
  /** The runner-up is offered an unpaid item at their own maximum (SPEC §9 second chance). */
  'second_chance_offer',
  /** The seller's second-chance offer was declined or left to expire. */
  'second_chance_declined',
  /** A seller the user follows published a listing (SPEC §9 follows). */
  'followed_seller_listed',
] as const;

/** Why a payout is released (part of the release job's id, so each reason pays at most once). */
export const RELEASE_REASONS = ['qr_verified', 'dispute_resolved'] as const;

const ListingRef = z.object({ listingId: z.uuid() });
const TransactionRef = z.object({ transactionId: z.uuid() });
/** How long before an accepted meetup each reminder goes out (SPEC §9: 2 h and 15 min). */
export const MEETUP_REMINDER_KINDS = ['2h', '15m'] as const;

const MeetupRemind = z.object({
  meetupId: z.uuid(),
  transactionId: z.uuid(),
  kind: z.enum(MEETUP_REMINDER_KINDS),
  /** The meetup time the reminder was scheduled for: a moved meetup makes the old reminder stale. */
  startsAt: z.iso.datetime(),
});

/** Repeating jobs carry nothing; a scheduler's job may arrive with no data at all. */
const NoPayload = z.object({}).default({});

const BidDrain = ListingRef.extend({
  /** The claim of the listing's drain flag this job was enqueued for (also in its job id). */
  generation: z.number().int().positive(),
});

const NotificationSend = z.object({
  userId: z.uuid(),
  type: z.enum(NOTIFICATION_TYPES),
  /** Makes delivery exactly-once per logical notification, whatever the job retries do. */
  dedupeKey: z.string().min(1),
  /** What it says: a named text and its parameters, rendered in the recipient's language on delivery. */
  text: TextRefSchema,
  data: z.record(z.string(), z.unknown()),
  /**
   * At most one push per `key` per `windowSec` (a bidding war displaces a bidder many times a
   * minute); the in-app row and socket event are never throttled.
   */
  pushThrottle: z.object({ key: z.string().min(1), windowSec: z.number().int().positive() }).optional(),
});

/** The most stored objects one `storage.delete_objects` job removes. */
export const STORAGE_DELETE_BATCH_MAX = 100;

/** The most notifications one `notification.send_batch` job carries. */
export const NOTIFICATION_BATCH_MAX = 100;

interface JobSpec {
  queue: string;
  schema: z.ZodType<object>;
  /** Overrides of DEFAULT_JOB_OPTIONS for this job. */
  options?: JobsOptions;
  /** A repeating job: upserted as a BullMQ job scheduler with this id and period. */
  every?: { schedulerId: string; ms: number };
}

export const CATALOGUE = {
  /** Decides the bid commands waiting in one listing's stream; retried fast and often because bidders wait on the answers. */
  'bid.drain': { queue: 'bids', schema: BidDrain, options: { attempts: 20, backoff: { type: 'exponential', delay: 100 } } },
  /** Safety net: puts back bids answered 202 whose command Redis lost, and forgets the decided ones. */
  'bid.sweep': { queue: 'bids', schema: NoPayload, every: { schedulerId: 'bid-sweep', ms: 5000 } },
  /** Opens a scheduled listing at its start (idempotent). */
  'auction.open': { queue: 'auctions', schema: ListingRef },
  /** Closes every listing ending within one epoch second (idempotent; waits for bids in flight). */
  'auction.close_second': { queue: 'auctions', schema: z.object({ second: z.number().int().positive() }) },
  /** Closes one listing past its end: the overdue sweep's re-drive when its second's job is gone. */
  'auction.close': { queue: 'auctions', schema: ListingRef },
  /** Safety net: re-enqueues open/close for anything overdue. */
  'auction.sweep': { queue: 'auctions', schema: NoPayload, every: { schedulerId: 'auction-sweep', ms: 5000 } },
  /** The `ending_soon` socket event shortly before the effective end `endsAt` (epoch ms). */
  'auction.ending_soon': { queue: 'auctions', schema: ListingRef.extend({ endsAt: z.number().int() }) },
  /** Push notifications to watchers and bidders 15 minutes before the end. */
  'auction.ending_soon_push': { queue: 'auctions', schema: ListingRef },
  /** Delivers one notification (in-app row, socket, push, SMS) exactly once per dedupe key. */
  'notification.send': { queue: 'notifications', schema: NotificationSend },
  // One job instead of one per recipient (a BullMQ job is ≈ 50 Redis commands); retried as a whole,
  // the dedupe keys make a retry skip what was already delivered.
  /** Delivers many notifications of one event (e.g. auctions closed together), each as `notification.send` would. */
  'notification.send_batch': { queue: 'notifications', schema: z.object({ notifications: z.array(NotificationSend).min(1).max(NOTIFICATION_BATCH_MAX) }) },
  /** Tells one batch of a seller's followers about a listing just published, then queues the next batch. */
  'listing.notify_followers': { queue: 'notifications', schema: ListingRef.extend({ afterFollowerId: z.uuid().optional() }) },
  /** Reminds both parties of an accepted meetup (a no-op unless it is still the same accepted meetup). */
  'meetup.remind': { queue: 'notifications', schema: MeetupRemind },
  /** Expires a second-chance offer left unanswered for 48 h (a no-op once answered). */
  'offer.expire': { queue: 'auctions', schema: z.object({ offerId: z.uuid() }) },
  /** Deletes expired OTPs, old idempotency keys and published outbox rows. */
  'maintenance.cleanup': { queue: 'maintenance', schema: NoPayload, every: { schedulerId: 'maintenance-cleanup', ms: 60 * 60 * 1000 } },
  /** Purges the personal data of accounts deleted more than 30 days ago (batched, idempotent; SPEC §9). */
  'maintenance.purge_accounts': { queue: 'maintenance', schema: NoPayload, every: { schedulerId: 'account-purge', ms: 60 * 60 * 1000 } },
  /** Withdraws a user's standing bids from every live auction after a staff suspension (idempotent; closed listings left alone). */
  'bid.withdraw_suspended': { queue: 'maintenance', schema: z.object({ userId: z.uuid(), suspendedAt: z.iso.datetime() }) },
  /** Takes down a suspended seller's scheduled and active listings as staff would, audited as `actorId` (idempotent; a no-op once unsuspended). */
  'listings.take_down_suspended_seller': {
    queue: 'maintenance',
    schema: z.object({ userId: z.uuid(), actorId: z.uuid(), reason: z.string().min(1).max(1000) }),
  },
  /** Ends the sessions a deletion, staff suspension or role change ended after its commit, surviving a crash in between (idempotent). */
  'auth.end_sessions': { queue: 'maintenance', schema: z.object({ sessionIds: z.array(z.uuid()).min(1), reason: z.string().min(1).max(200) }) },
  /** Removes stored uploads a commit let go of, e.g. a purged account's chat photos (a missing one is no error). */
  'storage.delete_objects': { queue: 'maintenance', schema: z.object({ keys: z.array(z.string().min(1).max(512)).min(1).max(STORAGE_DELETE_BATCH_MAX) }) },
  /** Opens the automatic dispute of a transaction left unverified (re-checked under lock). */
  'dispute.escalate': { queue: 'disputes', schema: TransactionRef },
  /** Safety net for overdue unverified escrows whose delayed job was lost. */
  'dispute.sweep': { queue: 'disputes', schema: NoPayload, every: { schedulerId: 'dispute-sweep', ms: 60 * 1000 } },
  /** Pays the seller once (idempotent under retries, crashes and duplicate jobs). */
  'escrow.release': { queue: 'escrow', schema: TransactionRef.extend({ reason: z.enum(RELEASE_REASONS) }) },
  /** Refunds the buyer as a dispute decided (reversal first after a payout). */
  'escrow.refund': { queue: 'escrow', schema: TransactionRef.extend({ amountCents: z.number().int().positive(), disputeId: z.uuid() }) },
  /** Refunds in full a payment nobody owes us: a late one on a cancelled transaction, or an extra PaymentIntent. */
  'escrow.payment_refund': {
    queue: 'escrow',
    schema: TransactionRef.extend({
      paymentIntentId: z.string().min(1),
      /** The charge Stripe reported with the payment (the ledger names it); null if it reported none. */
      chargeId: z.string().min(1).nullable(),
      amountCents: z.number().int().positive(),
      reason: z.enum(['late_payment', 'extra_payment']),
    }),
  },
  /** Acts on a stored Stripe webhook event. */
  'escrow.stripe_event': { queue: 'escrow', schema: z.object({ eventId: z.string().min(1) }) },
  /** Cancels an unpaid transaction at its payment deadline. */
  'escrow.payment_deadline': { queue: 'escrow', schema: TransactionRef },
  /** Reminds the buyer six hours before the payment deadline. */
  'escrow.payment_reminder': { queue: 'escrow', schema: TransactionRef },
  /** Safety net: overdue deadlines, unprocessed webhook events, payouts whose job was lost. */
  'escrow.sweep': { queue: 'escrow', schema: NoPayload, every: { schedulerId: 'escrow-sweep', ms: 15 * 1000 } },
} as const satisfies Record<string, JobSpec>;

type Catalogue = typeof CATALOGUE;
export type JobName = keyof Catalogue;
export type QueueName = Catalogue[JobName]['queue'];
/** The job names a queue carries. */
export type JobNameOf<Q extends QueueName> = { [N in JobName]: Catalogue[N]['queue'] extends Q ? N : never }[JobName];
/** A job's payload as its handler receives it (after parsing). */
export type JobPayload<N extends JobName> = z.output<Catalogue[N]['schema']>;
/** A job's payload as a producer writes it. */
export type JobInput<N extends JobName> = z.input<Catalogue[N]['schema']>;

export const JOB_NAMES = Object.keys(CATALOGUE) as JobName[];

export const isJobName = (name: string): name is JobName => Object.hasOwn(CATALOGUE, name);

/** Every queue, in first-mention order. */
export const QUEUE_NAMES: QueueName[] = [...new Set(JOB_NAMES.map((n) => CATALOGUE[n].queue))];

/** queue → the job names it carries. */
export const JOBS = Object.fromEntries(QUEUE_NAMES.map((q) => [q, JOB_NAMES.filter((n) => CATALOGUE[n].queue === q)])) as {
  [Q in QueueName]: Array<JobNameOf<Q>>;
};

/** The queue a job goes to. */
export const queueOf = <N extends JobName>(name: N): Catalogue[N]['queue'] => CATALOGUE[name].queue;

/** Options a job is added with: the defaults, this job's overrides, then the caller's. */
export function jobOptions(name: JobName, opts: JobsOptions = {}): JobsOptions {
  const spec: JobSpec = CATALOGUE[name];
  return { ...DEFAULT_JOB_OPTIONS, ...spec.options, ...opts };
}

/** Parses a payload with its job's schema (never throws; the caller decides what a bad one means). */
export function parsePayload<N extends JobName>(name: N, data: unknown) {
  const schema: z.ZodType<object> = CATALOGUE[name].schema;
  // The schema looked up by `name` is the one JobPayload<N> is inferred from.
  return schema.safeParse(data) as z.ZodSafeParseResult<JobPayload<N>>;
}

/** The repeating jobs and their periods. */
export const SCHEDULES = JOB_NAMES.flatMap((name) => {
  const spec: JobSpec = CATALOGUE[name];
  return spec.every ? [{ name, queue: spec.queue as QueueName, ...spec.every }] : [];
});
