import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/harness';
import { findSchemaDrift, SCHEMA_FILE } from '../../db/schema-drift';

/** db/schema.ts is written by hand; this keeps it honest against what the migrations build. */
describe('db/schema.ts against the migrated database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let scratch: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    scratch = mkdtempSync(join(tmpdir(), 'biddt-schema-'));
  });

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await database.drop();
  });

  it('declares every table and column with the database type, nullability and default-ness', async () => {
    expect(await findSchemaDrift(database.url)).toEqual([]);
  });

  /** A copy of schema.ts with edits applied; kysely imported by absolute path so the copy resolves from tmp. */
  function editedSchema(edits: Array<[string, string]>): string {
    let text = readFileSync(SCHEMA_FILE, 'utf8').replace("from 'kysely'", `from '${require.resolve('kysely')}'`);
    for (const [from, to] of edits) {
      if (!text.includes(from)) throw new Error(`schema.ts no longer contains ${from}`);
      text = text.replace(from, to);
    }
    const file = join(scratch, `schema-${Date.now()}.ts`);
    writeFileSync(file, text);
    return file;
  }

  it('reports each kind of drift, one line per column', async () => {
    const file = editedSchema([
      ['  avatarUrl: string | null;\n', ''],
      ["export type Role = 'user' | 'support' | 'admin';", "export type Role = 'user' | 'admin';"],
      ['  suspendedAt: Date | null;', '  suspendedAt: string | null;'],
      ['  nonPaymentStrikes: Generated<number>;', '  nonPaymentStrikes: number;'],
      ['  phoneNumber: string;\n  phoneVerifiedAt', '  phoneNumber: string | null;\n  phoneVerifiedAt'],
      ['  codeHash: string;', '  codeHash: string;\n  salt: string;'],
      ['  seq: ColumnType<string, never, never>;', '  seq: ColumnType<string, string, never>;'],
      ['  lastBidAt: Timestamp;', '  lastBidAt: DefaultedTimestamp;'],
      ['  users: UsersTable;', '  users: UsersTable;\n  ghosts: WatchesTable;'],
    ]);
    expect(await findSchemaDrift(database.url, file)).toEqual([
      'listing_bidders.last_bid_at: is NOT NULL without a default, but inserts may leave it out',
      'messages.seq: is GENERATED ALWAYS, but inserts or updates may set it',
      'phone_otps.salt: declared in schema.ts, not in the database',
      'users.phone_number: is NOT NULL, declared with null',
      'users.phone_number: is NOT NULL, but inserts accept null',
      'users.phone_number: is NOT NULL, but updates accept null',
      'users.avatar_url: in the database, missing from schema.ts (avatarUrl)',
      'users.role: declares admin | user, but its CHECK allows admin | support | user',
      'users.suspended_at: selects string, but timestamptz reads as Date',
      'users.non_payment_strikes: has a default, but inserts must set it (use Generated<> or an insert type with undefined)',
      'ghosts: declared in Database in schema.ts, not in the database',
    ]);
  });
});
