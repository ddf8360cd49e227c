import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/** The page shape of every staff list route: a page of items and the cursor of the next, if any. */
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface CursorListOptions<T> {
  queryKey: QueryKey;
  /** One page, from the start (`undefined`) or from a previous page's `nextCursor`. */
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  refetchInterval?: number | false;
}

/**
 * A staff list read page by page. The routes answer at most 100 rows per page, so a list that only
 * read the first would hide the 101st dispute, zone or failing payout; the pages loaded so far are
 * kept (and refreshed together) under one query key, which is what invalidations name.
 */
export function useCursorList<T>(opts: CursorListOptions<T>) {
  const query = useInfiniteQuery({
    queryKey: opts.queryKey,
    queryFn: ({ pageParam }) => opts.fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: opts.refetchInterval,
  });
  return { query, items: query.data?.pages.flatMap((p) => p.items) };
}

/** "Load more" under a list, while the server says there is a next page. */
export function LoadMore({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  if (!query.hasNextPage) return null;
  return (
    <p>
      <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
        {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
      </button>
    </p>
  );
}
