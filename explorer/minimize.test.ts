import { describe, expect, it } from 'vitest';
import { explore } from './bfs.js';
import type { ExplorableModel, Property } from './model.js';
import { checkLastStep, minimizeTrace } from './path.js';

/**
 * Three slots; `write(slot, value)` for values 0..3. Actions are numbered
 * with the *largest* value first, so BFS finds the least simple trace first.
 */
const SLOTS = 3;
const VALUES = 4;
const actionOf = (slot: number, value: number): number => slot * VALUES + (VALUES - 1 - value);
const slotOf = (a: number): number => Math.floor(a / VALUES);
const valueOf = (a: number): number => VALUES - 1 - (a % VALUES);

const slots: ExplorableModel<readonly number[]> = {
  actionCount: SLOTS * VALUES,
  initialStates: () => [[0, 0, 0]],
  step: (s, a) => ({ next: s.map((v, i) => (i === slotOf(a) ? valueOf(a) : v)) }),
  encode: (s) => Uint8Array.from(s),
  decode: (b) => Array.from(b),
  formatAction: (a) => `write slot=${slotOf(a)} value=${valueOf(a)}`,
  // Smaller values of the same slot, simplest first.
  simplerActions: (a) => Array.from({ length: valueOf(a) }, (_, v) => actionOf(slotOf(a), v)),
};

/** Violated when slots 0 and 1 are both non-zero and slot 1 >= slot 0. */
const ordered: Property<readonly number[]> = {
  id: 'ordered',
  kind: 'always',
  check: ({ after }) =>
    after[0]! !== 0 && after[1]! !== 0 && after[1]! >= after[0]! ? `slots ${after[0]}, ${after[1]}` : undefined,
};

describe('minimizeTrace', () => {
  it('makes every argument as simple as the violation allows, same length', () => {
    const raw = [actionOf(0, 3), actionOf(1, 3)];
    const m = minimizeTrace(slots, ordered, raw);
    expect(m).toEqual({
      trace: [actionOf(0, 1), actionOf(1, 1)],
      message: 'slots 1, 1',
      observed: undefined,
      changed: true,
    });
  });

  it('repeats passes to a fixpoint: a later simplification enables an earlier one', () => {
    // Violated when 0 < slot 0 <= slot 1 <= slot 0 + 1: each slot can only
    // come down one below the other, so it takes two passes to reach 1, 1.
    const close: Property<readonly number[]> = {
      id: 'close',
      kind: 'always',
      check: ({ after }) => {
        const [a, b] = [after[0]!, after[1]!];
        return a > 0 && b >= a && b <= a + 1 ? `slots ${a}, ${b}` : undefined;
      },
    };
    const m = minimizeTrace(slots, close, [actionOf(2, 3), actionOf(0, 3), actionOf(1, 3)]);
    expect(m?.trace).toEqual([actionOf(2, 0), actionOf(0, 1), actionOf(1, 1)]);
    expect(m?.message).toBe('slots 1, 1');
  });

  it('leaves an already minimal trace and refuses a trace that does not violate', () => {
    expect(minimizeTrace(slots, ordered, [actionOf(0, 1), actionOf(1, 1)])?.changed).toBe(false);
    expect(minimizeTrace(slots, ordered, [actionOf(0, 1)])).toBeUndefined();
    expect(minimizeTrace(slots, ordered, [])).toBeUndefined();
    const noSimpler = { ...slots };
    delete (noSimpler as { simplerActions?: unknown }).simplerActions;
    expect(minimizeTrace(noSimpler, ordered, [actionOf(0, 3), actionOf(1, 3)])?.changed).toBe(false);
  });

  it('stops after maxReplays, keeping the best trace so far', () => {
    const m = minimizeTrace(slots, ordered, [actionOf(0, 3), actionOf(1, 3)], 0, { maxReplays: 1 });
    // One replay: slot 0 -> value 0 (rejected); nothing accepted.
    expect(m?.trace).toEqual([actionOf(0, 3), actionOf(1, 3)]);
  });

  it('survives cyclic simplerActions', () => {
    const cyclic = { ...slots, simplerActions: (a: number) => [a ^ 1, a] };
    const m = minimizeTrace(cyclic, ordered, [actionOf(0, 3), actionOf(1, 3)]);
    expect(m && checkLastStep(cyclic, ordered, m.trace).fires).toBe(true);
  });
});

describe('explore minimizes its findings', () => {
  it('reports the minimized trace and keeps the original', () => {
    const r = explore(slots, [ordered]);
    expect(r.status).toBe('violated');
    const v = r.violations[0]!;
    expect(v.length).toBe(2);
    expect(v.unminimizedTrace).toEqual([actionOf(0, 3), actionOf(1, 3)]);
    expect(v.trace).toEqual([actionOf(0, 1), actionOf(1, 1)]);
    expect(v.message).toBe('slots 1, 1');
    const raw = explore(slots, [ordered], { minimize: false });
    expect(raw.violations[0]!.trace).toEqual([actionOf(0, 3), actionOf(1, 3)]);
    expect(raw.violations[0]!.unminimizedTrace).toBeUndefined();
  });
});

describe('minimizing is bounded by the run', () => {
  it('stops, keeping the trace as it is so far, once the time is up', () => {
    let looks = 0;
    const m = minimizeTrace(slots, ordered, [actionOf(0, 3), actionOf(1, 3)], 0, { outOfTime: () => ++looks > 0 });
    expect(m).toMatchObject({ trace: [actionOf(0, 3), actionOf(1, 3)], changed: false });
    expect(looks).toBe(1);
  });

  it('explore gives minimization only what is left of its time limit', () => {
    let now = 0;
    // The clock moves a second a look: the 500 ms limit is spent by the time the finding is minimized.
    const r = explore(slots, [ordered], { timeoutMs: 500, clock: () => (now += 1000) });
    expect(r.violations[0]?.trace).toEqual([actionOf(0, 3), actionOf(1, 3)]);
    expect(r.violations[0]?.unminimizedTrace).toBeUndefined();
    expect(explore(slots, [ordered]).violations[0]?.trace).toEqual([actionOf(0, 1), actionOf(1, 1)]);
  });
});
