/** @biddt/client — the typed Biddt API and realtime client (React Native, browsers, Node ≥ 18). */
export { createBiddtClient, unwrap, type BiddtApi, type BiddtClient, type BiddtClientOptions } from './client';
export { BiddtApiError, type Problem } from './errors';
export { IDEMPOTENCY_HEADER, takesIdempotencyKey } from './http';
export { randomKey } from './ids';
export type { ListingHandlers, ListingWatch, WatchOptions, StoredEventPage, FetchListingEvents } from './listing-watch';
export { watchListing } from './listing-watch';
export type { PlaceBidInput, PlaceBidOptions } from './place-bid';
export { RealtimeConnection, type BiddtSocket, type RealtimeOptions } from './realtime';
export * from './socket-events';
export { TokenSession, type Tokens, type TokenStorage } from './tokens';
export type { paths, components, operations } from './generated/api-types';
