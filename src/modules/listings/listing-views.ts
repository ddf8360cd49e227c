import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { listingsRepository, type ListingRow } from './listings.repository';
import { isSeller } from './listings.policy';
import { presentListing, type ListingDto } from './listings.presenter';

type ViewDeps = Pick<Platform, 'db'>;

/** Presents listings for a viewer, loading images, leader aliases and watch flags in one query each. */
export async function listingViews(
  deps: ViewDeps,
  listings: ListingRow[],
  viewer: Actor | undefined,
  distances?: Map<string, number | null>,
): Promise<ListingDto[]> {
  const ids = listings.map((l) => l.id);
  const [images, aliases, watched] = await Promise.all([
    listingsRepository.imagesOf(deps.db, ids),
    listingsRepository.leaderAliases(deps.db, listings),
    viewer ? listingsRepository.watchedBy(deps.db, viewer.userId, ids) : Promise.resolve(undefined),
  ]);
  return listings.map((listing) =>
    presentListing(listing, {
      images: images.filter((image) => image.listingId === listing.id),
      leaderAlias: aliases.get(listing.id) ?? null,
      sellerView: isSeller(listing, viewer),
      isWatching: watched ? watched.has(listing.id) : undefined,
      distanceKm: distances?.get(listing.id),
    }),
  );
}

/** Presents one listing for a viewer. */
export async function listingView(deps: ViewDeps, listing: ListingRow, viewer: Actor | undefined): Promise<ListingDto> {
  const [view] = await listingViews(deps, [listing], viewer);
  return view;
}
