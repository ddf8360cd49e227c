import type { RouteDef } from './http/route';
import { authRoutes } from './modules/auth/auth.routes';
import { biddingRoutes } from './modules/bidding/bidding.routes';
import { categoryRoutes } from './modules/categories';
import { chatRoutes } from './modules/chat/chat.routes';
import { listingImageRoutes, listingRoutes } from './modules/listings';
import { deviceRoutes } from './modules/devices/devices.routes';
import { notificationRoutes } from './modules/notifications/notifications.routes';
import { adminRoutes } from './modules/admin/admin.routes';
import { disputeRoutes } from './modules/disputes';
import { escrowRoutes as payRoutes } from './modules/escrow';
import { handoverRoutes } from './modules/handover';
import { ratingRoutes } from './modules/ratings';
import { safeZoneRoutes } from './modules/safe-zones';
import { transactionRoutes } from './modules/transactions/transactions.routes';
import { userRoutes } from './modules/users/users.routes';
import { walletRoutes } from './modules/wallet';
import { webhookRoutes } from './modules/webhooks';

/** Transactions, QR handover, disputes, ratings and the staff console. */
const escrowRoutes: RouteDef[] = [...transactionRoutes, ...handoverRoutes, ...disputeRoutes, ...ratingRoutes, ...adminRoutes];

/** Payments core: pay, the seller's wallet, Stripe webhooks. */
const paymentRoutes: RouteDef[] = [...payRoutes, ...walletRoutes, ...webhookRoutes];

/** Every REST route of the API, in one list: mounted by the app and documented by OpenAPI. */
export const allRoutes: RouteDef[] = [...authRoutes, ...userRoutes, ...categoryRoutes, ...listingRoutes, ...listingImageRoutes, ...biddingRoutes, ...notificationRoutes, ...deviceRoutes, ...chatRoutes, ...safeZoneRoutes, ...escrowRoutes, ...paymentRoutes];
