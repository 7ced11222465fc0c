import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario, type Scenario } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';
import { canonicalize } from './canonical.js';
import type { State } from './state.js';
import { interchangeableValues, permuteValues, ValueSymmetry, valueOffsets } from './value-symmetry.js';

const BOUNDS = { pages: 2, cells: 2, values: 3, slots: 2, folioPages: 2, userPages: 1, depth: 3 };

function scenario(extra: object = {}, bounds: object = BOUNDS): Scenario {
  return parseScenario({ kernel: 'linux', bounds, ...extra }, 'test');
}

/** The identity bytes of `s` as text (for sets and maps). */
function identity(model: ScenarioModel, s: Uint8Array): string {
  return Buffer.from(s.subarray(0, model.L.identityBytes)).toString('hex');
}

/** The state after taking, from the initial state, each action of `choices` that is enabled. */
function walkFrom(model: ScenarioModel, choices: readonly number[]): State {
  let s = model.initialStates()[0]!;
  for (const c of choices) s = model.step(s, c % model.actionCount)?.next ?? s;
  return s;
}

/** Every permutation of `xs`. */
function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function mapping(from: readonly number[], to: readonly number[]): Map<number, number> {
  return new Map(from.map((v, i) => [v, to[i]!]));
}

describe('interchangeableValues', () => {
  it('is 1..V when no step names a value (initial contents do not count)', () => {
    expect(interchangeableValues(scenario({ initial: { file: [3, 1, 2] } }))).toEqual([1, 2, 3]);
  });

  it('leaves out the values that process steps write', () => {
    const sc = scenario({
      processes: [
        {
          name: 'a',
          program: [
            { op: 'write', off: 0, len: 1, value: 2 },
            { op: 'splice', off: 0, len: 1 },
          ],
        },
        { name: 'b', program: [{ op: 'user-store', page: 0, cell: 0, value: 3 }] },
      ],
    });
    expect(interchangeableValues(sc)).toEqual([1]);
  });

  it('leaves out the smaller side of an environment constraint on a value', () => {
    const values4 = { ...BOUNDS, values: 4 };
    const one = scenario({ environment: { ops: [{ op: 'write', value: 1 }, 'splice', 'pipe-read'] } }, values4);
    expect(interchangeableValues(one)).toEqual([2, 3, 4]);
    const most = scenario({ environment: { ops: [{ op: 'mmap-store', value: { min: 2 } }, 'splice'] } }, values4);
    expect(interchangeableValues(most)).toEqual([2, 3, 4]);
    const offOnly = scenario({ environment: { ops: [{ op: 'write', off: 0 }, 'splice'] } }, values4);
    expect(interchangeableValues(offOnly)).toEqual([1, 2, 3, 4]);
  });
});

describe('the value-symmetry key', () => {
  const model = new ScenarioModel(scenario({ initial: { file: [1, 2, 3, 1], user: [[2, 0]] } }));
  const values = interchangeableValues(model.scenario);
  const sym = new ValueSymmetry(model.L, values);
  const walks = fc.array(fc.nat(), { maxLength: 12 });
  const perms = fc.shuffledSubarray(values, { minLength: values.length, maxLength: values.length });

  it('reads every cell-value byte of the layout once, and no other', () => {
    const offsets = [...valueOffsets(model.L)];
    const L = model.L;
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.length).toBe(2 * L.P * L.C + 2 * L.S * L.C + L.NF * L.F * L.C);
    expect(offsets.every((o) => o < L.identityBytes)).toBe(true);
  });

  it('is the same for a reachable state and any relabelling of its interchangeable values', () => {
    fc.assert(
      fc.property(walks, perms, (choices, perm) => {
        const s = walkFrom(model, choices);
        const permuted = permuteValues(model.L, s, mapping(values, perm));
        // A relabelling moves no folio reference: the permuted state is still canonical.
        expect(identity(model, canonicalize(model.L, Uint8Array.from(permuted)))).toBe(identity(model, permuted));
        const a = identity(model, sym.key(s));
        expect(identity(model, sym.key(permuted))).toBe(a);
      }),
      { numRuns: 300 },
    );
  });

  it('relabels in order of first appearance, leaves 0 and the non-interchangeable values alone', () => {
    const fixed = new ScenarioModel(
      scenario({ processes: [{ name: 'p', program: [{ op: 'write', off: 0, len: 1, value: 2 }] }] }),
    );
    const free = interchangeableValues(fixed.scenario);
    expect(free).toEqual([1, 3]);
    const key = new ValueSymmetry(fixed.L, free);
    fc.assert(
      fc.property(walks, (choices) => {
        const s = walkFrom(fixed, choices);
        const k = key.key(s);
        const seen: number[] = [];
        for (const o of valueOffsets(fixed.L)) {
          if (s[o] === 0 || s[o] === 2) expect(k[o]).toBe(s[o]);
          else if (!seen.includes(k[o]!)) seen.push(k[o]!);
        }
        expect(seen).toEqual(free.slice(0, seen.length));
      }),
      { numRuns: 200 },
    );
  });

  it('allocates no new key per call: the state itself when it represents its class, else one scratch buffer', () => {
    const s = model.initialStates()[0]!;
    // The initial file holds 1 2 3 1: the values in order of first appearance already, so nothing is relabelled.
    expect(sym.key(s)).toBe(s);
    // With 1 and 3 swapped (3 2 1 3) the key relabels, into the one scratch buffer.
    const swapped = permuteValues(model.L, s, mapping([1, 3], [3, 1]));
    const other = permuteValues(model.L, s, mapping([1, 2], [2, 1]));
    expect(sym.key(swapped)).toBe(sym.key(other));
    expect(sym.key(swapped)).not.toBe(swapped);
    expect(identity(model, sym.key(swapped))).toBe(identity(model, s));
  });

  it('is equal only for states related by a relabelling (every state within 3 steps)', () => {
    // Every reachable state, breadth first, without the symmetry.
    const seen = new Map<string, State>();
    let layer = [...model.initialStates()];
    for (const s of layer) seen.set(identity(model, s), s);
    for (let d = 0; d < 3; d++) {
      const next: State[] = [];
      for (const s of layer) {
        for (let a = 0; a < model.actionCount; a++) {
          const t = model.step(s, a)?.next;
          if (t === undefined || seen.has(identity(model, t))) continue;
          seen.set(identity(model, t), t);
          next.push(t);
        }
      }
      layer = next;
    }
    const classes = new Map<string, State[]>();
    for (const s of seen.values()) {
      const k = identity(model, sym.key(s));
      classes.set(k, [...(classes.get(k) ?? []), s]);
    }
    const relabellings = permutations(values).map((p) => mapping(values, p));
    let merged = 0;
    for (const members of classes.values()) {
      const [first, ...rest] = members;
      for (const s of rest) {
        const target = identity(model, s);
        const related = relabellings.some((m) => identity(model, permuteValues(model.L, first!, m)) === target);
        expect(related).toBe(true);
        merged++;
      }
    }
    // The reduction does something here: some classes hold more than one state.
    expect(merged).toBeGreaterThan(0);
    expect(classes.size).toBeLessThan(seen.size);
  });
});
