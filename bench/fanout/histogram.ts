/** Latency histogram in 0.1 ms buckets up to 10 s (the last bucket collects everything slower). */
export const BUCKET_MS = 0.1;
export const BUCKETS = 100_000;

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;

  record(ms: number): void {
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[bucket] += 1;
    this.total += 1;
  }

  /** Sparse form for IPC: [bucket, count] pairs. */
  toSparse(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.counts.forEach((c, i) => {
      if (c) out.push([i, c]);
    });
    return out;
  }

  merge(sparse: Array<[number, number]>): void {
    for (const [i, c] of sparse) {
      this.counts[i] += c;
      this.total += c;
    }
  }

  /** The q-quantile (0..1) in ms (upper edge of its bucket). */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i += 1) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  max(): number {
    for (let i = BUCKETS - 1; i >= 0; i -= 1) if (this.counts[i]) return (i + 1) * BUCKET_MS;
    return NaN;
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
