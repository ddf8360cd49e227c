/**
 * Named points in the money paths where a test can make the process "die": a hook that throws
 * there leaves things exactly as a crash would (a Stripe call made or not, a database transaction
 * rolled back). The hook comes with the dependencies (`Deps.crashHook`); production passes none,
 * so each point is one optional call. Tests build theirs in test/support/crash-points.ts.
 */
export type CrashPoint =
  | 'pay.after_intent'
  | 'release.before_transfer'
  | 'release.after_transfer'
  | 'release.after_commit'
  | 'refund.after_reversal'
  | 'refund.after_refund'
  // src/http/idempotency.ts: the work (its transaction committed) returned, its reply not stored yet.
  | 'idempotency.after_work';

export type CrashHook = (point: CrashPoint) => void;
