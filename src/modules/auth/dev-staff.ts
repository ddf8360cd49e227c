import type { Trx } from '../../../db/connection';
import type { User } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { recordAudit } from '../audit';
import { setUserRole } from '../users';

/**
 * Development and test only (SPEC §9 `DEV_STAFF_PHONES`): a listed phone signs in with its staff role.
 * The map is empty in production (config), so this never grants anything there. A change of role is
 * audited like `grant-role`, with the setting named as the operator. `deps.db` is the sign-in's
 * transaction: role and audit entry commit with it.
 */
export async function applyDevStaffRole(deps: { db: Trx } & Pick<Platform, 'config'>, user: User): Promise<User> {
  const role = deps.config.auth.devStaffPhones.get(user.phoneNumber);
  if (!role || user.role === role) return user;
  const updated = await setUserRole(deps.db, user.id, role);
  await recordAudit(deps.db, {
    actorId: null,
    action: 'user.role_granted',
    targetType: 'user',
    targetId: user.id,
    details: { operator: 'DEV_STAFF_PHONES', from: user.role, to: role },
  });
  return updated ?? user;
}
