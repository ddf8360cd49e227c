import type { Role } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { invalid, notFound } from '../../shared/errors';
import { recordAudit } from '../audit';
import { revokeEverySession, writeSessionsEnd, type SessionRevocations } from '../auth';
import { findLiveUserByPhone, setUserRole } from '../users';

const E164 = /^\+[1-9]\d{6,14}$/;
const ROLES: readonly Role[] = ['user', 'support', 'admin'];

const ROLE_CHANGED = 'Your role changed; sign in again.';

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** What ending a user's sessions needs (a role change, a staff suspension): Redis and the revocation list. */
export type SessionEndingDeps = Pick<Platform, 'db' | 'redis' | 'config'> & { revocations: SessionRevocations };

/**
 * Gives a registered (signed-in at least once) user a role: the operator's way to make staff
 * (`npm run grant-role`, SPEC §9). Audited as `user.role_granted` with no actor id (it is not an
 * API user) and `details.operator` naming who ran it; role and audit entry commit together. Then
 * every session of the user ends: access tokens carry the role, so a demoted admin would otherwise
 * keep staff powers until theirs expired (and a promoted user signs in again to get the new role).
 */
export async function grantRole(deps: SessionEndingDeps, phone: string, role: string, operator: string) {
  const errors = [
    ...(E164.test(phone) ? [] : [{ field: 'phone', message: 'must be an E.164 number such as +15555550100' }]),
    ...(isRole(role) ? [] : [{ field: 'role', message: `must be one of ${ROLES.join(', ')}` }]),
  ];
  if (errors.length > 0 || !isRole(role)) throw invalid(errors);
  const granted = await deps.db.transaction().execute(async (trx) => {
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
    // The sessions open now end through the outbox too, should this process die right after the commit.
    if (user.role !== role) await writeSessionsEnd(trx, user.id, ROLE_CHANGED);
    return { id: user.id, phoneNumber: user.phoneNumber, from: user.role, to: updated!.role };
  });
  // After the commit, like account deletion: a session refreshed between a revocation and the commit
  // would be minted with the old role. Granting the role the user already has changes no token.
  if (granted.from !== granted.to) await revokeEverySession(deps, granted.id, ROLE_CHANGED);
  return granted;
}
