import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { runSteps } from '../run-steps.js';

const bounds = { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const initial = { file: [1, 1], cached: true, folios: [1], user: [[1, 1]] };

describe('user-store', () => {
  it('changes one cell of the user page; the file is untouched', () => {
    const run = runSteps([{ op: 'user-store', page: 0, cell: 1, value: 2 }], { bounds, initial });
    expect(run.completed).toBe(true);
    expect(run.final.user).toEqual([[1, 2]]);
    expect(run.final.file).toEqual([1, 1]);
    expect(run.final.folios.find((f) => f.userPage === 0)).toMatchObject({
      cells: [1, 2],
      cachesPage: null,
      pipeRefs: 0,
    });
  });

  it('is not enabled for a page or a cell that does not exist', () => {
    expect(runSteps([{ op: 'user-store', page: 1, cell: 0, value: 2 }], { bounds, initial }).completed).toBe(false);
    expect(runSteps([{ op: 'user-store', page: 0, cell: 2, value: 2 }], { bounds, initial }).completed).toBe(false);
    expect(
      runSteps([{ op: 'user-store', page: 0, cell: 0, value: 2 }], {
        bounds: { ...bounds, userPages: 0 },
        initial: { ...initial, user: [] },
      }).completed,
    ).toBe(false);
  });

  const pipeAfter: Record<KernelId, { cells: number[]; copied: number }> = {
    linux: { cells: [2, 1], copied: 0 },
    'dirty-pipe': { cells: [2, 1], copied: 0 },
    'howells-rfc': { cells: [1, 1], copied: 1 },
    copy: { cells: [1, 1], copied: 1 },
    move: { cells: [1, 1], copied: 1 },
    cow: { cells: [1, 1], copied: 1 },
  };
  it.each(KERNEL_IDS)(
    'a store after vmsplice (no gift) on %s: the process sees its store, the pipe per the variant',
    (kernel) => {
      const run = runSteps(
        [
          { op: 'vmsplice', page: 0, gift: false },
          { op: 'user-store', page: 0, cell: 0, value: 2 },
        ],
        { kernel, bounds, initial },
      );
      expect(run.final.user).toEqual([[2, 1]]);
      const buf = run.final.pipes[0]!.buffers[0]!;
      expect(buf.cells).toEqual(pipeAfter[kernel].cells);
      expect(buf.ghost).toEqual([1, 1]);
      expect(run.final.cost.pagesCopied).toBe(pipeAfter[kernel].copied);
    },
  );

  it('cow: the process gets a private copy; the pipe keeps the old page, no longer a user page', () => {
    const run = runSteps(
      [
        { op: 'vmsplice', page: 0 },
        { op: 'user-store', page: 0, cell: 0, value: 2 },
        { op: 'user-store', page: 0, cell: 1, value: 2 },
      ],
      { kernel: 'cow', bounds, initial },
    );
    const buf = run.final.pipes[0]!.buffers[0]!;
    const old = run.final.folios.find((f) => f.id === buf.folio)!;
    expect(old).toMatchObject({ userPage: null, pipeRefs: 1, cells: [1, 1] });
    expect(run.final.folios.find((f) => f.userPage === 0)).toMatchObject({ cells: [2, 2], pipeRefs: 0 });
    expect(run.final.cost.pagesCopied).toBe(1);
  });
});
