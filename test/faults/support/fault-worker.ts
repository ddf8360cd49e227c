/**
 * `workers/main.ts` with kill switches, for the fault suite: the process SIGKILLs ITSELF (no shutdown
 * hook, no `finally`, jobs left active in Redis) at the first pass through one of these places:
 * - FAULTS_KILL_AT=<crash point>           a named point of the money paths (src/modules/escrow/crash-points.ts);
 * - FAULTS_KILL_BEFORE_STRIPE=<method>     just before a Payments call (createTransfer, createRefund…) leaves;
 * - FAULTS_KILL_ON_COMPLETE=<job name>     once a job's work is committed, before BullMQ hears it completed.
 * Each one is how a real worker dies: the OOM killer or a node drained mid-job.
 */
import { Job } from 'bullmq';
import { loadConfigOrExit } from '../../../src/config/config';
import { createDeps } from '../../../src/composition';
import type { CrashHook } from '../../../src/modules/escrow';
import { createPayments } from '../../../src/providers/payments/create-payments';
import type { Payments } from '../../../src/providers/payments/payments';
import { holdSignalsUntilStarted, stopOnSignal } from '../../../src/process';
import { startWorkers } from '../../../workers/workers';

const die = (where: string): never => {
  process.stderr.write(`fault-worker: SIGKILL at ${where}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: killed');
};

const killAt = process.env.FAULTS_KILL_AT;
const crashHook: CrashHook | undefined = killAt ? (point) => (point === killAt ? die(point) : undefined) : undefined;

function paymentsDyingBefore(payments: Payments, method: string | undefined): Payments {
  if (!method) return payments;
  return new Proxy(payments, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return () => die(`before ${method}`);
    },
  });
}

const completeKill = process.env.FAULTS_KILL_ON_COMPLETE;
if (completeKill) {
  const original = Job.prototype.moveToCompleted;
  Job.prototype.moveToCompleted = function (this: Job, ...args: Parameters<typeof original>) {
    if (this.name === completeKill) die(`completion of ${this.name}`);
    return original.apply(this, args);
  } as typeof original;
}

async function main(): Promise<void> {
  holdSignalsUntilStarted();
  const config = loadConfigOrExit();
  const payments = paymentsDyingBefore(createPayments(config), process.env.FAULTS_KILL_BEFORE_STRIPE);
  const deps = await createDeps(config, 'workers', { crashHook, payments });
  const workers = await startWorkers(deps);
  stopOnSignal(deps.logger, [workers, { stop: () => deps.close() }], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
