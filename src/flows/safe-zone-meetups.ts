import type { Platform } from '../shared/platform';
import type { Actor } from '../shared/context';
import { tellPartiesZoneClosed } from '../modules/meetups';
import { deactivateSafeZone, updateSafeZone, type OnZoneDeactivated, type UpdateSafeZoneInput } from '../modules/safe-zones';

type Deps = Pick<Platform, 'db' | 'clock'>;
interface Ctx {
  actor: Actor;
  requestId: string;
}

/**
 * A zone stops taking meetups: the parties of every upcoming meetup there are told (timeline, room,
 * notification through the outbox) in the same database transaction as the deactivation.
 */
const tellParties =
  (deps: Deps, ctx: Ctx): OnZoneDeactivated =>
  async (trx, zone) => {
    await tellPartiesZoneClosed(trx, zone, ctx.actor.userId, deps.clock.now());
  };

/** DELETE /v1/admin/safe-zones/:id: deactivates the zone and tells the parties meeting there. */
export function deactivateSafeZoneTellingParties(deps: Deps, ctx: Ctx, id: string) {
  return deactivateSafeZone(deps, ctx, id, tellParties(deps, ctx));
}

/** PATCH /v1/admin/safe-zones/:id: `active: false` deactivates like DELETE, telling the parties meeting there. */
export function updateSafeZoneTellingParties(deps: Deps, ctx: Ctx, id: string, input: UpdateSafeZoneInput) {
  return updateSafeZone(deps, ctx, id, input, tellParties(deps, ctx));
}
