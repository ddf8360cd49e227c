import { assertWatchable, currentEventSeq, replayEvents } from '../src/modules/auctions';
import { conflict } from '../src/shared/errors';
import { listingRoom } from '../src/shared/rooms';
import { z } from '../src/shared/zod';
import { onEvent } from './ack';
import { inOrderPerKey } from './in-order';
import type { BiddtSocket, RealtimeDeps } from './types';

/** Most listing rooms one socket may watch at once (bounds per-connection memory). */
export const MAX_LISTING_SUBSCRIPTIONS = 200;
/** Most stored events replayed by one `subscribe`; beyond it the ack says where to continue (REST). */
export const MAX_REPLAY = 1000;
const REPLAY_PAGE = 200;

const SubscribePayload = z.strictObject({ listingId: z.uuid(), afterSeq: z.number().int().min(0).optional() });
const UnsubscribePayload = z.strictObject({ listingId: z.uuid() });

const listingRooms = (socket: BiddtSocket) => [...socket.rooms].filter((r) => r.startsWith('listing:')).length;

/**
 * `subscribe {listingId, afterSeq?}`: any signed-in user may watch a published listing. The socket
 * joins the room FIRST and only then reads the stored events, so an event committed around the call
 * is either replayed or delivered live — never lost (it may come both ways; clients apply by `seq`).
 * Replayed events are emitted to this socket alone, in seq order, each under its own event name with
 * its stored payload. Ack: `{listingId, currentSeq, replayed, nextAfter}` — every event with
 * `seq > currentSeq` will arrive live; `nextAfter` is non-null only when the replay was cut at
 * MAX_REPLAY (continue with `GET /v1/listings/:id/events?after=nextAfter`).
 */
async function subscribe(deps: RealtimeDeps, socket: BiddtSocket, listingId: string, afterSeq: number | undefined) {
  const room = listingRoom(listingId);
  await assertWatchable(deps, listingId);
  if (!socket.rooms.has(room) && listingRooms(socket) >= MAX_LISTING_SUBSCRIPTIONS) {
    throw conflict('too_many_subscriptions', `A socket may watch at most ${MAX_LISTING_SUBSCRIPTIONS} listings.`);
  }
  await socket.join(room);
  // Read the head first: every event up to it is committed, so the replay below includes it.
  let currentSeq = await currentEventSeq(deps, listingId);
  let replayed = 0;
  let nextAfter: number | null = null;
  if (afterSeq !== undefined) {
    let after = afterSeq;
    for (;;) {
      const want = Math.min(REPLAY_PAGE, MAX_REPLAY - replayed);
      // One row more than we send: only it tells whether anything is left, so a replay that ends
      // exactly at the cap (or a page boundary) is not mistaken for a cut one.
      const rows = await replayEvents(deps, listingId, after, want + 1);
      const page = rows.slice(0, want);
      for (const row of page) socket.emit(row.type, row.payload);
      replayed += page.length;
      if (page.length) after = Number(page[page.length - 1].seq);
      currentSeq = Math.max(currentSeq, after);
      if (rows.length <= want) break;
      if (replayed >= MAX_REPLAY) {
        nextAfter = after;
        break;
      }
    }
  }
  return { listingId, currentSeq, replayed, nextAfter };
}

/** Listing rooms: `subscribe` (with replay) and `unsubscribe`, in the order sent per listing. */
export function registerListingHandlers(deps: RealtimeDeps, socket: BiddtSocket): void {
  const inOrder = inOrderPerKey();
  onEvent(socket, deps.logger, 'subscribe', SubscribePayload, ({ listingId, afterSeq }) =>
    inOrder(listingId, () => subscribe(deps, socket, listingId, afterSeq)),
  );
  onEvent(socket, deps.logger, 'unsubscribe', UnsubscribePayload, ({ listingId }) =>
    inOrder(listingId, async () => {
      await socket.leave(listingRoom(listingId));
      return { listingId };
    }),
  );
}
