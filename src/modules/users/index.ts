/** Public surface of the users module: accounts (the `users` table), how they are shown, their schemas. */

/** Reading and writing accounts (a `Trx` may be passed wherever a `Db` is taken). */
export {
  addNonPaymentStrike,
  biddingSuspendedUntil,
  findLiveContact,
  findLivePhoneNumber,
  findOrCreateUserByPhone,
  findUserById,
  findUserIncludingDeleted,
  isLiveUser,
  setUserSuspended,
  strikeStanding,
  STRIKE_WINDOW_DAYS,
  STRIKES_TO_SUSPEND,
  updateUser,
  userRatingSummary,
} from './users.repository';
export type { StrikeStanding } from './users.repository';

/** Account deletion, restore and purge (SPEC §4, §9). */
export {
  anonymizeAccount,
  claimAccountsDueForPurge,
  findRestorableAccountByPhone,
  lockAccount,
  lockAccountsOfPhone,
  phoneTakenByLiveAccount,
  shareLockLiveAccount,
  softDeleteAccount,
  undeleteAccount,
} from './account.repository';
export { ACCOUNT_RESTORE_DAYS, restoreCutoff } from './account-window';
/** Fraud prevention across the purge: strikes and suspension kept under a keyed hash of the phone, inherited at sign-up. */
export { deleteLapsedPhoneStandings, inheritPhoneStanding, keepStandingOfPurgedAccount, phoneStandingKey } from './phone-standings.repository';

/** How an account is shown: to its owner, and to anyone. */
export { presentProfile, presentSelf } from './users.presenter';

/** The API schemas of those views (other modules embed them in theirs). */
export { PublicProfile, UserSelf } from './users.schemas';

/** Staff search, roles and the activity counts of the staff view of an account (support console). */
export { findLiveUserByPhone, searchUsersForStaff, setUserRole, userTransactionCounts } from './staff-users.repository';

/** Follows (SPEC §9): the publish fan-out reads a seller's followers in batches. */
export { followersOfSeller } from './follows';
/** Follows in the account export and purge (SPEC §9). */
export { eraseFollowsOf, followsOf } from './follows.repository';
