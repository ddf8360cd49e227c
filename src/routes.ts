import type { RouteDef } from './http/route';
import { authRoutes } from './modules/auth/auth.routes';
import { biddingRoutes } from './modules/bidding/bidding.routes';
import { categoryRoutes } from './modules/categories/categories.routes';
import { chatRoutes } from './modules/chat/chat.routes';
import { listingImageRoutes } from './modules/listings/listing-images.routes';
import { listingRoutes } from './modules/listings/listings.routes';
import { watchlistRoutes } from './modules/listings/watchlist.routes';
import { deviceRoutes } from './modules/notifications/devices.routes';
import { notificationRoutes } from './modules/notifications/notifications.routes';
import { offerRoutes } from './modules/offers/offers.routes';
import { adminRoutes } from './modules/admin/admin.routes';
import { preferenceRoutes } from './modules/notifications/preferences.routes';
import { smsWebhookRoutes } from './modules/notifications/sms-webhook.routes';
import { disputeRoutes } from './modules/disputes/disputes.routes';
import { escrowRoutes as payRoutes } from './modules/escrow/escrow.routes';
import { moneyJobRoutes } from './modules/escrow/money-jobs.routes';
import { handoverRoutes } from './modules/handover/handover.routes';
import { ratingRoutes } from './modules/ratings/ratings.routes';
import { reviewRoutes } from './modules/ratings/reviews.routes';
import { safeZoneRoutes } from './modules/safe-zones/safe-zones.routes';
import { meetupRoutes } from './modules/meetups/meetups.routes';
import { transactionRoutes } from './modules/transactions/transactions.routes';
import { salesRoutes } from './modules/transactions/sales.routes';
import { accountRoutes } from './modules/auth/account.routes';
import { userRoutes } from './modules/users/users.routes';
import { followRoutes } from './modules/users/follows.routes';
import { walletRoutes } from './modules/wallet/wallet.routes';
import { webhookRoutes } from './modules/webhooks/webhooks.routes';


/** Transactions, QR handover, disputes, ratings and the staff console. */
const escrowRoutes: RouteDef[] = [...transactionRoutes, ...salesRoutes, ...meetupRoutes, ...handoverRoutes, ...disputeRoutes, ...ratingRoutes, ...reviewRoutes, ...adminRoutes];

/** Payments core: pay, the seller's wallet, Stripe webhooks. */
const paymentRoutes: RouteDef[] = [...payRoutes, ...moneyJobRoutes, ...walletRoutes, ...webhookRoutes, ...smsWebhookRoutes];

/** Every REST route of the API, in one list: mounted by the app and documented by OpenAPI. */
export const allRoutes: RouteDef[] = [...authRoutes, ...userRoutes, ...followRoutes, ...accountRoutes, ...categoryRoutes, ...listingRoutes, ...offerRoutes, ...listingImageRoutes, ...watchlistRoutes, ...biddingRoutes, ...notificationRoutes, ...preferenceRoutes, ...deviceRoutes, ...chatRoutes, ...safeZoneRoutes, ...escrowRoutes, ...paymentRoutes];
