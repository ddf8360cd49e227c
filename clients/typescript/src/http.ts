import type { Middleware } from 'openapi-fetch';
import { IDEMPOTENT_OPERATIONS } from './generated/idempotent-operations';
import type { TokenSession } from './tokens';

const IDEMPOTENT = new Set(IDEMPOTENT_OPERATIONS);
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Whether the OpenAPI document declares an Idempotency-Key on `METHOD /path/{template}`. */
export const takesIdempotencyKey = (method: string, schemaPath: string): boolean => IDEMPOTENT.has(`${method.toUpperCase()} ${schemaPath}`);

/**
 * Gives every call of an operation that accepts an Idempotency-Key one (unless the caller passed its
 * own): set on the Request before it is sent, so the refresh-and-retry below resends the same key and
 * a retried mutation is answered from the server's stored result instead of running twice.
 */
export function idempotencyMiddleware(newKey: () => string): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (!takesIdempotencyKey(request.method, schemaPath) || request.headers.has(IDEMPOTENCY_HEADER)) return undefined;
      request.headers.set(IDEMPOTENCY_HEADER, newKey());
      return request;
    },
  };
}

async function problemCode(res: Response): Promise<string | undefined> {
  const body: unknown = await res
    .clone()
    .json()
    .catch(() => null);
  return body && typeof body === 'object' ? ((body as { code?: unknown }).code as string | undefined) : undefined;
}

const withToken = (request: Request, token: string | null): Request => {
  const copy = request.clone();
  if (token) copy.headers.set('Authorization', `Bearer ${token}`);
  return copy;
};

/**
 * The fetch the typed client sends through: adds the access token; on a 401 `token_expired` refreshes
 * (single-flight, shared with every concurrent request) and retries the request once with the new
 * token. A request that failed with a token another request has already replaced is just retried.
 */
export function authFetch(session: TokenSession, baseFetch: typeof fetch): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const used = session.accessToken;
    const first = await baseFetch(withToken(request, used));
    if (first.status !== 401 || !used || (await problemCode(first)) !== 'token_expired') return first;
    const fresh = session.accessToken !== used ? session.current : await session.refresh();
    if (!fresh) return first;
    return baseFetch(withToken(request, fresh.accessToken));
  };
}
