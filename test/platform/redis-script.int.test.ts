/**
 * `RedisScript` sends a script by its SHA1 and its text only when the server does not hold it
 * (restarted, SCRIPT FLUSH): the result is the same either way, and a script's own error is not
 * mistaken for a missing script (it is not run a second time).
 */
import { closeRedis, createRedis, RedisScript, type Redis } from '../../src/shared/redis';

let redis: Redis;
beforeAll(() => {
  redis = createRedis(process.env.TEST_REDIS_URL!);
});
afterAll(() => closeRedis(redis));
afterEach(() => jest.restoreAllMocks());

const key = `test:redis-script:${process.pid}`;
const COUNT = new RedisScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], 60000)
return {n, ARGV[2]}`);

it('runs by SHA1 once the server holds the script, sending its text only the first time', async () => {
  await redis.script('FLUSH');
  const evalsha = jest.spyOn(redis, 'evalsha');
  const evalText = jest.spyOn(redis, 'eval');

  expect(await COUNT.run(redis, [key], [2, 'first'])).toEqual([2, 'first']);
  expect(await COUNT.run(redis, [key], [3, 'second'])).toEqual([5, 'second']);

  expect(evalsha).toHaveBeenCalledTimes(2);
  expect(evalText).toHaveBeenCalledTimes(1); // the first call's NOSCRIPT loaded it
  expect(await redis.script('EXISTS', COUNT.sha)).toEqual([1]);
});

it('runs a script once, never twice, when the script itself fails', async () => {
  const failing = new RedisScript(`redis.call('INCR', KEYS[1]); return redis.error_reply('NOT_ALLOWED by the script')`);
  await redis.del(key);
  await expect(failing.run(redis, [key], [])).rejects.toThrow(/NOT_ALLOWED/); // sent as text: not loaded yet
  await expect(failing.run(redis, [key], [])).rejects.toThrow(/NOT_ALLOWED/); // by SHA1 now
  expect(await redis.get(key)).toBe('2');
});
