/**
 * `RateLimits.refund` gives back a point `consume` took, to the window it was taken from only: never
 * below zero, and never to a window that has expired (that would be room the caller never lost).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimits } from '../../src/shared/rate-limits';
import { closeRedis, createRedis, type Redis } from '../../src/shared/redis';

let redis: Redis;
let limits: RateLimits;
const prefix = `test:rate-limits:${process.pid}:${randomBytes(4).toString('hex')}`;

beforeAll(() => {
  redis = createRedis(process.env.TEST_REDIS_URL!);
  limits = new RateLimits(redis, prefix, {
    sendCodePerIpPerMin: 2,
    sendCodePerPhonePerHour: 2,
    sendCodePhoneIntervalSec: 1,
    authPerIpPerMin: 2,
    apiPerUserPerMin: 2,
    bidsPerUserPerMin: 2,
    newAccountListingsPerHour: 2,
  });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
});

const limited = (p: Promise<void>) => expect(p).rejects.toMatchObject({ kind: 'rate_limited' });

it('gives the point back to the open window', async () => {
  await limits.consume('sendCodeIp', 'a');
  await limits.consume('sendCodeIp', 'a');
  await limits.refund('sendCodeIp', 'a');
  await limits.consume('sendCodeIp', 'a');
  await limited(limits.consume('sendCodeIp', 'a'));
});

it('gives nothing for a key that consumed nothing', async () => {
  await limits.refund('sendCodeIp', 'b');
  await limits.consume('sendCodeIp', 'b');
  await limits.consume('sendCodeIp', 'b');
  await limited(limits.consume('sendCodeIp', 'b'));
});

it('gives one point back, never more than was consumed', async () => {
  await limits.consume('sendCodePhone', 'c');
  await limits.refund('sendCodePhone', 'c');
  await limits.refund('sendCodePhone', 'c');
  await limits.consume('sendCodePhone', 'c');
  await limits.consume('sendCodePhone', 'c');
  await limited(limits.consume('sendCodePhone', 'c'));
});

it('gives nothing to the next window once the one the point came from has expired', async () => {
  await limits.consume('sendCodePhoneInterval', 'd');
  await sleep(1_100);
  await limits.refund('sendCodePhoneInterval', 'd');
  await limits.consume('sendCodePhoneInterval', 'd');
  await limited(limits.consume('sendCodePhoneInterval', 'd'));
});
