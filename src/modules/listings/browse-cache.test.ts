import { BrowseCache } from './browse-cache';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('BrowseCache', () => {
  it('answers a page read less than ttl ago from memory, then reads it again', async () => {
    const time = clock();
    const cache = new BrowseCache<number>(1000, 10, time.now);
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.get('home', read)).toBe(1);
    time.advance(999);
    expect(await cache.get('home', read)).toBe(1);
    time.advance(1);
    expect(await cache.get('home', read)).toBe(2);
    expect(await cache.get('category=bikes', read)).toBe(3);
  });

  it('shares one read among identical requests that arrive while it runs', async () => {
    const cache = new BrowseCache<string>(1000);
    let reads = 0;
    let finish!: (page: string) => void;
    const read = () => {
      reads += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const waiting = [cache.get('home', read), cache.get('home', read), cache.get('home', read)];
    finish('page');
    expect(await Promise.all(waiting)).toEqual(['page', 'page', 'page']);
    expect(reads).toBe(1);
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const cache = new BrowseCache<string>(1000);
    await expect(cache.get('home', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(cache.get('home', async () => 'page')).resolves.toBe('page');
  });

  it('never caches with ttl 0', async () => {
    const cache = new BrowseCache<number>(0);
    let reads = 0;
    const read = async () => ++reads;
    await cache.get('home', read);
    await cache.get('home', read);
    expect(reads).toBe(2);
  });

  it('holds at most maxEntries pages, evicting the oldest read first', async () => {
    const time = clock();
    const cache = new BrowseCache<string>(1000, 2, time.now);
    let reads = 0;
    const read = (page: string) => async () => {
      reads += 1;
      return page;
    };
    await cache.get('a', read('a'));
    time.advance(10);
    await cache.get('b', read('b'));
    time.advance(10);
    await cache.get('c', read('c')); // evicts a
    await cache.get('b', read('b'));
    await cache.get('c', read('c'));
    expect(reads).toBe(3);
    await cache.get('a', read('a'));
    expect(reads).toBe(4);
  });
});
