/**
 * The bare loop takes explore()'s steps: the same distinct states and
 * transitions on the same model and depth, with no property.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.js';
import { parseScenario, type ScenarioInput } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { bareLoop } from './bare-loop.js';
import { SPIN_OPS } from './run.js';

const BOUNDS = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };

/** `interchangeable`: data values under the value symmetry (none: no symmetry key). */
function both(input: ScenarioInput, depth: number, interchangeable: readonly number[] = []): void {
  const scenario = parseScenario({ ...input, bounds: { ...input.bounds, depth } }, 'bare-loop.test');
  const model = new ScenarioModel(scenario, undefined, [], interchangeable);
  expect(model.symmetryKey !== undefined).toBe(interchangeable.length > 0);
  const engine = explore(model, [], { maxDepth: depth, minimize: false }).statistics;
  const bare = bareLoop(model, depth);
  expect(bare).toEqual({ statesDistinct: engine.statesDistinct, transitions: engine.transitions });
  expect(bare.transitions).toBeGreaterThan(bare.statesDistinct);
}

describe('bareLoop', () => {
  it("counts explore()'s states and transitions: SPIN's operations, kernel copy, depth 3", () => {
    both({ kernel: 'copy', bounds: BOUNDS, environment: { ops: [...SPIN_OPS] } }, 3);
  });

  it('and every operation under linux, the explorer choosing folio orders (actions skipped by nextAction)', () => {
    const model = { kernel: 'linux', bounds: { ...BOUNDS, folioPages: 2 } } as const;
    expect(new ScenarioModel(parseScenario({ ...model }, 'bare-loop.test')).nextAction).toBeDefined();
    both(model, 2);
  });

  it('and with a symmetry key', () => {
    both({ kernel: 'copy', bounds: { ...BOUNDS, values: 3 } }, 2, [1, 2, 3]);
  });
});
