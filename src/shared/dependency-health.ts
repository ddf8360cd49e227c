import type { Logger } from './logger';

/** A request (or socket event) still unanswered after this long makes the probe check PostgreSQL and Redis. */
export const SUSPECT_AFTER_MS = 250;

export type Dependency = 'postgres' | 'redis';
const DEPENDENCIES: Dependency[] = ['postgres', 'redis'];

export interface HealthOptions {
  /** How long a probe waits for each dependency. */
  probeTimeoutMs: number;
  /** Minimum gap between probes, and the re-probe period while something is down. */
  recheckMs: number;
}

/**
 * What the request path knows about PostgreSQL and Redis. Nothing runs while all is well; a probe is
 * started when something looks wrong (a request slow to answer, an outage error). A failed probe marks
 * the dependency down: new requests are refused at once (503) and requests already waiting are told,
 * so none sits on a hung server. While down, it is re-probed until it answers again — recovery needs
 * no restart.
 */
export class DependencyHealth {
  private readonly downNow = new Set<Dependency>();
  private readonly listeners = new Set<(down: Dependency[]) => void>();
  private probing?: Promise<void>;
  private lastProbeAt = 0;
  private recheck?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly probes: Record<Dependency, (timeoutMs: number) => Promise<void>>,
    private readonly logger: Logger,
    private readonly options: HealthOptions = { probeTimeoutMs: 500, recheckMs: 250 },
  ) {}

  /** The dependencies known to be down (empty when all is well or nothing was checked). */
  down(): Dependency[] {
    return [...this.downNow];
  }

  /** Calls `listener` each time a dependency is found down; returns the unsubscribe. */
  watch(listener: (down: Dependency[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something looked wrong: probe now, unless a probe is running or has just run. */
  suspect(): void {
    if (this.closed || this.probing || Date.now() - this.lastProbeAt < this.options.recheckMs) return;
    this.probing = this.probe().finally(() => {
      this.probing = undefined;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.recheck);
    await this.probing;
  }

  private async probe(): Promise<void> {
    this.lastProbeAt = Date.now();
    const results = await Promise.all(
      DEPENDENCIES.map(async (dep) => ({ dep, ok: await this.probes[dep](this.options.probeTimeoutMs).then(() => true, () => false) })),
    );
    if (this.closed) return;
    let newlyDown = false;
    for (const { dep, ok } of results) {
      if (!ok && !this.downNow.has(dep)) {
        this.downNow.add(dep);
        newlyDown = true;
        this.logger.warn({ dependency: dep }, 'dependency down: requests answer 503 until it is back');
      } else if (ok && this.downNow.delete(dep)) {
        this.logger.info({ dependency: dep }, 'dependency back');
      }
    }
    if (newlyDown) for (const listener of this.listeners) listener(this.down());
    if (this.downNow.size > 0) {
      clearTimeout(this.recheck);
      this.recheck = setTimeout(() => this.suspect(), this.options.recheckMs);
    }
  }
}
