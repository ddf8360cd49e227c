/**
 * `npm run grant-role -- <phone> <user|support|admin>`: gives a registered user a role (SPEC §9).
 * Needs DATABASE_URL and REDIS_URL (with the API's REDIS_PREFIX and ACCESS_TOKEN_TTL_SEC): the change
 * ends every session of the user, whose access tokens carry the old role, through the API's Redis
 * revocation list. Without DATABASE_URL the development configuration's database is used. Audited as
 * `user.role_granted`, naming the operator (`$BIDDT_OPERATOR`, else the OS user). Exit 0 done,
 * 1 refused (unknown user, bad input), 2 failed.
 */
import { userInfo } from 'node:os';
import { createDb } from '../db/connection';
import { loadConfigOrExit } from '../src/config/config';
import { grantRole } from '../src/modules/admin';
import { SessionRevocations } from '../src/modules/auth';
import { isAppError } from '../src/shared/errors';
import { closeRedis, createRedis, failFastOptions, whenReady } from '../src/shared/redis';

async function main(): Promise<number> {
  const [phone, role] = process.argv.slice(2);
  if (!phone || !role) {
    process.stderr.write('usage: npm run grant-role -- <phone> <user|support|admin>\n');
    return 1;
  }
  const config = loadConfigOrExit();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
  if (!config.redisUrl) throw new Error('REDIS_URL is not set (the role change ends the user’s sessions there)');
  const redis = createRedis(config.redisUrl, failFastOptions(config.redisCommandTimeoutMs));
  redis.on('error', () => undefined); // reported below as "Redis unreachable", once
  const db = createDb(config.databaseUrl, 1);
  try {
    // Checked before the role is written: a role changed with the old sessions left running is the bug this prevents.
    if (!(await whenReady(redis, 5000))) throw new Error('Redis unreachable at REDIS_URL; no role was changed');
    const revocations = new SessionRevocations(redis, config.redisPrefix, config.auth.accessTtlSec);
    const operator = process.env.BIDDT_OPERATOR || userInfo().username;
    const result = await grantRole({ db, redis, config, revocations }, phone, role, operator);
    process.stdout.write(`${result.phoneNumber} (${result.id}): ${result.from} → ${result.to}\n`);
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    const fields = (err.details?.errors ?? []).map((e) => `  ${e.field}: ${e.message}`).join('\n');
    process.stderr.write(`grant-role refused: ${err.message}\n${fields}${fields ? '\n' : ''}`);
    return 1;
  } finally {
    await db.destroy();
    await closeRedis(redis);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`grant-role failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
