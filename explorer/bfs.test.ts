import { describe, expect, it } from 'vitest';
import { explore } from './bfs.js';
import type { ExplorableModel, Property } from './model.js';
import { checkLastStep, replayTrace } from './path.js';
import type { ExploreEvent, ExploreResult } from './result.js';

// ---------------------------------------------------------------------------
// Fixture: two bounded counters. State [a, b]; action 0 increments a, 1 b.

function counters(limit: number): ExplorableModel<readonly [number, number]> {
  return {
    actionCount: 2,
    initialStates: () => [[0, 0]],
    step(s, action) {
      const [a, b] = s;
      if (action === 0) return a < limit ? { next: [a + 1, b] } : undefined;
      return b < limit ? { next: [a, b + 1] } : undefined;
    },
    encode: (s) => Uint8Array.of(s[0], s[1]),
    decode: (bytes) => [bytes[0]!, bytes[1]!],
    formatAction: (a) => (a === 0 ? 'inc a' : 'inc b'),
  };
}

const sumBelow = (k: number): Property<readonly [number, number]> => ({
  id: `sum-below-${k}`,
  kind: 'always',
  check: ({ after }) => (after[0] + after[1] >= k ? `a + b = ${after[0] + after[1]}` : undefined),
});

// ---------------------------------------------------------------------------
// Fixture: two-phase commit (the TLA+ TwoPhase spec, as in Stateright's
// examples), resource managers 0 .. rms-1.

type Rm = 'working' | 'prepared' | 'committed' | 'aborted';
interface TwoPhase {
  readonly rm: readonly Rm[];
  readonly tm: 'init' | 'committed' | 'aborted';
  readonly tmPrepared: readonly boolean[];
  /** Message set: prepared[rm], commit, abort. */
  readonly msgPrepared: readonly boolean[];
  readonly msgCommit: boolean;
  readonly msgAbort: boolean;
}
const RMS: readonly Rm[] = ['working', 'prepared', 'committed', 'aborted'];
const TMS = ['init', 'committed', 'aborted'] as const;

function twoPhase(rms: number): ExplorableModel<TwoPhase> {
  // Actions: 0 TmCommit, 1 TmAbort, then per rm: TmRcvPrepared, RmPrepare,
  // RmChooseToAbort, RmRcvCommit, RmRcvAbort.
  const set = <T>(xs: readonly T[], i: number, v: T): T[] => xs.map((x, j) => (j === i ? v : x));
  return {
    actionCount: 2 + 5 * rms,
    initialStates: () => [
      {
        rm: Array<Rm>(rms).fill('working'),
        tm: 'init',
        tmPrepared: Array<boolean>(rms).fill(false),
        msgPrepared: Array<boolean>(rms).fill(false),
        msgCommit: false,
        msgAbort: false,
      },
    ],
    step(s, action) {
      if (action === 0) {
        return s.tm === 'init' && s.tmPrepared.every((p) => p)
          ? { next: { ...s, tm: 'committed', msgCommit: true } }
          : undefined;
      }
      if (action === 1) return s.tm === 'init' ? { next: { ...s, tm: 'aborted', msgAbort: true } } : undefined;
      const r = Math.floor((action - 2) / 5);
      switch ((action - 2) % 5) {
        case 0:
          return s.tm === 'init' && s.msgPrepared[r]
            ? { next: { ...s, tmPrepared: set(s.tmPrepared, r, true) } }
            : undefined;
        case 1:
          return s.rm[r] === 'working'
            ? { next: { ...s, rm: set(s.rm, r, 'prepared'), msgPrepared: set(s.msgPrepared, r, true) } }
            : undefined;
        case 2:
          return s.rm[r] === 'working' ? { next: { ...s, rm: set(s.rm, r, 'aborted') } } : undefined;
        case 3:
          return s.msgCommit ? { next: { ...s, rm: set(s.rm, r, 'committed') } } : undefined;
        default:
          return s.msgAbort ? { next: { ...s, rm: set(s.rm, r, 'aborted') } } : undefined;
      }
    },
    encode: (s) =>
      Uint8Array.from([
        TMS.indexOf(s.tm),
        Number(s.msgCommit),
        Number(s.msgAbort),
        ...s.rm.map((x) => RMS.indexOf(x)),
        ...s.tmPrepared.map(Number),
        ...s.msgPrepared.map(Number),
      ]),
    decode: (b) => ({
      tm: TMS[b[0]!]!,
      msgCommit: b[1] === 1,
      msgAbort: b[2] === 1,
      rm: Array.from(b.subarray(3, 3 + rms), (x) => RMS[x]!),
      tmPrepared: Array.from(b.subarray(3 + rms, 3 + 2 * rms), (x) => x === 1),
      msgPrepared: Array.from(b.subarray(3 + 2 * rms, 3 + 3 * rms), (x) => x === 1),
    }),
    formatAction: (a) => {
      if (a < 2) return a === 0 ? 'tm commit' : 'tm abort';
      const rm = ['tm rcv prepared', 'rm prepare', 'rm choose abort', 'rm rcv commit', 'rm rcv abort'];
      return `${rm[(a - 2) % 5]} ${Math.floor((a - 2) / 5)}`;
    },
  };
}

const consistent: Property<TwoPhase> = {
  id: 'consistent',
  kind: 'always',
  check: ({ after }) =>
    after.rm.includes('committed') && after.rm.includes('aborted') ? 'one rm committed, another aborted' : undefined,
};
const commitHappens: Property<TwoPhase> = {
  id: 'commit-happens',
  kind: 'sometimes',
  check: ({ after }) => (after.rm.every((r) => r === 'committed') ? 'every rm committed' : undefined),
};

// ---------------------------------------------------------------------------
// Fixture: a counter with +1 and +3; reaching exactly 15 is the violation.
// Depth-first in action order would find 15 steps of +1; the shortest is 5.

const jumps: ExplorableModel<number> = {
  actionCount: 2,
  initialStates: () => [0],
  step: (x, a) => {
    const next = x + (a === 0 ? 1 : 3);
    return next <= 20 ? { next } : undefined;
  },
  encode: (x) => Uint8Array.of(x),
  decode: (b) => b[0]!,
  formatAction: (a) => (a === 0 ? '+1' : '+3'),
  simplerActions: (a) => (a === 1 ? [0] : []),
};
const notFifteen: Property<number> = {
  id: 'not-15',
  kind: 'always',
  check: ({ after }) => (after === 15 ? 'reached 15' : undefined),
};

/** The result without its time-dependent statistic. */
/** x cycles 0 -> 1 -> 2 -> 0. */
const cycle: ExplorableModel<number> = {
  actionCount: 1,
  initialStates: () => [0],
  step: (x) => ({ next: (x + 1) % 3 }),
  encode: (x) => Uint8Array.of(x),
  decode: (b) => b[0]!,
  formatAction: () => 'tick',
};

function timeless<O>(r: ExploreResult<O>): unknown {
  return { ...r, statistics: { ...r.statistics, elapsedMs: 0 } };
}

describe('explore', () => {
  it('counts the states of two counters exhaustively', () => {
    const r = explore(counters(9), []);
    expect(r.status).toBe('holds');
    expect(r.complete).toBe(true);
    expect(r.reason).toBe('state-space-exhausted');
    expect(r.statistics.statesDistinct).toBe(100);
    expect(r.statistics.transitions).toBe(2 * 9 * 10);
    // The deepest state is 18 steps away; the 19th level finds nothing new.
    expect(r.statistics.depthExplored).toBe(19);
    expect(r.statistics.memoryBytes).toBeGreaterThan(0);
  });

  it('stops at the depth bound: depthExplored counts steps', () => {
    const r = explore(counters(9), [], { maxDepth: 3 });
    expect(r.status).toBe('holds');
    expect(r.reason).toBe('depth-bound');
    expect(r.statistics.depthExplored).toBe(3);
    // Depths 0..3 of the grid: 1 + 2 + 3 + 4 states; transitions from depths 0..2.
    expect(r.statistics.statesDistinct).toBe(10);
    expect(r.statistics.transitions).toBe(2 + 4 + 6);
    const zero = explore(counters(9), [], { maxDepth: 0 });
    expect(zero.statistics).toMatchObject({ statesDistinct: 1, transitions: 0, depthExplored: 0 });
    expect(zero.reason).toBe('depth-bound');
  });

  it('pins two-phase commit: 288 states for 3 rms, 8832 for 5 (as TLC and Stateright)', () => {
    const r3 = explore(twoPhase(3), [consistent]);
    expect(r3.status).toBe('holds');
    expect(r3.statistics.statesDistinct).toBe(288);
    const r5 = explore(twoPhase(5), [consistent]);
    expect(r5.status).toBe('holds');
    expect(r5.statistics.statesDistinct).toBe(8832);
  });

  it('finds the shortest witness and stops when every property is decided', () => {
    const model = twoPhase(3);
    const r = explore(model, [consistent, commitHappens]);
    expect(r.status).toBe('holds');
    expect(r.witnessesMissing).toEqual(['consistent'].filter(() => false));
    const w = r.violations[0]!;
    expect(w.propertyId).toBe('commit-happens');
    expect(w.kind).toBe('sometimes');
    // 3 prepares, 3 tm-receives, tm commit, 3 rm receives.
    expect(w.length).toBe(10);
    expect(checkLastStep(model, commitHappens, w.trace, w.initialIndex)).toMatchObject({ fires: true });
    // `consistent` never fails, so the search runs to exhaustion.
    expect(r.reason).toBe('state-space-exhausted');
    const only = explore(model, [commitHappens]);
    expect(only.reason).toBe('all-properties-decided');
    expect(only.complete).toBe(true);
    expect(only.statistics.statesDistinct).toBeLessThan(288);
  });

  it('reports a missing witness', () => {
    const never: Property<TwoPhase> = { id: 'never', kind: 'sometimes', check: () => undefined };
    const r = explore(twoPhase(2), [never, consistent]);
    expect(r.status).toBe('holds');
    expect(r.witnessesMissing).toEqual(['never']);
    expect(r.violations).toEqual([]);
  });

  it('gives the shortest trace, not the first in action order', () => {
    const r = explore(jumps, [notFifteen]);
    expect(r.status).toBe('violated');
    expect(r.complete).toBe(true);
    expect(r.reason).toBe('all-properties-decided');
    const v = r.violations[0]!;
    expect(v).toMatchObject({
      propertyId: 'not-15',
      kind: 'always',
      length: 5,
      message: 'reached 15',
      initialIndex: 0,
    });
    expect(v.trace).toEqual([1, 1, 1, 1, 1]);
    expect(v.unminimizedTrace).toBeUndefined();
    const replay = replayTrace(jumps, v.trace);
    expect(replay.ok && replay.final).toBe(15);
    // A violation at depth 5 needs 5 levels of expansion, no more.
    expect(r.statistics.depthExplored).toBe(4);
  });

  it('judges steps into states already visited', () => {
    // Only the step 2 -> 0 (back to a visited state) is bad.
    const noWrap: Property<number> = {
      id: 'no-wrap',
      kind: 'always',
      check: ({ before, after }) => (after < before ? 'wrapped' : undefined),
    };
    const r = explore(cycle, [noWrap]);
    expect(r.status).toBe('violated');
    expect(r.violations[0]).toMatchObject({ length: 3, trace: [0, 0, 0] });
  });

  it('judges a property that judges states once per state, and finds the same shortest trace', () => {
    let checks = 0;
    const below = (judges?: 'state'): Property<readonly [number, number]> => ({
      ...sumBelow(9),
      ...(judges ? { judges } : {}),
      check: (view) => {
        checks++;
        return sumBelow(9).check(view);
      },
    });
    const every = explore(counters(6), [below()]);
    const everyChecks = checks;
    checks = 0;
    const once = explore(counters(6), [below('state')]);
    expect(timeless(once)).toEqual(timeless(every));
    expect(once.violations[0]).toMatchObject({ length: 9 });
    // One check per state reached (the initial state is reached by no step), where every step was checked before.
    expect(checks).toBe(once.statistics.statesDistinct - 1);
    expect(everyChecks).toBe(every.statistics.transitions);
    expect(checks).toBeLessThan(everyChecks);
    checks = 0;
    const all = explore(counters(6), [below('state')], { allViolations: true });
    expect(timeless(all)).toEqual(timeless(explore(counters(6), [below()], { allViolations: true })));
  });

  it('judges a step into an initial state even for a property that judges states', () => {
    // The initial state 0 is the bad one: the third step reaches it.
    const notZero: Property<number> = {
      id: 'not-zero',
      kind: 'always',
      judges: 'state',
      check: ({ after }) => (after === 0 ? 'zero' : undefined),
    };
    expect(explore(cycle, [notZero]).violations[0]).toMatchObject({ length: 3, trace: [0, 0, 0] });
  });

  it('reports the shortest violations in property order, whatever order they were found in', () => {
    const r = explore(counters(9), [sumBelow(6), sumBelow(2)]);
    expect(r.status).toBe('violated');
    expect(r.violations.map((v) => [v.propertyId, v.length])).toEqual([
      ['sum-below-6', 6],
      ['sum-below-2', 2],
    ]);
    // First in BFS order: all `inc a` first at each level.
    expect(r.violations[1]!.trace).toEqual([0, 0]);
    expect(r.violations[0]!.trace).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('passes depth, action and observation to the property', () => {
    const seen: Array<[number, number]> = [];
    const spy: Property<readonly [number, number]> = {
      id: 'spy',
      kind: 'always',
      check: (v) => {
        seen.push([v.depth, v.action]);
        expect(v.observed).toBeUndefined();
        return undefined;
      },
    };
    explore(counters(1), [spy]);
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('records a throwing property once, keeps checking the others, never crashes', () => {
    let calls = 0;
    const throws: Property<readonly [number, number]> = {
      id: 'throws',
      kind: 'always',
      check: ({ after }) => {
        calls++;
        if (after[0] === 2) throw new Error('cannot judge a = 2');
        return undefined;
      },
    };
    const r = explore(counters(4), [throws, sumBelow(7)]);
    expect(r.status).toBe('violated');
    expect(r.propertyErrors).toEqual([
      { propertyId: 'throws', message: 'cannot judge a = 2', trace: [0, 0], initialIndex: 0 },
    ]);
    expect(r.violations.map((v) => v.propertyId)).toEqual(['sum-below-7']);
    // Steps judged before (and including) the throw: 2 at depth 0, the 1st one at depth 1.
    expect(calls).toBe(3);
    const alone = explore(counters(4), [throws]);
    expect(alone.status).toBe('holds');
    expect(alone.reason).toBe('state-space-exhausted');
    expect(alone.statistics.statesDistinct).toBe(25);
    expect(alone.propertyErrors).toHaveLength(1);
    const nonError: Property<number> = {
      id: 'odd-throw',
      kind: 'sometimes',
      check: () => {
        throw 'a string';
      },
    };
    const s = explore(jumps, [nonError]);
    expect(s.propertyErrors[0]).toMatchObject({ message: 'a string', trace: [0] });
    expect(s.witnessesMissing).toEqual([]);
  });

  it('is deterministic', () => {
    const a = explore(twoPhase(3), [consistent, commitHappens]);
    const b = explore(twoPhase(3), [consistent, commitHappens]);
    expect(JSON.stringify(timeless(a))).toBe(JSON.stringify(timeless(b)));
    const c = explore(counters(30), [sumBelow(40)], { maxStates: 200 });
    const d = explore(counters(30), [sumBelow(40)], { maxStates: 200 });
    expect(JSON.stringify(timeless(c))).toBe(JSON.stringify(timeless(d)));
  });

  it('deduplicates initial states and starts traces from the right one', () => {
    const model: ExplorableModel<number> = {
      ...jumps,
      initialStates: () => [0, 0, 2],
    };
    const r = explore(model, [notFifteen]);
    expect(explore(model, []).statistics.statesDistinct).toBe(21);
    // From 2: +1 then four +3 is 5 steps, as from 0; from 0 comes first.
    expect(r.violations[0]).toMatchObject({ initialIndex: 0, length: 5 });
    const fromTwo = explore({ ...jumps, initialStates: () => [1, 3] }, [notFifteen]);
    // From 3: four +3.
    expect(fromTwo.violations[0]).toMatchObject({ initialIndex: 1, trace: [1, 1, 1, 1] });
  });

  it('rejects bad options and duplicate property ids', () => {
    expect(() => explore(jumps, [], { maxDepth: -1 })).toThrow(RangeError);
    expect(() => explore(jumps, [], { maxStates: 0 })).toThrow(RangeError);
    expect(() => explore(jumps, [notFifteen, notFifteen])).toThrow(/two properties/);
  });

  it('flags a nondeterministic model whose trace does not replay', () => {
    let run = 0;
    const flaky: ExplorableModel<number> = {
      ...jumps,
      // The second call (the replay) starts elsewhere.
      initialStates: () => [run++ === 0 ? 0 : 1],
    };
    const r = explore(flaky, [notFifteen]);
    expect(r.violations[0]!.replayError).toMatch(/not deterministic|not enabled/);
  });
});

describe('fingerprint prefix', () => {
  // A counter mod 4 plus a byte counting steps taken: the counter rides along.
  const withCost = (prefix: boolean): ExplorableModel<{ x: number; cost: number }> => ({
    actionCount: 1,
    initialStates: () => [{ x: 0, cost: 0 }],
    step: (s) => ({ next: { x: (s.x + 1) % 4, cost: s.cost + 1 } }),
    encode: (s) => Uint8Array.of(s.x, s.cost),
    decode: (b) => ({ x: b[0]!, cost: b[1]! }),
    formatAction: () => 'tick',
    ...(prefix ? { fingerprintBytes: () => 1 } : {}),
  });

  it('identifies states by the prefix only, and decodes the whole encoding', () => {
    const costs: number[] = [];
    const spy: Property<{ x: number; cost: number }> = {
      id: 'spy',
      kind: 'always',
      check: ({ before }) => {
        costs.push(before.cost);
        return undefined;
      },
    };
    const r = explore(withCost(true), [spy], { maxDepth: 10 });
    expect(r.statistics.statesDistinct).toBe(4);
    expect(r.reason).toBe('state-space-exhausted');
    expect(costs).toEqual([0, 1, 2, 3]);
    const all = explore(withCost(false), [], { maxDepth: 10 });
    expect(all.statistics.statesDistinct).toBe(11);
    expect(all.reason).toBe('depth-bound');
  });
});

describe('limits', () => {
  it('maxStates stops with incomplete, the reason and depthExplored', () => {
    const r = explore(counters(99), [sumBelow(1000)], { maxStates: 50 });
    expect(r.status).toBe('incomplete');
    expect(r.complete).toBe(false);
    expect(r.reason).toBe('max-states');
    expect(r.statistics.statesDistinct).toBe(50);
    // Levels 0..8 hold 45 states; the 51st state is on level 9, found while expanding level 8.
    expect(r.statistics.depthExplored).toBe(8);
    expect(r.witnessesMissing).toEqual([]);
  });

  it('a space of exactly maxStates states completes', () => {
    const r = explore(counters(9), [], { maxStates: 100 });
    expect(r.status).toBe('holds');
    expect(r.statistics.statesDistinct).toBe(100);
    const tight = explore(counters(9), [], { maxStates: 99 });
    expect(tight.status).toBe('incomplete');
  });

  it('keeps a violation found before a limit stops the search', () => {
    const r = explore(counters(99), [sumBelow(3), sumBelow(1000)], { maxStates: 50 });
    expect(r.status).toBe('violated');
    expect(r.complete).toBe(false);
    expect(r.reason).toBe('max-states');
    expect(r.violations[0]).toMatchObject({ propertyId: 'sum-below-3', length: 3 });
  });

  it('timeout (with an injected clock) stops cleanly', () => {
    let now = 0;
    const clock = (): number => (now += 1);
    const r = explore(counters(250), [], { timeoutMs: 5, clock });
    expect(r.status).toBe('incomplete');
    expect(r.reason).toBe('timeout');
    // The clock is read at the start and once every 4096 steps: the 5th read stops it.
    expect(r.statistics.transitions).toBeLessThan(5 * 4096);
    expect(r.statistics.depthExplored).toBeGreaterThan(0);
    expect(r.statistics.depthExplored).toBeLessThan(500);
    const again = explore(counters(250), [], {
      timeoutMs: 5,
      clock: (
        (n = 0) =>
        () =>
          (n += 1)
      )(),
    });
    expect(timeless(again)).toEqual(timeless(r));
  });

  it('an aborted signal stops before the start, or at the next poll', () => {
    const before = new AbortController();
    before.abort();
    const r = explore(counters(9), [sumBelow(3)], { signal: before.signal });
    expect(r).toMatchObject({ status: 'incomplete', reason: 'aborted', complete: false });
    expect(r.statistics).toMatchObject({ statesDistinct: 0, transitions: 0, depthExplored: 0 });

    const during = new AbortController();
    const events: ExploreEvent[] = [];
    const s = explore(counters(250), [], {
      signal: during.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'level' && e.depth === 100) during.abort();
      },
    });
    expect(s).toMatchObject({ status: 'incomplete', reason: 'aborted' });
    expect(s.statistics.depthExplored).toBeGreaterThanOrEqual(100);
    // Polls come every 4096 steps; levels near depth 100 take ~200 steps each.
    expect(s.statistics.depthExplored).toBeLessThan(100 + 4096 / 200 + 2);
    expect(events.filter((e) => e.type === 'level').length).toBe(s.statistics.depthExplored);
  });
});

describe('events', () => {
  it('reports levels, violations and (with a clock) progress', () => {
    let now = 0;
    const events: ExploreEvent[] = [];
    const r = explore(counters(99), [sumBelow(5)], {
      clock: () => (now += 1000),
      progressIntervalMs: 1500,
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe('violated');
    const violation = events.find((e) => e.type === 'violation');
    expect(violation).toEqual({ type: 'violation', propertyId: 'sum-below-5', kind: 'always', length: 5 });
    const levels = events.filter((e) => e.type === 'level');
    expect(levels.map((e) => e.depth)).toEqual([1, 2, 3, 4]);
    expect(levels[0]).toMatchObject({ statesDistinct: 3, transitions: 2, queue: 2 });

    now = 0;
    const progress: ExploreEvent[] = [];
    explore(counters(99), [], {
      clock: () => (now += 1000),
      progressIntervalMs: 1500,
      onEvent: (e) => {
        if (e.type === 'progress') progress.push(e);
      },
    });
    expect(progress.length).toBeGreaterThan(0);
    const p = progress[0]!;
    expect(p.type === 'progress' && p.statesPerSecond > 0 && p.transitionsPerSecond > 0).toBe(true);
    expect(p).toMatchObject({
      transitions: expect.any(Number),
      queue: expect.any(Number),
      memoryBytes: expect.any(Number),
    });
  });
});

describe('visitors', () => {
  it('see every step taken, transitions to known states included, and never keep the search going', () => {
    const seen: string[] = [];
    const r = explore(counters(2), [], {
      visitors: [{ visit: ({ before, after }) => seen.push(`${before}>${after}`) }],
    });
    expect(r.reason).toBe('state-space-exhausted');
    expect(seen).toHaveLength(r.statistics.transitions);
    expect(seen.filter((s) => s === '1,0>1,1')).toHaveLength(1);
    expect(seen.filter((s) => s === '0,1>1,1')).toHaveLength(1);

    let visits = 0;
    const decided = explore(counters(9), [sumBelow(2)], { visitors: [{ visit: () => visits++ }] });
    expect(decided.reason).toBe('all-properties-decided');
    expect(visits).toBe(decided.statistics.transitions);
    expect(decided.statistics.statesDistinct).toBeLessThan(100);
  });
});

describe('the model contract', () => {
  const bytes: ExplorableModel<Uint8Array> = {
    actionCount: 1,
    initialStates: () => [Uint8Array.of(0)],
    step: (s) => (s[0]! < 5 ? { next: Uint8Array.of(s[0]! + 1) } : undefined),
  };

  it('needs only initial states, actions and step when states are their own bytes', () => {
    const r = explore(bytes, [
      { id: 'five', kind: 'sometimes', check: ({ after }) => (after[0] === 5 ? '5' : undefined) },
    ]);
    expect(r.statistics.statesDistinct).toBe(6);
    expect(r.violations.map((v) => v.length)).toEqual([5]);
    const replay = replayTrace(bytes, r.violations[0]!.trace);
    expect(replay.ok && replay.steps.map((s) => s.description)).toEqual(Array(5).fill('action #0'));
  });

  it('refuses states that are not bytes without encode(), and encode() without decode()', () => {
    const numbers: ExplorableModel<number> = { actionCount: 0, initialStates: () => [0], step: () => undefined };
    expect(() => explore(numbers, [])).toThrow(/without encode\(\) must have Uint8Array states/);
    expect(() => explore({ ...bytes, encode: (s) => s }, [])).toThrow(/both encode\(\) and decode\(\), or neither/);
  });
});

describe('explore with a symmetry key', () => {
  // The two counters are interchangeable: [a, b] and [b, a] are one class.
  const symmetric = (limit: number): ExplorableModel<readonly [number, number]> => ({
    ...counters(limit),
    symmetryKey: (bytes) => Uint8Array.of(Math.min(bytes[0]!, bytes[1]!), Math.max(bytes[0]!, bytes[1]!)),
  });
  const bothAt = (k: number): Property<readonly [number, number]> => ({
    id: `both-at-${k}`,
    kind: 'always',
    check: ({ after }) => (after[0] >= k && after[1] >= k ? `a = ${after[0]}, b = ${after[1]}` : undefined),
  });

  it('visits one state per class', () => {
    const full = explore(counters(3), []);
    const reduced = explore(symmetric(3), []);
    expect(full.statistics.statesDistinct).toBe(16);
    // Unordered pairs from 0..3: 4 * 5 / 2.
    expect(reduced.statistics.statesDistinct).toBe(10);
  });

  it('keeps the shortest violation, with a trace that replays as it is', () => {
    const full = explore(counters(3), [bothAt(2)]);
    const reduced = explore(symmetric(3), [bothAt(2)]);
    expect(reduced.violations[0]!.length).toBe(full.violations[0]!.length);
    expect(reduced.violations[0]!.replayError).toBeUndefined();
    const replay = replayTrace(symmetric(3), reduced.violations[0]!.trace, 0);
    expect(replay.ok).toBe(true);
    if (replay.ok) expect(replay.steps.at(-1)!.after).toEqual([2, 2]);
  });
});
