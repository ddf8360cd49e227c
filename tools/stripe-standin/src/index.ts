/**
 * A local Stripe stand-in: a plain node:http server, all state in memory, implementing the
 * part of Stripe's API Biddt uses closely enough that the real `stripe` SDK can talk to it
 * (`host`/`port`/`protocol: 'http'`) and code proven here behaves the same against Stripe.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { handleApiRequest, type ApiDeps, type RequestLogEntry } from './api-server';
import { createControlHandler, type ControlHandler } from './control-http';
import { createControls, type StandInControls } from './controls';
import { Engine } from './engine';
import { FaultQueue } from './faults';
import { Outage } from './outage';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import { DEFAULT_IDEMPOTENCY_TTL_MS, IdempotencyKeys } from './idempotency';
import { Store } from './store';
import { DEFAULT_ENABLED_EVENTS, WebhookDispatcher, type DeliveryOptions, type Logger } from './webhooks';

export const DEFAULT_STANDIN_PORT = 12111;
/** The API version the installed SDK is typed to; events carry it as `api_version`. */
export const STANDIN_API_VERSION: string = Stripe.API_VERSION;

export interface StripeStandInOptions {
  /** 0 picks a free port; default 12111. */
  port?: number;
  host?: string;
  /** The API's `/v1/webhooks/stripe`; without it events are recorded but not sent. */
  webhookUrl?: string;
  webhookSecret: string;
  delivery?: Partial<DeliveryOptions>;
  /** Event types the endpoint subscribes to (default: the ones Biddt handles), or '*'. */
  enabledEvents?: readonly string[] | '*';
  /** Enable Connect accounts as soon as they are created (default true, see SPEC §5). */
  autoEnableAccounts?: boolean;
  idempotencyTtlMs?: number;
  logger?: Logger;
}

export interface StripeStandIn extends StandInControls {
  /** A window during which Stripe fails every matching request (500, 429, timeouts); see ./outage. */
  readonly outage: Outage;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function createRequestHandler(apiDeps: ApiDeps, handleControl: ControlHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in.local');
      try {
        const body = await readBody(req);
        if (url.pathname.startsWith('/_standin/')) {
          await handleControl(req, res, url, body);
        } else {
          await handleApiRequest(apiDeps, req, res, url, body);
        }
      } catch (err) {
        const status = err instanceof BodyTooLargeError ? 413 : 500;
        apiDeps.logger('stripe-standin: request failed', { path: url.pathname, error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent && !res.destroyed) sendJson(res, status, { error: { type: 'api_error', message: 'Stand-in failure' } });
      }
    })();
  };
}

/** Starts the stand-in; resolves once it is listening. */
export async function startStripeStandIn(opts: StripeStandInOptions): Promise<StripeStandIn> {
  const logger: Logger = opts.logger ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  let baseUrl = '';
  const dispatcher = new WebhookDispatcher({
    url: opts.webhookUrl ?? null,
    secret: opts.webhookSecret,
    options: opts.delivery,
    enabledEvents: opts.enabledEvents ?? DEFAULT_ENABLED_EVENTS,
    logger,
  });
  const engine = new Engine(
    new Store(),
    { apiVersion: STANDIN_API_VERSION, autoEnableAccounts: opts.autoEnableAccounts ?? true, baseUrl: () => baseUrl },
    dispatcher,
  );
  const requestLog: RequestLogEntry[] = [];
  const faults = new FaultQueue();
  const idempotency = new IdempotencyKeys(opts.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  const hanging = new Set<ServerResponse>();
  const controls = createControls({ engine, dispatcher, faults, idempotency, requestLog });
  const outage = new Outage();
  const apiDeps: ApiDeps = { engine, idempotency, faults, outage, requestLog, hanging, logger };
  const server = http.createServer(createRequestHandler(apiDeps, createControlHandler(engine, controls)));
  const port = await listen(server, opts.port ?? DEFAULT_STANDIN_PORT, host);
  baseUrl = `http://${host}:${port}`;
  logger('stripe-standin: listening', { url: baseUrl, webhookUrl: opts.webhookUrl ?? null });
  const reset = () => {
    outage.reset();
    controls.reset();
  };
  return { ...controls, reset, outage, url: baseUrl, port, close: () => closeServer(server, dispatcher, hanging) };
}

async function closeServer(server: http.Server, dispatcher: WebhookDispatcher, hanging: Set<ServerResponse>): Promise<void> {
  dispatcher.cancelAll();
  for (const res of hanging) res.socket?.destroy();
  hanging.clear();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets (the SDK's agent keeps them) would hold close() open otherwise.
  server.closeAllConnections();
  await closed;
}

export type { FaultMode, FaultSpec } from './faults';
export type { Outage, OutageFailure, OutageSpec } from './outage';
export type { DeliveryOptions, DeliveryRecord, Logger } from './webhooks';
export type { RequestLogEntry } from './api-server';
export type { StandInControls } from './controls';
export type { ObjectMap, ObjectType } from './objects';
export { DEFAULT_DELIVERY, DEFAULT_ENABLED_EVENTS } from './webhooks';
