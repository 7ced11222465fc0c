import { describe, expect, it } from 'vitest';
import { exploreScenario } from '../checker/explore.js';
import { dataStability } from '../invariants/data-stability.js';
import { judgeSteps, parseScenario, type Invariant, type Step } from 'pipecheck';
import snapshotConsistency from './snapshot-consistency.js';

// A backup splices page 0, then page 1, then reads both; a writer may change page 1 in between.
const backup: Step[] = [
  { op: 'splice', off: 0, len: 2 },
  { op: 'splice', off: 2, len: 2 },
  { op: 'pipe-read', len: 4 },
];
const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 0, depth: 4 };

function check(kernel: 'linux' | 'copy', invariants: readonly Invariant[] = [snapshotConsistency]) {
  const scenario = parseScenario({
    kernel,
    bounds,
    processes: [{ name: 'backup', program: backup }],
    environment: { ops: [{ op: 'write', off: 2, len: 2, value: 2 }] },
  });
  return exploreScenario({ scenario, invariants: {} }, invariants).result;
}

describe('the snapshot-consistency example plugin (an invariant with a history)', () => {
  it('judgeSteps folds the history: a write between the two splices breaks the snapshot', () => {
    const steps: Step[] = [backup[0]!, { op: 'write', off: 2, len: 2, value: 2 }, backup[1]!, backup[2]!];
    const got = judgeSteps(snapshotConsistency, steps, { kernel: 'copy', bounds, process: 'backup' });
    expect(got.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(got[3]).toBe(
      'the backup read [1, 1, 2, 2], but the file held [1, 1, 1, 1] when the backup began (cell 2 differs)',
    );
  });

  it('the search finds it on the copying kernel, where data-stability holds: only the history can tell', () => {
    expect(check('copy', [dataStability]).status).toBe('holds');
    const r = check('copy');
    expect(r.status).toBe('violated');
    const v = r.violations[0]!;
    expect(v.length).toBe(4);
    expect(v.message).toContain('when the backup began');
  });

  it('histories are part of the state: paths to one page cache with different histories are not merged', () => {
    const without = check('copy', [dataStability]).statistics.statesDistinct;
    const withHistory = exploreScenario(
      {
        scenario: parseScenario({
          kernel: 'copy',
          bounds,
          processes: [{ name: 'backup', program: backup }],
          environment: { ops: [{ op: 'write', off: 2, len: 2, value: 2 }] },
        }),
        invariants: {},
      },
      [dataStability, { ...snapshotConsistency, check: () => undefined }],
    ).result.statistics.statesDistinct;
    expect(withHistory).toBeGreaterThan(without);
  });
});
