/**
 * `npm run grant-role -- <phone> <user|support|admin>`: gives a registered user a role (SPEC §9).
 * Needs only DATABASE_URL (so it works against production from an operator's shell); without it the
 * development configuration's database is used. Audited as `user.role_granted`, naming the operator
 * (`$BIDDT_OPERATOR`, else the OS user). Exit 0 done, 1 refused (unknown user, bad input), 2 failed.
 */
import { userInfo } from 'node:os';
import { createDb } from '../db/connection';
import { loadConfigOrExit } from '../src/config/config';
import { grantRole } from '../src/modules/admin';
import { isAppError } from '../src/shared/errors';

async function main(): Promise<number> {
  const [phone, role] = process.argv.slice(2);
  if (!phone || !role) {
    process.stderr.write('usage: npm run grant-role -- <phone> <user|support|admin>\n');
    return 1;
  }
  const url = process.env.DATABASE_URL || loadConfigOrExit().databaseUrl;
  if (!url) throw new Error('DATABASE_URL is not set');
  const db = createDb(url, 1);
  try {
    const operator = process.env.BIDDT_OPERATOR || userInfo().username;
    const result = await grantRole({ db }, phone, role, operator);
    process.stdout.write(`${result.phoneNumber} (${result.id}): ${result.from} → ${result.to}\n`);
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    const fields = (err.details?.errors ?? []).map((e) => `  ${e.field}: ${e.message}`).join('\n');
    process.stderr.write(`grant-role refused: ${err.message}\n${fields}${fields ? '\n' : ''}`);
    return 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`grant-role failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
