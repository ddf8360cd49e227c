import type { Platform } from '../../shared/platform';

/** What the staff views need from the platform (the composition root's Deps satisfies it). */
export type AdminDeps = Pick<Platform, 'db' | 'clock'>;
