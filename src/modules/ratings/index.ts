/** Public surface of the ratings module. */

/** Rating the other party of a completed transaction. */
export { presentRating, rateTransaction } from './rate-transaction';

/** Ratings given and received, for a privacy access request (SPEC §9 export). */
export { ratingsOfUser } from './account-ratings.repository';
/** The purge of a deleted account erases the rating comments it wrote (SPEC §9). */
export { eraseRatingCommentsBy } from './account-ratings.repository';
