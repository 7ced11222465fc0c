import { describe, expect, it } from 'vitest';
import { judgeSteps } from '../../invariants/judge-steps.js';
import { pipeFifo } from '../../invariants/pipe-fifo.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('pipe-splice', () => {
  it('linux: the buffer moves, with its folio reference and ghost: a later pwrite reaches the second pipe', () => {
    const moved = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-splice', len: 2 },
      ],
      { bounds, initial: full },
    );
    expect(moved.final.pipes[0]!.buffers).toEqual([]);
    expect(moved.final.pipes[1]!.buffers).toMatchObject([{ folio: moved.final.pageCache[0], ghost: [1, 1] }]);
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-splice', len: 2 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 2, pipe: 1 },
    ];
    const run = runSteps(steps, { bounds, initial: full });
    expect(reads(run)).toEqual([[2, 1]]);
    expect(run.final.folios.find((f) => f.id === run.final.pageCache[0])!.pipeRefs).toBe(0);
    // A move is neither a loss from pipe 0 nor a duplicate in pipe 1.
    expect(judgeSteps(pipeFifo, steps, { bounds, initial: full })).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('moves part of a buffer as a buffer of its own; the rest stays in pipe 0, both referencing the folio', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-splice', len: 1 },
      ],
      { bounds, initial: full },
    );
    expect(run.final.pipes[0]!.buffers).toMatchObject([{ offset: 1, len: 1 }]);
    expect(run.final.pipes[1]!.buffers).toMatchObject([{ offset: 0, len: 1 }]);
    expect(run.final.folios.find((f) => f.id === run.final.pageCache[0])!.pipeRefs).toBe(2);
  });

  it('copy: what moves is copied, so the pwrite does not reach it', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-splice', len: 2 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 2, pipe: 1 },
    ];
    expect(reads(runSteps(steps, { kernel: 'copy', bounds, initial: full }))).toEqual([[1, 1]]);
  });

  it('is not a step with pipe 0 empty or pipe 1 full', () => {
    expect(runSteps([{ op: 'pipe-splice', len: 1 }], { bounds, initial: full }).completed).toBe(false);
    const one = { ...bounds, slots: 1 };
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 1 },
      { op: 'tee', len: 1 },
      { op: 'pipe-splice', len: 1 },
    ];
    expect(runSteps(steps, { bounds: one, initial: full }).completed).toBe(false);
  });
});
