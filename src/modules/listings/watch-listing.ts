import type { Platform } from '../../shared/platform';
import { conflict } from '../../shared/errors';
import { getListing } from './get-listing';
import { listingsRepository } from './listings.repository';
import type { Ctx } from '../../shared/context';

type WatchDeps = Pick<Platform, 'db'>;

/** Watches a scheduled or active listing (idempotent: watching twice keeps one watch). Sellers may watch their own. */
export async function watchListing(deps: WatchDeps, ctx: Ctx, id: string): Promise<{ watching: true; watchCount: number }> {
  const listing = await getListing(deps, ctx, id);
  if (listing.status !== 'scheduled' && listing.status !== 'active') {
    throw conflict('listing_not_watchable', `A listing that is ${listing.status} cannot be watched.`);
  }
  return { watching: true, watchCount: await listingsRepository.watch(deps.db, ctx.actor.userId, id) };
}

/** Stops watching (idempotent, in any state). */
export async function unwatchListing(deps: WatchDeps, ctx: Ctx, id: string): Promise<{ watching: false; watchCount: number }> {
  await getListing(deps, ctx, id);
  return { watching: false, watchCount: await listingsRepository.unwatch(deps.db, ctx.actor.userId, id) };
}
