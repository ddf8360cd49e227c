import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile, round } from '../support';
import { prng } from './catalogue';
import { pickShape } from './shapes';

export interface LoadOptions {
  apiUrl: string;
  /** Closed loop: this many requests in flight at all times (each loop sends its next on the answer). */
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** Access tokens; this share of requests is signed in (adds the watch flags and the per-user limit). */
  tokens: string[];
  signedInShare: number;
  /** Share of requests that follow the previous answer's nextCursor (page 2, 3, …). */
  nextPageShare: number;
}

export interface LatencyStats {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadResult {
  requestsPerSec: number;
  overall: LatencyStats;
  byShape: Record<string, LatencyStats>;
  errors: number;
  errorSamples: string[];
  meanItems: number;
}

const stats = (ms: number[]): LatencyStats => {
  const s = [...ms].sort((a, b) => a - b);
  return { count: s.length, p50Ms: round(percentile(s, 50), 2), p95Ms: round(percentile(s, 95), 2), p99Ms: round(percentile(s, 99), 2), maxMs: round(s[s.length - 1] ?? NaN, 2) };
};

interface Answer {
  status: number;
  body: string;
}

function get(agent: Agent, url: URL, token: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Closed-loop load on `GET /v1/listings`: `concurrency` loops over keep-alive connections, each
 * picking a request shape (see shapes.ts) and sending the next as soon as the answer is read. Only
 * requests sent after the warm-up and answered before the end count. Latency = send → last byte.
 */
export async function driveBrowse(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const byShape = new Map<string, number[]>();
  const all: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let items = 0;
  const start = performance.now();
  const measureFrom = start + o.warmupSeconds * 1000;
  const end = measureFrom + o.seconds * 1000;

  const loop = async (seed: number) => {
    const random = prng(seed);
    let cursor: { shape: string; params: Record<string, string>; next: string } | undefined;
    while (performance.now() < end) {
      let name: string;
      let params: Record<string, string>;
      if (cursor && random() < o.nextPageShare) {
        name = 'next page (cursor)';
        params = { ...cursor.params, cursor: cursor.next };
      } else {
        const shape = pickShape(random);
        name = shape.name;
        params = shape.params(random);
      }
      const url = new URL('/v1/listings', o.apiUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const token = random() < o.signedInShare ? o.tokens[Math.floor(random() * o.tokens.length)] : undefined;
      const sent = performance.now();
      const answer = await get(agent, url, token).catch((err: Error) => ({ status: 0, body: err.message }));
      const done = performance.now();
      const counted = sent >= measureFrom && done <= end;
      if (answer.status !== 200) {
        if (counted) errors += 1;
        if (errorSamples.length < 5) errorSamples.push(`${answer.status} ${name}: ${answer.body.slice(0, 200)}`);
        cursor = undefined;
        continue;
      }
      const page = JSON.parse(answer.body) as { items: unknown[]; nextCursor: string | null };
      cursor = page.nextCursor ? { shape: name, params: { ...params, cursor: '' }, next: page.nextCursor } : undefined;
      if (cursor) delete cursor.params.cursor;
      if (!counted) continue;
      items += page.items.length;
      all.push(done - sent);
      const list = byShape.get(name) ?? [];
      list.push(done - sent);
      byShape.set(name, list);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => loop(1000 + i)));
  agent.destroy();
  return {
    requestsPerSec: round(all.length / o.seconds, 1),
    overall: stats(all),
    byShape: Object.fromEntries([...byShape.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => [k, stats(v)])),
    errors,
    errorSamples,
    meanItems: round(items / Math.max(1, all.length), 1),
  };
}
