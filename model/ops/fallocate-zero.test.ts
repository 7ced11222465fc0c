import { describe, expect, it } from 'vitest';
import { traceSteps } from '../../checker/report.js';
import { BTRFS, EXT4, TMPFS, XFS } from '../fs/index.js';
import { reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { Step } from '../step.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

/** splice page 0, zero-range `off, len`, and read the pipe (as measured in C on 6.18). */
function pipeAfterZero(off: number, len: number, fs = EXT4): (readonly number[])[] {
  const steps: Step[] = [
    { op: 'splice', off: 0, len: 2 },
    { op: 'fallocate-zero', off, len },
    { op: 'pipe-read', len: 2 },
  ];
  return reads(runSteps(steps, { fs, bounds, initial: full }));
}

describe('fallocate-zero', () => {
  it('ext4, btrfs: a whole page leaves the cache (the pipe keeps the old data), a partial one is zeroed', () => {
    for (const fs of [EXT4, BTRFS]) {
      expect(pipeAfterZero(0, 2, fs)).toEqual([[1, 1]]);
      expect(pipeAfterZero(1, 1, fs)).toEqual([[1, 0]]);
    }
  });

  it('xfs: every page the range touches is written back and dropped, as its punch does', () => {
    expect(pipeAfterZero(0, 2, XFS)).toEqual([[1, 1]]);
    // Even a partial range: the order-0 folio the pipe holds leaves the cache before the zeroing.
    expect(pipeAfterZero(1, 1, XFS)).toEqual([[1, 1]]);
    const run = runSteps([{ op: 'fallocate-zero', off: 1, len: 1 }], { fs: XFS, bounds, initial: full });
    expect(run.final.file).toEqual([1, 0, 1, 1]);
  });

  it('grows the file to the end of a range past EOF (no KEEP_SIZE)', () => {
    const run = runSteps([{ op: 'fallocate-zero', off: 2, len: 2 }], {
      bounds,
      initial: { ...full, file: [1, 1, 1], folios: [1, 1] },
    });
    expect(run.final.size).toBe(4);
    expect(run.final.file).toEqual([1, 1, 0, 0]);
  });

  it('tmpfs: fails with EOPNOTSUPP, changes nothing, and the trace says so', () => {
    const sc = parseScenario({
      bounds: { ...bounds, depth: 2 },
      initial: full,
      processes: [{ name: 'p', program: [{ op: 'fallocate-zero', off: 0, len: 2 }] }],
    });
    const model = new ScenarioModel(sc, TMPFS);
    const s0 = model.initialStates()[0]!;
    const r = model.applyStep(s0, { op: 'fallocate-zero', off: 0, len: 2 });
    expect(r?.failed).toBe('EOPNOTSUPP');
    const shown = traceSteps(model, [0], 0);
    expect(shown.changes).toEqual([['fails with EOPNOTSUPP: nothing changed']]);
    expect(
      runSteps([{ op: 'fallocate-zero', off: 0, len: 2 }], { fs: TMPFS, bounds, initial: full }).final.file,
    ).toEqual([1, 1, 1, 1]);
  });
});
