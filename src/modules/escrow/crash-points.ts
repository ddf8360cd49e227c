/**
 * Named points in the money paths where a test can make the process "die": an armed point throws
 * once, exactly as a crash there would leave things (a Stripe call made or not, a database
 * transaction rolled back). Nothing is armed outside tests, so `hit` is a map lookup.
 */
export type CrashPoint =
  | 'pay.after_intent'
  | 'release.before_transfer'
  | 'release.after_transfer'
  | 'release.after_commit'
  | 'refund.after_reversal'
  | 'refund.after_refund';

export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

const armed = new Map<CrashPoint, number>();
const hits: CrashPoint[] = [];

export const crashPoints = {
  /** Makes the next `times` passes through `point` throw (tests only). */
  arm(point: CrashPoint, times = 1): void {
    armed.set(point, times);
  },
  /** Called by the money paths; throws when armed. */
  hit(point: CrashPoint): void {
    const left = armed.get(point);
    if (!left) return;
    hits.push(point);
    if (left <= 1) armed.delete(point);
    else armed.set(point, left - 1);
    throw new SimulatedCrash(point);
  },
  /** The crashes simulated so far, in order. */
  hits(): readonly CrashPoint[] {
    return hits;
  },
  reset(): void {
    armed.clear();
    hits.length = 0;
  },
};
