/** Socket.IO room names, shared by the code that emits (any process) and the socket server that joins. */
export const listingRoom = (listingId: string) => `listing:${listingId}`;
export const userRoom = (userId: string) => `user:${userId}`;
/** One transaction's room: its chat and transaction events. */
export const transactionRoom = (transactionId: string) => `transaction:${transactionId}`;
/**
 * Staff following a disputed transaction (SPEC §6). Apart from the parties' room so that chat events
 * stop reaching staff once the dispute is decided, though their socket stays subscribed.
 */
export const transactionStaffRoom = (transactionId: string) => `transaction-staff:${transactionId}`;
/** Staff sockets (support, admin): dispute queue changes (a dispute opened or decided), ids and statuses only. */
export const STAFF_ROOM = 'staff';
