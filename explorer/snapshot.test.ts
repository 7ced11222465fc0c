import { describe, expect, it } from 'vitest';
import { explore } from './bfs.js';
import { decodeCheckpoint, decodeCheckpointHeader, encodeCheckpoint } from './checkpoint-codec.js';
import type { ExplorableModel, Property, StepVisitor } from './model.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { SnapshotError, type SearchSnapshot } from './snapshot.js';

type Grid = readonly [number, number, number];

/** Three bounded counters (up, and the first down too): 8000 states, enough for several memory polls a level. */
function grid(limit: number): ExplorableModel<Grid, number> {
  return {
    actionCount: 4,
    initialStates: () => [
      [0, 0, 0],
      [1, 0, 0],
    ],
    step(s, action) {
      const next: [number, number, number] = [s[0], s[1], s[2]];
      if (action === 3) {
        if (s[0] === 0) return undefined;
        next[0]--;
      } else {
        if (s[action]! >= limit - 1) return undefined;
        next[action]!++;
      }
      return { next, observed: next[0] + next[1] + next[2] };
    },
    encode: (s) => Uint8Array.from(s),
    decode: (b) => [b[0]!, b[1]!, b[2]!],
    simplerActions: (a) => (a === 2 ? [0] : []),
  };
}

const reaches = (sum: number): Property<Grid, number> => ({
  id: `sum-${sum}`,
  kind: 'always',
  check: ({ observed }) => (observed === sum ? `the sum reached ${sum}` : undefined),
});
const witness: Property<Grid, number> = {
  id: 'corner',
  kind: 'sometimes',
  check: ({ after }) => (after[0] === 19 && after[1] === 19 ? 'a corner' : undefined),
};

/** Counts the steps it sees: a visitor with state, saved and restored. */
class Steps implements StepVisitor<Grid, number> {
  n = 0;
  visit(): void {
    this.n++;
  }
  saveState(): unknown {
    return this.n;
  }
  restoreState(state: unknown): void {
    this.n = state as number;
  }
}

/** The result without the elapsed time (the one thing a resumed search cannot give alike). */
function untimed(r: ExploreResult<number>): unknown {
  const { elapsedMs: _e, ...statistics } = r.statistics;
  return { ...r, statistics };
}

/** Run the search; with `stopAt` states, stopped there (a limit), saving, then resumed to the end. */
function run(
  properties: Property<Grid, number>[],
  options: ExploreOptions<Grid, number>,
  save: (s: SearchSnapshot) => void = () => undefined,
  due = false,
  resume?: SearchSnapshot,
): { result: ExploreResult<number>; steps: number } {
  const steps = new Steps();
  const result = explore(grid(20), properties, {
    ...options,
    visitors: [steps],
    checkpoint: { due: () => due, save, ...(resume ? { resume } : {}) },
  });
  return { result, steps: steps.n };
}

/** Through the file format and back. */
function roundTrip(s: SearchSnapshot): SearchSnapshot {
  const parts = encodeCheckpoint(s, { options: 'a' });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  const { key, snapshot } = decodeCheckpoint(bytes);
  expect(key).toEqual({ options: 'a' });
  return snapshot;
}

describe('checkpoints: a search saved at a level start and resumed ends as if never stopped', () => {
  const cases: [string, Property<Grid, number>[], ExploreOptions<Grid, number>][] = [
    ['exhausted, a witness found', [witness], {}],
    ['a violation at depth 30', [reaches(31), witness], {}],
    ['every violation at the shortest depth', [reaches(25), witness], { allViolations: true }],
    ['a depth bound', [reaches(50)], { maxDepth: 17 }],
  ];
  for (const [name, properties, options] of cases) {
    it(`${name}: stopped by --max-states, resumed with none`, () => {
      const whole = run(properties, options);
      // 8: inside level 1 (7 states before it), whose states are the first level queued by the search.
      for (const cap of [3, 8, 700, 2500, 5000]) {
        const saved: SearchSnapshot[] = [];
        const stopped = run(properties, { ...options, maxStates: cap }, (s) => saved.push(s));
        if (stopped.result.reason !== 'max-states') continue;
        expect(saved).toHaveLength(1);
        const resumed = run(properties, options, () => undefined, false, roundTrip(saved[0]!));
        expect(untimed(resumed.result)).toEqual(untimed(whole.result));
        expect(resumed.steps).toBe(whole.steps);
      }
    });

    it(`${name}: saved at every level start, resumed from each`, () => {
      const whole = run(properties, options);
      const saved: SearchSnapshot[] = [];
      const again = run(properties, options, (s) => saved.push(s), true);
      expect(untimed(again.result)).toEqual(untimed(whole.result));
      expect(saved.map((s) => s.depth)).toEqual(saved.map((_, i) => i + 1));
      for (const s of saved.filter((_, i) => i % 5 === 0)) {
        const resumed = run(properties, options, () => undefined, false, roundTrip(s));
        expect(untimed(resumed.result)).toEqual(untimed(whole.result));
        expect(resumed.steps).toBe(whole.steps);
      }
    });
  }

  it('an interrupt inside a level saves the level start; a second stop there does not save it again', () => {
    let polls = 0;
    const signal = {
      get aborted() {
        return ++polls > 4;
      },
    } as unknown as AbortSignal;
    const saved: SearchSnapshot[] = [];
    const stopped = run([witness], { signal }, (s) => saved.push(s));
    expect(stopped.result.reason).toBe('aborted');
    expect(saved).toHaveLength(1);
    const s = saved[0]!;
    expect(s.frontier).toHaveLength(s.levelEnd - s.levelFirst);
    // Resumed and stopped at once: the same level start, already saved, is not written again.
    const again: SearchSnapshot[] = [];
    const aborted = { aborted: true } as unknown as AbortSignal;
    run([witness], { signal: aborted }, (x) => again.push(x), false, s);
    expect(again).toHaveLength(0);
    const whole = run([witness], {});
    expect(untimed(run([witness], {}, () => undefined, false, s).result)).toEqual(untimed(whole.result));
  });

  it('refuses a snapshot of another search, naming the field', () => {
    const saved: SearchSnapshot[] = [];
    run([witness], { maxStates: 500 }, (s) => saved.push(s));
    const s = saved[0]!;
    expect(() => run([reaches(3)], {}, () => undefined, false, s)).toThrow(/propertyIds/);
    expect(() => run([witness], {}, () => undefined, false, { ...s, actionCount: 9 })).toThrow(SnapshotError);
    expect(() => run([witness], {}, () => undefined, false, { ...s, frontier: s.frontier.slice(1) })).toThrow(
      /frontier/,
    );
  });

  it('decoding names what is wrong: the magic, a header field, a damaged payload', () => {
    const saved: SearchSnapshot[] = [];
    run([witness], { maxStates: 500 }, (s) => saved.push(s));
    const parts = encodeCheckpoint(saved[0]!, null);
    const whole = Buffer.concat(parts);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{}'))).toThrow(/^format: not a checkpoint/);
    const damaged = Uint8Array.from(whole);
    damaged[damaged.length - 1]! ^= 1;
    expect(() => decodeCheckpoint(damaged)).toThrow(/^payload: its SHA-256/);
    expect(() => decodeCheckpoint(whole.subarray(0, whole.length - 3))).toThrow(/^payload: .* \(cut short\?\)/);
    const header = JSON.parse(Buffer.from(parts[2]!).toString()) as Record<string, unknown>;
    const bad = (h: Record<string, unknown>): Uint8Array => {
      const json = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(json.length);
      return Buffer.concat([parts[0]!, len, json, ...parts.slice(3)]);
    };
    expect(() => decodeCheckpoint(bad({ ...header, levelEnd: -1 }))).toThrow(/^header\.levelEnd: expected/);
    expect(() => decodeCheckpoint(bad({ ...header, found: [[{ parent: 1 }]] }))).toThrow(/^header\.found\[0\]\[0\]/);
    expect(decodeCheckpointHeader(whole).header.levelEnd).toBe(saved[0]!.levelEnd);
  });
});
