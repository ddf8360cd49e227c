import type { IncomingMessage } from 'node:http';
import { invalidRequest, type StripeFailure } from './errors';
import { parseForm, type ParamObject } from './form';
import { headerValue } from './http-io';

function apiKeyFrom(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || undefined;
  if (scheme.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

/** Any secret test key is accepted; live and publishable keys are refused like a wrong key. */
export function authFailure(req: IncomingMessage): StripeFailure | undefined {
  const key = apiKeyFrom(headerValue(req, 'authorization'));
  if (!key) {
    return invalidRequest(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      { status: 401 },
    );
  }
  if (/^(sk|rk)_live_/.test(key) || key.startsWith('pk_')) {
    return invalidRequest(`Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)} (the Stripe stand-in only accepts secret test keys)`, {
      status: 401,
      code: 'api_key_invalid',
    });
  }
  return undefined;
}

/** Connect calls made *as* a connected account are not modelled; refuse rather than act on the platform. */
export function connectHeaderFailure(req: IncomingMessage): StripeFailure | undefined {
  const account = headerValue(req, 'stripe-account');
  if (!account) return undefined;
  return invalidRequest(`The Stripe stand-in does not support the Stripe-Account header (got '${account}').`, { param: 'Stripe-Account' });
}

/** GET/DELETE read the query string; POST reads a form body (JSON bodies are refused, as by Stripe). */
export function requestParams(req: IncomingMessage, url: URL, body: string): ParamObject {
  try {
    if (req.method !== 'POST') return parseForm(url.search.slice(1));
    if (body.trim() === '') return {};
    const type = headerValue(req, 'content-type') ?? '';
    if (!type.includes('application/x-www-form-urlencoded')) {
      throw invalidRequest(
        `Invalid request: unsupported Content-Type ${type || '(none)'}. If error persists and you need assistance, please contact support@stripe.com. This API only accepts application/x-www-form-urlencoded bodies.`,
      );
    }
    return parseForm(body);
  } catch (err) {
    if (err instanceof URIError) throw invalidRequest('Invalid request: the body or query string is not valid URL encoding.');
    throw err;
  }
}

export function unrecognizedUrl(method: string, path: string): StripeFailure {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}
