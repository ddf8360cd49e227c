import type { Actor } from '../../shared/context';
import { forbidden } from '../../shared/errors';
import { can } from '../../shared/permissions';

/** Throws 403 unless the actor's role may manage safe zones (the staff routes' second gate). */
export function requireZoneManager(actor: Actor): void {
  if (!can(actor.role, 'safe_zones:manage')) throw forbidden('missing_permission', 'This needs the safe_zones:manage permission.');
}
