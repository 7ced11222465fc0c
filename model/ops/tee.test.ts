import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const initial = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('tee', () => {
  it('is not enabled from an empty pipe, or into a full second pipe', () => {
    expect(runSteps([{ op: 'tee', len: 2 }], { bounds, initial }).completed).toBe(false);
    const full = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'tee', len: 2 },
        { op: 'tee', len: 2 },
        { op: 'tee', len: 2 },
      ],
      { bounds, initial },
    );
    expect(full.results.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it('linux duplicates references without consuming pipe 0; CAN_MERGE and GIFT are not inherited', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-write', len: 1, value: 2 },
        { op: 'tee', len: 4 },
      ],
      { kernel: 'linux', bounds, initial },
    );
    const [p0, p1] = run.final.pipes;
    expect(p0!.buffers.map((b) => b.cells)).toEqual([[1, 1], [2]]);
    expect(p1!.buffers.map((b) => [b.folio, b.cells, b.ghost, b.flags])).toEqual(
      p0!.buffers.map((b) => [b.folio, b.cells, b.ghost, []]),
    );
    expect(p0!.buffers[1]!.flags).toEqual(['CAN_MERGE']);
    expect(run.final.folios.find((f) => f.cachesPage === 0)!.pipeRefs).toBe(2);
    expect(run.final.cost.pagesCopied).toBe(0);
  });

  it('a partial tee duplicates only the first cells of a buffer', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'tee', len: 1 },
      ],
      { kernel: 'linux', bounds, initial },
    );
    expect(run.final.pipes[1]!.buffers[0]).toMatchObject({ offset: 0, len: 1, cells: [1], ghost: [1] });
    expect(run.final.pipes[0]!.buffers[0]).toMatchObject({ len: 2 });
  });

  // howells-rfc stole the page (no copy for the splice), copy and move copied it; the tee copies once more.
  const teeCost: Partial<Record<KernelId, { pagesCopied: number; pagesStolen: number }>> = {
    'howells-rfc': { pagesCopied: 1, pagesStolen: 1 },
    copy: { pagesCopied: 2, pagesStolen: 0 },
    move: { pagesCopied: 2, pagesStolen: 0 },
  };
  it.each<KernelId>(['howells-rfc', 'copy', 'move'])('%s tees private copies at the same offset', (kernel) => {
    const run = runSteps(
      [
        { op: 'splice', off: 1, len: 1 },
        { op: 'tee', len: 1 },
      ],
      { kernel, bounds, initial },
    );
    const b0 = run.final.pipes[0]!.buffers[0]!;
    const b1 = run.final.pipes[1]!.buffers[0]!;
    expect(b1.folio).not.toBe(b0.folio);
    expect(b1).toMatchObject({ offset: b0.offset, len: 1, cells: [1], ghost: [1], flags: [] });
    expect(run.final.folios.find((f) => f.id === b1.folio)).toMatchObject({ pipeRefs: 1, cachesPage: null });
    expect(run.final.cost).toEqual(teeCost[kernel]);
  });

  const bothAfterWrite: Record<KernelId, number[]> = {
    linux: [2, 1],
    'dirty-pipe': [2, 1],
    'howells-rfc': [1, 1],
    copy: [1, 1],
    move: [1, 1],
    cow: [1, 1],
  };
  it.each(KERNEL_IDS)('tee then pwrite on %s: both pipes read per the variant', (kernel) => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'tee', len: 2 },
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'pipe-read', len: 2, pipe: 0 },
        { op: 'pipe-read', len: 2, pipe: 1 },
      ],
      { kernel, bounds, initial },
    );
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual([bothAfterWrite[kernel], bothAfterWrite[kernel]]);
    expect(run.final.file).toEqual([2, 1, 1, 1]);
    // the teed ghost is what first entered a pipe
    for (const r of run.results) if (r.ok && r.read) expect(r.expected).toEqual([1, 1]);
  });

  it('cow copies the shared folio once even with two pipes referencing it', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'tee', len: 2 },
        { op: 'write', off: 0, len: 1, value: 2 },
      ],
      { kernel: 'cow', bounds, initial },
    );
    expect(run.final.cost.pagesCopied).toBe(1);
    const old = run.final.folios.find((f) => f.id === run.final.pipes[0]!.buffers[0]!.folio)!;
    expect(old).toMatchObject({ pipeRefs: 2, cachesPage: null, cells: [1, 1] });
    expect(run.final.pipes[1]!.buffers[0]!.folio).toBe(old.id);
  });
});
