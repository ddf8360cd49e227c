import { Counter, type Registry } from 'prom-client';

/**
 * Anonymous browse pages shared for a moment. Most browsing is anonymous first pages of a few shapes
 * (the home page, a category, a sort, a popular word), and each costs a statement, its planning and
 * the page's JSON; within `ttlMs` the same page is answered from memory, and identical requests that
 * arrive while it is being read share that one read. Signed-in pages are never cached (watch flags,
 * the seller's own view). A page may show a price up to `ttlMs` old; the listing's own page and the
 * live socket events are never cached.
 */
export class BrowseCache<T> {
  private readonly entries = new Map<string, { readAt: number; page: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, read: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return read();
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.readAt < this.ttlMs) {
      browseCacheRequests.inc({ result: 'hit' });
      return entry.page;
    }
    browseCacheRequests.inc({ result: 'miss' });
    const page = read();
    // Re-inserted so the Map's order is the age order the eviction below relies on.
    this.entries.delete(key);
    this.entries.set(key, { readAt: now, page });
    // A failed read is not shared beyond the requests already waiting for it.
    page.catch(() => {
      if (this.entries.get(key)?.page === page) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) this.evictOldest(now);
    return page;
  }

  private evictOldest(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - entry.readAt < this.ttlMs) return;
      this.entries.delete(key);
    }
  }
}

export const browseCacheRequests = new Counter({
  name: 'browse_cache_requests_total',
  help: 'Anonymous browse pages answered from the shared moment cache (hit) or read (miss)',
  labelNames: ['result'],
  registers: [],
});

/** Adds the browse cache's counter to the api's registry. */
export function registerBrowseCacheMetrics(registry: Registry): void {
  if (!registry.getSingleMetric('browse_cache_requests_total')) registry.registerMetric(browseCacheRequests);
}
