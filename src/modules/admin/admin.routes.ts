import { adminCatalogueRoutes } from './admin-catalogue.routes';
import { adminDisputeRoutes } from './admin-disputes.routes';
import { adminUserRoutes } from './admin-users.routes';
import { auditLogRoutes } from './audit-log.routes';

/** The staff API (mounted by src/routes.ts; not part of the module's index, see docs/ARCHITECTURE.md). */
export const adminRoutes = [...adminDisputeRoutes, ...adminUserRoutes, ...adminCatalogueRoutes, ...auditLogRoutes];
