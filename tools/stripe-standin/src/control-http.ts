import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandInControls } from './controls';
import type { Engine } from './engine';
import { errorEnvelope, StripeFailure } from './errors';
import { isRecord } from './expand';
import { parseFaultSpec } from './faults';
import { parseForm } from './form';
import { headerValue, sendJson } from './http-io';
import { isObjectType } from './objects';
import { matchRoute } from './router';
import type { DeliveryOptions } from './webhooks';

interface ControlInput {
  body: Record<string, unknown>;
  path: Record<string, string>;
}

interface ControlRoute {
  method: string;
  pattern: string;
  run: (input: ControlInput) => unknown;
}

function parseControlBody(req: IncomingMessage, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const type = headerValue(req, 'content-type') ?? '';
  const parsed: unknown = type.includes('json') || text.trimStart().startsWith('{') ? JSON.parse(text) : parseForm(text);
  if (!isRecord(parsed)) throw new Error('control body must be a JSON object');
  return parsed;
}

function num(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new Error(`${name} must be a number`);
  return n;
}

function bool(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${name} must be a boolean`);
}

function str(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
  return value;
}

/** Untyped JSON → delivery options; only the fields present are changed. */
export function parseDeliveryOptions(body: Record<string, unknown>): Partial<DeliveryOptions> {
  const out: Partial<DeliveryOptions> = {};
  const numbers = ['duplicate', 'deliveryDelayMs', 'retryBaseMs', 'retryMaxMs', 'maxAttempts', 'timeoutMs'] as const;
  for (const name of numbers) {
    const value = num(body[name], name);
    if (value !== undefined) out[name] = value;
  }
  const shuffle = bool(body.shuffle, 'shuffle');
  const paused = bool(body.paused, 'paused');
  if (shuffle !== undefined) out.shuffle = shuffle;
  if (paused !== undefined) out.paused = paused;
  return out;
}

function closeStatus(value: unknown): 'won' | 'lost' {
  if (value === 'won' || value === 'lost') return value;
  throw new Error('status must be won or lost');
}

function controlRoutes(controls: StandInControls): ControlRoute[] {
  return [
    { method: 'GET', pattern: '/_standin/health', run: () => ({ ok: true }) },
    { method: 'POST', pattern: '/_standin/fail-next', run: ({ body }) => (controls.failNext(parseFaultSpec(body)), { ok: true }) },
    { method: 'POST', pattern: '/_standin/clear-faults', run: () => (controls.clearFaults(), { ok: true }) },
    {
      method: 'POST',
      pattern: '/_standin/disputes',
      run: ({ body }) => controls.createDispute(str(body.charge, 'charge'), { amount: num(body.amount, 'amount'), reason: typeof body.reason === 'string' ? body.reason : undefined }),
    },
    { method: 'POST', pattern: '/_standin/disputes/:id/close', run: ({ body, path }) => controls.closeDispute(path.id, closeStatus(body.status)) },
    {
      method: 'POST',
      pattern: '/_standin/payment_intents/:id/confirm',
      run: ({ body, path }) => controls.confirmPaymentIntent(path.id, str(body.payment_method, 'payment_method')),
    },
    {
      method: 'POST',
      pattern: '/_standin/accounts/:id/enabled',
      run: ({ body, path }) => controls.setAccountEnabled(path.id, bool(body.enabled, 'enabled') ?? true),
    },
    {
      method: 'POST',
      pattern: '/_standin/webhook-url',
      run: ({ body }) => (controls.setWebhookUrl(typeof body.url === 'string' && body.url ? body.url : null), { ok: true }),
    },
    { method: 'POST', pattern: '/_standin/delivery', run: ({ body }) => (controls.setDelivery(parseDeliveryOptions(body)), { ok: true }) },
    { method: 'POST', pattern: '/_standin/flush', run: () => (controls.flush(), { ok: true }) },
    {
      method: 'POST',
      pattern: '/_standin/wait-for-deliveries',
      run: async ({ body }) => (await controls.waitForDeliveries(num(body.timeoutMs, 'timeoutMs')), { ok: true }),
    },
    { method: 'POST', pattern: '/_standin/reset', run: () => (controls.reset(), { ok: true }) },
    {
      method: 'GET',
      pattern: '/_standin/objects/:type',
      run: ({ path }) => {
        if (!isObjectType(path.type)) throw new Error(`unknown object type ${path.type}`);
        return { object: 'list', data: controls.listObjects(path.type) };
      },
    },
    {
      method: 'GET',
      pattern: '/_standin/receipts/:id',
      run: ({ path }) => {
        const charge = controls.listObjects('charge').find((c) => c.id === path.id);
        if (!charge) throw new Error(`no receipt for ${path.id}`);
        return { receipt_for: charge.id, amount: charge.amount, currency: charge.currency, status: charge.status };
      },
    },
    { method: 'GET', pattern: '/_standin/requests', run: () => ({ data: controls.requestLog }) },
    { method: 'GET', pattern: '/_standin/deliveries', run: () => ({ data: controls.deliveryLog }) },
  ];
}

/**
 * The landing page of an account link: finishing "onboarding" enables the account, then the
 * browser goes back to `return_url` (or `refresh_url` once the link has expired), as with Stripe.
 */
function followAccountLink(engine: Engine, controls: StandInControls, token: string, res: ServerResponse): void {
  const link = engine.store.accountLinks.get(token);
  if (!link) return sendJson(res, 404, { error: { message: 'Unknown or used account link' } });
  engine.store.accountLinks.delete(token);
  const expired = link.expiresAt < engine.now();
  if (!expired) controls.setAccountEnabled(link.account, true);
  res.writeHead(302, { Location: expired ? link.refreshUrl : link.returnUrl });
  res.end();
}

function sendControlError(res: ServerResponse, err: unknown): void {
  if (err instanceof StripeFailure) return sendJson(res, err.status, errorEnvelope(err));
  sendJson(res, 400, { error: { type: 'invalid_request_error', message: err instanceof Error ? err.message : String(err) } });
}

export type ControlHandler = (req: IncomingMessage, res: ServerResponse, url: URL, text: string) => Promise<void>;

/** `/_standin/*`: unauthenticated, local-only controls for tests and development. */
export function createControlHandler(engine: Engine, controls: StandInControls): ControlHandler {
  const routes = controlRoutes(controls);
  return async (req, res, url, text) => {
    const method = req.method ?? 'GET';
    const link = /^\/_standin\/connect\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (link && method === 'GET') return followAccountLink(engine, controls, link[1], res);
    const match = matchRoute(routes, method, url.pathname);
    if (!match) return sendJson(res, 404, { error: { message: `Unknown control endpoint ${method} ${url.pathname}` } });
    try {
      const body = parseControlBody(req, text);
      sendJson(res, 200, await match.route.run({ body, path: match.path }));
    } catch (err) {
      sendControlError(res, err);
    }
  };
}
