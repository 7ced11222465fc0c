/**
 * SPIN's model (bench/spin/pipe.pml) and pipecheck's agree, at a small
 * depth: under kernel copy both find that data-stability and file-integrity
 * hold; under linux both find the classic data-stability violation, at the
 * same shortest length (pan -DBFS), and agree on file-integrity. The
 * verdicts come from exploring both models. Skipped when spin or gcc is
 * missing.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.js';
import type { Invariant } from '../invariants/define.js';
import { dataStability } from '../invariants/data-stability.js';
import { fileIntegrity } from '../invariants/file-integrity.js';
import { toProperties } from '../invariants/property.js';
import { parseScenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { SPIN_OPS } from './run.js';
import { buildPan, panNumber, removePan, runPan, trailSteps, type SpinModelOptions } from './spin.js';
import { spinUnavailable } from './spin.js';

const DEPTH = 3;

/** pipecheck's verdict on one invariant, SPIN's operations and bounds, and its shortest violation's length. */
function pipecheck(kernel: 'copy' | 'linux', invariant: Invariant): { violated: boolean; steps?: number } {
  const scenario = parseScenario(
    {
      kernel,
      bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: DEPTH },
      environment: { ops: [...SPIN_OPS] },
    },
    'spin.test',
  );
  const model = new ScenarioModel(scenario);
  const r = explore(model, toProperties(model, [invariant]), { maxDepth: DEPTH, minimize: false });
  expect(r.complete).toBe(true);
  const v = r.violations[0];
  return v ? { violated: true, steps: v.length } : { violated: false };
}

function spin(options: SpinModelOptions): { violated: boolean; steps?: number } {
  const pan = buildPan(options);
  try {
    const r = runPan(pan);
    return r.errors > 0 ? { violated: true, steps: r.violationSteps } : { violated: false };
  } finally {
    removePan(pan);
  }
}

describe('pan output parsing', () => {
  it('reads the numbers pan prints and the step count of a replayed trail', () => {
    const out = [
      'State-vector 60 byte, depth reached 37, errors: 0',
      '   150861 states, stored',
      '   935055 transitions (= stored+matched)',
    ].join('\n');
    expect(panNumber(out, /states, stored/)).toBe(150861);
    expect(panNumber(out, /transitions/)).toBe(935055);
    expect(() => panNumber('nothing', /states, stored/)).toThrow(/states, stored/);
    expect(trailSteps('\t\tstep = 3\n\t\tsize = 4\n')).toBe(3);
    expect(trailSteps('no globals')).toBeUndefined();
  });
});

describe.skipIf(spinUnavailable() !== undefined)(`SPIN's model agrees with pipecheck at depth ${DEPTH}`, () => {
  for (const kernel of ['copy', 'linux'] as const) {
    for (const invariant of [dataStability, fileIntegrity]) {
      it(`${kernel}: ${invariant.id}`, { timeout: 180_000 }, () => {
        const omit = invariant.id === 'data-stability' ? 'file-integrity' : 'data-stability';
        const expected = pipecheck(kernel, invariant);
        const got = spin({ depth: DEPTH, linux: kernel === 'linux', shortest: true, omit });
        expect(got).toEqual(expected);
      });
    }
  }

  it('the exhaustive (depth-first) search the bench times agrees under copy', { timeout: 180_000 }, () => {
    expect(spin({ depth: DEPTH })).toEqual({ violated: false });
  });

  it(
    'pan -i (depth-first, -DREACH) finds the shortest linux data-stability violation too',
    { timeout: 180_000 },
    () => {
      const expected = pipecheck('linux', dataStability);
      expect(spin({ depth: DEPTH, linux: true, iterative: true, omit: 'file-integrity' })).toEqual(expected);
    },
  );
});
