/** Public surface of the ratings module. */
export { presentRating, rateTransaction } from './rate-transaction';
