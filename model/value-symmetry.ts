/**
 * Symmetry over data values: the values 1..V that no scenario step names are
 * interchangeable labels (nothing in the model compares a cell with anything
 * but another cell or 0), so two states that differ only by a permutation of
 * them behave alike. The class key of a state is its canonical bytes (folios
 * already renumbered by model/canonical.ts, whose numbering reads folio
 * references only, never a cell) with the interchangeable values relabelled
 * in order of first appearance over every cell-value byte: the first seen
 * becomes the smallest interchangeable value, the next the second, and so on.
 *
 * Sound when every action maps to an action under the permutation (the free
 * environment enumerates every value its constraints admit; a value a process
 * step or a constraint names is excluded, so it stays fixed) and every
 * property judges the states of a class alike (checker/explore.ts decides).
 * The initial state need not be symmetric: the explorer keeps the first
 * concrete state of each class, and a permuted path from it is a path of the
 * same length to a permuted state (so shortest lengths are kept).
 *
 * @public
 */
import { OPERATIONS } from './ops/index.js';
import { dataValue } from './ops/args.js';
import { admitsValue } from './env-constraints.js';
import type { Scenario } from './scenario.js';
import type { Step } from './step.js';
import { FOLIO_FIELD, type Layout, type State } from './state.js';

/** The names of an operation's data-value arguments (`value` of write, append, mmap-store, ...). */
function valueArgs(op: Step['op']): string[] {
  const kinds = OPERATIONS[op].args as Readonly<Record<string, unknown>>;
  return Object.keys(kinds).filter((k) => kinds[k] === dataValue);
}

/**
 * The values 1..V that `scenario` makes fixed: every value a process's step
 * writes, and for an environment constraint on a value argument the values
 * it admits or those it does not (whichever is fewer: a permutation of the
 * rest keeps the admitted set as it is).
 */
export function namedValues(scenario: Scenario): Set<number> {
  const V = scenario.bounds.values;
  const named = new Set<number>();
  for (const p of scenario.processes) {
    for (const step of p.program) {
      const args = step as unknown as Readonly<Record<string, unknown>>;
      for (const k of valueArgs(step.op)) if (typeof args[k] === 'number') named.add(args[k]);
    }
  }
  for (const op of scenario.environment) {
    const constraints = scenario.environmentArgs[op] ?? {};
    for (const k of valueArgs(op)) {
      const c = constraints[k];
      if (c === undefined) continue;
      const all = Array.from({ length: V }, (_, i) => i + 1);
      const admitted = all.filter((v) => admitsValue(c, v));
      const refused = all.filter((v) => !admitsValue(c, v));
      for (const v of admitted.length <= refused.length ? admitted : refused) named.add(v);
    }
  }
  return named;
}

/** The interchangeable values of `scenario`, ascending: 1..V minus the named ones (0 never is). */
export function interchangeableValues(scenario: Scenario): number[] {
  const named = namedValues(scenario);
  return Array.from({ length: scenario.bounds.values }, (_, i) => i + 1).filter((v) => !named.has(v));
}

/**
 * Byte offsets of every cell value in a state of layout `L`, in the order the
 * key reads them: disk, the logical (ghost) file, the ghost cells of each
 * pipe slot, then the cells of each folio record.
 */
export function valueOffsets(L: Layout): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < L.P * L.C; i++) out.push(L.oDisk + i);
  for (let i = 0; i < L.P * L.C; i++) out.push(L.oLogical + i);
  for (let pipe = 0; pipe < L.queues; pipe++)
    for (let slot = 0; slot < L.S; slot++)
      for (let i = 0; i < L.slotCells; i++) out.push(L.slotGhostBase(pipe, slot) + i);
  for (let f = 0; f < L.NF; f++) for (let i = 0; i < L.F * L.C; i++) out.push(L.folioBase(f) + FOLIO_FIELD.cells + i);
  return Uint32Array.from(out);
}

/** The class key of states of one layout under a permutation of `values`. */
export class ValueSymmetry {
  readonly values: readonly number[];
  private readonly offsets: Uint32Array;
  /** The key's bytes: reused by every call (the explorer fingerprints it before the next). */
  private readonly scratch: Uint8Array;
  /** Per byte value: 1 when interchangeable. */
  private readonly free = new Uint8Array(256);
  /** Per interchangeable value: its new label, 0 while unseen in this call. */
  private readonly label = new Uint8Array(256);

  constructor(
    private readonly L: Layout,
    values: readonly number[],
  ) {
    this.values = [...values].sort((a, b) => a - b);
    for (const v of this.values) {
      if (!Number.isInteger(v) || v < 1 || v > 255) throw new RangeError(`value symmetry: ${v} is not a value 1..255`);
      this.free[v] = 1;
    }
    this.offsets = valueOffsets(L);
    this.scratch = new Uint8Array(L.identityBytes);
  }

  /**
   * The key of `s`: its identity bytes with the interchangeable values
   * relabelled; `s` itself when that relabelling changes nothing (its
   * identity bytes are then the key: ExplorableModel.symmetryKey). Allocates
   * nothing.
   */
  key(s: State): Uint8Array {
    const { offsets, free, label, values } = this;
    for (let k = 0; k < values.length; k++) label[values[k]!] = 0;
    // The labels, in order of first appearance; most states already use the values in that order.
    let next = 0;
    let moved = false;
    for (let k = 0; k < offsets.length; k++) {
      const v = s[offsets[k]!]!;
      if (free[v] === 0 || label[v] !== 0) continue;
      const l = (label[v] = values[next++]!);
      if (l !== v) moved = true;
    }
    if (!moved) return s;
    const out = this.scratch;
    const n = this.L.identityBytes;
    for (let i = 0; i < n; i++) out[i] = s[i]!;
    for (let k = 0; k < offsets.length; k++) {
      const o = offsets[k]!;
      const v = s[o]!;
      if (free[v] !== 0) out[o] = label[v]!;
    }
    return out;
  }
}

/** Apply the permutation `perm` (value -> value; missing: fixed) to every cell value of a copy of `s`. */
export function permuteValues(L: Layout, s: State, perm: ReadonlyMap<number, number>): State {
  const out = Uint8Array.from(s);
  for (const o of valueOffsets(L)) out[o] = perm.get(s[o]!) ?? s[o]!;
  return out;
}
