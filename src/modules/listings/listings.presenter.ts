import { isBuyNowAvailable, isReserveMet, minNextBidCents } from '../auctions';
import { auctionStateOf } from '../auctions';
import type { ListingImage, ListingRow } from './listings.repository';

/** What an image shows of itself. */
export type ImageView = Pick<ListingImage, 'id' | 'url' | 'contentType' | 'sizeBytes' | 'position'>;

export interface ListingExtras {
  images: ImageView[];
  leaderAlias: string | null;
  /** The viewer is the seller: the only one who sees the reserve price. */
  sellerView: boolean;
  /** Present only for signed-in viewers. */
  isWatching?: boolean;
  distanceKm?: number | null;
}

/** Price facts derived by the bid engine (drafts have no auction state yet). */
function engineFacts(listing: ListingRow) {
  if (!listing.startsAt || !listing.endsAt) {
    return { minNextBidCents: listing.startingPriceCents, buyNowAvailable: false, reserveMet: listing.reservePriceCents === null };
  }
  const state = auctionStateOf(listing);
  return { minNextBidCents: minNextBidCents(state), buyNowAvailable: isBuyNowAvailable(state), reserveMet: isReserveMet(state) };
}

export function presentImage(image: ImageView) {
  return { id: image.id, url: image.url, contentType: image.contentType, sizeBytes: image.sizeBytes, position: image.position };
}

/** The Listing resource (SPEC §5). The reserve amount is omitted for everyone but the seller. */
export function presentListing(listing: ListingRow, extras: ListingExtras) {
  const facts = engineFacts(listing);
  return {
    id: listing.id,
    sellerId: listing.sellerId,
    title: listing.title,
    description: listing.description,
    category: listing.categorySlug,
    condition: listing.condition,
    images: extras.images.map(presentImage),
    auctionType: listing.auctionType,
    startingPriceCents: listing.startingPriceCents,
    buyNowPriceCents: listing.buyNowPriceCents,
    ...(extras.sellerView ? { reservePriceCents: listing.reservePriceCents } : {}),
    hasReserve: listing.reservePriceCents !== null,
    reserveMet: facts.reserveMet,
    currentPriceCents: listing.currentPriceCents,
    minNextBidCents: facts.minNextBidCents,
    bidCount: listing.bidCount,
    leaderAlias: extras.leaderAlias,
    status: listing.status,
    startsAt: listing.startsAt?.toISOString() ?? null,
    endsAt: listing.endsAt?.toISOString() ?? null,
    location:
      listing.locationLat !== null && listing.locationLng !== null
        ? { lat: listing.locationLat, lng: listing.locationLng, name: listing.locationName }
        : null,
    watchCount: listing.watchCount,
    ...(extras.isWatching !== undefined ? { isWatching: extras.isWatching } : {}),
    buyNowAvailable: facts.buyNowAvailable,
    ...(extras.distanceKm !== undefined && extras.distanceKm !== null ? { distanceKm: Math.round(extras.distanceKm * 100) / 100 } : {}),
    createdAt: listing.createdAt.toISOString(),
    updatedAt: listing.updatedAt.toISOString(),
  };
}

export type ListingDto = ReturnType<typeof presentListing>;
