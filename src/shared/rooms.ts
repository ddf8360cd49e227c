/** Socket.IO room names, shared by the code that emits (any process) and the socket server that joins. */
export const listingRoom = (listingId: string) => `listing:${listingId}`;
export const userRoom = (userId: string) => `user:${userId}`;
/** One transaction's room: its chat and transaction events. */
export const transactionRoom = (transactionId: string) => `transaction:${transactionId}`;
/** Staff sockets (support, admin): dispute queue changes (a dispute opened or decided), ids and statuses only. */
export const STAFF_ROOM = 'staff';
