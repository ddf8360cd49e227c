import type { User } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { recordAudit } from '../audit';
import { setUserRole } from '../users';

/**
 * Development and test only (SPEC §9 `DEV_STAFF_PHONES`): a listed phone signs in with its staff role.
 * The map is empty in production (config), so this never grants anything there. A change of role is
 * audited like `grant-role`, with the setting named as the operator.
 */
export async function applyDevStaffRole(deps: Pick<Platform, 'db' | 'config'>, user: User): Promise<User> {
  const role = deps.config.auth.devStaffPhones.get(user.phoneNumber);
  if (!role || user.role === role) return user;
  return deps.db.transaction().execute(async (trx) => {
    const updated = await setUserRole(trx, user.id, role);
    await recordAudit(trx, {
      actorId: null,
      action: 'user.role_granted',
      targetType: 'user',
      targetId: user.id,
      details: { operator: 'DEV_STAFF_PHONES', from: user.role, to: role },
    });
    return updated ?? user;
  });
}
