import type { ApiContext } from './engine';
import type { ParamObject } from './form';

export interface HandlerInput {
  params: ParamObject;
  /** `:name` segments of the matched pattern. */
  path: Record<string, string>;
}

/** Returns the response body (Stripe answers every success with 200) or throws StripeFailure. */
export type Handler = (ctx: ApiContext, input: HandlerInput) => unknown;

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface Route {
  method: HttpMethod;
  pattern: string;
  handler: Handler;
}

export function route(method: HttpMethod, pattern: string, handler: Handler): Route {
  return { method, pattern, handler };
}

export interface RouteMatch<R = Route> {
  route: R;
  path: Record<string, string>;
}

/** Matches `/v1/transfers/:id/reversals`-style patterns segment by segment. */
export function matchRoute<R extends { method: string; pattern: string }>(
  routes: readonly R[],
  method: string,
  pathname: string,
): RouteMatch<R> | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/');
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const path = matchPattern(candidate.pattern.split('/'), parts);
    if (path) return { route: candidate, path };
  }
  return undefined;
}

function matchPattern(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      if (parts[i] === '') return undefined;
      params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
    } else if (pattern[i] !== parts[i]) {
      return undefined;
    }
  }
  return params;
}
