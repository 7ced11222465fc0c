import { describe, expect, it } from 'vitest';
import { shardRange } from './shard.js';
import { CHUNK_RUNS, chunkCount } from './simulate.js';

describe('shardRange', () => {
  it('cuts the chunks into contiguous, disjoint ranges that cover them all, whatever the count', () => {
    for (const runs of [1, 249, 250, 251, 1000, 10_000, 12_345]) {
      for (let count = 1; count <= 9; count++) {
        let next = 0;
        let nextRun = 0;
        for (let index = 1; index <= count; index++) {
          const r = shardRange(runs, { index, count });
          expect(r.first).toBe(next);
          expect(r.firstRun).toBe(nextRun);
          expect(r.end).toBeGreaterThanOrEqual(r.first);
          expect(r.endRun - r.firstRun).toBe(Math.min(runs, r.end * CHUNK_RUNS) - Math.min(runs, r.first * CHUNK_RUNS));
          next = r.end;
          nextRun = r.endRun;
        }
        expect(next).toBe(chunkCount(runs));
        expect(nextRun).toBe(runs);
      }
    }
  });

  it('says which runs: 10,000 runs in 3 shards', () => {
    expect([1, 2, 3].map((index) => shardRange(10_000, { index, count: 3 }))).toEqual([
      { first: 0, end: 13, firstRun: 0, endRun: 3250 },
      { first: 13, end: 26, firstRun: 3250, endRun: 6500 },
      { first: 26, end: 40, firstRun: 6500, endRun: 10_000 },
    ]);
    expect(shardRange(10_000, undefined)).toEqual({ first: 0, end: 40, firstRun: 0, endRun: 10_000 });
    expect(() => shardRange(10, { index: 4, count: 3 })).toThrow(/shard 4\/3 does not exist/);
  });
});
