/**
 * The checker's `StateReader`: the layout and the bytes behind the typed
 * view. Built-in invariants read the bytes (they run on every step of the
 * search); plugins get the `StateReader` interface only.
 *
 * @internal
 */
import { fileContents } from '../model/pagecache.js';
import type { Layout, State } from '../model/state.js';
import { viewState, type StateView } from '../model/view.js';
import type { StateReader } from './define.js';

let layoutOf: (reader: LayoutStateReader) => Layout;
let bytesOf: (reader: LayoutStateReader) => State;

/**
 * The bytes are in private fields: an invariant that reaches for them
 * (`after.bytes`) finds nothing, so it cannot change the state the search
 * goes on from. Its view is frozen for the same reason.
 */
export class LayoutStateReader implements StateReader {
  #layout: Layout;
  #state: State;
  #view: StateView | undefined;
  static {
    layoutOf = (r) => r.#layout;
    bytesOf = (r) => r.#state;
  }
  constructor(layout: Layout, state: State) {
    this.#layout = layout;
    this.#state = state;
  }
  /** The explorer reuses readers from step to step. */
  reset(state: State): void {
    this.#state = state;
    this.#view = undefined;
  }
  view(): StateView {
    return (this.#view ??= deepFreeze(viewState(this.#layout, this.#state)));
  }
  size(): number {
    return this.#layout.size(this.#state);
  }
  file(): number[] {
    return fileContents(this.#layout, this.#state);
  }
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The layout behind a reader the checker made (every reader an invariant is given is one). */
export function readerLayout(reader: StateReader): Layout {
  return layoutOf(reader as LayoutStateReader);
}

/** The state's bytes behind a reader the checker made, for the built-in invariants only. */
export function readerBytes(reader: StateReader): State {
  return bytesOf(reader as LayoutStateReader);
}
