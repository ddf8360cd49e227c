/** SPEC §4, §9: a deleted account can be restored for 30 days; then the purge removes its personal data. */
export const ACCOUNT_RESTORE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Accounts deleted after this instant are still restorable at `now`; those deleted before are due for purge. */
export function restoreCutoff(now: Date): Date {
  return new Date(now.getTime() - ACCOUNT_RESTORE_DAYS * DAY_MS);
}
