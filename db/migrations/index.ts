import type { Migration } from 'kysely';
import * as m202611220001 from './202611220001_foundation';
import * as m202611220002 from './202611220002_auctions';
import * as m202611220004 from './202611220004_bid_decision_order';
import * as m202611220005 from './202611220005_chat';
import * as m202611220006 from './202611220006_escrow';
import * as m202611220007 from './202611220007_devices';
import * as m202611220010 from './202611220010_escrow_payouts';
import * as m202611220011 from './202611220011_outbox_failures';
import * as m202612020745 from './202612020745_safe_zones';
import * as m202612020900 from './202612020900_meetups';
import * as m202612021010 from './202612021010_account_purge';
import * as m202612021020 from './202612021020_notification_preferences';
import * as m202612021040 from './202612021040_non_payment_strikes';
import * as m202612021050 from './202612021050_claim_lease_and_event_backoff';
import * as m202612021100 from './202612021100_money_intents';
import * as m202612021400 from './202612021400_browse_indexes';
import * as m202612021500a from './202612021500_second_chance_offers';
import * as m202612021500b from './202612021500_seller_follows';
import * as m202612021600 from './202612021600_locale_and_sms_opt_outs';
import * as m202612021700 from './202612021700_payment_refund_intents';
import * as m202612021800 from './202612021800_undecided_bids';
import * as m202612022200 from './202612022200_outbox_wake_trigger';
import * as m202612041900 from './202612041900_listing_relists';
import * as m202612051000 from './202612051000_lookup_indexes';
import * as m202612051100 from './202612051100_device_sessions';
import * as m202612051900 from './202612051900_safe_zone_places';
import * as m202612052300 from './202612052300_offer_seller_index';
import * as m202612060100 from './202612060100_purged_phone_standings';

/** Every migration, in order. A static list works the same under tsx, Jest and the compiled build. */
export const migrations: Record<string, Migration> = {
  '202611220001_foundation': m202611220001,
  '202611220002_auctions': m202611220002,
  '202611220004_bid_decision_order': m202611220004,
  '202611220005_chat': m202611220005,
  '202611220006_escrow': m202611220006,
  '202611220007_devices': m202611220007,
  '202611220010_escrow_payouts': m202611220010,
  '202611220011_outbox_failures': m202611220011,
  '202612020745_safe_zones': m202612020745,
  '202612020900_meetups': m202612020900,
  '202612021010_account_purge': m202612021010,
  '202612021020_notification_preferences': m202612021020,
  '202612021040_non_payment_strikes': m202612021040,
  '202612021050_claim_lease_and_event_backoff': m202612021050,
  '202612021100_money_intents': m202612021100,
  '202612021400_browse_indexes': m202612021400,
  '202612021500_second_chance_offers': m202612021500a,
  '202612021500_seller_follows': m202612021500b,
  '202612021600_locale_and_sms_opt_outs': m202612021600,
  '202612021700_payment_refund_intents': m202612021700,
  '202612021800_undecided_bids': m202612021800,
  '202612022200_outbox_wake_trigger': m202612022200,
  '202612041900_listing_relists': m202612041900,
  '202612051000_lookup_indexes': m202612051000,
  '202612051100_device_sessions': m202612051100,
  '202612051900_safe_zone_places': m202612051900,
  '202612052300_offer_seller_index': m202612052300,
  '202612060100_purged_phone_standings': m202612060100,
};
