import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { cachedFolio } from '../view.js';
import { EXT4 } from '../fs/index.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('truncate', () => {
  it('to 0: every folio leaves the cache and the disk is all holes', () => {
    const run = runSteps([{ op: 'truncate', size: 0 }], { bounds, initial: full });
    expect(run.completed).toBe(true);
    expect(run.final.size).toBe(0);
    expect(run.final.file).toEqual([]);
    expect(run.final.pageCache).toEqual([null, null]);
    expect(run.final.disk).toEqual([0, 0, 0, 0]);
    // only the user page is left
    expect(run.final.folios).toHaveLength(1);
    expect(run.final.folios[0]!.userPage).toBe(0);
  });

  it('to 1 cell: the straddling folio has its tail zeroed in place (dirty); the next page leaves', () => {
    const run = runSteps([{ op: 'truncate', size: 1 }], { bounds, initial: full });
    expect(run.final.file).toEqual([1]);
    expect(cachedFolio(run.final, 0)).toMatchObject({ cells: [1, 0], dirty: true });
    expect(run.final.pageCache[1]).toBeNull();
    expect(run.final.disk.slice(2)).toEqual([0, 0]);
    // writeback puts the zeroed tail on disk
    const wb = runSteps(
      [
        { op: 'truncate', size: 1 },
        { op: 'writeback', page: 0 },
      ],
      { bounds, initial: full },
    );
    expect(wb.final.disk).toEqual([1, 0, 0, 0]);
  });

  it('growing adds zeroes, also after a shrink', () => {
    const grow = runSteps([{ op: 'truncate', size: 4 }], {
      bounds,
      initial: { file: [1, 2], cached: true, folios: [1], user: [[1, 1]] },
    });
    expect(grow.final.file).toEqual([1, 2, 0, 0]);
    expect(grow.final.logical).toEqual([1, 2, 0, 0]);
    const again = runSteps(
      [
        { op: 'truncate', size: 1 },
        { op: 'truncate', size: 4 },
      ],
      { bounds, initial: full },
    );
    expect(again.final.file).toEqual([1, 0, 0, 0]);
    expect(again.final.logical).toEqual([1, 0, 0, 0]);
  });

  // Live kernel (ext4, 6.18): ext4_block_truncate_page zeroes the tail through
  // an order-0 folio it creates (dirty, not uptodate); the disk keeps the old
  // cell until writeback. This test used to expect the disk zeroed directly.
  it('an uncached straddling page has its tail zeroed through a new folio (ext4)', () => {
    const run = runSteps(
      [
        { op: 'truncate', size: 3 },
        { op: 'truncate', size: 4 },
      ],
      { bounds, initial: { ...full, cached: false } },
    );
    expect(run.final.pageCache[0]).toBeNull();
    expect(
      run.final.folios.filter((f) => f.cachesPage !== null).map((f) => [f.cachesPage, f.cells, f.dirty, f.uptodate]),
    ).toEqual([[1, [1, 0], true, false]]);
    expect(run.final.file).toEqual([1, 2, 1, 0]);
  });

  it('same size: nothing changes', () => {
    const before = runSteps([], { bounds, initial: full });
    const run = runSteps([{ op: 'truncate', size: 4 }], { bounds, initial: full });
    expect(run.final).toEqual(before.final);
  });

  it('a large folio with no pipe reference is split at the new EOF', () => {
    const run = runSteps([{ op: 'truncate', size: 1 }], {
      bounds: { ...bounds, folioPages: 2 },
      initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] },
    });
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 1, cells: [1, 0], dirty: true });
    expect(run.final.pageCache[1]).toBeNull();
  });

  it('is not enabled beyond pages * cells', () => {
    expect(runSteps([{ op: 'truncate', size: 5 }], { bounds, initial: full }).completed).toBe(false);
  });

  const toOne: Record<KernelId, number[]> = {
    linux: [1, 0, 1, 2],
    'dirty-pipe': [1, 0, 1, 2],
    'howells-rfc': [1, 2, 1, 2],
    copy: [1, 2, 1, 2],
    move: [1, 2, 1, 2],
    cow: [1, 2, 1, 2],
  };
  it.each(KERNEL_IDS)(
    'after splicing the whole file on %s: to 0 the pipe stays old; to 1 cell per the variant',
    (kernel) => {
      const zero = runSteps(
        [
          { op: 'splice', off: 0, len: 4 },
          { op: 'truncate', size: 0 },
          { op: 'pipe-read', len: 4 },
        ],
        { kernel, bounds, initial: full },
      );
      expect(zero.completed).toBe(true);
      expect(reads(zero)).toEqual([[1, 2, 1, 2]]);
      const one = runSteps(
        [
          { op: 'splice', off: 0, len: 4 },
          { op: 'truncate', size: 1 },
          { op: 'pipe-read', len: 4 },
        ],
        { kernel, bounds, initial: full },
      );
      expect(reads(one)).toEqual([toOne[kernel]]);
      expect(one.final.file).toEqual([1]);
    },
  );

  // Regression: truncate once covered only up to the old EOF page, while the
  // kernel's truncate_pagecache -> truncate_inode_pages_range(mapping, size, -1)
  // covers every cached page past the new EOF. A dirty ext4 large folio never
  // splits, so truncate(2) leaves it caching page 1 past EOF; truncate(0) must
  // then remove it whole (the measured "ftruncate to 0: old" row).
  it('truncate to 0 removes a dirty large folio reaching past the old EOF page (linux, ext4)', () => {
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 2, value: 2 },
        { op: 'splice', off: 0, len: 2 },
        { op: 'truncate', size: 2 },
        { op: 'truncate', size: 0 },
        { op: 'pipe-read', len: 2 },
      ],
      { kernel: 'linux', bounds: { ...bounds, folioPages: 2 }, initial: { ...full, folios: [2] }, fs: EXT4 },
    );
    expect(run.completed).toBe(true);
    expect(run.final.pageCache).toEqual([null, null]);
    expect(reads(run)).toEqual([[2, 2]]);
  });

  it('(the state the bug starts from) a dirty large ext4 folio stays past EOF after a shrink', () => {
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 2, value: 2 },
        { op: 'truncate', size: 2 },
      ],
      { kernel: 'linux', bounds: { ...bounds, folioPages: 2 }, initial: { ...full, folios: [2] }, fs: EXT4 },
    );
    expect(cachedFolio(run.final, 1)).toMatchObject({ pages: 2, cells: [2, 2, 0, 0], dirty: true, cachesPage: 0 });
  });
});
