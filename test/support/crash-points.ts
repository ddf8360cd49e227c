import type { CrashHook, CrashPoint } from '../../src/modules/escrow';

export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

/**
 * The crash hook tests hand to the composition root (`DepsOverrides.crashHook`): an armed point
 * throws once, as the process dying there would; nothing armed, nothing happens.
 */
export class CrashPoints {
  private readonly armed = new Map<CrashPoint, number>();
  private readonly seen: CrashPoint[] = [];

  /** Makes the next `times` passes through `point` throw. */
  arm(point: CrashPoint, times = 1): void {
    this.armed.set(point, times);
  }

  /** The hook the money paths call. */
  readonly hook: CrashHook = (point) => {
    const left = this.armed.get(point);
    if (!left) return;
    this.seen.push(point);
    if (left <= 1) this.armed.delete(point);
    else this.armed.set(point, left - 1);
    throw new SimulatedCrash(point);
  };

  /** The crashes simulated so far, in order. */
  hits(): readonly CrashPoint[] {
    return this.seen;
  }

  reset(): void {
    this.armed.clear();
    this.seen.length = 0;
  }
}
