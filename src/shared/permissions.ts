import type { Role } from '../../db/schema';

/** Permissions are `resource:action`; a role grants patterns where `*` matches a whole segment. */
export type Permission =
  | 'disputes:read'
  | 'disputes:resolve'
  | 'users:read'
  | 'users:suspend'
  | 'listings:moderate'
  | 'safe_zones:manage'
  | 'categories:manage'
  | 'audit:read'
  | 'queues:view'
  | 'transactions:read'
  | 'money_jobs:read'
  | 'money_jobs:retry';

const GRANTS: Record<Role, string[]> = {
  user: [],
  support: ['disputes:*', 'users:read', 'transactions:read', 'audit:read', 'listings:moderate', 'money_jobs:*'],
  admin: ['*'],
};

function matches(pattern: string, permission: string): boolean {
  if (pattern === '*') return true;
  const [pr, pa] = pattern.split(':');
  const [r, a] = permission.split(':');
  return pr === r && (pa === '*' || pa === a);
}

/** True when `role` has been granted `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].some((pattern) => matches(pattern, permission));
}

export const isStaff = (role: Role): boolean => role === 'support' || role === 'admin';
