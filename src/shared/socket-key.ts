/** Redis channel prefix shared by the Socket.IO adapter and every emitter of one deployment. */
export const socketKey = (redisPrefix: string): string => `${redisPrefix}-socket.io`;
