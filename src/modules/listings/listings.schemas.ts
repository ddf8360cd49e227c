import { z, nullableRef } from '../../shared/zod';
import { CategorySlug } from '../categories';

/** Upper bound that keeps every amount inside PostgreSQL `integer` ($10M). */
export const MAX_CENTS = 1_000_000_000;

const Cents = z.number().int().positive().max(MAX_CENTS);
const Instant = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-01T18:00:00Z' });
const Condition = z.enum(['new', 'like_new', 'good', 'fair', 'poor']);
const AuctionType = z.enum(['auction', 'fixed', 'both']);
const Title = z.string().trim().min(3).max(120);
const Description = z.string().trim().max(5000);

export const Location = z
  .strictObject({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    name: z.string().trim().min(1).max(120),
  })
  .openapi('ListingLocation', { example: { lat: 45.5019, lng: -73.5674, name: 'Plateau, Montréal' } });

export const CreateListingBody = z
  .strictObject({
    title: Title,
    description: Description.optional(),
    category: CategorySlug,
    condition: Condition,
    auctionType: AuctionType,
    startingPriceCents: Cents.optional().openapi({ description: 'Required for auction/both; a fixed listing uses buyNowPriceCents' }),
    reservePriceCents: Cents.nullable().optional().openapi({ description: '> startingPriceCents; hidden from everyone but the seller' }),
    buyNowPriceCents: Cents.nullable()
      .optional()
      .openapi({ description: "Required for fixed and both, refused for auction; ≥ reserve, else > startingPriceCents" }),
    startsAt: Instant.nullable().optional().openapi({ description: 'Absent or past: the listing starts when published' }),
    endsAt: Instant.nullable().optional().openapi({ description: 'Required to publish an auction' }),
    location: nullableRef(Location).optional(),
  })
  .openapi('CreateListing');

export const UpdateListingBody = z
  .strictObject({
    title: Title.optional(),
    description: Description.optional(),
    category: CategorySlug.optional(),
    condition: Condition.optional(),
    auctionType: AuctionType.optional(),
    startingPriceCents: Cents.optional(),
    reservePriceCents: Cents.nullable().optional(),
    buyNowPriceCents: Cents.nullable().optional(),
    startsAt: Instant.nullable().optional(),
    endsAt: Instant.nullable().optional(),
    location: nullableRef(Location).optional(),
  })
  .openapi('UpdateListing', {
    description:
      'Drafts: any field (null clears an optional one). Scheduled/active without bids: title, description, condition, location. With bids: description (added to only: the new text starts with the current one), location. Anything else → 409 listing_terms_locked.',
  });

export const ListingIdParams = z.object({ id: z.uuid() });
export const ListingImageParams = z.object({ id: z.uuid(), imageId: z.uuid() });

export const ListingImage = z
  .object({ id: z.uuid(), url: z.string(), contentType: z.string(), sizeBytes: z.number().int(), position: z.number().int() })
  .openapi('ListingImage');

export const ListingView = z
  .object({
    id: z.uuid(),
    sellerId: z.uuid(),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    condition: Condition,
    images: z.array(ListingImage),
    auctionType: AuctionType,
    startingPriceCents: z.number().int(),
    buyNowPriceCents: z.number().int().nullable(),
    reservePriceCents: z.number().int().nullable().optional().openapi({ description: 'Only in the seller’s own view' }),
    hasReserve: z.boolean(),
    reserveMet: z.boolean(),
    currentPriceCents: z.number().int(),
    minNextBidCents: z.number().int(),
    bidCount: z.number().int(),
    leaderAlias: z.string().nullable(),
    status: z.enum(['draft', 'scheduled', 'active', 'ended_sold', 'ended_unsold', 'cancelled']),
    startsAt: z.iso.datetime().nullable(),
    endsAt: z.iso.datetime().nullable(),
    location: z.object({ lat: z.number(), lng: z.number(), name: z.string().nullable() }).nullable(),
    watchCount: z.number().int(),
    isWatching: z.boolean().optional().openapi({ description: 'Only when signed in' }),
    buyNowAvailable: z.boolean(),
    distanceKm: z.number().optional().openapi({ description: 'Only when browsing with near' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Listing');

export const ListingPage = z.object({ items: z.array(ListingView), nextCursor: z.string().nullable() }).openapi('ListingPage');

export const WatchState = z.object({ watching: z.boolean(), watchCount: z.number().int() }).openapi('WatchState');

const LAT_LNG = /^\s*-?\d{1,2}(\.\d+)?\s*,\s*-?\d{1,3}(\.\d+)?\s*$/;
const CONDITIONS = /^(new|like_new|good|fair|poor)(,(new|like_new|good|fair|poor))*$/;
const QueryInt = z.coerce.number().int().nonnegative().max(MAX_CENTS);

export const BROWSE_SORTS = ['ending_soon', 'newest', 'price_asc', 'price_desc', 'distance'] as const;

export const BrowseQuery = z
  .object({
    q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Full-text search (web search syntax: "quoted", -not, or)' }),
    category: CategorySlug.optional().openapi({
      description: 'A category slug: its listings and those of its subcategories (see GET /v1/categories). An unknown slug matches nothing',
    }),
    condition: z.string().regex(CONDITIONS, 'must be a comma list of new, like_new, good, fair, poor').optional().openapi({ example: 'new,like_new' }),
    minPriceCents: QueryInt.optional().openapi({ description: 'On the current price' }),
    maxPriceCents: QueryInt.optional(),
    near: z.string().regex(LAT_LNG, 'must be "lat,lng"').optional().openapi({ example: '45.5019,-73.5674' }),
    radiusKm: z.coerce.number().positive().max(500).optional().openapi({ description: 'With near; default 25, at most 500' }),
    status: z
      .enum(['active', 'scheduled', 'ended', 'draft', 'cancelled'])
      .default('active')
      .openapi({ description: 'ended = ended_sold or ended_unsold; draft and cancelled only with mine=true' }),
    mine: z.enum(['true', 'false']).optional().openapi({ description: 'true: only your own listings (signed in)' }),
    sort: z.enum(BROWSE_SORTS).optional().openapi({ description: 'Default ending_soon (newest for drafts); distance requires near' }),
    sellerId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    cursor: z.string().max(200).optional(),
  })
  .superRefine((query, ctx) => {
    if ((query.status === 'draft' || query.status === 'cancelled') && query.mine !== 'true') {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'draft and cancelled listings are only listed with mine=true' });
    }
    if (query.status === 'draft' && query.sort === 'ending_soon') ctx.addIssue({ code: 'custom', path: ['sort'], message: 'drafts have no end yet' });
    if (query.sort === 'distance' && !query.near) ctx.addIssue({ code: 'custom', path: ['sort'], message: 'distance sort needs near=lat,lng' });
    if (query.radiusKm !== undefined && !query.near) ctx.addIssue({ code: 'custom', path: ['radiusKm'], message: 'needs near=lat,lng' });
    if (query.minPriceCents !== undefined && query.maxPriceCents !== undefined && query.minPriceCents > query.maxPriceCents) {
      ctx.addIssue({ code: 'custom', path: ['maxPriceCents'], message: 'must be at least minPriceCents' });
    }
    if (query.near) {
      const [lat, lng] = query.near.split(',').map(Number);
      if (Math.abs(lat) > 90 || Math.abs(lng) > 180) ctx.addIssue({ code: 'custom', path: ['near'], message: 'latitude or longitude out of range' });
    }
  });

export type CreateListingInput = z.output<typeof CreateListingBody>;
export type UpdateListingInput = z.output<typeof UpdateListingBody>;
export type BrowseQueryInput = z.output<typeof BrowseQuery>;

export const ListingsCsv = z.string().openapi({
  description:
    'text/csv (RFC 4180, UTF-8, at most 1 MB and 500 rows). A header row names the columns: title, category, condition, auctionType and ' +
    'optionally description, startingPriceCents, buyNowPriceCents, reservePriceCents, startsAt, endsAt, lat, lng, locationName ' +
    '(empty cells are absent; lat, lng and locationName go together).',
  example:
    'title,category,condition,auctionType,startingPriceCents,buyNowPriceCents,lat,lng,locationName\r\n' +
    'Vélo de route,bikes,good,both,5000,12000,45.5019,-73.5674,"Plateau, Montréal"\r\n',
});

export const ImportedListings = z
  .object({
    created: z.number().int(),
    items: z.array(z.object({ id: z.uuid(), title: z.string(), line: z.number().int(), status: z.literal('draft') })),
  })
  .openapi('ImportedListings');
export type ImportedListingsView = z.output<typeof ImportedListings>;
