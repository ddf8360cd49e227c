import type { IncomingMessage, ServerResponse } from 'node:http';
import { authFailure, connectHeaderFailure, requestParams, unrecognizedUrl } from './api-request';
import type { Engine } from './engine';
import { apiError, errorEnvelope, invalidRequest, StripeFailure } from './errors';
import { applyExpand } from './expand';
import type { FaultMode, FaultQueue, FaultSpec } from './faults';
import { fingerprintParams, type ParamObject } from './form';
import { headerValue, sendJson, sleep } from './http-io';
import type { IdempotencyKeys, StoredResponse } from './idempotency';
import type { Outage, OutageVerdict } from './outage';
import { randomBase62 } from './ids';
import { readStringList } from './params';
import { API_ROUTES } from './resources';
import { matchRoute, type RouteMatch } from './router';
import { snapshot } from './store';
import type { Logger } from './webhooks';

export interface RequestLogEntry {
  id: string;
  method: string;
  path: string;
  params: ParamObject;
  idempotencyKey: string | null;
  /** HTTP status sent, or 'hung' when a timeout fault swallowed the answer. */
  status: number | 'hung';
  replayed: boolean;
  fault?: FaultMode;
  /** Set when an outage window swallowed the request (nothing executed). */
  outage?: OutageVerdict['failure'];
  at: number;
}

export interface ApiDeps {
  engine: Engine;
  idempotency: IdempotencyKeys;
  faults: FaultQueue;
  outage: Outage;
  requestLog: RequestLogEntry[];
  /** Responses a timeout fault is holding open; closed with the server. */
  hanging: Set<ServerResponse>;
  logger: Logger;
}

/** Idempotency keys are per Stripe account; every request here acts as the one platform. */
const SCOPE = 'platform';
const MAX_LOG = 10_000;

interface Outcome extends StoredResponse {
  /** Whether the idempotency layer keeps this result (see StripeFailure.persist). */
  persist: boolean;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  key: string | null;
  headers: Record<string, string>;
  entry: RequestLogEntry;
}

function failureOutcome(failure: StripeFailure, requestId: string): Outcome {
  return { status: failure.status, body: errorEnvelope(failure), requestId, persist: failure.persist };
}

function execute(deps: ApiDeps, ex: Exchange, match: RouteMatch, params: ParamObject): Outcome {
  const requestId = ex.requestId;
  try {
    const apiVersion = ex.headers['Stripe-Version'];
    const ctx = { engine: deps.engine, request: { id: requestId, idempotencyKey: ex.key }, apiVersion };
    const result = match.route.handler(ctx, { params, path: match.path });
    const expand = readStringList(params.expand, 'expand') ?? [];
    const body = applyExpand(snapshot(result), expand, (id) => deps.engine.store.findById(id));
    return { status: 200, body, requestId, persist: true };
  } catch (err) {
    if (err instanceof StripeFailure) return failureOutcome(err, requestId);
    deps.logger('stripe-standin: handler crashed', { error: err instanceof Error ? err.stack : String(err) });
    return failureOutcome(apiError(), requestId);
  }
}

function respond(ex: Exchange, status: number, body: unknown, extra: Record<string, string> = {}): void {
  ex.entry.status = status;
  sendJson(ex.res, status, body, { ...ex.headers, ...extra });
}

/** The network half of a fault: the work is done, but the caller does not learn the outcome. */
function deliverWithFault(
  deps: ApiDeps,
  ex: Exchange,
  fault: FaultSpec | undefined,
  outcome: StoredResponse,
  extra: Record<string, string>,
): void {
  if (fault?.mode === 'error_after_commit') {
    respond(ex, 500, errorEnvelope(apiError()), { 'Stripe-Should-Retry': 'true' });
    return;
  }
  if (fault?.mode === 'timeout_after_commit') {
    ex.entry.status = 'hung';
    deps.hanging.add(ex.res);
    ex.res.on('close', () => deps.hanging.delete(ex.res));
    if (fault.hangMs !== undefined) setTimeout(() => ex.res.socket?.destroy(), fault.hangMs).unref();
    return;
  }
  respond(ex, outcome.status, outcome.body, extra);
}

/** An outage answers before anything runs: 500, 429, or silence until the socket is dropped. */
function answerDuringOutage(deps: ApiDeps, ex: Exchange, verdict: OutageVerdict): void {
  ex.entry.outage = verdict.failure;
  if (verdict.failure === 'server_error') return respond(ex, 500, errorEnvelope(apiError()), { 'Stripe-Should-Retry': 'true' });
  if (verdict.failure === 'rate_limited') {
    const tooMany = invalidRequest('Too many requests hit the API too quickly (injected by the Stripe stand-in).', {
      code: 'rate_limit',
      status: 429,
    });
    return respond(ex, 429, errorEnvelope(tooMany));
  }
  ex.entry.status = 'hung';
  deps.hanging.add(ex.res);
  ex.res.on('close', () => deps.hanging.delete(ex.res));
  setTimeout(() => ex.res.socket?.destroy(), verdict.hangMs).unref();
}

function startExchange(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL): Exchange {
  const requestId = `req_${randomBase62(14)}`;
  const method = req.method ?? 'GET';
  const key = method === 'POST' ? (headerValue(req, 'idempotency-key') ?? null) : null;
  const headers: Record<string, string> = {
    'Request-Id': requestId,
    'Stripe-Version': headerValue(req, 'stripe-version') ?? deps.engine.settings.apiVersion,
    ...(key ? { 'Idempotency-Key': key } : {}),
  };
  const entry: RequestLogEntry = {
    id: requestId,
    method,
    path: url.pathname,
    params: {},
    idempotencyKey: key,
    status: 0,
    replayed: false,
    at: Date.now(),
  };
  deps.requestLog.push(entry);
  if (deps.requestLog.length > MAX_LOG) deps.requestLog.splice(0, deps.requestLog.length - MAX_LOG);
  return { req, res, url, requestId, key, headers, entry };
}

/** One `/v1` request: auth → route → params → faults → idempotency → handler → answer. */
export async function handleApiRequest(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const ex = startExchange(deps, req, res, url);
  const method = ex.entry.method;
  const early = authFailure(req) ?? connectHeaderFailure(req);
  if (early) return respond(ex, early.status, errorEnvelope(early));
  const match = matchRoute(API_ROUTES, method, url.pathname);
  if (!match) return respond(ex, 404, errorEnvelope(unrecognizedUrl(method, url.pathname)));
  let params: ParamObject;
  try {
    params = requestParams(req, url, body);
  } catch (err) {
    if (!(err instanceof StripeFailure)) throw err;
    return respond(ex, err.status, errorEnvelope(err));
  }
  ex.entry.params = params;
  const outage = deps.outage.take(method, url.pathname);
  if (outage) return answerDuringOutage(deps, ex, outage);
  const fault = deps.faults.take(method, url.pathname);
  ex.entry.fault = fault?.mode;
  // "Before commit" means the request never reached the API: no key is claimed, nothing runs.
  if (fault?.mode === 'error_before_commit') return respond(ex, 500, errorEnvelope(apiError()), { 'Stripe-Should-Retry': 'true' });
  await runIdempotently(deps, ex, match, params, fault);
}

async function runIdempotently(
  deps: ApiDeps,
  ex: Exchange,
  match: RouteMatch,
  params: ParamObject,
  fault: FaultSpec | undefined,
): Promise<void> {
  const key = ex.key;
  if (key) {
    const claim = deps.idempotency.claim(SCOPE, key, {
      method: ex.entry.method,
      path: ex.url.pathname,
      fingerprint: fingerprintParams(params),
    });
    if (claim.kind === 'rejected') return respond(ex, claim.failure.status, errorEnvelope(claim.failure));
    if (claim.kind === 'replay') {
      ex.entry.replayed = true;
      const replayHeaders = { 'Idempotent-Replayed': 'true', 'Original-Request': claim.response.requestId };
      return deliverWithFault(deps, ex, fault, claim.response, replayHeaders);
    }
  }
  if (fault?.mode === 'delay') await sleep(fault.delayMs ?? 0);
  const outcome = execute(deps, ex, match, params);
  if (key && outcome.persist) deps.idempotency.complete(SCOPE, key, outcome);
  else if (key) deps.idempotency.release(SCOPE, key);
  deliverWithFault(deps, ex, fault, outcome, {});
}
