/**
 * History variables, as TLA+ users write them: a value an invariant keeps
 * over the trace (a fold: `initial`, then `next(h, step)` after each step),
 * part of the state, so that two paths to the same page cache with different
 * histories stay two states and every path is judged with its own history.
 *
 * A history is JSON. The state holds a number per history (4 bytes, in the
 * identity: see Layout's `histories`); this table turns values into those
 * numbers and back. Values come back frozen: a plugin cannot change the
 * history it is given, only return the next one.
 *
 * @public
 */
import type { ReadObservation } from './pipe.js';
import type { State } from './state.js';

/** One step as a history's `next` sees it, before the invariants layer dresses it for plugins. */
export interface HistoryStepInput {
  readonly before: State;
  readonly after: State;
  readonly action: number;
  readonly observed: ReadObservation | undefined;
}

/** A fold over the trace. */
export interface HistoryFold {
  readonly initial: unknown;
  next(history: unknown, step: HistoryStepInput): unknown;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** JSON text of a history value; throws when it is not JSON. */
export function historyJson(v: unknown, who: string): string {
  const text = JSON.stringify(v);
  if (text === undefined) throw new TypeError(`${who}: a history must be a JSON value, got ${typeof v}`);
  return text;
}

/** Distinct history values, numbered in the order first seen (the search's order: deterministic). */
export class HistoryTable {
  private readonly ids = new Map<string, number>();
  private readonly values: unknown[] = [];

  /** The number of `value` (a new one the first time it is seen). */
  intern(value: unknown, who = 'history'): number {
    const text = historyJson(value, who);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(text, id);
      this.values.push(deepFreeze(JSON.parse(text) as unknown));
    }
    return id;
  }

  value(id: number): unknown {
    return this.values[id];
  }

  get size(): number {
    return this.values.length;
  }
}
