import { describe, expect, it } from 'vitest';
import { EXT4, TMPFS } from './fs/index.js';
import { reads, runSteps } from './run-steps.js';
import type { Step } from './step.js';

// Regression tests for the disagreements `pipecheck conform` found between
// the model and Linux 6.18 (oracle/conform.ts), each the shrunk trace replayed
// on the model with the kernel's outcome. Files start clean, as the oracle
// builds them (`clean 1`). oracle/table.live.test.ts and
// oracle/conform.test.ts check the same against the live kernel.

const cachedPages = (run: ReturnType<typeof runSteps>): (number | null)[] =>
  run.final.pageCache.map((f, p) => {
    if (f === null) return null;
    const folio = run.final.folios.find((x) => x.id === f)!;
    return folio.uptodate ? p : null; // what mincore sees
  });

describe('conformance fixes (live kernel, Linux 6.18)', () => {
  it('tmpfs: splice of a hole references the zero page; a later write does not reach the pipe', () => {
    // kernel: write(2,1) splice(0,1) write(0,1,2) read -> [0]; page 0 cached only by the write
    const steps: Step[] = [
      { op: 'write', off: 2, len: 1, value: 1 },
      { op: 'splice', off: 0, len: 1 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 1 },
    ];
    const run = runSteps(steps, {
      fs: TMPFS,
      bounds: { pages: 2, cells: 2, values: 2, slots: 1 },
      initial: { file: [], cached: true, folios: [] },
    });
    expect(reads(run)).toEqual([[0]]);
    expect(run.final.file).toEqual([2, 0, 1]);
  });

  it(
    'ext4: a partial punch of an uncached page leaves a dirty, not uptodate folio; splice reads it ' +
      'without readahead',
    () => {
      // kernel: folios after punch 0 0 0 0; after splice 1 0 0 0 (dirty 1)
      const bounds = { pages: 4, cells: 2, values: 2, slots: 2, folioPages: 4 };
      const initial = { file: [1, 1, 1, 1, 1, 1, 1, 1], cached: false };
      const punch = runSteps([{ op: 'fallocate-punch', off: 0, len: 1 }], { fs: EXT4, bounds, initial });
      expect(cachedPages(punch)).toEqual([null, null, null, null]);
      const run = runSteps(
        [
          { op: 'fallocate-punch', off: 0, len: 1 },
          { op: 'splice', off: 0, len: 1 },
          { op: 'pipe-read', len: 1 },
        ],
        { fs: EXT4, bounds, initial },
      );
      expect(reads(run)).toEqual([[0]]);
      expect(cachedPages(run)).toEqual([0, null, null, null]);
      expect(run.final.file).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    },
  );

  it('ext4: a punch that runs past EOF covers the whole EOF page (removed: the pipe keeps the old data)', () => {
    // kernel: splice(4,1) punch(4,2) read -> [1]; folios 1 0
    const bounds = { pages: 2, cells: 4, values: 1, slots: 2, folioPages: 1 };
    const run = runSteps(
      [
        { op: 'splice', off: 4, len: 1 },
        { op: 'fallocate-punch', off: 4, len: 2 },
        { op: 'pipe-read', len: 4 },
      ],
      {
        fs: EXT4,
        bounds,
        initial: { file: [1, 1, 1, 1, 1], cached: true, folios: [1, 1] },
      },
    );
    expect(reads(run)).toEqual([[1]]);
    expect(cachedPages(run)).toEqual([0, null]);
  });

  it('ext4: a punch at or past EOF does nothing (the page stays clean: evict drops it)', () => {
    const bounds = { pages: 2, cells: 4, values: 1, slots: 2, folioPages: 1 };
    const run = runSteps(
      [
        { op: 'fallocate-punch', off: 5, len: 1 },
        { op: 'evict', page: 1 },
      ],
      {
        fs: EXT4,
        bounds,
        initial: { file: [1, 1, 1, 1, 1], cached: true, folios: [1, 1] },
      },
    );
    expect(cachedPages(run)).toEqual([0, null]);
  });

  it('ext4: ftruncate to the same or a larger size dirties the partial EOF page (evict writes back, keeps it)', () => {
    // kernel: truncate 1 (same size) then evict -> folios 1; truncate 3 then evict -> 1 0
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
    const initial = { file: [1], cached: true, folios: [1] };
    expect(
      cachedPages(
        runSteps(
          [
            { op: 'truncate', size: 1 },
            { op: 'evict', page: 0 },
          ],
          { fs: EXT4, bounds, initial },
        ),
      ),
    ).toEqual([0, null]);
    const grow = runSteps(
      [
        { op: 'truncate', size: 3 },
        { op: 'evict', page: 0 },
      ],
      { fs: EXT4, bounds, initial },
    );
    expect(cachedPages(grow)).toEqual([0, null]);
    expect(grow.final.folios.find((f) => f.cachesPage === 0)!.dirty).toBe(false);
  });

  it(
    'ext4: a write starting past a cold partial EOF page zeroes its tail through a new folio; ' + 'readahead skips it',
    () => {
      // kernel: write(4,1) -> 0 0 1; splice(0,1) -> 1 0 1
      const bounds = { pages: 3, cells: 2, values: 1, slots: 1, folioPages: 2 };
      const run = runSteps(
        [
          { op: 'write', off: 4, len: 1, value: 1 },
          { op: 'splice', off: 0, len: 1 },
        ],
        {
          fs: EXT4,
          bounds,
          initial: { file: [1, 1, 1], cached: false },
        },
      );
      expect(cachedPages(run)).toEqual([0, null, 2]);
      expect(run.final.file).toEqual([1, 1, 1, 0, 1]);
    },
  );

  it('ext4: a splice miss reads ahead the pages of its request (clipped to a page per free slot)', () => {
    // kernel, 1 slot: splice(5,4) -> 0 1 1 0; splice(4,8) -> 0 1 0 0
    const bounds = { pages: 4, cells: 4, values: 1, slots: 1, folioPages: 4 };
    const initial = { file: new Array<number>(16).fill(1), cached: false };
    expect(cachedPages(runSteps([{ op: 'splice', off: 5, len: 4 }], { fs: EXT4, bounds, initial }))).toEqual([
      null,
      1,
      2,
      null,
    ]);
    expect(cachedPages(runSteps([{ op: 'splice', off: 4, len: 8 }], { fs: EXT4, bounds, initial }))).toEqual([
      null,
      1,
      null,
      null,
    ]);
  });

  it(
    'ext4: after a pipe-held clean large folio is dropped, the partial page gets an order-0 folio (a ' +
      'write there is order 0)',
    () => {
      // kernel: folios [2] clean; splice(0,1) punch(0,1) write(0,4) -> 1 1
      const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
      const run = runSteps(
        [
          { op: 'splice', off: 0, len: 1 },
          { op: 'fallocate-punch', off: 0, len: 1 },
          { op: 'write', off: 0, len: 4, value: 1 },
          { op: 'pipe-read', len: 2 },
        ],
        { fs: EXT4, bounds, initial: { file: [0, 0, 0], cached: true, folios: [2] } },
      );
      expect(reads(run)).toEqual([[0]]);
      expect(run.final.folios.filter((f) => f.cachesPage !== null).map((f) => f.pages)).toEqual([1, 1]);
    },
  );

  // Strict folio comparison (`runConform({ strictFolios: true })`): the final
  // folio structure must match the kernel's too. `shape` is the helper's notation.
  const shape = (run: ReturnType<typeof runSteps>): number[] => {
    const out: number[] = [];
    const pc = run.final.pageCache;
    const pages = Math.ceil(run.final.size / run.model.L.C);
    for (let p = 0; p < pages;) {
      const folio = pc[p] === null ? undefined : run.final.folios.find((x) => x.id === pc[p]);
      if (!folio || !folio.uptodate) {
        out.push(0);
        p++;
      } else {
        out.push(folio.pages);
        p += folio.pages;
      }
    }
    return out;
  };

  it(
    'ext4: a miss after the first page of one splice is sequential readahead (f_ra.prev_pos): the ' + 'initial window',
    () => {
      // kernel (strict conform, seed 1): write(0,2) splice(0,3) -> 1 1 1 (the model read page 1 only: 1 1 0)
      const bounds = { pages: 3, cells: 2, values: 1, slots: 2, folioPages: 2 };
      const run = runSteps(
        [
          { op: 'write', off: 0, len: 2, value: 1 },
          { op: 'splice', off: 0, len: 3 },
          { op: 'pipe-read', len: 4 },
        ],
        {
          fs: EXT4,
          bounds,
          initial: { file: [0, 0, 0, 0, 0], cached: false },
        },
      );
      expect(reads(run)).toEqual([[1, 1, 0]]);
      expect(shape(run)).toEqual([1, 1, 1]);
    },
  );

  it('ext4: a miss after cached pages is context readahead (page_cache_prev_miss): more than the request', () => {
    // kernel: pages 0 and 1 written one by one, splice(4,1) -> 1 1 1 1 (2 + 2 * 2 + 1 pages from page 2, clipped)
    const bounds = { pages: 4, cells: 2, values: 1, slots: 1, folioPages: 4 };
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 2, value: 1 },
        { op: 'write', off: 2, len: 2, value: 1 },
        { op: 'splice', off: 4, len: 1 },
      ],
      {
        fs: EXT4,
        bounds,
        initial: { file: new Array<number>(8).fill(1), cached: false },
      },
    );
    expect(shape(run)).toEqual([1, 1, 1, 1]);
  });

  it('ext4: ftruncate to the same size runs truncate_pagecache too: a clean large folio straddling EOF splits', () => {
    // kernel (seed 4): folios [2] clean, 3 cells, truncate(3) -> 1 1, page 1 dirty
    const bounds = { pages: 4, cells: 2, values: 1, slots: 1, folioPages: 4 };
    const run = runSteps([{ op: 'truncate', size: 3 }], {
      fs: EXT4,
      bounds,
      initial: { file: [0, 0, 0], cached: true, folios: [2] },
    });
    expect(shape(run)).toEqual([1, 1]);
    expect(run.final.folios.filter((f) => f.cachesPage !== null).map((f) => f.dirty)).toEqual([false, true]);
  });

  it(
    'ext4: ftruncate up splits a clean large folio that straddles the new EOF (truncate_pagecache), ' +
      'dirtying nothing',
    () => {
      // kernel: [4] dirty, truncate(6) keeps it (dirty), writeback, truncate(7) -> 2 1 1, all clean
      const bounds = { pages: 4, cells: 2, values: 2, slots: 1, folioPages: 4 };
      const run = runSteps(
        [
          { op: 'write', off: 0, len: 1, value: 2 },
          { op: 'truncate', size: 6 },
          { op: 'writeback', page: 0 },
          { op: 'truncate', size: 7 },
        ],
        { fs: EXT4, bounds, initial: { file: new Array<number>(8).fill(1), cached: true, folios: [4] } },
      );
      expect(shape(run)).toEqual([2, 1, 1]);
      expect(run.final.folios.some((f) => f.dirty)).toBe(false);
      expect(run.final.file).toEqual([2, 1, 1, 1, 1, 1, 0]);
    },
  );

  it('ext4: growing past a partial EOF page dirties that page only, not its whole large folio', () => {
    // kernel (seed 6): [2] clean, 5 cells (C=4), truncate(6), punch(3,4) -> page 1 punched clean, the folio splits: 1 0
    const bounds = { pages: 2, cells: 4, values: 1, slots: 1, folioPages: 2 };
    const run = runSteps(
      [
        { op: 'truncate', size: 6 },
        { op: 'fallocate-punch', off: 3, len: 4 },
      ],
      {
        fs: EXT4,
        bounds,
        initial: { file: [1, 1, 1, 1, 1], cached: true, folios: [2] },
      },
    );
    expect(shape(run)).toEqual([1, 0]);
  });

  it('ext4: zeroing part of a not-uptodate folio over a hole leaves it clean (evict drops it)', () => {
    // kernel (seed 4): write(2,2) punch(0,1) truncate(1) evict(0) write(0,4) -> 2 (the model kept page 0: 1 1)
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
    const run = runSteps(
      [
        { op: 'write', off: 2, len: 2, value: 1 },
        { op: 'fallocate-punch', off: 0, len: 1 },
        { op: 'truncate', size: 1 },
        { op: 'evict', page: 0 },
        { op: 'write', off: 0, len: 4, value: 1 },
      ],
      { fs: EXT4, bounds, initial: { file: [], cached: false } },
    );
    expect(shape(run)).toEqual([2]);
  });

  it(
    'ext4: a mapped large folio stays dirty when a punch discards its dirty blocks, so a pipe keeps ' +
      'sharing it (conform seed 2026)',
    () => {
      // kernel: mmap-store(0,1) splice(0,1) truncate(1) punch(0,2): folios 2 dirty 1 after every step;
      // the pipe still shares the cached folio, so a later write reaches the reader: read [1].
      // With pwrite instead of the mmap store the clean folio is dropped and the reader keeps [0].
      const bounds = { pages: 2, cells: 4, values: 1, slots: 1, folioPages: 2, userPages: 1 };
      const initial = { file: [0, 0, 0, 0, 0], cached: true, folios: [2], user: [[0, 0, 0, 0]] };
      const tail: Step[] = [
        { op: 'splice', off: 0, len: 1 },
        { op: 'truncate', size: 1 },
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'pipe-read', len: 4 },
      ];
      const mapped = runSteps([{ op: 'mmap-store', off: 0, value: 1 }, ...tail], { fs: EXT4, bounds, initial });
      expect(reads(mapped)).toEqual([[1]]);
      expect(mapped.final.folios.find((f) => f.cachesPage === 0)).toMatchObject({ pages: 2, dirty: true });
      const written = runSteps([{ op: 'write', off: 0, len: 1, value: 1 }, ...tail], { fs: EXT4, bounds, initial });
      expect(reads(written)).toEqual([[0]]);
    },
  );

  it(
    'ext4: a punch that discards the only dirty blocks of a large folio leaves it clean, so a ' +
      'pipe-held one is dropped (conform seed 11)',
    () => {
      // kernel: splice(0,2) of a clean 2-page folio; pwrite dirties page 1 only;
      // punching page 1 whole invalidates its dirty block: the folio is clean, cannot
      // split (the pipe holds it) and leaves the cache (folios 0 0); a later partial
      // punch of page 0 no longer reaches the pipe, which reads [1, 1].
      const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 0 };
      const initial = { file: [1, 1, 1, 1], cached: true, folios: [2], user: [] };
      const steps: Step[] = [
        { op: 'splice', off: 0, len: 2 },
        { op: 'write', off: 2, len: 1, value: 2 },
        { op: 'fallocate-punch', off: 2, len: 2 },
        { op: 'fallocate-punch', off: 0, len: 1 },
        { op: 'pipe-read', len: 2 },
      ];
      const run = runSteps(steps, { fs: EXT4, bounds, initial });
      expect(reads(run)).toEqual([[1, 1]]);
      expect(run.final.file).toEqual([0, 1, 0, 0]);
      const afterPunch = runSteps(steps.slice(0, 3), { fs: EXT4, bounds, initial });
      expect(afterPunch.final.pageCache).toEqual([null, null]);
    },
  );
});
