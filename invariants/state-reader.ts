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

export class LayoutStateReader implements StateReader {
  private cached: StateView | undefined;
  constructor(
    readonly layout: Layout,
    private state: State,
  ) {}
  /** The state's bytes (valid during the `check` call that was given this reader). */
  get bytes(): State {
    return this.state;
  }
  /** The explorer reuses readers from step to step. */
  reset(state: State): void {
    this.state = state;
    this.cached = undefined;
  }
  view(): StateView {
    return (this.cached ??= viewState(this.layout, this.bytes));
  }
  size(): number {
    return this.layout.size(this.bytes);
  }
  file(): number[] {
    return fileContents(this.layout, this.bytes);
  }
}

/** The layout and bytes behind a reader the checker made (every reader an invariant is given is one). */
export function rawState(reader: StateReader): LayoutStateReader {
  return reader as LayoutStateReader;
}
