import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// Table types, written once here (camelCase through Kysely's CamelCasePlugin). `npm run db:check-schema`
// and test/platform/schema-drift.int.test.ts check them against the migrated database.

/** A timestamptz without a default: inserts must set it. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz that defaults to now(): inserts may leave it out. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** A jsonb column with a default ('{}'): inserts may leave it out. */
type DefaultedJson<T = unknown> = ColumnType<T, string | undefined, string>;
/** bigserial ids come back from pg as strings. */
type BigId = ColumnType<string, never, never>;

export type Role = 'user' | 'support' | 'admin';

export interface UsersTable {
  id: Generated<string>;
  phoneNumber: string;
  phoneVerifiedAt: Date | null;
  displayName: string | null;
  email: string | null;
  avatarUrl: string | null;
  role: Generated<Role>;
  suspendedAt: Date | null;
  nonPaymentStrikes: Generated<number>;
  deletedAt: Date | null;
  /** Set when the purge removed the personal data of a deleted account (never restorable after). */
  purgedAt: Date | null;
  /** The language of every text sent to the user (SPEC §9): set from Accept-Language at sign-up. */
  locale: Generated<'en' | 'fr'>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface PhoneOtpsTable {
  id: Generated<string>;
  phoneNumber: string;
  codeHash: string;
  attempts: Generated<number>;
  expiresAt: Timestamp;
  consumedAt: Date | null;
  createdAt: CreatedAt;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  familyId: string;
  userId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  createdAt: CreatedAt;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  requestHash: string;
  statusCode: number | null;
  responseBody: Json | null;
  createdAt: CreatedAt;
  /** When the current holder claimed the key; an unfinished claim older than the lease may be taken over. */
  claimedAt: Generated<Date>;
  completedAt: Date | null;
}

export interface AuditLogTable {
  id: BigId;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details: DefaultedJson<Record<string, unknown>>;
  requestId: string | null;
  createdAt: CreatedAt;
}

export interface OutboxTable {
  id: BigId;
  topic: string;
  payload: Json<Record<string, unknown>>;
  availableAt: DefaultedTimestamp;
  publishedAt: Date | null;
  /** Set (with `error`) when the relay found the row malformed; such a row is never published. */
  failedAt: Date | null;
  error: string | null;
  attempts: Generated<number>;
  createdAt: CreatedAt;
}

export type ListingStatus = 'draft' | 'scheduled' | 'active' | 'ended_sold' | 'ended_unsold' | 'cancelled';
export type AuctionType = 'auction' | 'fixed' | 'both';
export type ItemCondition = 'new' | 'like_new' | 'good' | 'fair' | 'poor';
export type TransactionStatus = 'pending_payment' | 'in_escrow' | 'released' | 'cancelled' | 'disputed' | 'refunded' | 'partially_refunded';

export interface CategoriesTable {
  slug: string;
  name: string;
  parentSlug: string | null;
  sortOrder: Generated<number>;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface ListingsTable {
  id: Generated<string>;
  sellerId: string;
  title: string;
  description: Generated<string>;
  categorySlug: string;
  condition: ItemCondition;
  auctionType: AuctionType;
  startingPriceCents: number;
  reservePriceCents: number | null;
  buyNowPriceCents: number | null;
  status: Generated<ListingStatus>;
  startsAt: Timestamp | null;
  endsAt: Timestamp | null;
  locationLat: number | null;
  locationLng: number | null;
  locationName: string | null;
  currentPriceCents: number;
  bidCount: Generated<number>;
  leaderId: string | null;
  leaderMaxCents: number | null;
  leaderSeq: number | null;
  runnerUpId: string | null;
  runnerUpMaxCents: number | null;
  runnerUpSeq: number | null;
  nextBidSeq: Generated<number>;
  reserveMet: Generated<boolean>;
  /** bigint; pg returns it as a string. */
  eventSeq: ColumnType<string, string | number | undefined, string | number>;
  watchCount: Generated<number>;
  winnerId: string | null;
  endedAt: Timestamp | null;
  cancelledAt: Timestamp | null;
  /** Generated tsvector; the column carries no NOT NULL, so it is nullable as far as the database says. */
  search: ColumnType<string | null, never, never>;
  /** The listing this draft relists (SPEC §9, after a non-payment); one live relist per listing. */
  relistedFrom: string | null;
  deletedAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface ListingImagesTable {
  id: Generated<string>;
  listingId: string;
  storageKey: string;
  url: string;
  contentType: string;
  sizeBytes: number;
  position: Generated<number>;
  createdAt: CreatedAt;
}

export interface ListingBiddersTable {
  listingId: string;
  bidderId: string;
  alias: string;
  lastBidAt: Timestamp;
  retractedAt: Timestamp | null;
}

export interface BidsTable {
  id: Generated<string>;
  listingId: string;
  bidderId: string;
  seq: number;
  amountCents: number;
  maxAmountCents: number;
  isAutoBid: boolean;
  status: Generated<'active' | 'retracted'>;
  requestId: string | null;
  receivedAt: Timestamp;
  createdAt: CreatedAt;
}

export interface BidRequestsTable {
  requestId: string;
  listingId: string;
  bidderId: string;
  maxAmountCents: number;
  receivedAt: Timestamp;
  accepted: boolean;
  result: Json<Record<string, unknown>>;
  decidedAt: CreatedAt;
  /** Decision order across a listing's commands (bigserial, assigned on insert under the row lock). */
  decisionSeq: BigId;
}

/** A bid answered 202, kept until its outcome is stored (re-driven by the bid sweep if Redis lost it). */
export interface UndecidedBidsTable {
  requestId: string;
  listingId: string;
  bidderId: string;
  maxAmountCents: number;
  receivedAt: Timestamp;
  createdAt: CreatedAt;
}

export interface WatchesTable {
  userId: string;
  listingId: string;
  createdAt: CreatedAt;
}

export interface ListingEventsTable {
  listingId: string;
  seq: ColumnType<string, string | number, never>;
  type: string;
  payload: Json<Record<string, unknown>>;
  createdAt: CreatedAt;
}

export interface TransactionsTable {
  id: Generated<string>;
  listingId: string;
  buyerId: string;
  sellerId: string;
  amountCents: number;
  commissionBps: number;
  commissionCents: number;
  escrowFeeCents: number;
  sellerPayoutCents: number;
  status: Generated<TransactionStatus>;
  source: TransactionSource;
  paymentDueAt: Timestamp;
  verifiedAt: Timestamp | null;
  releasedAt: Timestamp | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  paidAt: Timestamp | null;
  transferId: string | null;
  refundedCents: Generated<number>;
  cancelledAt: Timestamp | null;
  cancelReason: string | null;
  /** Stripe refund id (dispute refund or late-payment refund); set once by a conditional update. */
  refundId: string | null;
  /** Stripe transfer reversal id (a refund after the payout went out). */
  reversalId: string | null;
  /** Set while a due payout waits for the seller's Connect account to be enabled. */
  payoutWaitingReason: 'qr_verified' | 'dispute_resolved' | null;
  payoutWaitingSince: Timestamp | null;
  /** Where the scanning phone was at the QR handover (SPEC §9), when it sent a position. */
  handoverLat: number | null;
  handoverLng: number | null;
  /** Metres from the accepted meetup's zone at the handover. */
  handoverDistanceM: number | null;
  /** The handover happened more than 500 m from the accepted meetup's zone (never refused). */
  handoverFlagged: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface SellerAccountsTable {
  userId: string;
  stripeAccountId: string;
  chargesEnabled: Generated<boolean>;
  payoutsEnabled: Generated<boolean>;
  detailsSubmitted: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface TransactionEventsTable {
  id: BigId;
  transactionId: string;
  type: string;
  actorId: string | null;
  data: DefaultedJson<Record<string, unknown>>;
  createdAt: CreatedAt;
}

export interface PickupTokensTable {
  id: Generated<string>;
  transactionId: string;
  buyerId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  voidedAt: Timestamp | null;
  createdAt: CreatedAt;
}

export type DisputeResolution = 'release' | 'refund' | 'partial_refund';

export interface DisputesTable {
  id: Generated<string>;
  transactionId: string;
  source: 'party' | 'chargeback' | 'escalation';
  openedBy: string | null;
  reason: string;
  details: Generated<string>;
  status: Generated<'open' | 'resolved'>;
  resolution: DisputeResolution | null;
  refundCents: number | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Timestamp | null;
  stripeDisputeId: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface RatingsTable {
  id: Generated<string>;
  transactionId: string;
  raterId: string;
  rateeId: string;
  score: number;
  comment: string | null;
  createdAt: CreatedAt;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  objectId: string | null;
  receivedAt: CreatedAt;
  processedAt: Timestamp | null;
  /** Failed processing attempts; the sweep retries at `nextAttemptAt`, and gives up (`failedAt`) after a threshold. */
  attempts: Generated<number>;
  nextAttemptAt: Timestamp | null;
  failedAt: Timestamp | null;
  lastError: string | null;
}

/** `payment_refund`: a late or extra payment sent back (no dispute behind it). */
export type MoneyIntentKind = 'release' | 'refund' | 'payment_refund';
export type MoneyIntentStatus = 'pending' | 'running' | 'succeeded' | 'failing' | 'waiting_for_wallet' | 'skipped';

/** A durable money effect (issue #10): the row is the truth, the job only a wake-up. */
export interface MoneyIntentsTable {
  id: Generated<string>;
  /** Deterministic (`release-<txId>`, `refund-<txId>-<disputeId>`, `late-refund-<txId>`, `extra-payment-refund-<piId>`): the dedupe key and the Stripe key's root. */
  key: string;
  kind: MoneyIntentKind;
  transactionId: string;
  amountCents: number | null;
  /** The job payload the effect runs with. */
  payload: Json<Record<string, unknown>>;
  status: ColumnType<MoneyIntentStatus, MoneyIntentStatus | undefined, MoneyIntentStatus>;
  attempts: Generated<number>;
  nextAttemptAt: DefaultedTimestamp;
  /** While `running`: the claim holds until then; an expired lease is taken over by the sweep. */
  leaseUntil: Timestamp | null;
  claimedAt: Timestamp | null;
  /** Last time a producer asked for the effect (a wake-up while running re-runs it). */
  requestedAt: DefaultedTimestamp;
  lastError: string | null;
  lastOutcome: string | null;
  createdAt: CreatedAt;
  updatedAt: DefaultedTimestamp;
  completedAt: Timestamp | null;
}

export interface LedgerAccountsTable {
  code: string;
  balanceCents: ColumnType<string, string | number | undefined, string | number>;
  updatedAt: Generated<Date>;
}

export interface LedgerEntriesTable {
  id: BigId;
  movementId: string;
  movementType: string;
  transactionId: string | null;
  accountCode: string;
  amountCents: ColumnType<string, string | number, never>;
  balanceBeforeCents: ColumnType<string, string | number, never>;
  balanceAfterCents: ColumnType<string, string | number, never>;
  stripeObjectId: string | null;
  createdAt: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  type: string;
  title: string;
  body: string;
  data: DefaultedJson<Record<string, unknown>>;
  dedupeKey: string;
  readAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  createdAt: CreatedAt;
}

export type MessageType = 'text' | 'image' | 'system';

export interface MessagesTable {
  id: Generated<string>;
  /** identity column; pg returns bigint as a string. */
  seq: ColumnType<string, never, never>;
  transactionId: string;
  /** null for system messages. */
  senderId: string | null;
  type: MessageType;
  content: string;
  createdAt: CreatedAt;
}

export interface MessageReadsTable {
  messageId: string;
  userId: string;
  readAt: CreatedAt;
}

export interface DevicesTable {
  token: string;
  userId: string;
  platform: 'ios' | 'android' | 'web';
  /** The session (refresh family) that registered it: signing out there unregisters it. */
  sessionId: string | null;
  createdAt: CreatedAt;
  lastSeenAt: DefaultedTimestamp;
}

/** A user's saved on/off choice for one notification type on one channel (no row: on). */
export interface NotificationPreferencesTable {
  userId: string;
  type: string;
  channel: 'push' | 'sms';
  enabled: boolean;
  updatedAt: DefaultedTimestamp;
}

/** One device a notification's push reached (so a retry skips it). */
export interface NotificationDeliveriesTable {
  notificationId: string;
  deviceToken: string;
  deliveredAt: DefaultedTimestamp;
}

export type SafeZoneKind = 'police_station' | 'library' | 'mall' | 'other';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Opening intervals per weekday in the zone's local time ("09:00"–"17:00"); a missing day is closed. */
export type WeeklyHours = Partial<Record<Weekday, Array<{ opens: string; closes: string }>>>;

export interface SafeZonesTable {
  id: Generated<string>;
  name: string;
  address: string;
  kind: SafeZoneKind;
  lat: number;
  lng: number;
  /** Generated: ll_to_earth(lat, lng) as cube text; only the search statement uses it. */
  earthPoint: ColumnType<string | null, never, never>;
  hours: Json<WeeklyHours> | null;
  timezone: string;
  phone: string | null;
  active: Generated<boolean>;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export type MeetupStatus = 'proposed' | 'accepted' | 'superseded';

export interface MeetupsTable {
  id: Generated<string>;
  transactionId: string;
  safeZoneId: string;
  startsAt: Timestamp;
  status: Generated<MeetupStatus>;
  proposedBy: string;
  acceptedAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

/** A buyer's non-payment strike (SPEC §9), one per sale cancelled at the payment deadline. */
export interface NonPaymentStrikesTable {
  id: Generated<string>;
  userId: string;
  transactionId: string | null;
  createdAt: CreatedAt;
}

/**
 * What the purge of an account keeps against its phone, for fraud prevention (SPEC §9): the dates of
 * its non-payment strikes still within their window and whether it was suspended, keyed by an HMAC of
 * the phone; a new account on that phone inherits them.
 */
export interface PurgedPhoneStandingsTable {
  phoneKey: string;
  strikeTimes: ColumnType<Date[], Date[] | undefined, Date[]>;
  suspended: Generated<boolean>;
  updatedAt: Generated<Date>;
}

/** Phones that replied STOP to our texts (Twilio opt-out keywords): no SMS until they reply START. */
export interface SmsOptOutsTable {
  phoneNumber: string;
  optedOutAt: DefaultedTimestamp;
}

/** How a sale came about: an auction's close, a buy-now, or an accepted second-chance offer (SPEC §9). */
export type TransactionSource = 'auction' | 'buy_now' | 'second_chance';

export type SecondChanceStatus = 'pending' | 'accepted' | 'declined' | 'expired';

/** An offer of an unpaid item to the runner-up at their own maximum (SPEC §9), one per unpaid sale. */
export interface SecondChanceOffersTable {
  id: Generated<string>;
  listingId: string;
  unpaidTransactionId: string;
  sellerId: string;
  bidderId: string;
  amountCents: number;
  status: Generated<SecondChanceStatus>;
  expiresAt: Timestamp;
  decidedAt: Timestamp | null;
  /** The sale an accepted offer created. */
  transactionId: string | null;
  createdAt: CreatedAt;
}

/** A user following a seller (SPEC §9): told when the seller publishes. */
export interface FollowsTable {
  followerId: string;
  sellerId: string;
  createdAt: CreatedAt;
}

export interface Database {
  users: UsersTable;
  phoneOtps: PhoneOtpsTable;
  refreshTokens: RefreshTokensTable;
  idempotencyKeys: IdempotencyKeysTable;
  auditLog: AuditLogTable;
  outbox: OutboxTable;
  categories: CategoriesTable;
  listings: ListingsTable;
  listingImages: ListingImagesTable;
  listingBidders: ListingBiddersTable;
  bids: BidsTable;
  bidRequests: BidRequestsTable;
  undecidedBids: UndecidedBidsTable;
  watches: WatchesTable;
  listingEvents: ListingEventsTable;
  transactions: TransactionsTable;
  notifications: NotificationsTable;
  devices: DevicesTable;
  notificationPreferences: NotificationPreferencesTable;
  notificationDeliveries: NotificationDeliveriesTable;
  smsOptOuts: SmsOptOutsTable;
  purgedPhoneStandings: PurgedPhoneStandingsTable;
  sellerAccounts: SellerAccountsTable;
  transactionEvents: TransactionEventsTable;
  pickupTokens: PickupTokensTable;
  disputes: DisputesTable;
  ratings: RatingsTable;
  stripeEvents: StripeEventsTable;
  ledgerAccounts: LedgerAccountsTable;
  ledgerEntries: LedgerEntriesTable;
  messages: MessagesTable;
  messageReads: MessageReadsTable;
  safeZones: SafeZonesTable;
  meetups: MeetupsTable;
  nonPaymentStrikes: NonPaymentStrikesTable;
  moneyIntents: MoneyIntentsTable;
  secondChanceOffers: SecondChanceOffersTable;
  follows: FollowsTable;
}

export type Listing = Selectable<ListingsTable>;
export type Meetup = Selectable<MeetupsTable>;
export type Transaction = Selectable<TransactionsTable>;
export type SecondChanceOffer = Selectable<SecondChanceOffersTable>;

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Message = Selectable<MessagesTable>;
