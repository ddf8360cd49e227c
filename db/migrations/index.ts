import type { Migration } from 'kysely';
import * as m202611220001 from './202611220001_foundation';
import * as m202611220002 from './202611220002_auctions';

/** Every migration, in order. A static list works the same under tsx, Jest and the compiled build. */
export const migrations: Record<string, Migration> = {
  '202611220001_foundation': m202611220001,
  '202611220002_auctions': m202611220002,
};
