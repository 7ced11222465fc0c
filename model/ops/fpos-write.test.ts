import { describe, expect, it } from 'vitest';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

const bounds = { pages: 2, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('fpos-write', () => {
  it('writes at the fd position, which moves past what was written; splice with an offset does not move it', () => {
    const steps: Step[] = [
      { op: 'splice', off: 2, len: 2 },
      { op: 'fpos-write', len: 1, value: 2 },
      { op: 'fpos-write', len: 2, value: 3 },
      { op: 'pipe-read', len: 2 },
    ];
    const run = runSteps(steps, { bounds, initial: full });
    expect(run.final.file).toEqual([2, 3, 3, 1]);
    // The second write reached cell 2, already in the pipe: the reader sees it.
    expect(reads(run)).toEqual([[3, 1]]);
  });

  it('is not a step when the cells would grow the file past the bounds', () => {
    const steps: Step[] = [
      { op: 'fpos-write', len: 3, value: 2 },
      { op: 'fpos-write', len: 2, value: 2 },
    ];
    const run = runSteps(steps, { bounds, initial: full });
    expect(run.results.map((r) => r.ok)).toEqual([true, false]);
  });
});
