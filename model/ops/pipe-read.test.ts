import { describe, expect, it } from 'vitest';
import { KERNEL_IDS } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';

const bounds = { pages: 2, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1 };
const initial = { file: [1, 2, 3, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('pipe-read', () => {
  it('is not enabled on an empty pipe (either pipe)', () => {
    expect(runSteps([{ op: 'pipe-read', len: 1 }], { bounds, initial }).completed).toBe(false);
    expect(runSteps([{ op: 'pipe-read', len: 1, pipe: 1 }], { bounds, initial }).completed).toBe(false);
    const drained = runSteps(
      [
        { op: 'pipe-write', len: 1, value: 2 },
        { op: 'pipe-read', len: 1 },
        { op: 'pipe-read', len: 1 },
      ],
      { bounds, initial },
    );
    expect(drained.results.map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('returns the oldest cells first, across buffers, with what entered the pipe as expected', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 1, len: 2 },
        { op: 'pipe-read', len: 4 },
      ],
      { bounds, initial },
    );
    expect(run.results[1]).toEqual({ ok: true, read: [2, 3], expected: [2, 3] });
    expect(run.final.pipes[0]!.buffers).toEqual([]);
  });

  it('a partial read advances the buffer: offset and len move, the ghost shifts', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-read', len: 1 },
      ],
      { bounds, initial },
    );
    expect(reads(run)).toEqual([[1]]);
    expect(run.final.pipes[0]!.buffers[0]).toMatchObject({ offset: 1, len: 1, cells: [2], ghost: [2] });
    expect(run.final.folios.find((f) => f.cachesPage === 0)!.pipeRefs).toBe(1);
  });

  it('emptying a slot drops the reference; a private page is freed, a cache folio stays cached', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-write', len: 2, value: 3 },
        { op: 'pipe-read', len: 4 },
      ],
      { bounds, initial },
    );
    expect(reads(run)).toEqual([[1, 2, 3, 3]]);
    expect(run.final.folios.map((f) => f.pipeRefs)).toEqual([0, 0, 0]);
    expect(run.final.folios).toHaveLength(3); // two file folios, one user page
    // the slot flags persist in the ring after the slots empty
    expect(run.final.pipes[0]!.slotFlags).toEqual([[], ['CAN_MERGE']]);
  });

  it('reads the tee target separately (pipe 1)', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'tee', len: 2 },
        { op: 'pipe-read', len: 2, pipe: 1 },
      ],
      { bounds, initial },
    );
    expect(reads(run)).toEqual([[1, 2]]);
    expect(run.final.pipes[1]!.buffers).toEqual([]);
    expect(run.final.pipes[0]!.buffers[0]!.cells).toEqual([1, 2]);
  });

  it.each(KERNEL_IDS)(
    'on %s the reader of a quiet pipe gets exactly the file data, and every reference is released',
    (kernel) => {
      const run = runSteps(
        [
          { op: 'splice', off: 0, len: 4 },
          { op: 'pipe-read', len: 3 },
          { op: 'pipe-read', len: 1 },
        ],
        { kernel, bounds, initial },
      );
      expect(reads(run)).toEqual([[1, 2, 3], [1]]);
      for (const r of run.results) if (r.ok && r.read) expect(r.read).toEqual(r.expected);
      expect(run.final.folios.every((f) => f.pipeRefs === 0)).toBe(true);
      expect(run.final.folios.every((f) => f.cachesPage !== null || f.userPage !== null)).toBe(true);
      expect(run.final.file).toEqual([1, 2, 3, 1]);
    },
  );
});
