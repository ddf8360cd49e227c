import type { z } from 'zod';
import { toProblem, type Problem } from '../src/shared/problem';
import { parseInput } from '../src/shared/validation';
import { AppError } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import { DependencyUnavailableError, isOutage } from '../src/shared/outage';
import type { BiddtSocket } from './types';

/** Every client event is answered through its ack: `{ok: true, data}` or `{ok: false, error: <problem>}`. */
export type AckResponse = { ok: true; data: unknown } | { ok: false; error: Problem };
export type Ack = (response: AckResponse) => void;

const INTERNAL: Problem = {
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  code: 'internal_error',
  detail: 'Something went wrong on our side. It has been logged.',
};

/**
 * The problem document for any error: AppErrors as their RFC 9457 body (an ack has no headers, so a
 * rate limit carries `retryAfterSec` in the body), a dependency outage as a 503, anything else as an
 * opaque 500 — never internals.
 */
export function problemOf(err: unknown, logger: Logger, context: Record<string, unknown> = {}): Problem {
  // PostgreSQL or Redis out: a retryable 503, like the HTTP api answers.
  if (isOutage(err) && !(err instanceof AppError)) return problemOf(new DependencyUnavailableError(), logger);
  if (err instanceof AppError) {
    const problem = toProblem(err);
    return err.details.retryAfterSec === undefined
      ? problem
      : { ...problem, retryAfterSec: Math.max(1, Math.ceil(err.details.retryAfterSec)) };
  }
  logger.error({ err, ...context }, 'socket handler failed');
  return INTERNAL;
}

/** Splits a client event's arguments into its payload and its ack (a client may omit either). */
export function payloadAndAck(args: unknown[]): { payload: unknown; ack: Ack | undefined } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as Ack) : undefined;
  const rest = ack ? args.slice(0, -1) : args;
  return { payload: rest[0], ack };
}

/**
 * Registers a client event: validates the payload with `schema` (a 400 problem naming each bad
 * field), runs `run`, and acks its result or its error. A client that sends no ack still gets the
 * work done (e.g. a fire-and-forget `unsubscribe`), it just hears nothing back.
 */
export function onEvent<S extends z.ZodType>(
  socket: BiddtSocket,
  logger: Logger,
  event: string,
  schema: S,
  run: (input: z.output<S>) => Promise<unknown>,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const { payload, ack } = payloadAndAck(args);
    let response: AckResponse;
    try {
      const input = parseInput(schema, payload ?? {}, 'payload');
      response = { ok: true, data: (await run(input)) ?? null };
    } catch (err) {
      response = { ok: false, error: problemOf(err, logger, { event, userId: socket.data.actor?.userId }) };
    }
    ack?.(response);
  });
}
