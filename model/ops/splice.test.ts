import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { cachedFolio, type FolioView, type StateView } from '../view.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user: [[1, 1]] };

function folio(v: StateView, id: number): FolioView {
  const f = v.folios.find((x) => x.id === id);
  if (!f) throw new Error(`no folio ${id}`);
  return f;
}

describe('splice', () => {
  it('linux: one buffer per page touched, each a reference to the page-cache folio', () => {
    const run = runSteps([{ op: 'splice', off: 1, len: 2 }], { kernel: 'linux', bounds, initial: full });
    expect(run.completed).toBe(true);
    const [b0, b1] = run.final.pipes[0]!.buffers;
    expect(b0).toMatchObject({
      folio: run.final.pageCache[0],
      page: 0,
      offset: 1,
      len: 1,
      cells: [2],
      ghost: [2],
      flags: [],
    });
    expect(b1).toMatchObject({
      folio: run.final.pageCache[1],
      page: 0,
      offset: 0,
      len: 1,
      cells: [1],
      ghost: [1],
      flags: [],
    });
    expect(cachedFolio(run.final, 0)!.pipeRefs).toBe(1);
    expect(cachedFolio(run.final, 1)!.pipeRefs).toBe(1);
    expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 0 });
    expect(run.final.file).toEqual([1, 2, 1, 2]);
  });

  it('linux: a buffer into a large folio names the page within the folio', () => {
    const run = runSteps([{ op: 'splice', off: 2, len: 2 }], {
      bounds: { ...bounds, folioPages: 2 },
      initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] },
    });
    expect(run.final.pipes[0]!.buffers[0]).toMatchObject({
      folio: run.final.pageCache[1],
      page: 1,
      offset: 0,
      len: 2,
      cells: [1, 2],
    });
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 2, pipeRefs: 1 });
  });

  it('loads an uncached page into the cache first', () => {
    const run = runSteps([{ op: 'splice', off: 2, len: 2 }], {
      kernel: 'linux',
      bounds,
      initial: { ...full, cached: false },
    });
    expect(run.final.pageCache[0]).toBeNull();
    expect(cachedFolio(run.final, 1)).toMatchObject({ cells: [1, 2], dirty: false, pipeRefs: 1 });
  });

  it('clips at EOF and splices less when the pipe runs out of slots', () => {
    const short = runSteps([{ op: 'splice', off: 2, len: 2 }], {
      bounds,
      initial: { file: [1, 2, 1], cached: true, folios: [1, 1], user: [[1, 1]] },
    });
    expect(short.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1]]);
    const oneSlot = runSteps([{ op: 'splice', off: 0, len: 4 }], { bounds: { ...bounds, slots: 1 }, initial: full });
    expect(oneSlot.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1, 2]]);
  });

  it('is not enabled at or past EOF, on an empty file, or into a full pipe', () => {
    const short = { file: [1, 2, 1], cached: true, folios: [1, 1], user: [[1, 1]] };
    expect(runSteps([{ op: 'splice', off: 3, len: 1 }], { bounds, initial: short }).completed).toBe(false);
    expect(
      runSteps([{ op: 'splice', off: 0, len: 1 }], {
        bounds,
        initial: { file: [], cached: true, folios: [], user: [[1, 1]] },
      }).completed,
    ).toBe(false);
    const full2 = runSteps(
      [
        { op: 'splice', off: 0, len: 4 },
        { op: 'splice', off: 0, len: 1 },
      ],
      { bounds, initial: full },
    );
    expect(full2.results.map((r) => r.ok)).toEqual([true, false]);
  });

  it.each<KernelId>(['copy', 'move'])(
    '%s (no SPLICE_F_MOVE): private pages, packed from offset 0, one copy per buffer',
    (kernel) => {
      const run = runSteps([{ op: 'splice', off: 1, len: 2 }], { kernel, bounds, initial: full });
      const bufs = run.final.pipes[0]!.buffers;
      expect(bufs).toHaveLength(1);
      expect(bufs[0]).toMatchObject({ page: 0, offset: 0, len: 2, cells: [2, 1], ghost: [2, 1] });
      const priv = folio(run.final, bufs[0]!.folio);
      expect(priv).toMatchObject({ cachesPage: null, userPage: null, pipeRefs: 1, mapped: false });
      expect(cachedFolio(run.final, 0)!.pipeRefs).toBe(0);
      expect(cachedFolio(run.final, 1)!.pipeRefs).toBe(0);
      expect(run.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
    },
  );

  it.each<KernelId>(['howells-rfc', 'move'])(
    '%s steals a clean, unmapped, unreferenced folio: it leaves the cache, the file reads the same from disk',
    (kernel) => {
      const run = runSteps([{ op: 'splice', off: 0, len: 2, move: true }], { kernel, bounds, initial: full });
      const buf = run.final.pipes[0]!.buffers[0]!;
      expect(buf).toMatchObject({ cells: [1, 2], ghost: [1, 2], flags: ['LRU'] });
      expect(folio(run.final, buf.folio)).toMatchObject({ cachesPage: null, pipeRefs: 1, dirty: false });
      expect(run.final.pageCache[0]).toBeNull();
      expect(run.final.file).toEqual([1, 2, 1, 2]);
      expect(run.final.disk).toEqual([1, 2, 1, 2]);
      expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 1 });
    },
  );

  it('howells-rfc steals a whole large folio (every page spliced counts), and the file reads from disk', () => {
    const run = runSteps([{ op: 'splice', off: 0, len: 4 }], {
      kernel: 'howells-rfc',
      bounds: { ...bounds, folioPages: 2 },
      initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] },
    });
    const bufs = run.final.pipes[0]!.buffers;
    expect(bufs.map((b) => [b.page, b.cells])).toEqual([
      [0, [1, 2]],
      [1, [1, 2]],
    ]);
    expect(bufs[0]!.folio).toBe(bufs[1]!.folio);
    expect(folio(run.final, bufs[0]!.folio)).toMatchObject({ pages: 2, pipeRefs: 2, cachesPage: null });
    expect(run.final.pageCache).toEqual([null, null]);
    expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 2 });
    expect(run.final.file).toEqual([1, 2, 1, 2]);
  });

  it('howells-rfc copies a dirty folio, and a folio already in a pipe', () => {
    const dirty = runSteps(
      [
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'splice', off: 0, len: 2 },
      ],
      { kernel: 'howells-rfc', bounds, initial: full },
    );
    expect(dirty.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
    expect(cachedFolio(dirty.final, 0)).toMatchObject({ cells: [2, 2], dirty: true, pipeRefs: 0 });
    expect(dirty.final.pipes[0]!.buffers[0]).toMatchObject({ cells: [2, 2], flags: [] });
  });

  it('move steals only with SPLICE_F_MOVE', () => {
    const plain = runSteps([{ op: 'splice', off: 0, len: 2, move: false }], { kernel: 'move', bounds, initial: full });
    expect(plain.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
    expect(cachedFolio(plain.final, 0)).toBeDefined();
    const moved = runSteps([{ op: 'splice', off: 0, len: 2, move: true }], { kernel: 'move', bounds, initial: full });
    expect(moved.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 1 });
    expect(moved.final.pageCache[0]).toBeNull();
  });

  it('linux ignores SPLICE_F_MOVE: still a reference', () => {
    const run = runSteps([{ op: 'splice', off: 0, len: 2, move: true }], { kernel: 'linux', bounds, initial: full });
    expect(run.final.pipes[0]!.buffers[0]!.folio).toBe(run.final.pageCache[0]);
    expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 0 });
  });

  it('cow shares the folio like linux; the copy happens only at the first change', () => {
    const run = runSteps([{ op: 'splice', off: 0, len: 2 }], { kernel: 'cow', bounds, initial: full });
    expect(run.final.pipes[0]!.buffers[0]!.folio).toBe(run.final.pageCache[0]);
    expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 0 });
    const written = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'write', off: 2, len: 1, value: 2 }, // another page: no copy
        { op: 'write', off: 1, len: 1, value: 1 }, // the shared page: copy
        { op: 'write', off: 0, len: 1, value: 2 }, // now private: no second copy
      ],
      { kernel: 'cow', bounds, initial: full },
    );
    expect(written.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
    expect(written.final.pipes[0]!.buffers[0]!.cells).toEqual([1, 2]);
    expect(written.final.file).toEqual([2, 1, 2, 2]);
  });

  it('dirty-pipe leaves the slot flags as they were; linux resets them', () => {
    const steps = [
      { op: 'pipe-write', len: 1, value: 2 },
      { op: 'pipe-read', len: 1 },
      { op: 'splice', off: 0, len: 1 },
    ] as const;
    const dp = runSteps([...steps], { kernel: 'dirty-pipe', bounds, initial: full });
    // the first slot was used and freed; the splice lands in slot 1, which never had CAN_MERGE
    expect(dp.final.pipes[0]!.slotFlags[0]).toEqual(['CAN_MERGE']);
    expect(dp.final.pipes[0]!.buffers[0]).toMatchObject({ slot: 1, flags: [] });
    const lx = runSteps([...steps], { kernel: 'linux', bounds, initial: full });
    expect(lx.final.pipes[0]!.slotFlags[0]).toEqual(['CAN_MERGE']);
    // with both slots used once, the splice reuses a CAN_MERGE slot
    const both = [
      { op: 'pipe-write', len: 2, value: 2 },
      { op: 'pipe-write', len: 2, value: 2 },
      { op: 'pipe-read', len: 4 },
      { op: 'splice', off: 0, len: 1 },
    ] as const;
    expect(
      runSteps([...both], { kernel: 'dirty-pipe', bounds, initial: full }).final.pipes[0]!.buffers[0]!.flags,
    ).toEqual(['CAN_MERGE']);
    expect(runSteps([...both], { kernel: 'linux', bounds, initial: full }).final.pipes[0]!.buffers[0]!.flags).toEqual(
      [],
    );
  });

  const policy: Record<KernelId, { sharesCache: boolean; copied: number; stolen: number; cachedAfter: boolean }> = {
    linux: { sharesCache: true, copied: 0, stolen: 0, cachedAfter: true },
    'dirty-pipe': { sharesCache: true, copied: 0, stolen: 0, cachedAfter: true },
    'howells-rfc': { sharesCache: false, copied: 0, stolen: 1, cachedAfter: false },
    copy: { sharesCache: false, copied: 1, stolen: 0, cachedAfter: true },
    move: { sharesCache: false, copied: 1, stolen: 0, cachedAfter: true },
    cow: { sharesCache: true, copied: 0, stolen: 0, cachedAfter: true },
  };
  it.each(KERNEL_IDS)('%s: what enters the pipe, what it costs, and the reader gets the file data', (kernel) => {
    const run = runSteps([{ op: 'splice', off: 2, len: 2 }], { kernel, bounds, initial: full });
    const p = policy[kernel];
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf.cells).toEqual([1, 2]);
    expect(buf.ghost).toEqual([1, 2]);
    expect(buf.folio === run.final.pageCache[1]).toBe(p.sharesCache);
    expect(run.final.pageCache[1] !== null).toBe(p.cachedAfter);
    expect(run.final.cost).toEqual({ pagesCopied: p.copied, pagesStolen: p.stolen });
    expect(run.final.file).toEqual([1, 2, 1, 2]);
    const read = runSteps(
      [
        { op: 'splice', off: 2, len: 2 },
        { op: 'pipe-read', len: 2 },
      ],
      { kernel, bounds, initial: full },
    );
    expect(reads(read)).toEqual([[1, 2]]);
    expect(read.final.pipes[0]!.buffers).toEqual([]);
  });
});
