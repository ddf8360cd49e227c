/**
 * The shared contract hook itself (test/support/contract-hooks.ts): a stand-in server that answers
 * like ours (X-Request-Id) but off-contract must fail the supertest call, the fetch, and the test that
 * received a bad socket event — with the route, the status and what is wrong.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server as SocketServer } from 'socket.io';
import { io as connect } from 'socket.io-client';
import request from 'supertest';
import { takeViolations } from '../support/contract-hooks';
import { checkAnswer, routeTemplate } from '../support/contract';
import { checkSocketEvent } from '../support/socket-contract';

const LISTING = '6f1c1a52-8a0e-4d47-9a55-0d6c1f1b1c11';

/** Answers like the API (X-Request-Id on everything) but off-contract on purpose. */
function offContractApp() {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('X-Request-Id', 'req-1');
    next();
  });
  app.get('/v1/categories', (_req, res) => {
    res.json({ categories: 'not a list' });
  });
  app.get(`/v1/listings/:id`, (_req, res) => {
    res.status(418).json({ teapot: true });
  });
  app.get('/v1/undocumented', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/health', (_req, res) => {
    res.json({ anything: 'goes' });
  });
  return app;
}

let server: HttpServer;
let base: string;
beforeAll(async () => {
  server = createServer(offContractApp());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the HTTP hook', () => {
  it('rejects a supertest call whose body breaks the schema, naming route, status and the Ajv error', async () => {
    await expect(request(server).get('/v1/categories')).rejects.toThrow(/GET \/v1\/categories → 200[\s\S]*must have required property/);
    expect(takeViolations()).toHaveLength(1);
  });

  it('rejects an undocumented status and an undocumented route, through supertest and fetch alike', async () => {
    await expect(request(server).get(`/v1/listings/${LISTING}`)).rejects.toThrow(/route \/v1\/listings\/\{id\}[\s\S]*418: error status not documented/);
    await expect(fetch(`${base}/v1/undocumented`)).rejects.toThrow(/GET \/v1\/undocumented → 200: route not in the OpenAPI document/);
    await expect(fetch(`${base}/v1/categories`)).rejects.toThrow(/does not match the OpenAPI document/);
    expect(takeViolations()).toHaveLength(3);
  });

  it('leaves answers outside the document (ops routes) and other servers alone', async () => {
    expect((await request(server).get('/health')).status).toBe(200);
    expect(checkAnswer({ method: 'GET', pathname: '/v1/nowhere', status: 404, body: {}, contentType: 'application/problem+json' })).toBeUndefined();
    expect(takeViolations()).toEqual([]);
  });

  it('finds the template of a concrete path, literal segments first', () => {
    expect(routeTemplate('GET', `/v1/listings/${LISTING}`)).toBe('/v1/listings/{id}');
    expect(routeTemplate('GET', '/v1/users/me/transactions')).toBe('/v1/users/me/transactions');
    expect(routeTemplate('GET', `/v1/users/${LISTING}/profile`)).toBe('/v1/users/{id}/profile');
  });
});

describe('the socket hook', () => {
  it('records an event whose payload breaks its schema, and an event nobody documented', async () => {
    const http = createServer();
    const io = new SocketServer(http);
    io.on('connection', (socket) => {
      socket.emit('bid_placed', { listingId: LISTING, seq: 1, currentPriceCents: '12.00' });
      socket.emit('surprise', { hello: 1 });
      socket.emit('outbid', { listingId: LISTING, yourMaxBidCents: 1_000, currentPriceCents: 1_100 });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((resolve) => client.once('outbid', () => resolve()));
      const found = takeViolations().join('\n');
      expect(found).toMatch(/socket event bid_placed does not match its schema[\s\S]*currentPriceCents/);
      expect(found).toMatch(/socket event surprise: not a documented server → client event/);
      expect(found).not.toMatch(/outbid/);
    } finally {
      client.disconnect();
      await new Promise<void>((r) => io.close(() => r()));
    }
  });

  it('checks REST twins: a meetup in meetup_updated is the REST Meetup', () => {
    const meetup = { id: LISTING, safeZone: { id: LISTING, name: 'Library' }, startsAt: '2026-12-02T12:00:00.000Z', status: 'proposed', proposedBy: LISTING };
    expect(checkSocketEvent('meetup_updated', { transactionId: LISTING, meetup })).toMatch(/meetup: Meetup/);
    expect(checkSocketEvent('session_expired', { error: { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'token_expired', detail: 'x' } })).toBeUndefined();
  });
});
