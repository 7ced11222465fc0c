import { describe, expect, it } from 'vitest';
import { KERNEL_IDS } from '../kernels/index.js';
import { runSteps } from '../run-steps.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1 };
const small = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };
const large = { file: [1, 1, 1, 1], cached: true, folios: [2], user: [[1, 1]] };

describe('writeback', () => {
  it('writes a dirty folio to disk and cleans it; other folios are untouched', () => {
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'write', off: 3, len: 1, value: 2 },
        { op: 'writeback', page: 0 },
      ],
      { bounds, initial: small },
    );
    expect(run.final.disk).toEqual([2, 1, 1, 1]);
    expect(run.final.folios.find((f) => f.cachesPage === 0)).toMatchObject({ dirty: false, cells: [2, 1] });
    expect(run.final.folios.find((f) => f.cachesPage === 1)).toMatchObject({ dirty: true, cells: [1, 2] });
    expect(run.final.file).toEqual([2, 1, 1, 2]);
  });

  it('writes every page of a large folio, whichever page is named', () => {
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'writeback', page: 1 },
      ],
      { bounds, initial: large },
    );
    expect(run.final.disk).toEqual([2, 1, 1, 1]);
    expect(run.final.folios.find((f) => f.cachesPage === 0)).toMatchObject({ pages: 2, dirty: false });
  });

  it('a clean or uncached page: nothing changes', () => {
    const before = runSteps([], { bounds, initial: small });
    expect(runSteps([{ op: 'writeback', page: 1 }], { bounds, initial: small }).final).toEqual(before.final);
    const unc = { ...small, cached: false };
    expect(runSteps([{ op: 'writeback', page: 0 }], { bounds, initial: unc }).final).toEqual(
      runSteps([], { bounds, initial: unc }).final,
    );
  });

  it('is not enabled for a page beyond the bounds', () => {
    expect(runSteps([{ op: 'writeback', page: 2 }], { bounds, initial: small }).completed).toBe(false);
  });

  it('a clean folio can then be evicted and the file reads the same from disk', () => {
    const run = runSteps(
      [
        { op: 'write', off: 1, len: 1, value: 2 },
        { op: 'writeback', page: 0 },
        { op: 'evict', page: 0 },
      ],
      { bounds, initial: small },
    );
    expect(run.final.pageCache[0]).toBeNull();
    expect(run.final.file).toEqual([1, 2, 1, 1]);
  });

  it.each(KERNEL_IDS)(
    "on %s writeback of a spliced, overwritten page puts the file data on disk, not the pipe's",
    (kernel) => {
      const run = runSteps(
        [
          { op: 'splice', off: 0, len: 2 },
          { op: 'write', off: 0, len: 2, value: 2 },
          { op: 'writeback', page: 0 },
        ],
        { kernel, bounds: { ...bounds, folioPages: 1 }, initial: small },
      );
      expect(run.final.disk).toEqual([2, 2, 1, 1]);
      expect(run.final.folios.find((f) => f.cachesPage === 0)).toMatchObject({ dirty: false, cells: [2, 2] });
    },
  );
});
