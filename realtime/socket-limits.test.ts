import { TokenBucket } from './socket-limits';

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refills at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(20, 20, () => now);
    for (let i = 0; i < 20; i += 1) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeCloseTo(0.05);
    now += 50;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
    now += 10_000;
    for (let i = 0; i < 20; i += 1) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
  });
});
