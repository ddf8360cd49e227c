import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { listingsRepository, type ListingRow } from './listings.repository';
import { canView } from './listings.policy';
import type { ViewerCtx } from '../../shared/context';

/** A listing the viewer may see (drafts: their seller only; soft-deleted: nobody), else 404. */
export async function getListing(deps: Pick<Platform, 'db'>, ctx: ViewerCtx, id: string): Promise<ListingRow> {
  const listing = await listingsRepository.findById(deps.db, id);
  if (!listing || !canView(listing, ctx.actor)) throw notFound('listing');
  return listing;
}
