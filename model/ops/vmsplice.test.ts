import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { FolioView, StateView } from '../view.js';

const bounds = { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 2 };
const initial = {
  file: [1, 1],
  cached: true,
  folios: [1],
  user: [
    [1, 2],
    [2, 1],
  ],
};

function folio(v: StateView, id: number): FolioView {
  const f = v.folios.find((x) => x.id === id);
  if (!f) throw new Error(`no folio ${id}`);
  return f;
}
function userFolio(v: StateView, page: number): FolioView {
  const f = v.folios.find((x) => x.userPage === page);
  if (!f) throw new Error(`no user folio ${page}`);
  return f;
}

describe('vmsplice', () => {
  it.each([false, true])('linux references the user page itself (gift %s recorded as GIFT)', (gift) => {
    const run = runSteps([{ op: 'vmsplice', page: 1, gift }], { kernel: 'linux', bounds, initial });
    expect(run.completed).toBe(true);
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf).toMatchObject({
      page: 0,
      offset: 0,
      len: 2,
      cells: [2, 1],
      ghost: [2, 1],
      flags: gift ? ['GIFT'] : [],
    });
    expect(buf.folio).toBe(userFolio(run.final, 1).id);
    expect(userFolio(run.final, 1).pipeRefs).toBe(1);
    expect(run.final.user).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 0 });
  });

  it('is not enabled into a full pipe, or for a user page that does not exist', () => {
    const full = runSteps(
      [
        { op: 'vmsplice', page: 0 },
        { op: 'vmsplice', page: 1 },
        { op: 'vmsplice', page: 0 },
      ],
      { kernel: 'linux', bounds, initial },
    );
    expect(full.results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(runSteps([{ op: 'vmsplice', page: 2 }], { bounds, initial }).completed).toBe(false);
  });

  it('copy writes the page into the pipe like write(): a private page with CAN_MERGE', () => {
    const run = runSteps([{ op: 'vmsplice', page: 0, gift: true }], { kernel: 'copy', bounds, initial });
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf).toMatchObject({ cells: [1, 2], ghost: [1, 2], flags: ['CAN_MERGE'] });
    expect(folio(run.final, buf.folio)).toMatchObject({ userPage: null, cachesPage: null, pipeRefs: 1 });
    expect(userFolio(run.final, 0).pipeRefs).toBe(0);
    expect(run.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
  });

  it.each<KernelId>(['howells-rfc', 'move'])(
    '%s with GIFT steals the page; the process gets a fresh zero page',
    (kernel) => {
      const run = runSteps([{ op: 'vmsplice', page: 0, gift: true }], { kernel, bounds, initial });
      const buf = run.final.pipes[0]!.buffers[0]!;
      expect(buf).toMatchObject({ cells: [1, 2], ghost: [1, 2], flags: ['LRU'] });
      expect(folio(run.final, buf.folio)).toMatchObject({ userPage: null, pipeRefs: 1 });
      expect(run.final.user).toEqual([
        [0, 0],
        [2, 1],
      ]);
      expect(userFolio(run.final, 0).pipeRefs).toBe(0);
      expect(run.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 1 });
    },
  );

  it.each<KernelId>(['howells-rfc', 'move'])('%s without GIFT copies; the process keeps its page', (kernel) => {
    const run = runSteps([{ op: 'vmsplice', page: 0, gift: false }], { kernel, bounds, initial });
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf).toMatchObject({ cells: [1, 2], flags: [] });
    expect(buf.folio).not.toBe(userFolio(run.final, 0).id);
    expect(run.final.user).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(run.final.cost).toEqual({ pagesCopied: 1, pagesStolen: 0 });
  });

  const after: Record<KernelId, { pipe: number[]; user0: number[]; copied: number; stolen: number }> = {
    linux: { pipe: [2, 2], user0: [2, 2], copied: 0, stolen: 0 },
    'dirty-pipe': { pipe: [2, 2], user0: [2, 2], copied: 0, stolen: 0 },
    // the gift was stolen: the store goes to the fresh page
    'howells-rfc': { pipe: [1, 2], user0: [2, 0], copied: 0, stolen: 1 },
    copy: { pipe: [1, 2], user0: [2, 2], copied: 1, stolen: 0 },
    move: { pipe: [1, 2], user0: [2, 0], copied: 0, stolen: 1 },
    cow: { pipe: [1, 2], user0: [2, 2], copied: 1, stolen: 0 },
  };
  it.each(KERNEL_IDS)('vmsplice(GIFT) then a store to the user page on %s', (kernel) => {
    const run = runSteps(
      [
        { op: 'vmsplice', page: 0, gift: true },
        { op: 'user-store', page: 0, cell: 0, value: 2 },
        { op: 'pipe-read', len: 2 },
      ],
      { kernel, bounds, initial },
    );
    expect(run.completed).toBe(true);
    const e = after[kernel];
    expect(reads(run)).toEqual([e.pipe]);
    expect(run.final.user[0]).toEqual(e.user0);
    expect(run.final.cost).toEqual({ pagesCopied: e.copied, pagesStolen: e.stolen });
    // the pipe is drained: only the file folio and the two user pages remain
    expect(run.final.folios).toHaveLength(3);
  });
});
