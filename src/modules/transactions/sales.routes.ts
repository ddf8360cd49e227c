import type { RequestHandler, Response } from 'express';
import type { Platform } from '../../shared/platform';
import { defineRoute, ok, signInRequired } from '../../http/route';
import { parseInput } from '../../shared/validation';
import { z } from '../../shared/zod';
import { salesCsv, salesDashboard } from './sales-dashboard';
import { rangeOf, SalesPage, SalesQuery } from './sales.schemas';

/** Writes a chunk, waiting for the socket to drain when its buffer is full (backpressure). */
async function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    res.once('drain', resolve);
    res.once('close', () => reject(new Error('client went away during the CSV download')));
  });
}

/**
 * `Accept: text/csv` is answered here, before the JSON handler (route replies are JSON-encoded by the
 * mount): the rows are streamed page by page as they are read, never built whole in memory.
 */
function csvDownload(deps: Pick<Platform, 'db'>): RequestHandler {
  return async (req, res, next) => {
    if (req.accepts(['application/json', 'text/csv']) !== 'text/csv') return next();
    const actor = req.actor;
    // Unreachable in practice: authentication has already refused anyone signed out.
    if (!actor) throw signInRequired();
    const query = parseInput(SalesQuery, req.query, 'query');
    const rows = salesCsv(deps, { actor, requestId: req.id }, rangeOf(query));
    // The first chunk (BOM and header) is taken before the status is sent, so a failing first read still gets a problem.
    const first = await rows.next();
    res
      .status(200)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Content-Disposition', `attachment; filename="biddt-sales-${new Date().toISOString().slice(0, 10)}.csv"`)
      .type('text/csv; charset=utf-8');
    try {
      if (!first.done) await write(res, first.value);
      for await (const chunk of rows) await write(res, chunk);
      res.end();
    } catch (err) {
      // Headers are gone: cutting the connection is the only honest signal of a truncated file.
      res.destroy(err instanceof Error ? err : undefined);
    }
  };
}

/** The seller dashboard (SPEC §9): the caller's own sales only. */
export const salesRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/sales',
      summary: 'Your paid sales with gross, fees and net, totals for the range and per month (Accept: text/csv streams the rows as CSV)',
      tags: ['transactions'],
      query: SalesQuery,
      before: (deps) => [csvDownload(deps)],
      responses: {
        200: {
          description: 'JSON dashboard, or with Accept: text/csv the rows as UTF-8 CSV (BOM, RFC 4180, amounts in dollars)',
          schema: SalesPage,
          alternatives: { 'text/csv': z.string().openapi({ description: 'A BOM, one header row, then one row per sale' }) },
        },
        400: { description: 'from/to/limit/cursor malformed, or to not after from (errors name the field)' },
      },
    },
    async (deps, input) => {
      const { from, to } = rangeOf(input.query);
      return ok(await salesDashboard(deps, { actor: input.actor, requestId: input.requestId }, { from, to }, input.query.limit, input.query.cursor));
    },
  ),
];
