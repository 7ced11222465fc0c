import { describe, expect, it } from 'vitest';
import type { KernelId } from '../kernels/index.js';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS, type FsProfile } from '../fs/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';
import { copyFileRange } from './copy-file-range.js';

// Cells of 2 KiB (2 per page), as in the C measurements on 6.18 (the module's doc comment).
const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1 };
const order0 = { file: [1, 1, 1, 1], cached: true, folios: [1, 1] };
const large = { file: [1, 1, 1, 1], cached: true, folios: [2] };

function run(fs: FsProfile, steps: readonly Step[], initial = order0, kernel: KernelId = 'linux') {
  return runSteps(steps, { fs, kernel, bounds, initial });
}

/** splice page 0, copy_file_range `len` cells of value 2 to `off`, read the pipe. */
function pipeAfter(fs: FsProfile, off: number, len: number, initial = order0, kernel: KernelId = 'linux') {
  const steps: Step[] = [
    { op: 'splice', off: 0, len: 2 },
    { op: 'copy-file-range', off, len, value: 2 },
    { op: 'pipe-read', len: 2 },
  ];
  return reads(run(fs, steps, initial, kernel));
}

describe('copy-file-range', () => {
  it('ext4, ext4-1k, tmpfs: a buffered copy, as a write: the pipe sees the new data', () => {
    for (const fs of [EXT4, EXT4_1K, TMPFS]) {
      expect(pipeAfter(fs, 0, 2)).toEqual([[2, 2]]);
      expect(pipeAfter(fs, 1, 1)).toEqual([[1, 2]]);
      expect(pipeAfter(fs, 0, 2, large)).toEqual([[2, 2]]);
    }
  });

  it('xfs, btrfs: a reflink of whole blocks drops the page: the pipe keeps the old data', () => {
    for (const fs of [XFS, BTRFS]) {
      expect(pipeAfter(fs, 0, 2)).toEqual([[1, 1]]);
      const r = run(fs, [
        { op: 'splice', off: 0, len: 2 },
        { op: 'copy-file-range', off: 0, len: 2, value: 2 },
      ]);
      expect(r.final.file).toEqual([2, 2, 1, 1]);
      expect(r.final.disk).toEqual([2, 2, 1, 1]);
      expect(r.final.pageCache[0]).toBeNull();
    }
  });

  it('xfs: a large folio the pipe holds is zeroed over the range in place, then dropped: the pipe reads zeroes', () => {
    expect(pipeAfter(XFS, 0, 2, large)).toEqual([[0, 0]]);
    // Reflinking the next page zeroes that page of the folio only: the pipe's page keeps its data.
    expect(pipeAfter(XFS, 2, 2, large)).toEqual([[1, 1]]);
    expect(run(XFS, [{ op: 'copy-file-range', off: 2, len: 2, value: 2 }], large).final.file).toEqual([1, 1, 2, 2]);
  });

  it('xfs, btrfs: less than a block or an unaligned offset falls back to the copy', () => {
    for (const fs of [XFS, BTRFS]) {
      expect(pipeAfter(fs, 0, 1)).toEqual([[2, 1]]);
      expect(pipeAfter(fs, 1, 2)).toEqual([[1, 2]]);
    }
  });

  it('xfs, btrfs: the length is rounded down to whole blocks (the call returns less)', () => {
    const r = run(XFS, [{ op: 'copy-file-range', off: 0, len: 3, value: 2 }]);
    expect(r.final.file).toEqual([2, 2, 1, 1]);
    const step = { op: 'copy-file-range', off: 0, len: 3, value: 2 } as const;
    const { L } = r.model;
    const moved = (fs: FsProfile): number =>
      copyFileRange.cellsMoved({ L, fs, before: r.finalState, after: r.finalState, step });
    expect([moved(XFS), moved(BTRFS), moved(EXT4), moved(TMPFS)]).toEqual([2, 2, 3, 3]);
  });

  it('under copy the pipe holds a copy: old data on every file system', () => {
    for (const fs of [EXT4, XFS, BTRFS, TMPFS]) expect(pipeAfter(fs, 0, 2, order0, 'copy')).toEqual([[1, 1]]);
  });

  it('grows the file past EOF', () => {
    for (const fs of [EXT4, XFS]) {
      const r = run(fs, [{ op: 'copy-file-range', off: 2, len: 2, value: 2 }], {
        file: [1],
        cached: true,
        folios: [1],
      });
      expect(r.final.size).toBe(4);
      expect(r.final.file).toEqual([1, 0, 2, 2]);
    }
  });
});
