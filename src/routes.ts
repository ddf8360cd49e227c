import type { RouteDef } from './http/route';
import { authRoutes } from './modules/auth/auth.routes';
import { biddingRoutes } from './modules/bidding/bidding.routes';
import { notificationRoutes } from './modules/notifications/notifications.routes';
import { userRoutes } from './modules/users/users.routes';

/** Every REST route of the API, in one list: mounted by the app and documented by OpenAPI. */
export const allRoutes: RouteDef[] = [...authRoutes, ...userRoutes, ...biddingRoutes, ...notificationRoutes];
