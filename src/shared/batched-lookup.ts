/**
 * Lookups asked for in the same turn of the event loop, answered by one `load` call. Under load a
 * process reads many requests in one turn (one poll phase drains many sockets), and a statement
 * per request costs each one a pool connection, a round trip and a socket write, the largest
 * single item in the api's CPU profile at capacity (docs/BENCHMARKS.md, session 17). A lookup
 * alone waits only for the end of the current turn (`setImmediate`).
 *
 * `load` answers the keys in their order; when it fails, every lookup of that batch fails with it.
 */
export function batchedLookup<K, V>(load: (keys: readonly K[]) => Promise<readonly V[]>, maxBatch = 200): (key: K) => Promise<V> {
  let pending: Array<{ key: K; resolve: (value: V) => void; reject: (err: unknown) => void }> = [];

  const answer = async (part: typeof pending): Promise<void> => {
    try {
      const values = await load(part.map((p) => p.key));
      if (values.length !== part.length) throw new Error(`batched lookup answered ${values.length} of ${part.length} keys`);
      part.forEach((p, i) => p.resolve(values[i]));
    } catch (err) {
      part.forEach((p) => p.reject(err));
    }
  };

  const flush = (): void => {
    const batch = pending;
    pending = [];
    for (let start = 0; start < batch.length; start += maxBatch) void answer(batch.slice(start, start + maxBatch));
  };

  return (key: K) =>
    new Promise<V>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ key, resolve, reject });
    });
}
