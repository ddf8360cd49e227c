import express, { type RequestHandler } from 'express';
import { created, defineRoute, noContent, ok, type Reply } from '../../http/route';
import { AppError } from '../../shared/errors';
import { importListings } from './import-listings';
import { browseListings } from './browse-listings';
import { removeListing } from './cancel-listing';
import { createListing } from './create-listing';
import { getListing } from './get-listing';
import { listingView } from './listing-views';
import { ListingDetailView, nearbySafeZones } from './nearby-safe-zones';
import { publishListing } from './publish-listing';
import { relistListing } from './relist-listing';
import type { Ctx } from '../../shared/context';
import { updateListing } from './update-listing';
import { unwatchListing, watchListing } from './watch-listing';
import {
  BrowseQuery,
  CreateListingBody,
  ImportedListings,
  ListingIdParams,
  ListingPage,
  ListingsCsv,
  ListingView,
  UpdateListingBody,
  WatchState,
} from './listings.schemas';

/** SPEC §9: an import file is at most 1 MB (413 beyond). */
const IMPORT_MAX_BYTES = 1024 * 1024;

/** Reads a text/csv body (≤ 1 MB, else 413); any other media type is a 415 before anything is read. */
function csvBody(): RequestHandler[] {
  const requireCsv: RequestHandler = (req, _res, next) => {
    if (!req.is('text/csv')) throw new AppError('unsupported_media_type', 'unsupported_media_type', 'Send the listings as text/csv.');
    next();
  };
  return [requireCsv, express.text({ type: 'text/csv', limit: IMPORT_MAX_BYTES })];
}

const tags = ['listings'];
/** The service context: who acts and for which request, without the rest of the route input. */
const ctxOf = ({ actor, requestId }: Ctx): Ctx => ({ actor, requestId });

export const listingRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/listings',
      summary: 'Browse published listings',
      tags,
      auth: 'optional',
      query: BrowseQuery,
      responses: {
        200: { description: 'One page; pass nextCursor back as cursor for the next. A signed-out page may be up to 1 s old (BROWSE_CACHE_MS)', schema: ListingPage },
      },
    },
    async (deps, input) => ok(await browseListings(deps, input, input.query)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings',
      summary: 'Create a draft listing',
      tags,
      body: CreateListingBody,
      idempotent: true,
      responses: {
        201: { description: 'The draft', schema: ListingView },
        400: { description: 'Malformed body (errors name each field)' },
        403: { description: 'phone_not_verified / account_suspended' },
        422: { description: 'listing_rules_violated: prices, category or schedule (errors name each field)' },
        429: { description: 'New-account listing limit (Retry-After)' },
      },
    },
    async (deps, input) => {
      // The reply (the draft as its seller sees it, read in the insert's transaction) commits with the
      // draft: a retry after a crash gets this 201 rather than a second draft and a second listing of the budget.
      let reply: Reply | undefined;
      await createListing(deps, ctxOf(input), input.body, async (trx, listing) => {
        reply = created(await listingView({ db: trx }, listing, input.actor));
        await input.idempotency.storeIn(trx, reply);
      });
      return reply!;
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/import',
      summary: 'Import draft listings from CSV, all or nothing',
      tags,
      body: ListingsCsv,
      bodyContentType: 'text/csv',
      before: csvBody,
      idempotent: true,
      responses: {
        201: { description: 'Every row became a draft (publish each as usual)', schema: ImportedListings },
        403: { description: 'phone_not_verified / account_suspended' },
        413: { description: 'payload_too_large (1 MB)' },
        415: { description: 'unsupported_media_type: send text/csv' },
        422: { description: 'invalid_csv: errors [{field, line, column, message}] for every bad cell (header = line 1); nothing was created' },
        429: { description: 'rate_limited: new-account listing limit (each draft counts; Retry-After); errors [{field, line, column, message}] name the first row over it; nothing was created or spent' },
      },
    },
    // The reply commits with the drafts: a retry after a crash gets this 201 rather than every draft again.
    async (deps, input) =>
      created(await importListings(deps, ctxOf(input), input.body, (trx, imported) => input.idempotency.storeIn(trx, created(imported)))),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/listings/:id',
      summary: 'A listing',
      tags,
      auth: 'optional',
      params: ListingIdParams,
      responses: { 200: { description: 'The listing (reservePriceCents only for its seller)', schema: ListingDetailView }, 404: { description: 'Absent, deleted, or another seller’s draft' } },
    },
    async (deps, input) => {
      const listing = await getListing(deps, input, input.params.id);
      return ok({ ...(await listingView(deps, listing, input.actor)), nearbySafeZones: await nearbySafeZones(deps, listing) });
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/v1/listings/:id',
      summary: 'Edit your listing',
      tags,
      params: ListingIdParams,
      body: UpdateListingBody,
      responses: {
        200: { description: 'The listing', schema: ListingView },
        403: { description: 'not_listing_seller / phone_not_verified / account_suspended' },
        409: { description: 'listing_terms_locked / listing_not_editable' },
        422: { description: 'listing_rules_violated (drafts: checked on the merged listing)' },
      },
    },
    async (deps, input) => ok(await listingView(deps, await updateListing(deps, ctxOf(input), input.params.id, input.body), input.actor)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/listings/:id',
      summary: 'Delete your draft, or cancel your listing while it has no bids',
      tags,
      params: ListingIdParams,
      responses: {
        204: { description: 'Draft deleted, or listing cancelled (also when it already was)' },
        403: { description: 'not_listing_seller' },
        409: { description: 'listing_has_bids (also while a bid received before the cancel is still being decided) / listing_ended (ended, or past its endsAt: the close decides it)' },
      },
    },
    async (deps, input) => {
      await removeListing(deps, ctxOf(input), input.params.id);
      return noContent();
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/publish',
      summary: 'Publish your draft: active now, or scheduled for startsAt',
      tags,
      params: ListingIdParams,
      responses: {
        200: { description: 'The published listing', schema: ListingView },
        401: { description: 'account_not_found (the account was purged meanwhile)' },
        403: { description: 'not_listing_seller / phone_not_verified / account_suspended / account_deleted (a restore-only session)' },
        409: { description: 'listing_not_draft' },
        422: { description: 'listing_rules_violated (e.g. endsAt missing or too close)' },
      },
    },
    async (deps, input) => ok(await listingView(deps, await publishListing(deps, ctxOf(input), input.params.id), input.actor)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/relist',
      summary: 'After a non-payment, relist: a new draft copied from this listing (publish it as usual)',
      tags,
      params: ListingIdParams,
      responses: {
        201: { description: 'The new draft', schema: ListingView },
        403: { description: 'not_listing_seller / phone_not_verified / account_suspended' },
        404: { description: 'No such listing visible to you' },
        409: { description: 'not_relistable: the sale was not cancelled for non-payment (or a second-chance sale is live); second_chance_pending (offerId); already_relisted (listingId names the draft)' },
        429: { description: 'rate_limited: a new account’s hourly listing budget is spent (Retry-After)' },
      },
    },
    async (deps, input) => created(await listingView(deps, await relistListing(deps, ctxOf(input), input.params.id), input.actor)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/watch',
      summary: 'Watch a listing (idempotent)',
      tags,
      params: ListingIdParams,
      responses: { 200: { description: 'Watching', schema: WatchState }, 409: { description: 'listing_not_watchable (ended or cancelled)' } },
    },
    async (deps, input) => ok(await watchListing(deps, ctxOf(input), input.params.id)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/listings/:id/watch',
      summary: 'Stop watching a listing (idempotent)',
      tags,
      params: ListingIdParams,
      responses: { 200: { description: 'Not watching', schema: WatchState } },
    },
    async (deps, input) => ok(await unwatchListing(deps, ctxOf(input), input.params.id)),
  ),
];
