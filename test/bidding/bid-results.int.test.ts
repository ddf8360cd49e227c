/**
 * A stopping process closes `BidResults`: every caller still waiting for a decision is answered at
 * once (undefined, so the transport answers 202), and none of their `BID_WAIT_MS` timers is left to
 * keep the process alive.
 */
import { BidResults } from '../../src/modules/bidding';
import { closeRedis, createRedis, type Redis } from '../../src/shared/redis';

let redis: Redis;
beforeAll(() => {
  redis = createRedis(process.env.TEST_REDIS_URL!);
});
afterAll(() => closeRedis(redis));

afterEach(() => jest.restoreAllMocks());

it('answers every waiter undefined when closed and leaves none of their timers behind', async () => {
  const results = new BidResults(redis, `test-bid-results-${process.pid}`);
  await results.listen();
  const setTimer = jest.spyOn(global, 'setTimeout');
  const waiting = Promise.all([results.wait('r-one', 60_000), results.wait('r-one', 60_000), results.wait('r-two', 60_000)]);
  const waitTimers = setTimer.mock.results.map((r) => r.value as NodeJS.Timeout);
  expect(waitTimers).toHaveLength(3);
  const clearTimer = jest.spyOn(global, 'clearTimeout');

  await results.close();

  // Well before the 60 s wait (and the test's own timeout).
  await expect(waiting).resolves.toEqual([undefined, undefined, undefined]);
  for (const timer of waitTimers) expect(clearTimer).toHaveBeenCalledWith(timer);
});
