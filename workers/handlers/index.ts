import type { HandlerMap } from '../registry';
import * as auctions from './auctions';
import * as bids from './bids';
import { endingSoon, endingSoonPush } from './ending-soon';
import * as disputes from './disputes';
import * as escrow from './escrow';
import { purgeAccounts } from './account-purge';
import { endSessions } from './sessions';
import { takeDownSuspendedSeller } from './suspended-seller';
import { cleanup, deleteStoredObjects } from './maintenance';
import * as meetups from './meetups';
import * as notifications from './notifications';
import * as offers from './offers';
import { notifyFollowersBatch } from './follows';

/** queue → job name → handler, for every job of the catalogue (src/shared/jobs/catalogue.ts). */
export const handlers: HandlerMap = {
  bids: { 'bid.drain': bids.drain, 'bid.sweep': bids.sweep },
  auctions: { 'auction.open': auctions.open, 'auction.close_second': auctions.closeEndingSecond, 'auction.close': auctions.close, 'auction.sweep': auctions.sweep, 'auction.ending_soon': endingSoon, 'auction.ending_soon_push': endingSoonPush, 'offer.expire': offers.expire },
  notifications: { 'notification.send': notifications.send, 'notification.send_batch': notifications.sendBatch, 'meetup.remind': meetups.remind, 'listing.notify_followers': notifyFollowersBatch },
  maintenance: { 'maintenance.cleanup': cleanup, 'maintenance.purge_accounts': purgeAccounts, 'auth.end_sessions': endSessions, 'storage.delete_objects': deleteStoredObjects, 'bid.withdraw_suspended': bids.withdrawSuspended, 'listings.take_down_suspended_seller': takeDownSuspendedSeller },
  disputes: { 'dispute.escalate': disputes.escalate, 'dispute.sweep': disputes.sweep },
  escrow: {
    'escrow.release': escrow.release,
    'escrow.refund': escrow.refund,
    'escrow.payment_refund': escrow.paymentRefund,
    'escrow.stripe_event': escrow.stripeEvent,
    'escrow.payment_deadline': escrow.paymentDeadline,
    'escrow.payment_reminder': escrow.paymentReminder,
    'escrow.sweep': escrow.sweep,
  },
};
