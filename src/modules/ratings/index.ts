/** Public surface of the ratings module. */

/** Rating the other party of a completed transaction. */
export { presentRating, rateTransaction } from './rate-transaction';
