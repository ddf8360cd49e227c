import type { Actor } from '../../shared/context';
import { forbidden } from '../../shared/errors';
import { can, type Permission } from '../../shared/permissions';

/** Throws 403 unless the actor's role grants `permission` (the route's `roles` are the first gate). */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden('missing_permission', `This needs the ${permission} permission.`);
}
