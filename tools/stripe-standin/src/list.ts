import { invalidRequest } from './errors';
import type { ListObject } from './objects';
import { ParamReader } from './params';
import type { Store } from './store';

/** Parameters every Stripe list endpoint accepts. */
export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created'] as const;

interface CreatedFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

interface ListQuery {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created: CreatedFilter;
}

function readCreated(reader: ParamReader): CreatedFilter {
  if (!reader.has('created')) return {};
  const raw = reader.raw.created;
  if (typeof raw === 'string') {
    const exact = reader.integer('created');
    return { gte: exact, lte: exact };
  }
  const nested = new ParamReader(raw, ['gt', 'gte', 'lt', 'lte']);
  return {
    gt: nested.integer('gt'),
    gte: nested.integer('gte'),
    lt: nested.integer('lt'),
    lte: nested.integer('lte'),
  };
}

function readListQuery(reader: ParamReader): ListQuery {
  const limit = reader.integer('limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', {
      code: 'parameter_invalid_integer',
      param: 'limit',
    });
  }
  return {
    limit,
    startingAfter: reader.string('starting_after'),
    endingBefore: reader.string('ending_before'),
    created: readCreated(reader),
  };
}

function matchesCreated(created: number, filter: CreatedFilter): boolean {
  if (filter.gt !== undefined && !(created > filter.gt)) return false;
  if (filter.gte !== undefined && !(created >= filter.gte)) return false;
  if (filter.lt !== undefined && !(created < filter.lt)) return false;
  if (filter.lte !== undefined && !(created <= filter.lte)) return false;
  return true;
}

function cursorIndex(items: Array<{ id: string }>, id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) throw invalidRequest(`No such object: '${id}'`, { code: 'resource_missing', param });
  return index;
}

/**
 * Stripe list semantics: newest first, `limit` (1–100, default 10), cursor pagination with
 * `starting_after` / `ending_before`, and `created` range filters.
 */
export function paginate<T extends { id: string; created: number }>(
  store: Store,
  reader: ParamReader,
  items: T[],
  url: string,
): ListObject<T> {
  const query = readListQuery(reader);
  const sorted = items
    .filter((item) => matchesCreated(item.created, query.created))
    .sort((a, b) => b.created - a.created || store.sequenceOf(b.id) - store.sequenceOf(a.id));
  let page: T[];
  let hasMore: boolean;
  if (query.startingAfter) {
    const rest = sorted.slice(cursorIndex(sorted, query.startingAfter, 'starting_after') + 1);
    page = rest.slice(0, query.limit);
    hasMore = rest.length > query.limit;
  } else if (query.endingBefore) {
    const before = sorted.slice(0, cursorIndex(sorted, query.endingBefore, 'ending_before'));
    page = before.slice(Math.max(0, before.length - query.limit));
    hasMore = before.length > query.limit;
  } else {
    page = sorted.slice(0, query.limit);
    hasMore = sorted.length > query.limit;
  }
  return { object: 'list', data: page, has_more: hasMore, url };
}
