/**
 * The invariant plugin API: `defineInvariant({ id, description, check })`.
 * `check` sees one step (the state before, the step taken, the state after,
 * what a reader observed) and returns a violation message, or nothing.
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
export interface InvariantStep {
  readonly before: StateReader;
  readonly after: StateReader;
  /** The step taken, with the process that took it ('env' for the free environment). */
  readonly step: TraceStep;
  /** What a pipe read let the reader see (pipe-read steps only). */
  readonly observed?: ReadObservation | undefined;
  /** Steps taken before this one. */
  readonly depth: number;
}

export interface InvariantDefinition {
  /** Lower-case words joined by dashes, unique among the invariants in a run. */
  readonly id: string;
  readonly description: string;
  /**
   * 'always' (the default): a message means a violation. 'sometimes': a
   * witness; a message means the interesting thing happened, and a run that
   * never sees it says so.
   */
  readonly kind?: 'always' | 'sometimes';
  /** Must be pure and deterministic. A throw is a plugin error, never a violation. */
  check(step: InvariantStep): string | undefined | void;
}

export interface Invariant extends InvariantDefinition {
  readonly kind: 'always' | 'sometimes';
}

export const INVARIANT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Define an invariant (built-in or plugin). Throws on a malformed definition. */
export function defineInvariant(def: InvariantDefinition): Invariant {
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
  return Object.freeze({ ...def, kind: def.kind ?? 'always' });
}
