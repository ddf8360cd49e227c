import type { RequestHandler } from 'express';
import { z } from '../shared/zod';
import type { Deps } from '../composition';
import type { Trx } from '../../db/connection';
import type { Role } from '../../db/schema';
import { unauthorized } from '../shared/errors';
import type { Actor } from '../shared/context';
import { parseInput } from '../shared/validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** 'required' answers 401 without a valid access token; 'optional' reads one if sent; 'none' ignores it. */
export type AuthMode = 'required' | 'optional' | 'none';

/** The actor a handler receives under each auth mode. */
export interface ActorByMode {
  required: Actor;
  optional: Actor | undefined;
  none: undefined;
}

type Schema = z.ZodType | undefined;
/** Params and query are flat name → value maps, which OpenAPI documents parameter by parameter. */
type ObjectSchema = z.ZodObject | undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** Other media types the same status may answer with (e.g. `text/csv` for an export), by media type. */
  alternatives?: Record<string, z.ZodType>;
}

/** Everything about a route that the OpenAPI document and validation need, declared once. */
export interface RouteSpec<B extends Schema, Q extends ObjectSchema, P extends ObjectSchema, A extends AuthMode = AuthMode> {
  method: HttpMethod;
  /** Express path, e.g. `/v1/listings/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** Defaults to 'required'. */
  auth?: A;
  /** Roles allowed; default any signed-in user. */
  roles?: Role[];
  body?: B;
  /** Media type of the body in the OpenAPI document (default application/json); a `before` parser reads it. */
  bodyContentType?: string;
  query?: Q;
  params?: P;
  /** Accepts an Idempotency-Key header (same key + same body → same stored answer). */
  idempotent?: boolean;
  /** Also accept the restore-only session of a deleted account (SPEC §9: restore and export). */
  allowDeletedAccount?: boolean;
  /** Documents an Idempotency-Key header that the handler itself honours (no stored-response wrapper). */
  idempotencyHeader?: boolean;
  /** Extra middlewares (rate limits, raw body parsers) that run before validation. */
  before?: (deps: Deps) => RequestHandler[];
  responses: Record<number, ResponseSpec>;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/**
 * The actor a handler receives: its declared mode's, or a signed-in one when `auth` is left out (the
 * default). TypeScript infers A from the declaration but cannot tell an omitted `auth` from an explicit
 * one, so the type keeps both; the only cost is that a public ('none') handler sees `Actor | undefined`.
 */
export type ActorOf<A extends AuthMode> = ActorByMode[A] | ActorByMode['required'];

/** What a handler receives: validated parts, and an actor that is non-null on authenticated routes. */
export interface RouteInput<B extends Schema, Q extends ObjectSchema, P extends ObjectSchema, A extends AuthMode> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
  actor: ActorOf<A>;
  requestId: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body bytes, only for routes whose `before` installs a raw parser. */
  rawBody?: Buffer;
  /** Stores the reply of an `idempotent` route in the transaction that commits its work (see below). */
  idempotency: IdempotentReply;
}

/**
 * Lets an `idempotent` handler store its reply in the same database transaction as its work: a process
 * that dies right after that commit then leaves the reply for the retry, which would otherwise run the
 * work again (and, say, be told the listing it just bought is sold). A no-op without an Idempotency-Key;
 * replies not stored this way are stored after the work returns.
 */
export interface IdempotentReply {
  /** Stores `reply` in `trx` before it commits; throws (rolling `trx` back) if the key was answered meanwhile. */
  storeIn(trx: Trx, reply: Reply): Promise<void>;
}

export const noIdempotentReply: IdempotentReply = { storeIn: async () => undefined };

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Handler<B extends Schema, Q extends ObjectSchema, P extends ObjectSchema, A extends AuthMode> = (
  deps: Deps,
  input: RouteInput<B, Q, P, A>,
) => Promise<Reply>;

/** A request as the transport received it, before validation. */
export interface RawRouteRequest {
  params: unknown;
  query: unknown;
  body: unknown;
  actor: Actor | undefined;
  requestId: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}

/** A validated request bound to its handler; `params` and `body` are what an idempotency key covers. */
export interface PreparedCall {
  params: unknown;
  body: unknown;
  run: (deps: Deps, idempotency?: IdempotentReply) => Promise<Reply>;
}

/** A declared route with its input types erased, so routes of every shape fit in one list. */
export interface RouteDef {
  spec: RouteSpec<Schema, ObjectSchema, ObjectSchema>;
  /** Validates `request` against the spec (400 naming each bad field) and binds the typed handler to it. */
  prepare: (request: RawRouteRequest) => PreparedCall;
}

/** The 401 for a route that needs a signed-in user. */
export const signInRequired = () => unauthorized('missing_token', 'Sign in first: send Authorization: Bearer <accessToken>.');

/** Turns the request's actor into the one each mode's handlers are typed for. */
const actorFor: { [M in AuthMode]: (actor: Actor | undefined) => ActorByMode[M] } = {
  required: (actor) => {
    // authenticate() has already answered 401; checking again keeps the handler's type true on its own.
    if (!actor) throw signInRequired();
    return actor;
  },
  optional: (actor) => actor,
  // Nothing reads a token on a public route, so there is no actor to pass.
  none: () => undefined,
};

function parsePart<S extends Schema>(schema: S | undefined, value: unknown, location: 'body' | 'query' | 'params'): Infer<S> {
  const parsed: unknown = schema === undefined ? undefined : parseInput(schema, value, location);
  // `parsed` is exactly Infer<S> (the schema's output, or undefined without one); TypeScript cannot
  // narrow the type parameter S from the check above, so this one assertion states it.
  return parsed as Infer<S>;
}

/** Declares a route: the spec drives validation and the OpenAPI document, the handler gets typed input. */
export function defineRoute<
  B extends Schema = undefined,
  Q extends ObjectSchema = undefined,
  P extends ObjectSchema = undefined,
  A extends AuthMode = 'required',
>(spec: RouteSpec<B, Q, P, A>, handle: Handler<B, Q, P, A>): RouteDef {
  return {
    spec,
    prepare: (request) => {
      const input: Omit<RouteInput<B, Q, P, A>, 'idempotency'> = {
        params: parsePart(spec.params, request.params, 'params'),
        query: parsePart(spec.query, request.query, 'query'),
        body: parsePart(spec.body, request.body, 'body'),
        actor: actorFor[spec.auth ?? 'required'](request.actor),
        requestId: request.requestId,
        ip: request.ip,
        headers: request.headers,
        rawBody: request.rawBody,
      };
      return {
        params: input.params,
        body: input.body,
        run: (deps, idempotency = noIdempotentReply) => handle(deps, { ...input, idempotency }),
      };
    },
  };
}

/** Shorthands for replies. */
export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const accepted = (body: unknown): Reply => ({ status: 202, body });
export const noContent = (): Reply => ({ status: 204 });
