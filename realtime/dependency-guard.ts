import type { ExtendedError } from 'socket.io';
import { SUSPECT_AFTER_MS, type DependencyHealth } from '../src/shared/dependency-health';
import type { Logger } from '../src/shared/logger';
import { DependencyUnavailableError } from '../src/shared/outage';
import { payloadAndAck, problemOf, type Ack, type AckResponse } from './ack';
import type { BiddtSocket } from './types';

/**
 * The socket twin of the HTTP dependency gate: while PostgreSQL or Redis is known down an event is
 * acked 503 at once; an event already running when one goes down is acked 503 then, and the handler's
 * late answer is dropped (each ack answers once). Never a hang, never a late success nobody waits for.
 */
export function installDependencyGuard(socket: BiddtSocket, health: DependencyHealth, logger: Logger): void {
  const unavailable = (): AckResponse => ({ ok: false, error: problemOf(new DependencyUnavailableError(), logger) });
  // This socket's events still waiting for their answer (answer → release of what it holds). One health
  // watch and one disconnect listener per socket serve them all: a listener per event in flight piled up
  // on the socket (MaxListenersExceededWarning at ~10 acked events sent at once).
  const inFlight = new Map<Ack, () => void>();
  const unwatch = health.watch(() => {
    for (const answer of [...inFlight.keys()]) answer(unavailable());
  });
  socket.once('disconnect', () => {
    unwatch();
    for (const release of [...inFlight.values()]) release();
  });

  socket.use((packet, next) => {
    const { ack } = payloadAndAck(packet.slice(1));
    if (!ack) return next(); // fire-and-forget events: nobody waits
    if (health.down().length > 0) {
      health.suspect();
      return ack(unavailable());
    }
    let answered = false;
    const watchdog = setTimeout(() => health.suspect(), SUSPECT_AFTER_MS);
    // Nothing is kept for an event once it is answered or the socket goes.
    const release = () => {
      clearTimeout(watchdog);
      inFlight.delete(answerOnce);
    };
    const answerOnce: Ack = (response) => {
      if (answered) return;
      answered = true;
      release();
      ack(response);
    };
    inFlight.set(answerOnce, release);
    packet[packet.length - 1] = answerOnce;
    next();
  });
}

/** Refuses a handshake at once (`connect_error` with the 503 problem) while a dependency is known down. */
export function refuseHandshakeWhileDown(health: DependencyHealth, logger: Logger) {
  return (_socket: BiddtSocket, next: (err?: ExtendedError) => void) => {
    if (health.down().length === 0) return next();
    health.suspect();
    const problem = problemOf(new DependencyUnavailableError(), logger);
    next(Object.assign(new Error(problem.code), { data: problem }));
  };
}
