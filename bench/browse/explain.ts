import type { Compilable } from 'kysely';
import type { Db } from '../../db/connection';
import { browseFilter } from '../../src/modules/listings/browse-listings';
import { browseQuery, type BrowseRow } from '../../src/modules/listings/browse.repository';
import { BrowseQuery } from '../../src/modules/listings/listings.schemas';
import { percentile, round } from '../support';
import { prng } from './catalogue';
import { SHAPES } from './shapes';

export interface ShapePlan {
  shape: string;
  /** PostgreSQL's own Execution Time over `samples` random requests of the shape. */
  samples: number;
  execP50Ms: number;
  execP99Ms: number;
  execMaxMs: number;
  /** The request whose plan is shown: the slowest of the samples. */
  slowestParams: Record<string, string>;
  plan: string;
}

async function explain(db: Db, query: Compilable<unknown>, analyze = true): Promise<{ text: string; execMs: number }> {
  const compiled = query.compile();
  const options = analyze ? 'ANALYZE, BUFFERS, COSTS OFF' : 'COSTS OFF';
  const { rows } = await db.executeQuery<Record<string, string>>({ ...compiled, sql: `EXPLAIN (${options}) ${compiled.sql}` });
  const text = rows.map((r) => Object.values(r)[0]).join('\n');
  const exec = /Execution Time: ([\d.]+) ms/.exec(text);
  return { text, execMs: exec ? Number(exec[1]) : NaN };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the route's own statement (`browseQuery` on the filter the route
 * derives from the query string) for `samples` random requests of each shape, plus the follow-up
 * queries that present one page (images, leader aliases, watch flags).
 */
export async function recordPlans(db: Db, samples: number): Promise<{ shapes: ShapePlan[]; presentation: Record<string, string> }> {
  const random = prng(77);
  const shapes: ShapePlan[] = [];
  let aPage: BrowseRow[] = [];
  for (const shape of SHAPES) {
    const runs: Array<{ params: Record<string, string>; text: string; execMs: number }> = [];
    for (let i = 0; i < samples; i += 1) {
      const params = shape.params(random);
      const filter = browseFilter(BrowseQuery.parse(params), undefined);
      runs.push({ params, ...(await explain(db, browseQuery(db, filter))) });
      if (aPage.length < 20) aPage = await browseQuery(db, filter).execute();
    }
    const times = runs.map((r) => r.execMs).sort((a, b) => a - b);
    const slowest = runs.reduce((a, b) => (b.execMs > a.execMs ? b : a));
    shapes.push({
      shape: shape.name,
      samples,
      execP50Ms: round(percentile(times, 50), 2),
      execP99Ms: round(percentile(times, 99), 2),
      execMaxMs: round(times[times.length - 1], 2),
      slowestParams: slowest.params,
      plan: slowest.text,
    });
  }
  const ids = aPage.slice(0, 20).map((r) => r.id);
  const pairs = aPage.filter((l) => l.leaderId !== null);
  const presentation: Record<string, string> = {
    images: (await explain(db, db.selectFrom('listingImages').selectAll().where('listingId', 'in', ids).orderBy('listingId').orderBy('position').orderBy('createdAt'))).text,
    leaderAliases: pairs.length
      ? (
          await explain(
            db,
            db
              .selectFrom('listingBidders')
              .select(['listingId', 'alias'])
              .where((eb) => eb.or(pairs.map((l) => eb.and([eb('listingId', '=', l.id), eb('bidderId', '=', l.leaderId!)])))),
          )
        ).text
      : '(no leaders on the page)',
  };
  return { shapes, presentation };
}
