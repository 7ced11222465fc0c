import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';
import { cachedFolio } from '../view.js';

// pwrite(off, len, value) in cells; value 1 = old data, 2 = new data.
const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('write', () => {
  it('copies into the cached folios, marks them dirty, leaves the disk alone', () => {
    const run = runSteps([{ op: 'write', off: 1, len: 2, value: 2 }], { bounds, initial: full });
    expect(run.completed).toBe(true);
    expect(run.final.file).toEqual([1, 2, 2, 1]);
    expect(run.final.logical).toEqual([1, 2, 2, 1]);
    expect(run.final.disk).toEqual([1, 1, 1, 1]);
    expect(run.final.size).toBe(4);
    expect(cachedFolio(run.final, 0)).toMatchObject({
      pages: 1,
      cells: [1, 2],
      dirty: true,
      mapped: false,
      pipeRefs: 0,
      cachesPage: 0,
    });
    expect(cachedFolio(run.final, 1)).toMatchObject({ pages: 1, cells: [2, 1], dirty: true, cachesPage: 1 });
  });

  it('a write that touches one page dirties only that folio', () => {
    const run = runSteps([{ op: 'write', off: 3, len: 1, value: 2 }], { bounds, initial: full });
    expect(cachedFolio(run.final, 0)!.dirty).toBe(false);
    expect(cachedFolio(run.final, 1)).toMatchObject({ cells: [1, 2], dirty: true });
  });

  it('loads an uncached page from disk first (the untouched cells keep their data)', () => {
    const run = runSteps([{ op: 'write', off: 0, len: 1, value: 2 }], {
      bounds,
      initial: { file: [1, 2, 1, 2], cached: false, folios: [1, 1], user: [[1, 1]] },
    });
    expect(run.final.file).toEqual([2, 2, 1, 2]);
    expect(run.final.pageCache[1]).toBeNull();
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 1, cells: [2, 2], dirty: true, uptodate: true });
    expect(run.final.disk).toEqual([1, 2, 1, 2]);
  });

  it('extends the file; the gap before the write reads as zeroes', () => {
    const run = runSteps([{ op: 'write', off: 3, len: 1, value: 2 }], {
      bounds,
      initial: { file: [1, 1], cached: true, folios: [1], user: [[1, 1]] },
    });
    expect(run.final.size).toBe(4);
    expect(run.final.file).toEqual([1, 1, 0, 2]);
    expect(run.final.logical).toEqual([1, 1, 0, 2]);
  });

  it(
    'by-length folio policy: a two-page write into uncached pages makes one 2-page folio, a one-page ' +
      'write an order-0 folio',
    () => {
      const b2 = { ...bounds, folioPages: 2 };
      const uncached = { file: [1, 1, 1, 1], cached: false, folios: [2], user: [[1, 1]] };
      const big = runSteps([{ op: 'write', off: 0, len: 4, value: 2 }], { bounds: b2, initial: uncached });
      expect(big.final.pageCache[0]).toBe(big.final.pageCache[1]);
      expect(cachedFolio(big.final, 0)).toMatchObject({ pages: 2, cells: [2, 2, 2, 2], dirty: true });
      const small = runSteps([{ op: 'write', off: 0, len: 2, value: 2 }], { bounds: b2, initial: uncached });
      expect(cachedFolio(small.final, 0)).toMatchObject({ pages: 1, cells: [2, 2] });
      expect(small.final.pageCache[1]).toBeNull();
    },
  );

  it('writes across a large folio in one piece', () => {
    const run = runSteps([{ op: 'write', off: 1, len: 2, value: 2 }], {
      bounds: { ...bounds, folioPages: 2 },
      initial: { file: [1, 1, 1, 1], cached: true, folios: [2], user: [[1, 1]] },
    });
    expect(run.final.folios.filter((f) => f.cachesPage !== null)).toHaveLength(1);
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 2, cells: [1, 2, 2, 1], dirty: true });
  });

  it('is not enabled past the largest file (pages * cells)', () => {
    const run = runSteps([{ op: 'write', off: 3, len: 2, value: 2 }], { bounds, initial: full });
    expect(run.completed).toBe(false);
    expect(run.results).toEqual([{ ok: false }]);
  });

  // splice the first page, then overwrite its first cell, then read the pipe.
  const spliceThenWrite: Step[] = [
    { op: 'splice', off: 0, len: 2 },
    { op: 'write', off: 0, len: 1, value: 2 },
  ];
  const expected: Record<KernelId, { pipe: number[]; copied: number; stolen: number }> = {
    linux: { pipe: [2, 1], copied: 0, stolen: 0 },
    'dirty-pipe': { pipe: [2, 1], copied: 0, stolen: 0 },
    'howells-rfc': { pipe: [1, 1], copied: 0, stolen: 1 },
    copy: { pipe: [1, 1], copied: 1, stolen: 0 },
    move: { pipe: [1, 1], copied: 1, stolen: 0 },
    cow: { pipe: [1, 1], copied: 1, stolen: 0 },
  };
  it.each(KERNEL_IDS)('over spliced data on %s: the file has the new data; the pipe per the variant', (kernel) => {
    const run = runSteps([...spliceThenWrite, { op: 'pipe-read', len: 2 }], { kernel, bounds, initial: full });
    expect(run.completed).toBe(true);
    const e = expected[kernel];
    expect(run.final.file).toEqual([2, 1, 1, 1]);
    expect(run.final.logical).toEqual([2, 1, 1, 1]);
    expect(reads(run)).toEqual([e.pipe]);
    expect(run.final.cost).toEqual({ pagesCopied: e.copied, pagesStolen: e.stolen });
    // the cache folio of page 0 after the write is dirty and no pipe references remain
    expect(cachedFolio(run.final, 0)).toMatchObject({ cells: [2, 1], dirty: true, pipeRefs: 0 });
  });

  it('on cow the page cache gets a private copy and the pipe keeps the old folio, out of the cache', () => {
    const run = runSteps(spliceThenWrite, { kernel: 'cow', bounds, initial: full });
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf.cells).toEqual([1, 1]);
    expect(buf.ghost).toEqual([1, 1]);
    expect(buf.folio).not.toBe(run.final.pageCache[0]);
    const old = run.final.folios.find((f) => f.id === buf.folio)!;
    expect(old).toMatchObject({ cachesPage: null, pipeRefs: 1, dirty: false, cells: [1, 1] });
    expect(cachedFolio(run.final, 0)).toMatchObject({ cells: [2, 1], dirty: true, pipeRefs: 0 });
  });

  it('on linux the pipe buffer references the changed cache folio: cells new, ghost old', () => {
    const run = runSteps(spliceThenWrite, { kernel: 'linux', bounds, initial: full });
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf.folio).toBe(run.final.pageCache[0]);
    expect(buf.cells).toEqual([2, 1]);
    expect(buf.ghost).toEqual([1, 1]);
    expect(cachedFolio(run.final, 0)).toMatchObject({ pipeRefs: 1, dirty: true });
  });
});
