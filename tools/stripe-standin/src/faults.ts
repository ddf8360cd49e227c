import { isRecord } from './expand';

/**
 * - `error_before_commit`: answer 500 without executing (nothing changes, nothing is stored).
 * - `error_after_commit`: execute and store the result under the idempotency key, answer 500.
 * - `timeout_after_commit`: execute and store, then never answer (or drop the socket after
 *   `hangMs`), as when the network fails after Stripe has done the work.
 * - `delay`: hold the request `delayMs` before executing, its idempotency key in flight.
 */
export type FaultMode = 'error_before_commit' | 'error_after_commit' | 'timeout_after_commit' | 'delay';

const FAULT_MODES: readonly FaultMode[] = ['error_before_commit', 'error_after_commit', 'timeout_after_commit', 'delay'];

export interface FaultSpec {
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Matches request paths starting with this, e.g. `/v1/transfers`. */
  pathPrefix: string;
  mode: FaultMode;
  /** How many matching requests to affect (default 1). */
  times?: number;
  /** timeout_after_commit: destroy the socket after this many ms instead of hanging forever. */
  hangMs?: number;
  /** delay: how long to hold the request. */
  delayMs?: number;
}

interface ArmedFault {
  spec: FaultSpec;
  remaining: number;
}

/** Faults armed by tests, consumed in the order they were armed. */
export class FaultQueue {
  private armed: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    this.armed.push({ spec: parseFaultSpec(spec), remaining: spec.times ?? 1 });
  }

  take(method: string, path: string): FaultSpec | undefined {
    const found = this.armed.find(
      (f) => (!f.spec.method || f.spec.method.toUpperCase() === method) && path.startsWith(f.spec.pathPrefix),
    );
    if (!found) return undefined;
    found.remaining--;
    if (found.remaining <= 0) this.armed = this.armed.filter((f) => f !== found);
    return found.spec;
  }

  pending(): FaultSpec[] {
    return this.armed.map((f) => ({ ...f.spec, times: f.remaining }));
  }

  clear(): void {
    this.armed = [];
  }
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number`);
  return parsed;
}

/** Validates a fault from untyped input (the control endpoint's JSON body). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!isRecord(input)) throw new Error('fault must be an object');
  const { method, pathPrefix, mode } = input;
  if (typeof pathPrefix !== 'string' || !pathPrefix.startsWith('/')) throw new Error('pathPrefix must be a path such as /v1/transfers');
  const knownMode = FAULT_MODES.find((m) => m === mode);
  if (!knownMode) throw new Error(`mode must be one of ${FAULT_MODES.join(', ')}`);
  if (method !== undefined && typeof method !== 'string') throw new Error('method must be a string');
  const times = optionalNumber(input.times, 'times');
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) throw new Error('times must be a positive integer');
  return {
    method,
    pathPrefix,
    mode: knownMode,
    times,
    hangMs: optionalNumber(input.hangMs, 'hangMs'),
    delayMs: optionalNumber(input.delayMs, 'delayMs'),
  };
}
