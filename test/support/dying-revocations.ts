import { SessionRevocations } from '../../src/modules/auth';
import type { Deps } from '../../src/composition';

/** What the process "dies" of in a crash-after-commit test of ending sessions. */
export class SimulatedCrash extends Error {}

/** Revocations whose first write to Redis throws: the process dies right after the change committed. */
class DyingRevocations extends SessionRevocations {
  override async revoke(): Promise<void> {
    throw new SimulatedCrash('simulated crash before the sessions were revoked in Redis');
  }
}

/**
 * `deps` whose process dies at its first session revocation in Redis, after the state change
 * (deletion, suspension, role change) committed: what is left to end the sessions is the outbox job.
 */
export function dyingAtRevocation<D extends Deps>(deps: D): D {
  return { ...deps, revocations: new DyingRevocations(deps.redis, deps.config.redisPrefix, deps.config.auth.accessTtlSec) };
}
