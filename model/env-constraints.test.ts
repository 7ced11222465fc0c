import { describe, expect, it } from 'vitest';
import { exploreScenario } from '../checker/explore.js';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { ScenarioError, parseScenario, scenarioToJson } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 0, depth: 3 };

function problems(input: unknown): string[] {
  try {
    parseScenario(input, 's.json');
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
}

/** The environment's steps, as `op(args)` strings. */
function envSteps(ops: { ops: unknown[] }): string[] {
  const model = new ScenarioModel(parseScenario({ bounds, environment: ops }));
  return model.actions.flatMap((a) => (a.kind === 'env' ? [JSON.stringify(a.step)] : []));
}

describe("constraints on the environment's arguments", () => {
  it('a value, a list and a range each narrow the steps the environment takes', () => {
    const all = envSteps({ ops: ['write'] });
    expect(all).toHaveLength(2 * 10); // values 1..2, (off, len) with off + len <= 4
    const offFrom2 = envSteps({ ops: [{ op: 'write', off: { min: 2 }, value: 1 }] });
    expect(offFrom2).toEqual([
      '{"op":"write","off":2,"len":1,"value":1}',
      '{"op":"write","off":2,"len":2,"value":1}',
      '{"op":"write","off":3,"len":1,"value":1}',
    ]);
    expect(envSteps({ ops: [{ op: 'write', len: [2], off: { max: 0 } }] })).toEqual([
      '{"op":"write","off":0,"len":2,"value":1}',
      '{"op":"write","off":0,"len":2,"value":2}',
    ]);
    expect(envSteps({ ops: [{ op: 'splice', move: true, off: 0, len: 1 }] })).toEqual([
      '{"op":"splice","off":0,"len":1,"move":true}',
    ]);
  });

  it('is refused, naming the entry, for an argument the operation lacks, a range on a flag, or no step at all', () => {
    expect(problems({ bounds, environment: { ops: [{ op: 'write', page: 1 }] } })).toEqual([
      'environment.ops[0].page: write has no argument "page" (its arguments: off, len, value)',
    ]);
    expect(problems({ bounds, environment: { ops: [{ op: 'splice', move: { min: 0 } }] } })).toEqual([
      'environment.ops[0].move: a flag takes true, false or a list, not a range',
    ]);
    expect(problems({ bounds, environment: { ops: ['truncate', { op: 'write', off: { min: 9 } }] } })).toEqual([
      'environment.ops[1]: write(off>=9) admits no step under these bounds',
    ]);
    expect(problems({ bounds, environment: { ops: [{ op: 'write', off: {} }] } })[0]).toMatch(/environment\.ops\[0\]/);
  });

  it('round-trips through the normalized scenario that counterexamples store', () => {
    const sc = parseScenario({ bounds, environment: { ops: ['truncate', { op: 'append', value: 2 }] } });
    const json = scenarioToJson(sc);
    expect(json.environment).toEqual({ ops: ['truncate', { op: 'append', value: 2 }] });
    expect(parseScenario(json)).toEqual(sc);
  });

  it('"writers only append" is safe for a backup that splices what is there; writes anywhere are not', () => {
    const backup = {
      name: 'backup',
      program: [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-read', len: 2 },
      ],
    };
    const initial = { file: [1, 1], folios: [1] };
    const run = (ops: unknown[]) =>
      exploreScenario(
        {
          scenario: parseScenario({
            bounds: { ...bounds, depth: 4 },
            initial,
            processes: [backup],
            environment: { ops },
          }),
          invariants: { ids: ['data-stability'] },
        },
        DEFAULT_INVARIANTS.filter((i) => i.id === 'data-stability'),
      ).result;
    const appendOnly = run(['append']);
    expect(appendOnly.status).toBe('holds');
    expect(appendOnly.complete).toBe(true);
    expect(run(['write']).status).toBe('violated');
    // Writes constrained to the second page, past what was spliced, are as safe as appends.
    expect(run([{ op: 'write', off: { min: 2 } }]).status).toBe('holds');
  });
});
