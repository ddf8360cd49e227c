import { sql } from 'kysely';
import type { Db } from '../../db/connection';

/** A round trip to the database (the readiness check): resolves true, or rejects when it is down. */
export async function pingDatabase(db: Db): Promise<boolean> {
  await sql`SELECT 1`.execute(db);
  return true;
}
