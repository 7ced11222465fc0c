import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { cachedFolio } from '../view.js';
import { EXT4, TMPFS } from '../fs/index.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('mmap-store', () => {
  it('changes the cached folio in place: mapped, dirty, logical updated, disk untouched', () => {
    const run = runSteps([{ op: 'mmap-store', off: 2, value: 2 }], { bounds, initial: full });
    expect(run.completed).toBe(true);
    expect(run.final.file).toEqual([1, 1, 2, 1]);
    expect(run.final.logical).toEqual([1, 1, 2, 1]);
    expect(run.final.disk).toEqual([1, 1, 1, 1]);
    expect(cachedFolio(run.final, 1)).toMatchObject({ cells: [2, 1], mapped: true, dirty: true });
    expect(cachedFolio(run.final, 0)).toMatchObject({ mapped: false, dirty: false });
  });

  it('faults an uncached page in from disk: ext4 read-around brings in the whole file, tmpfs only the page', () => {
    const cold = { file: [2, 1, 1, 1], cached: false, folios: [1, 1], user: [[1, 1]] };
    const ext4 = runSteps([{ op: 'mmap-store', off: 1, value: 2 }], { bounds, initial: cold, fs: EXT4 });
    expect(cachedFolio(ext4.final, 0)).toMatchObject({ pages: 1, cells: [2, 2], mapped: true, dirty: true });
    expect(cachedFolio(ext4.final, 1)).toMatchObject({ pages: 1, cells: [1, 1], mapped: false, dirty: false });
    const tmpfs = runSteps([{ op: 'mmap-store', off: 1, value: 2 }], { bounds, initial: cold, fs: TMPFS });
    expect(cachedFolio(tmpfs.final, 0)).toMatchObject({ cells: [2, 2], mapped: true, dirty: true });
    expect(tmpfs.final.pageCache[1]).toBeNull();
  });

  it('beyond EOF is SIGBUS: not enabled (even within the last page)', () => {
    const short = { file: [1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };
    expect(runSteps([{ op: 'mmap-store', off: 3, value: 2 }], { bounds, initial: short }).completed).toBe(false);
    expect(runSteps([{ op: 'mmap-store', off: 2, value: 2 }], { bounds, initial: short }).completed).toBe(true);
    expect(
      runSteps([{ op: 'mmap-store', off: 0, value: 2 }], {
        bounds,
        initial: { file: [], cached: true, folios: [], user: [[1, 1]] },
      }).completed,
    ).toBe(false);
  });

  it('writeback cleans a mapped folio but it stays mapped', () => {
    const run = runSteps(
      [
        { op: 'mmap-store', off: 0, value: 2 },
        { op: 'writeback', page: 0 },
      ],
      { bounds, initial: full },
    );
    expect(cachedFolio(run.final, 0)).toMatchObject({ mapped: true, dirty: false });
    expect(run.final.disk).toEqual([2, 1, 1, 1]);
  });

  const expected: Record<KernelId, { pipe: number[]; copied: number; stolen: number }> = {
    linux: { pipe: [2, 1], copied: 0, stolen: 0 },
    'dirty-pipe': { pipe: [2, 1], copied: 0, stolen: 0 },
    'howells-rfc': { pipe: [1, 1], copied: 0, stolen: 1 },
    copy: { pipe: [1, 1], copied: 1, stolen: 0 },
    move: { pipe: [1, 1], copied: 1, stolen: 0 },
    cow: { pipe: [1, 1], copied: 1, stolen: 0 },
  };
  it.each(KERNEL_IDS)('a store over spliced data on %s', (kernel) => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'mmap-store', off: 0, value: 2 },
        { op: 'pipe-read', len: 2 },
      ],
      { kernel, bounds, initial: full },
    );
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual([expected[kernel].pipe]);
    expect(run.final.file).toEqual([2, 1, 1, 1]);
    expect(run.final.cost).toEqual({ pagesCopied: expected[kernel].copied, pagesStolen: expected[kernel].stolen });
    expect(cachedFolio(run.final, 0)).toMatchObject({ cells: [2, 1], mapped: true, dirty: true });
  });

  it('cow: the mapping moves to the private copy; the pipe keeps the old folio unmapped', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'mmap-store', off: 0, value: 2 },
      ],
      { kernel: 'cow', bounds, initial: full },
    );
    const buf = run.final.pipes[0]!.buffers[0]!;
    const old = run.final.folios.find((f) => f.id === buf.folio)!;
    expect(old).toMatchObject({ mapped: false, cachesPage: null, pipeRefs: 1, cells: [1, 1] });
    expect(cachedFolio(run.final, 0)).toMatchObject({ mapped: true, pipeRefs: 0 });
  });

  it.each<KernelId>(['howells-rfc', 'move'])(
    '%s cannot steal a mapped folio: it copies and the folio stays cached',
    (kernel) => {
      const run = runSteps(
        [
          { op: 'mmap-store', off: 0, value: 2 },
          { op: 'writeback', page: 0 },
          { op: 'splice', off: 0, len: 2, move: true },
        ],
        { kernel, bounds, initial: full },
      );
      expect(run.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
      expect(cachedFolio(run.final, 0)).toMatchObject({ mapped: true, pipeRefs: 0, cells: [2, 1] });
      expect(run.final.pipes[0]!.buffers[0]).toMatchObject({ cells: [2, 1], ghost: [2, 1] });
    },
  );
});
