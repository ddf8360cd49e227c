/**
 * How often the signed-out browse cache could answer the benchmark's request mix: replays the load
 * generator's shapes at a given rate and counts signed-out first pages whose exact query was read
 * less than BROWSE_CACHE_MS before. `npx tsx bench/browse/cache-hits.ts [requests/s …]`
 */
import { pickShape } from './shapes';

const TTL_MS = Number(process.env.BROWSE_CACHE_MS ?? 1000);
const SIGNED_IN_SHARE = 0.2;
const NEXT_PAGE_SHARE = 0.15;
const SECONDS = 60;

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const rate of (process.argv.slice(2).length ? process.argv.slice(2) : ['160', '500', '1500']).map(Number)) {
  const random = mulberry32(42);
  const readAt = new Map<string, number>();
  let hits = 0;
  const total = rate * SECONDS;
  for (let i = 0; i < total; i += 1) {
    const now = (i / rate) * 1000;
    const params = pickShape(random).params(random);
    if (random() < SIGNED_IN_SHARE || random() < NEXT_PAGE_SHARE) continue; // never cached / a cursor is unique
    const key = JSON.stringify(Object.entries(params).sort());
    const at = readAt.get(key);
    if (at !== undefined && now - at < TTL_MS) hits += 1;
    else readAt.set(key, now);
  }
  console.log(`${rate} requests/s: ${((100 * hits) / total).toFixed(1)} % of all requests answered from the cache (TTL ${TTL_MS} ms)`);
}
