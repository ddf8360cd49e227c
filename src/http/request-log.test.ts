import express from 'express';
import request from 'supertest';
import { requestLog } from './request-log';
import type { Logger } from '../shared/logger';

type Line = { level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string };

/** An app behind `requestLog` whose logger records what it is given. */
function appLogging() {
  const lines: Line[] = [];
  const record = (level: Line['level']) => (fields: Record<string, unknown>, message: string) => lines.push({ level, fields, message });
  const logger = { info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
  const app = express();
  app.use((req, _res, next) => {
    req.id = 'req-1';
    next();
  });
  app.use(requestLog(logger, (url) => url === '/health'));
  app.get('/health', (_req, res) => res.send('ok'));
  app.get('/v1/things', (_req, res) => res.status(201).json({ ok: true }));
  app.get('/v1/broken', (_req, res) => res.status(503).json({}));
  return { app, lines };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('requestLog', () => {
  it('logs one line per answered request with id, method, url, status and time', async () => {
    const { app, lines } = appLogging();
    await request(app).get('/v1/things?page=2').expect(201);
    await settle();
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'request completed',
        fields: { req: { id: 'req-1', method: 'GET', url: '/v1/things?page=2' }, res: { status: 201 }, responseTime: expect.any(Number) },
      },
    ]);
  });

  it('logs a 5xx answer as an error, and skips what it is told to', async () => {
    const { app, lines } = appLogging();
    await request(app).get('/health').expect(200);
    await request(app).get('/v1/broken').expect(503);
    await settle();
    expect(lines.map((l) => [l.level, l.message, (l.fields.res as { status: number }).status])).toEqual([['error', 'request errored', 503]]);
  });
});
