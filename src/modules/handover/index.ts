/** Public surface of the handover (meetup + QR) module. */
export { issuePickupCode, pickupUri, type PickupCode } from './pickup-code';
export { verifyPickup } from './verify-pickup';
/** Pickup tokens (opening a dispute voids the live ones). */
export { pickupTokensRepository } from './pickup-tokens.repository';
