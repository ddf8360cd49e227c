import { batchedLookup } from '../../src/shared/batched-lookup';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('batchedLookup', () => {
  it('answers the lookups of one turn with one load, each with its own value', async () => {
    const loads: number[][] = [];
    const double = batchedLookup(async (keys: readonly number[]) => {
      loads.push([...keys]);
      return keys.map((k) => k * 2);
    });
    await expect(Promise.all([double(1), double(2), double(3)])).resolves.toEqual([2, 4, 6]);
    expect(loads).toEqual([[1, 2, 3]]);
  });

  it('loads again for a lookup made in a later turn', async () => {
    const loads: number[][] = [];
    const same = batchedLookup(async (keys: readonly number[]) => {
      loads.push([...keys]);
      return keys;
    });
    const first = same(1);
    await nextTurn();
    await expect(Promise.all([first, same(2)])).resolves.toEqual([1, 2]);
    expect(loads).toEqual([[1], [2]]);
  });

  it('splits a turn larger than the batch size', async () => {
    const loads: number[] = [];
    const same = batchedLookup(async (keys: readonly number[]) => {
      loads.push(keys.length);
      return keys;
    }, 2);
    await expect(Promise.all([1, 2, 3, 4, 5].map(same))).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(loads).toEqual([2, 2, 1]);
  });

  it('fails every lookup of a failed load, and only those', async () => {
    let calls = 0;
    const flaky = batchedLookup(async (keys: readonly number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return keys;
    });
    const failed = [flaky(1), flaky(2)].map((p) => p.catch((err: Error) => err.message));
    await expect(Promise.all(failed)).resolves.toEqual(['connection lost', 'connection lost']);
    await expect(flaky(3)).resolves.toBe(3);
  });

  it('refuses an answer that does not match the keys', async () => {
    const short = batchedLookup(async () => [1]);
    await expect(Promise.all([short(1), short(2)])).rejects.toThrow('answered 1 of 2 keys');
  });
});
