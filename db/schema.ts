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

export interface Database {
  users: UsersTable;
  phoneOtps: PhoneOtpsTable;
  refreshTokens: RefreshTokensTable;
  idempotencyKeys: IdempotencyKeysTable;
  auditLog: AuditLogTable;
  outbox: OutboxTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
