/** Public surface of the handover (meetup + QR) module. */

/** The buyer's pickup code and the seller's verification of it. */
export { issuePickupCode, pickupUri, type PickupCode } from './pickup-code';
export { verifyPickup } from './verify-pickup';
/** Pickup tokens (opening a dispute voids the live ones). */
export { pickupTokensRepository } from './pickup-tokens.repository';
