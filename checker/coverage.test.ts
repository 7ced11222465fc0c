import { describe, expect, it } from 'vitest';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { parseScenario, type Scenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { explore } from '../explorer/bfs.js';
import { exploreScenario, type exploreScenarioParallel, type ExploreJob } from './explore.js';
import { CoverageVisitor, type Coverage } from './coverage.js';

const TIGHT = { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 3 };

function scenario(extra: object, bounds: object = TIGHT): Scenario {
  return parseScenario({ kernel: 'linux', bounds, ...extra }, 'test');
}

const job = (sc: Scenario, extra: Partial<ExploreJob> = {}): ExploreJob => ({
  scenario: sc,
  invariants: { ids: ['data-stability'], plugins: [] },
  coverage: true,
  ...extra,
});

/** The invariant the jobs name, as the caller resolves it. */
const STABILITY = DEFAULT_INVARIANTS.filter((i) => i.id === 'data-stability');

const total = (c: Coverage, key: 'transitions' | 'newStates') => c.operations.reduce((a, o) => a + o[key], 0);

describe('CoverageVisitor', () => {
  it('counts per step of a tiny model: a program of two steps, an environment write', () => {
    const sc = scenario({
      processes: [
        {
          name: 'app',
          program: [
            { op: 'pipe-write', len: 1, value: 1 },
            { op: 'pipe-read', len: 1 },
          ],
        },
      ],
      environment: { ops: [{ op: 'write', off: 0, len: 1 }] },
    });
    const model = new ScenarioModel(sc);
    const visitor = new CoverageVisitor(model);
    const r = explore(model, [], {
      maxDepth: 3,
      visitors: [visitor],
      onDiscovered: (a, b) => visitor.discover(a, b),
    });
    const c = visitor.coverage();
    expect(c.operations.map((o) => o.op)).toEqual(['write', 'pipe-write', 'pipe-read']);
    expect(total(c, 'transitions')).toBe(r.statistics.transitions);
    expect(total(c, 'newStates')).toBe(r.statistics.statesDistinct - 1);
    const write = c.operations[0]!;
    // write off 0 len 1, value 1 or 2 (values: 2): two environment actions, split by value.
    expect(write.steps).toBe(2);
    expect(write.byArgument.value!.map((v) => v.value)).toEqual([1, 2]);
    expect(Object.keys(write.byArgument)).toEqual(['value']);
    expect(write.byArgument.value!.reduce((a, v) => a + v.transitions, 0)).toBe(write.transitions);
    expect(c.operations.find((o) => o.op === 'pipe-write')).toMatchObject({ steps: 1, stepsFired: 1 });
    expect(c.neverFired).toEqual([]);
  });

  it('names an operation that cannot fire within the bounds (a pipe read with nothing ever in the pipe)', () => {
    const sc = scenario({ environment: { ops: ['write', 'pipe-read'] } });
    const c = exploreScenario(job(sc), STABILITY).coverage!;
    expect(c.neverFired).toEqual(['pipe-read']);
    const read = c.operations.find((o) => o.op === 'pipe-read');
    expect(read).toMatchObject({ transitions: 0, newStates: 0, stepsFired: 0 });
    expect(c.operations.find((o) => o.op === 'write')!.transitions).toBeGreaterThan(0);
  });

  it('leaves the result without coverage when not asked', () => {
    const sc = scenario({ environment: { ops: ['write'] } });
    const r = exploreScenario(job(sc, { coverage: false }), STABILITY);
    expect('coverage' in r).toBe(false);
  });

  // The worker threads run the compiled modules (dist/, built by the global setup), so both runs use them.
  it('is the same on one thread and on two worker threads', async () => {
    const dist = (await import(new URL('../dist/checker/explore.js', import.meta.url).href)) as {
      exploreScenario: typeof exploreScenario;
      exploreScenarioParallel: typeof exploreScenarioParallel;
    };
    // 6,221 states over 5 levels, nothing violated: several units per level.
    const sc = scenario(
      { environment: { ops: ['write', 'pipe-write', 'pipe-read', 'tee', 'user-store'] } },
      { ...TIGHT, depth: 5 },
    );
    const one = dist.exploreScenario(job(sc), STABILITY);
    const two = await dist.exploreScenarioParallel(job(sc, { workers: 2 }), STABILITY, { workers: 2 });
    expect(one.result.statistics.statesDistinct).toBe(6221);
    expect(two.result.statistics).toEqual({ ...one.result.statistics, elapsedMs: two.result.statistics.elapsedMs });
    expect(two.coverage).toEqual(one.coverage);
    expect(total(one.coverage!, 'newStates')).toBe(one.result.statistics.statesDistinct - 1);
  });
});
