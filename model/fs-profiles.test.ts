import { describe, expect, it } from 'vitest';
import { BTRFS, EXT4, EXT4_1K, FS_PROFILES, TMPFS, unbuildableInitial, XFS, type FsProfile } from './fs/index.js';
import { allReads, reads, runSteps } from './run-steps.js';
import type { Step } from './step.js';

// Regression tests for the disagreements `pipecheck conform` found on xfs,
// btrfs and ext4 with 1 KiB blocks (Linux 6.18, loop-mounted), each the
// shrunk trace replayed on the model with the kernel's outcome, and the same
// trace under the profile it used to be mapped to, which reads otherwise (so
// each profile difference is pinned). oracle/FINDINGS.md section 13 has the
// measurements; oracle/conform-fs.test.ts runs conform on these file systems.

/** The reads of `steps` under profile `fs`. */
function readsUnder(
  fs: FsProfile,
  steps: readonly Step[],
  bounds: Record<string, number>,
  initial: { file: number[]; cached: boolean; folios?: number[] },
): (readonly number[] | undefined)[] {
  return reads(runSteps(steps, { fs, bounds, initial }));
}

describe('file-system profiles (conformance fixes, Linux 6.18)', () => {
  it('xfs: a collapse may take a pipe-held large folio out whole, unzeroed (a kernel choice)', () => {
    // kernel (xfs here, conform seed 82213): the pipe reads [1, 0], the write it saw; zeroing in place gives [0, 0].
    const steps: Step[] = [
      { op: 'vmsplice', page: 0, gift: false, source: 'file-private' },
      { op: 'write', off: 0, len: 1, value: 1 },
      { op: 'fallocate-collapse', off: 0, len: 2 },
      { op: 'pipe-read', len: 2 },
    ];
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2, userPages: 1 };
    const initial = { file: [0, 0, 0], cached: true, folios: [2] };
    expect(allReads(steps, { fs: XFS, bounds, initial })).toEqual([[[0, 0]], [[1, 0]]]);
  });

  it('xfs: a reflink past EOF flushes and drops the pages from the old EOF on: the pipe keeps the old data', () => {
    // kernel (xfs, conform seed 81203): the pipe reads [0, 0]; ext4 copies, and the writes reach the pipe.
    const steps: Step[] = [
      { op: 'vmsplice', page: 1, gift: true, source: 'file-private' },
      { op: 'copy-file-range', off: 4, len: 2, value: 1 },
      { op: 'write', off: 0, len: 2, value: 1 },
      { op: 'write', off: 2, len: 2, value: 1 },
      { op: 'pipe-read', len: 2 },
    ];
    const bounds = { pages: 4, cells: 2, values: 1, slots: 1, folioPages: 4, userPages: 1 };
    const initial = { file: [0, 0, 0], cached: false };
    expect(readsUnder(XFS, steps, bounds, initial)).toEqual([[0, 0]]);
    expect(readsUnder(EXT4, steps, bounds, initial)).toEqual([[1, 1]]);
  });

  it('xfs: a punch of part of a page drops the page (xfs_flush_unmap_range): the pipe keeps the old data', () => {
    // kernel (xfs): the pipe reads [0]; ext4 zeroes the cell in place and the store reaches the pipe.
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 1 },
      { op: 'fallocate-punch', off: 0, len: 1 },
      { op: 'mmap-store', off: 0, value: 1 },
      { op: 'pipe-read', len: 1 },
    ];
    const bounds = { pages: 1, cells: 2, values: 1, slots: 1, folioPages: 1 };
    const initial = { file: [0], cached: false };
    expect(readsUnder(XFS, steps, bounds, initial)).toEqual([[0]]);
    expect(readsUnder(EXT4, steps, bounds, initial)).toEqual([[1]]);
  });

  it('xfs: a shrink zeroes the new EOF block through the cache first, so the pipe-held folio stays', () => {
    // kernel (xfs): [1]; ext4 drops the clean pipe-held large folio and the write misses the pipe.
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 1 },
      { op: 'truncate', size: 1 },
      { op: 'write', off: 0, len: 4, value: 1 },
      { op: 'pipe-read', len: 1 },
    ];
    const bounds = { pages: 2, cells: 4, values: 1, slots: 1, folioPages: 2 };
    const initial = { file: [0, 0, 0, 0, 0], cached: true, folios: [2] };
    expect(readsUnder(XFS, steps, bounds, initial)).toEqual([[1]]);
    expect(readsUnder(EXT4, steps, bounds, initial)).toEqual([[0]]);
  });

  it("xfs: a write's folios stop at the old EOF (one iomap extent at a time)", () => {
    // kernel (xfs): order-0 folios, so the punch drops page 0 whole, unzeroed: the pipe reads [1].
    const steps: Step[] = [
      { op: 'write', off: 0, len: 4, value: 1 },
      { op: 'splice', off: 0, len: 1 },
      { op: 'fallocate-punch', off: 0, len: 1 },
      { op: 'write', off: 0, len: 1, value: 1 },
      { op: 'pipe-read', len: 2 },
    ];
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
    const initial = { file: [0], cached: false };
    const xfs = runSteps(steps, { fs: XFS, bounds, initial });
    expect(reads(xfs)).toEqual([[1]]);
    expect(xfs.final.folios.filter((f) => f.cachesPage !== null).map((f) => f.pages)).toEqual([1, 1]);
    const ext4Folios = runSteps(steps.slice(0, 1), { fs: EXT4, bounds, initial }).final.folios;
    expect(ext4Folios.filter((f) => f.cachesPage !== null).map((f) => f.pages)).toEqual([2]);
  });

  it('btrfs: a punch running past EOF zeroes the EOF page in place (btrfs_truncate_block), as asked', () => {
    // kernel (btrfs): [0]; ext4 punches the whole EOF page, which leaves the cache with the old data.
    const steps: Step[] = [
      { op: 'write', off: 0, len: 1, value: 1 },
      { op: 'splice', off: 0, len: 1 },
      { op: 'fallocate-punch', off: 0, len: 2 },
      { op: 'truncate', size: 0 },
      { op: 'pipe-read', len: 4 },
    ];
    const bounds = { pages: 1, cells: 4, values: 1, slots: 1, folioPages: 1 };
    const initial = { file: [], cached: false };
    expect(readsUnder(BTRFS, steps, bounds, initial)).toEqual([[0]]);
    expect(readsUnder(EXT4, steps, bounds, initial)).toEqual([[1]]);
  });

  it('btrfs: writes create order-0 folios; ext4 large ones', () => {
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
    const steps: Step[] = [{ op: 'write', off: 0, len: 4, value: 1 }];
    const sizes = (fs: FsProfile) =>
      runSteps(steps, { fs, bounds, initial: { file: [], cached: false } })
        .final.folios.filter((f) => f.cachesPage !== null)
        .map((f) => f.pages);
    expect(sizes(BTRFS)).toEqual([1, 1]);
    expect(sizes(EXT4)).toEqual([2]);
  });
});

describe('ext4 with 1 KiB blocks', () => {
  it('zeroes no partial block: a punch of one cell of a cold page creates no folio (ext4 4 KiB: one)', () => {
    const steps: Step[] = [{ op: 'fallocate-punch', off: 0, len: 1 }];
    const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2 };
    const initial = { file: [1, 1, 1, 1], cached: false };
    const cached = (fs: FsProfile) =>
      runSteps(steps, { fs, bounds, initial })
        .final.folios.filter((f) => f.cachesPage !== null)
        .map((f) => f.cachesPage);
    expect(cached(EXT4_1K)).toEqual([]);
    expect(cached(EXT4)).toEqual([0]);
    expect(runSteps(steps, { fs: EXT4_1K, bounds, initial }).final.file).toEqual([0, 1, 1, 1]);
  });
});

describe('initial page caches a profile cannot build', () => {
  it('tmpfs refuses large initial folios and cold files; the others build them', () => {
    const big = { cached: true, folios: [2], file: [1, 1, 1, 1] };
    const cold = { cached: false, folios: [1, 1], file: [1, 1, 1, 1] };
    expect(unbuildableInitial(TMPFS, big)).toMatch(/order-0 folios only; got a folio of 2 pages/);
    expect(unbuildableInitial(TMPFS, cold)).toMatch(/cold file/);
    expect(unbuildableInitial(TMPFS, { cached: true, folios: [1, 1], file: [1, 1, 1, 1] })).toBeUndefined();
    for (const fs of FS_PROFILES.filter((p) => p.fsType !== 'tmpfs')) {
      expect(unbuildableInitial(fs, big)).toBeUndefined();
      expect(unbuildableInitial(fs, cold)).toBeUndefined();
    }
  });
});
