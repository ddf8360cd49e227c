import type { Role } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { invalid, notFound } from '../../shared/errors';
import { recordAudit } from '../audit';
import { findLiveUserByPhone, setUserRole } from '../users';

const E164 = /^\+[1-9]\d{6,14}$/;
const ROLES: readonly Role[] = ['user', 'support', 'admin'];

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/**
 * Gives a registered (signed-in at least once) user a role: the operator's way to make staff
 * (`npm run grant-role`, SPEC §9). Audited as `user.role_granted` with no actor id (it is not an
 * API user) and `details.operator` naming who ran it; role and audit entry commit together.
 */
export async function grantRole(deps: Pick<Platform, 'db'>, phone: string, role: string, operator: string) {
  const errors = [
    ...(E164.test(phone) ? [] : [{ field: 'phone', message: 'must be an E.164 number such as +15555550100' }]),
    ...(isRole(role) ? [] : [{ field: 'role', message: `must be one of ${ROLES.join(', ')}` }]),
  ];
  if (errors.length > 0 || !isRole(role)) throw invalid(errors);
  return deps.db.transaction().execute(async (trx) => {
    const user = await findLiveUserByPhone(trx, phone);
    if (!user) throw notFound('user (they must sign in once first)');
    const updated = await setUserRole(trx, user.id, role);
    await recordAudit(trx, {
      actorId: null,
      action: 'user.role_granted',
      targetType: 'user',
      targetId: user.id,
      details: { operator, from: user.role, to: role },
    });
    return { id: user.id, phoneNumber: user.phoneNumber, from: user.role, to: updated!.role };
  });
}
