import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types, written once here (camelCase through Kysely's CamelCasePlugin). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;
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
  completedAt: Date | null;
}

export interface AuditLogTable {
  id: BigId;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details: Json<Record<string, unknown>>;
  requestId: string | null;
  createdAt: CreatedAt;
}

export interface OutboxTable {
  id: BigId;
  topic: string;
  payload: Json<Record<string, unknown>>;
  availableAt: Timestamp;
  publishedAt: Date | null;
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
  search: ColumnType<string, never, never>;
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
  source: 'auction' | 'buy_now';
  paymentDueAt: Timestamp;
  verifiedAt: Timestamp | null;
  releasedAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Json<Record<string, unknown>>;
  dedupeKey: string;
  readAt: Timestamp | null;
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
  watches: WatchesTable;
  listingEvents: ListingEventsTable;
  transactions: TransactionsTable;
  notifications: NotificationsTable;
}

export type Listing = Selectable<ListingsTable>;
export type Transaction = Selectable<TransactionsTable>;

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
