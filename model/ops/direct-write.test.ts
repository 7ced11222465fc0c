import { describe, expect, it } from 'vitest';
import type { KernelId } from '../kernels/index.js';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS, type FsProfile } from '../fs/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

// Cells of 2 KiB (2 per page), as in the C measurements on 6.18 (the module's doc comment).
const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1 };
const order0 = { file: [1, 1, 1, 1], cached: true, folios: [1, 1] };
const large = { file: [1, 1, 1, 1], cached: true, folios: [2] };

function run(fs: FsProfile, steps: readonly Step[], initial = order0, kernel: KernelId = 'linux') {
  return runSteps(steps, { fs, kernel, bounds, initial });
}

/** splice page 0, direct-write `off, len` with value 2, read the pipe. */
function pipeAfter(fs: FsProfile, off: number, len: number, initial = order0, kernel: KernelId = 'linux') {
  const steps: Step[] = [
    { op: 'splice', off: 0, len: 2 },
    { op: 'direct-write', off, len, value: 2 },
    { op: 'pipe-read', len: 2 },
  ];
  return reads(run(fs, steps, initial, kernel));
}

describe('direct-write', () => {
  it('ext4, ext4-1k, xfs: the range is invalidated (even the pipe-held folio): the pipe keeps the old data', () => {
    for (const fs of [EXT4, EXT4_1K, XFS]) {
      expect(pipeAfter(fs, 0, 2)).toEqual([[1, 1]]);
      expect(pipeAfter(fs, 1, 1)).toEqual([[1, 1]]);
      const r = run(fs, [
        { op: 'splice', off: 0, len: 2 },
        { op: 'direct-write', off: 1, len: 1, value: 2 },
      ]);
      expect(r.final.file).toEqual([1, 2, 1, 1]);
      expect(r.final.disk).toEqual([1, 2, 1, 1]);
      expect(r.final.pageCache[0]).toBeNull();
      expect(r.final.pageCache[1]).not.toBeNull();
    }
  });

  it('ext4, xfs: a large folio the range touches leaves the cache whole', () => {
    for (const fs of [EXT4, XFS]) {
      expect(pipeAfter(fs, 2, 2, large)).toEqual([[1, 1]]);
      const r = run(fs, [{ op: 'direct-write', off: 1, len: 1, value: 2 }], large);
      expect(r.final.pageCache).toEqual([null, null]);
      expect(r.final.file).toEqual([1, 2, 1, 1]);
    }
  });

  it('btrfs: over a pipe-held folio, or unaligned, it falls back to a buffered write: the pipe sees it', () => {
    expect(pipeAfter(BTRFS, 0, 2)).toEqual([[2, 2]]);
    expect(pipeAfter(BTRFS, 1, 1)).toEqual([[1, 2]]);
    // An aligned write over a page nobody holds goes to disk; the page leaves the cache.
    const r = run(BTRFS, [
      { op: 'splice', off: 0, len: 2 },
      { op: 'direct-write', off: 2, len: 2, value: 2 },
    ]);
    expect(r.final.pageCache[0]).not.toBeNull();
    expect(r.final.pageCache[1]).toBeNull();
    expect(r.final.disk).toEqual([1, 1, 2, 2]);
    // The fallback writes the range back and drops what nobody holds.
    const u = run(BTRFS, [{ op: 'direct-write', off: 1, len: 1, value: 2 }]);
    expect(u.final.pageCache[0]).toBeNull();
    expect(u.final.disk).toEqual([1, 2, 1, 1]);
  });

  it('tmpfs: a buffered write (no direct I/O): the pipe sees it', () => {
    expect(pipeAfter(TMPFS, 0, 2)).toEqual([[2, 2]]);
    expect(pipeAfter(TMPFS, 1, 1)).toEqual([[1, 2]]);
  });

  it('xfs: an unaligned one on a file with reflinked blocks is a buffered write (conform, seeds 1 and 2)', () => {
    const steps: Step[] = [
      { op: 'copy-file-range', off: 0, len: 2, value: 1 },
      { op: 'splice', off: 0, len: 2 },
      { op: 'direct-write', off: 1, len: 1, value: 2 },
      { op: 'pipe-read', len: 2 },
    ];
    expect(reads(run(XFS, steps))).toEqual([[1, 2]]);
    // Only a truncate to 0 clears the reflink flag (measured with the oracle helper on 6.18, xfs).
    const truncatedTo = (size: number): Step[] => [
      steps[0]!,
      { op: 'truncate', size },
      { op: 'write', off: 0, len: 4, value: 1 },
      ...steps.slice(1),
    ];
    expect(reads(run(XFS, truncatedTo(0)))).toEqual([[1, 1]]);
    expect(reads(run(XFS, truncatedTo(1)))).toEqual([[1, 2]]);
  });

  it('under copy the pipe holds a copy: old data on every file system', () => {
    for (const fs of [EXT4, XFS, BTRFS, TMPFS]) expect(pipeAfter(fs, 0, 2, order0, 'copy')).toEqual([[1, 1]]);
  });

  it('grows the file past EOF', () => {
    const r = run(EXT4, [{ op: 'direct-write', off: 2, len: 2, value: 2 }], {
      file: [1, 1],
      cached: true,
      folios: [1],
    });
    expect(r.final.size).toBe(4);
    expect(r.final.file).toEqual([1, 1, 2, 2]);
  });
});
