/** Public surface of the offers module: second-chance offers to the runner-up after a non-payment (SPEC §9). */
export {
  acceptOffer,
  declineOffer,
  expireOffer,
  makeSecondChanceOffer,
  SECOND_CHANCE_WINDOW_SEC,
  type ExpiryOutcome,
} from './second-chance';
export { presentOffer } from './offers.presenter';
/** A user's offers, made or received, for a privacy access request (SPEC §9 export). */
export { secondChanceOffersOf } from './offers.repository';
/** A pending offer keeps its seller's account from being deleted (SPEC §9 open obligations). */
export { sellerHasPendingOffer } from './offers.repository';
