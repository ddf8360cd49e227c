import { Job } from 'bullmq';
import type { Deps } from '../../../src/composition';

/**
 * The suite's fake clock. "Five minutes of Stripe failing" must not take five real minutes, and the
 * processes under test are real (their clocks are the machine's). What time governs in them is
 * BullMQ's delayed set: retry backoffs and the repeating sweeps are scores (due time in ms) there.
 * Advancing the fake clock promotes every delayed job whose due time has passed on the fake clock,
 * exactly as the real clock would after that long — so a job's retries happen as often as they would
 * in `advanceMs` of real time, and a job that gives up after N attempts gives up here too.
 * PostgreSQL `now()` and the processes' Date stay real: thresholds computed from them (a sweep's
 * "overdue after 10 min") do NOT move with this clock; the RELIABILITY report says so.
 */
export class FakeTime {
  /** How far the fake clock is ahead of the real one. */
  private offsetMs = 0;
  private promotedCount = 0;

  constructor(private readonly deps: Pick<Deps, 'queues' | 'redis'>) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get aheadMs(): number {
    return this.offsetMs;
  }

  /** Delayed jobs promoted so far (each one a retry or a scheduled run brought forward). */
  get promoted(): number {
    return this.promotedCount;
  }

  /** Moves the fake clock `ms` forward and runs what became due. */
  async advance(ms: number): Promise<number> {
    this.offsetMs += ms;
    return this.promoteDue();
  }

  /**
   * Advances in `stepMs` steps, `realPauseMs` apart (so workers run what was promoted), until `totalMs`
   * of fake time has passed or `done()` says so. Returns the fake ms it took.
   */
  async run(
    totalMs: number,
    opts: { stepMs?: number; realPauseMs?: number; done?: () => Promise<boolean>; onAdvance?: (ms: number) => Promise<unknown> } = {},
  ): Promise<number> {
    const step = opts.stepMs ?? 5_000;
    const pause = opts.realPauseMs ?? 100;
    let elapsed = 0;
    while (elapsed < totalMs) {
      if (opts.done && (await opts.done().catch(() => false))) break;
      await this.advance(step);
      // Thresholds PostgreSQL computes with now() do not see the fake clock: the scenario ages its rows instead.
      await opts.onAdvance?.(step);
      elapsed += step;
      await new Promise((r) => setTimeout(r, pause));
    }
    return elapsed;
  }

  private async promoteDue(): Promise<number> {
    const due = this.now();
    let count = 0;
    for (const queue of Object.values(this.deps.queues)) {
      // Score = due timestamp × 0x1000 + a counter (BullMQ's delayed-set encoding).
      const ids = await this.deps.redis.zrangebyscore(queue.toKey('delayed'), '-inf', String(due * 0x1000 + 0xfff));
      for (const id of ids) {
        const job = await Job.fromId(queue, id);
        // Gone or already moved on by a worker between the two reads: nothing to bring forward.
        if (
          await job?.promote().then(
            () => true,
            () => false,
          )
        )
          count += 1;
      }
    }
    this.promotedCount += count;
    return count;
  }
}
