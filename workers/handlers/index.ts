import type { HandlerMap } from '../registry';
import * as auctions from './auctions';
import * as bids from './bids';
import { cleanup } from './maintenance';
import * as notifications from './notifications';

/** queue → job name → handler, for every job declared in src/shared/queues.ts. */
export const handlers: HandlerMap = {
  bids: { 'bid.place': bids.placeBid },
  auctions: { 'auction.open': auctions.open, 'auction.close': auctions.close, 'auction.sweep': auctions.sweep },
  notifications: { 'notification.send': notifications.send },
  maintenance: { 'maintenance.cleanup': cleanup },
};
