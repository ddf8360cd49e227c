/** Public surface of the ratings module. */
export { ratingRoutes } from './ratings.routes';
export { presentRating, rateTransaction } from './rate-transaction';
