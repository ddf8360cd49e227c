/** Public surface of the handover (meetup + QR) module. */
export { issuePickupCode, pickupUri, type PickupCode } from './pickup-code';
export { verifyPickup } from './verify-pickup';
