import type { RequestHandler } from 'express';
import { z } from '../shared/zod';
import type { Deps } from '../composition';
import type { Role } from '../../db/schema';
import type { Actor } from './types';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** Everything about a route that the OpenAPI document and validation need, declared once. */
export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  method: HttpMethod;
  /** Express path, e.g. `/v1/listings/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** 'required' (default) answers 401 without a valid access token. */
  auth?: 'required' | 'optional' | 'none';
  /** Roles allowed; default any signed-in user. */
  roles?: Role[];
  body?: B;
  /** Media type of the body in the OpenAPI document (default application/json); a `before` parser reads it. */
  bodyContentType?: string;
  query?: Q;
  params?: P;
  /** Accepts an Idempotency-Key header (same key + same body → same stored answer). */
  idempotent?: boolean;
  /** Documents an Idempotency-Key header that the handler itself honours (no stored-response wrapper). */
  idempotencyHeader?: boolean;
  /** Extra middlewares (rate limits, raw body parsers) that run before validation. */
  before?: (deps: Deps) => RequestHandler[];
  responses: Record<number, ResponseSpec>;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteInput<B, Q, P> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
  actor: Actor | undefined;
  requestId: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body bytes, only for routes whose `before` installs a raw parser. */
  rawBody?: Buffer;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Handler<B, Q, P> = (deps: Deps, input: RouteInput<B, Q, P>) => Promise<Reply>;

export interface RouteDef {
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
  handle: (deps: Deps, input: RouteInput<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>) => Promise<Reply>;
}

/** Declares a route: the spec drives validation and the OpenAPI document, the handler gets typed input. */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<B, Q, P>, handle: Handler<B, Q, P>): RouteDef {
  return { spec, handle } as unknown as RouteDef;
}

/** Shorthands for replies. */
export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const accepted = (body: unknown): Reply => ({ status: 202, body });
export const noContent = (): Reply => ({ status: 204 });
