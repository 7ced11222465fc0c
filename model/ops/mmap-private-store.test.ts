import { describe, expect, it } from 'vitest';
import { BTRFS, EXT4, TMPFS, XFS } from '../fs/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

const bounds = { pages: 4, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const file = [1, 1, 1, 1, 1, 1, 1, 1];

function run(steps: readonly Step[], kernel: 'linux' | 'copy' = 'linux', fs = EXT4, cached = true) {
  const r = runSteps(steps, { kernel, fs, bounds, initial: { file, cached, folios: [1, 1, 1, 1], user: [[1, 1]] } });
  expect(r.completed).toBe(true);
  return r;
}

/** The private copy of file page `page` (its cells), or undefined. */
function privateCells(r: ReturnType<typeof run>, page: number): number[] | undefined {
  const { L } = r.model;
  const f = L.privateFolio(r.finalState, page);
  return f < 0 ? undefined : Array.from({ length: L.C }, (_, i) => L.folioCell(r.finalState, f, i));
}

describe('mmap-private-store', () => {
  it('the pipe and the file are unchanged (measured, every fs), under linux and copy alike', () => {
    for (const fs of [EXT4, XFS, BTRFS, TMPFS])
      for (const kernel of ['linux', 'copy'] as const) {
        const r = run(
          [
            { op: 'splice', off: 0, len: 2 },
            { op: 'mmap-private-store', off: 1, value: 2 },
            { op: 'pipe-read', len: 2 },
          ],
          kernel,
          fs,
        );
        expect(reads(r)).toEqual([[1, 1]]);
        expect(r.final.file).toEqual(file);
        expect(privateCells(r, 0)).toEqual([1, 2]);
      }
  });

  it('the fault loads the page through the cache (ext4: read-around brings in the file), clean', () => {
    const r = run([{ op: 'mmap-private-store', off: 4, value: 2 }], 'linux', EXT4, false);
    expect(r.final.pageCache.every((f) => f !== null)).toBe(true);
    expect(r.final.folios.filter((f) => f.dirty)).toEqual([]);
    expect(privateCells(r, 2)).toEqual([2, 1]);
  });

  it('a second store changes the copy only; truncate drops the copies past the new EOF, punch keeps them', () => {
    const r = run([
      { op: 'mmap-private-store', off: 0, value: 2 },
      { op: 'mmap-private-store', off: 6, value: 2 },
      { op: 'mmap-private-store', off: 1, value: 2 },
      { op: 'fallocate-punch', off: 0, len: 2 },
      { op: 'truncate', size: 3 },
    ]);
    expect(privateCells(r, 0)).toEqual([2, 2]);
    expect(privateCells(r, 3)).toBeUndefined();
    expect(r.final.file).toEqual([0, 0, 1]);
  });
});
