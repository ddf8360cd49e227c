/** Public surface of the admin (staff console) module. */
import { adminDisputeRoutes } from './admin-disputes.routes';
import { adminUserRoutes } from './admin-users.routes';
import { auditLogRoutes } from './audit-log.routes';

export const adminRoutes = [...adminDisputeRoutes, ...adminUserRoutes, ...auditLogRoutes];
export { getDisputeCase, listDisputes } from './dispute-cases';
export { getUserForStaff, setSuspension } from './admin-users';
export { requirePermission } from './admin.policy';
