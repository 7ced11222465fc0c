/**
 * The invariant plugin API: `defineInvariant({ id, description, check })`.
 * `check` sees one step (the state before, the step taken, the state after,
 * what a reader observed) and returns a violation message, or nothing. An
 * invariant that needs the past keeps a history (`history: { initial, next }`):
 * a fold over the trace, part of the state like a TLA+ history variable, which
 * `check` reads and never changes.
 *
 * @public
 */
import type { ReadObservation } from '../model/pipe.js';
import type { TraceStep } from '../model/scenario-model.js';
import type { StateView } from '../model/view.js';

/**
 * A state as an invariant sees it: typed and read-only. (The checker's own
 * invariants read the state's bytes; its byte layout is not public API.)
 */
export interface StateReader {
  /** The whole state, readable: file, disk, page cache, folios, pipes, user pages, cost (allocates). */
  view(): StateView;
  /** File size in cells. */
  size(): number;
  /** The file as read() returns it. */
  file(): number[];
}

/** One step, as `check` sees it. */
export interface InvariantStep<H = unknown> {
  readonly before: StateReader;
  readonly after: StateReader;
  /** The step taken, with the process that took it ('env' for the free environment). */
  readonly step: TraceStep;
  /** What a pipe read let the reader see (pipe-read steps only). */
  readonly observed?: ReadObservation | undefined;
  /** Steps taken before this one. */
  readonly depth: number;
  /** The invariant's history after this step (invariants with `history` only). */
  readonly history?: H;
  /** Its history before this step. */
  readonly historyBefore?: H;
}

/** A step as a history's `next` sees it (the depth is not part of a state: count steps in the history). */
export type HistoryStep = Omit<InvariantStep, 'depth' | 'history' | 'historyBefore'>;

/** A history: a JSON value folded over the trace, step by step. */
export interface InvariantHistory<H = unknown> {
  /** Before the first step. */
  readonly initial: H;
  /** The history after `step`, from the one before it. Must be pure, and return JSON (a new value, not `h` changed). */
  next(h: H, step: HistoryStep): H;
}

export interface InvariantDefinition<H = unknown> {
  /** Lower-case words joined by dashes, unique among the invariants in a run. */
  readonly id: string;
  readonly description: string;
  /**
   * 'always' (the default): a message means a violation. 'sometimes': a
   * witness; a message means the interesting thing happened, and a run that
   * never sees it says so.
   */
  readonly kind?: 'always' | 'sometimes';
  /**
   * A value kept over the trace (a fold), e.g. the values written so far:
   * `check` receives it as `history` (after the step) and `historyBefore`.
   * Two paths to one state with different histories are two states.
   */
  readonly history?: InvariantHistory<H>;
  /**
   * True when `check` judges alike two steps that differ only by a
   * relabelling of the interchangeable data values (a permutation of the
   * values 1..V that no scenario step names; 0 stays 0): it compares cells
   * with cells or with 0, never with a particular value. `check --symmetry`
   * explores one state per such class only when every invariant checked says
   * so (and none keeps a history); otherwise it explores every state and says
   * which invariant kept it from reducing.
   */
  readonly valueSymmetric?: boolean;
  /**
   * 'state' when `check` reads only `after` and `history` (never `before`,
   * `historyBefore`, `observed`, `step` or `depth`, nor the cost counters):
   * its verdict is then one of states, and the search judges it on the first
   * step into each state only (the same shortest trace, fewer checks).
   * Default 'step': judged on every step.
   */
  readonly judges?: 'step' | 'state';
  /**
   * True when the verdict on a step, and the history's update, depend only
   * on what the step reads and writes (its footprint: the file pages, the
   * queues with what their buffers reference, the user pages it touches;
   * model/partial-order.ts), so that commuting two steps with disjoint
   * footprints changes neither verdict nor history: `check` judges the
   * step's own observation or changes, or a condition of the state that
   * only a step touching its parts can change (and then it was judged at
   * that step), and a history is a fold that ends the same whichever of two
   * such steps comes first. `check --partial-order` reorders independent
   * steps of different processes only when every invariant checked says so;
   * otherwise it explores every interleaving and says which invariant kept it
   * from reducing.
   */
  readonly commutes?: boolean;
  /** Must be pure and deterministic. A throw is a plugin error, never a violation. */
  check(step: InvariantStep<H>): string | undefined | void;
}

export interface Invariant<H = unknown> extends InvariantDefinition<H> {
  readonly kind: 'always' | 'sometimes';
}

export const INVARIANT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Define an invariant (built-in or plugin). Throws on a malformed definition. */
export function defineInvariant<H = unknown>(def: InvariantDefinition<H>): Invariant<H> {
  if (typeof def !== 'object' || def === null) throw new TypeError('defineInvariant: expected an object');
  if (typeof def.id !== 'string' || !INVARIANT_ID.test(def.id)) {
    throw new TypeError(`defineInvariant: id ${JSON.stringify(def.id)} must be lower-case words joined by dashes`);
  }
  if (typeof def.description !== 'string' || def.description.length === 0) {
    throw new TypeError(`defineInvariant(${def.id}): description must be a non-empty string`);
  }
  if (typeof def.check !== 'function') throw new TypeError(`defineInvariant(${def.id}): check must be a function`);
  if (def.kind !== undefined && def.kind !== 'always' && def.kind !== 'sometimes') {
    throw new TypeError(`defineInvariant(${def.id}): kind must be 'always' or 'sometimes'`);
  }
  if (def.valueSymmetric !== undefined && typeof def.valueSymmetric !== 'boolean') {
    throw new TypeError(`defineInvariant(${def.id}): valueSymmetric must be true or false`);
  }
  if (def.judges !== undefined && def.judges !== 'step' && def.judges !== 'state') {
    throw new TypeError(`defineInvariant(${def.id}): judges must be 'step' or 'state'`);
  }
  if (def.commutes !== undefined && typeof def.commutes !== 'boolean') {
    throw new TypeError(`defineInvariant(${def.id}): commutes must be true or false`);
  }
  if (def.history !== undefined) {
    const h = def.history as Partial<InvariantHistory> | null;
    if (typeof h !== 'object' || h === null || typeof h.next !== 'function') {
      throw new TypeError(`defineInvariant(${def.id}): history must be { initial, next(h, step) }`);
    }
    if (JSON.stringify(h.initial) === undefined) {
      throw new TypeError(`defineInvariant(${def.id}): history.initial must be a JSON value`);
    }
  }
  return Object.freeze({ ...def, kind: def.kind ?? 'always' });
}
