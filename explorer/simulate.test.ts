import { describe, expect, it } from 'vitest';
import { explore } from './bfs.js';
import type { ExplorableModel, Property } from './model.js';
import { checkLastStep } from './path.js';
import {
  CHUNK_RUNS,
  chunkPlan,
  deriveSeed,
  mergeChunks,
  pickAction,
  simulateChunk,
  walkChoices,
  type ChunkResult,
  type SimulationFinding,
} from './simulate.js';

/**
 * A lock with a code of three digits 0..9 entered one at a time: action d
 * enters digit d (enabled while fewer than three digits were entered), and
 * action 10 clears (enabled once something was entered). The property fires
 * when the lock shows 7, 3, 1: the shortest violation is 3 steps.
 */
const lock: ExplorableModel<readonly number[]> = {
  actionCount: 11,
  initialStates: () => [[]],
  step: (s, a) => {
    if (a === 10) return s.length > 0 ? { next: [] } : undefined;
    return s.length < 3 ? { next: [...s, a] } : undefined;
  },
  encode: (s) => Uint8Array.from([s.length, ...s]),
  decode: (b) => Array.from(b.subarray(1)),
};
const opened: Property<readonly number[]> = {
  id: 'opened',
  kind: 'always',
  check: ({ after }) => (after.join('') === '731' ? 'the lock opened' : undefined),
};
/** Fires on any step that enters a 9 (easy to hit). */
const nine: Property<readonly number[]> = {
  id: 'nine',
  kind: 'always',
  check: ({ after, action }) => (action === 9 && after.includes(9) ? 'a nine' : undefined),
};

describe('pickAction', () => {
  it('picks uniformly among the enabled actions, never a disabled one', () => {
    const counts = new Array<number>(11).fill(0);
    const full = [1, 2, 3]; // only "clear" (action 10) is enabled
    const some = [1]; // every action is enabled
    const fromFull = new Set<number | undefined>();
    for (let c = 0; c < 22_000; c++) {
      fromFull.add(pickAction(lock, full, c)?.action);
      counts[pickAction(lock, some, c * 7919)!.action]!++;
    }
    expect([...fromFull]).toEqual([10]);
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(250);
  });

  it('is undefined when no action is enabled', () => {
    const stuck: ExplorableModel<number> = { actionCount: 5, initialStates: () => [0], step: () => undefined };
    expect(pickAction(stuck, 0, 123)).toBeUndefined();
  });
});

describe('walkChoices', () => {
  it('takes one step per choice and stops at the first step a judged property fires on', () => {
    // Action count 11: choice c first tries action c % 11, which is enabled here.
    const w = walkChoices(lock, [opened, nine], [0, 1], [], [7, 3, 1, 5]);
    expect(w.trace).toEqual([7, 3, 1]);
    expect(w.fired).toEqual([{ property: 0, message: 'the lock opened', observed: undefined }]);
  });

  it('does not stop for a property it does not judge', () => {
    const w = walkChoices(lock, [opened, nine], [0], [], [9, 10, 7, 3, 1]);
    expect(w.trace).toEqual([9, 10, 7, 3, 1]);
    expect(w.fired.map((f) => f.property)).toEqual([0]);
  });

  it('reports a property that throws and stops judging it on the walk', () => {
    const throws: Property<readonly number[]> = {
      id: 'throws',
      kind: 'always',
      check: () => {
        throw new Error('boom');
      },
    };
    const w = walkChoices(lock, [throws, opened], [0, 1], [], [7, 3, 1]);
    expect(w.threw).toEqual([{ property: 0, message: 'boom' }]);
    expect(w.fired.map((f) => f.property)).toEqual([1]);
  });
});

describe('simulateChunk', () => {
  const run = (seed: number, runs = CHUNK_RUNS): ChunkResult =>
    simulateChunk(lock, [opened, nine], { index: 0, runs, seed }, { maxDepth: 12 });

  it('finds each property, shrunk by fast-check to the shortest trace the BFS finds', () => {
    const r = run(42, 2000);
    const bfs = explore(lock, [opened, nine], { maxDepth: 6 });
    for (const id of ['opened', 'nine']) {
      const f = r.findings.find((x) => x.propertyId === id);
      expect(f, id).toBeDefined();
      expect(f!.length).toBe(bfs.violations.find((v) => v.propertyId === id)!.length);
      expect(checkLastStep(lock, id === 'opened' ? opened : nine, f!.trace).fires).toBe(true);
      expect(f!.unshrunkLength).toBeGreaterThanOrEqual(f!.length);
      // The recorded choices walk to the shrunk trace.
      expect(walkChoices(lock, [opened, nine], [0, 1], [], f!.choices).trace.length).toBeLessThanOrEqual(3);
    }
    expect(r.findings.find((x) => x.propertyId === 'opened')!.trace).toEqual([7, 3, 1]);
    expect(r.runs).toBeLessThanOrEqual(2000);
  });

  it('takes the same walks for the same seed, and others for another', () => {
    expect(run(5)).toEqual(run(5));
    expect(JSON.stringify(run(5))).not.toEqual(JSON.stringify(run(6)));
  });

  it('stops when aborted, counting only the runs taken', () => {
    const signal = { aborted: true } as AbortSignal;
    const r = simulateChunk(lock, [opened], { index: 0, runs: 100, seed: 1 }, { maxDepth: 12, signal });
    expect(r).toMatchObject({ runs: 0, walks: 0, findings: [], aborted: true });
  });

  it('finds nothing in a model where the property cannot fire', () => {
    const never: Property<readonly number[]> = { id: 'never', kind: 'always', check: () => undefined };
    const r = simulateChunk(lock, [never], { index: 0, runs: 100, seed: 1 }, { maxDepth: 12 });
    expect(r).toMatchObject({ runs: 100, walks: 100, findings: [] });
  });
});

describe('chunks', () => {
  it('cut the runs into chunks with derived, distinct seeds', () => {
    const plan = chunkPlan(2 * CHUNK_RUNS + 1, 9);
    expect(plan.map((c) => c.runs)).toEqual([CHUNK_RUNS, CHUNK_RUNS, 1]);
    expect(new Set(plan.map((c) => c.seed)).size).toBe(3);
    expect(plan[1]!.seed).toBe(deriveSeed(9, 1));
    expect(chunkPlan(10, 9)[0]!.seed).toBe(plan[0]!.seed);
  });

  it('merge to the shortest finding of each property, ties to the lowest chunk, whatever their order', () => {
    const finding = (chunk: number, length: number): SimulationFinding => ({
      propertyId: 'p',
      kind: 'always',
      length,
      trace: new Array<number>(length).fill(chunk),
      message: 'm',
      chunk,
      fastCheckSeed: 0,
      path: '0',
      choices: [],
      unshrunkLength: length,
    });
    const chunk = (index: number, length: number): ChunkResult => ({
      chunk: index,
      findings: [finding(index, length)],
      errors: [],
      runs: 1,
      walks: 1,
      aborted: false,
    });
    const chunks = [chunk(3, 2), chunk(1, 4), chunk(2, 2), chunk(0, 5)];
    expect(mergeChunks(chunks, ['p', 'q']).map((f) => f.chunk)).toEqual([2]);
    expect(mergeChunks([...chunks].reverse(), ['p']).map((f) => f.chunk)).toEqual([2]);
  });
});
