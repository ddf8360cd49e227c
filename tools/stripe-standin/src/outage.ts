/**
 * A Stripe outage: for as long as it is on, every matching `/v1` request fails the way Stripe fails
 * under load or during an incident — 500 `api_error`, 429 `rate_limit`, or no answer at all — and
 * nothing is executed or stored (no idempotency key is claimed), so a retry after the outage does the
 * work once. Unlike `failNext` (a counted queue of single faults) it is a window in time: the fault
 * suite turns it on, lets the system run for "5 minutes" of its fake clock, and turns it off.
 */
export type OutageFailure = 'server_error' | 'rate_limited' | 'timeout';

const FAILURES: readonly OutageFailure[] = ['server_error', 'rate_limited', 'timeout'];

export interface OutageSpec {
  /** Requests whose path starts with one of these fail (default: every `/v1/` request). */
  pathPrefixes?: string[];
  /** HTTP methods that fail (default: all). */
  methods?: string[];
  /** Failures used in turn, request after request (default: all three). */
  failures?: OutageFailure[];
  /** `timeout`: drop the socket after this many ms without answering (default 1000). */
  hangMs?: number;
}

interface ActiveOutage {
  pathPrefixes: string[];
  methods: string[] | null;
  failures: OutageFailure[];
  hangMs: number;
}

export interface OutageVerdict {
  failure: OutageFailure;
  hangMs: number;
}

export class Outage {
  private active: ActiveOutage | null = null;
  private turn = 0;
  private readonly counts: Record<OutageFailure, number> = { server_error: 0, rate_limited: 0, timeout: 0 };

  start(spec: OutageSpec = {}): void {
    const failures = spec.failures ?? [...FAILURES];
    if (failures.length === 0 || failures.some((f) => !FAILURES.includes(f)))
      throw new Error(`failures must be some of ${FAILURES.join(', ')}`);
    if (spec.hangMs !== undefined && (!Number.isFinite(spec.hangMs) || spec.hangMs < 0))
      throw new Error('hangMs must be a non-negative number');
    this.active = {
      pathPrefixes: spec.pathPrefixes ?? ['/v1/'],
      methods: spec.methods?.map((m) => m.toUpperCase()) ?? null,
      failures,
      hangMs: spec.hangMs ?? 1000,
    };
    this.turn = 0;
  }

  stop(): void {
    this.active = null;
  }

  get isActive(): boolean {
    return this.active !== null;
  }

  /** How many requests each kind of failure has swallowed since the stand-in started (or `reset`). */
  failed(): Record<OutageFailure, number> {
    return { ...this.counts };
  }

  /** The failure for this request, or undefined to serve it normally. */
  take(method: string, path: string): OutageVerdict | undefined {
    const o = this.active;
    if (!o) return undefined;
    if (o.methods && !o.methods.includes(method.toUpperCase())) return undefined;
    if (!o.pathPrefixes.some((p) => path.startsWith(p))) return undefined;
    const failure = o.failures[this.turn % o.failures.length];
    this.turn += 1;
    this.counts[failure] += 1;
    return { failure, hangMs: o.hangMs };
  }

  reset(): void {
    this.active = null;
    this.turn = 0;
    for (const f of FAILURES) this.counts[f] = 0;
  }
}
