/** Time source; injected so tests can pin "now" without faking timers. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
