import { describe, expect, it } from 'vitest';
import { KERNEL_IDS } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';

const bounds = { pages: 2, cells: 4, values: 3, slots: 2, folioPages: 1, userPages: 1 };
const initial = { file: [1, 1, 1, 1, 1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1, 1, 1]] };

describe('pipe-write', () => {
  it('into an empty pipe: a new slot with a fresh private page and CAN_MERGE', () => {
    const run = runSteps([{ op: 'pipe-write', len: 2, value: 2 }], { bounds, initial });
    expect(run.completed).toBe(true);
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf).toMatchObject({
      slot: 0,
      page: 0,
      offset: 0,
      len: 2,
      cells: [2, 2],
      ghost: [2, 2],
      flags: ['CAN_MERGE'],
    });
    expect(run.final.folios.find((f) => f.id === buf.folio)).toMatchObject({
      pages: 1,
      cachesPage: null,
      userPage: null,
      pipeRefs: 1,
      cells: [2, 2, 0, 0],
    });
    expect(run.final.pipes[0]!.slotFlags).toEqual([['CAN_MERGE'], []]);
    expect(run.final.file).toEqual(initial.file);
  });

  it('appends to the newest buffer when its slot has CAN_MERGE and the page has room', () => {
    const run = runSteps(
      [
        { op: 'pipe-write', len: 2, value: 2 },
        { op: 'pipe-write', len: 1, value: 3 },
      ],
      { bounds, initial },
    );
    const bufs = run.final.pipes[0]!.buffers;
    expect(bufs).toHaveLength(1);
    expect(bufs[0]).toMatchObject({ len: 3, cells: [2, 2, 3], ghost: [2, 2, 3] });
  });

  it('takes a new slot when the newest page has no room', () => {
    const run = runSteps(
      [
        { op: 'pipe-write', len: 3, value: 2 },
        { op: 'pipe-write', len: 2, value: 3 },
      ],
      { bounds, initial },
    );
    expect(run.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([
      [2, 2, 2],
      [3, 3],
    ]);
    expect(run.final.pipes[0]!.slotFlags).toEqual([['CAN_MERGE'], ['CAN_MERGE']]);
  });

  it('is not enabled into a full pipe, but still merges into a full ring with room in the last page', () => {
    const full = runSteps(
      [
        { op: 'pipe-write', len: 4, value: 2 },
        { op: 'pipe-write', len: 4, value: 2 },
        { op: 'pipe-write', len: 1, value: 2 },
      ],
      { bounds, initial },
    );
    expect(full.results.map((r) => r.ok)).toEqual([true, true, false]);
    const room = runSteps(
      [
        { op: 'pipe-write', len: 1, value: 2 },
        { op: 'pipe-write', len: 1, value: 3 },
      ],
      { bounds: { ...bounds, slots: 1 }, initial },
    );
    expect(room.completed).toBe(true);
    expect(room.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[2, 3]]);
  });

  it('is not enabled for more than a page or nothing', () => {
    expect(runSteps([{ op: 'pipe-write', len: 5, value: 2 }], { bounds, initial }).completed).toBe(false);
    expect(runSteps([{ op: 'pipe-write', len: 0, value: 2 }], { bounds, initial }).completed).toBe(false);
  });

  it('after a partial read, merges after what is left', () => {
    const run = runSteps(
      [
        { op: 'pipe-write', len: 2, value: 2 },
        { op: 'pipe-read', len: 1 },
        { op: 'pipe-write', len: 2, value: 3 },
        { op: 'pipe-read', len: 8 },
      ],
      { bounds, initial },
    );
    expect(reads(run)).toEqual([[2], [2, 3, 3]]);
  });

  it.each(KERNEL_IDS)(
    'after a splice into a fresh pipe on %s: appended in a new slot, the file untouched',
    (kernel) => {
      const run = runSteps(
        [
          { op: 'splice', off: 0, len: 1 },
          { op: 'pipe-write', len: 1, value: 2 },
        ],
        { kernel, bounds, initial },
      );
      expect(run.completed).toBe(true);
      const bufs = run.final.pipes[0]!.buffers;
      expect(bufs.map((b) => b.cells)).toEqual([[1], [2]]);
      expect(bufs[1]!.flags).toEqual(['CAN_MERGE']);
      expect(run.final.file).toEqual(initial.file);
      expect(run.final.logical).toEqual(initial.file);
      expect(run.final.folios.filter((f) => f.cachesPage !== null).every((f) => f.cells.every((c) => c === 1))).toBe(
        true,
      );
      const read = runSteps(
        [
          { op: 'splice', off: 0, len: 1 },
          { op: 'pipe-write', len: 1, value: 2 },
          { op: 'pipe-read', len: 8 },
        ],
        { kernel, bounds, initial },
      );
      expect(reads(read)).toEqual([[1, 2]]);
    },
  );
});
