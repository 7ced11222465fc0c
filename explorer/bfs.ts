/**
 * Exhaustive breadth-first exploration on this thread: the search loop
 * (search.ts) fed by the inline expander. Per successor, in this order:
 * judge the step with every property still undecided, show it to the
 * visitors, fingerprint the new state, hand it to the merge step (the cap,
 * inserted and queued if new, the stop). Traces are rebuilt, checked and
 * minimized by the path module (path.ts).
 *
 * @public
 */
import {
  ActionCursor,
  fingerprinterOf,
  judgeStep,
  type ExplorableModel,
  type Judgement,
  type Property,
  type StepVisitor,
} from './model.js';
import { settingsOf } from './outcome.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { POLL_MASK, runSync, Search, type Expander } from './search.js';

export { ALL_VIOLATIONS_CAP } from './search.js';

/**
 * Explore every state reachable from `model.initialStates()` in at most
 * `options.maxDepth` steps, breadth first, judging every step (including
 * steps to states already seen) with every property still undecided.
 *
 * The first step found to violate (or witness) a property is at the smallest
 * depth, so its trace is a shortest one; ties go to the first in BFS order
 * (initial states in order, actions in index order), so the result is the
 * same on every run. Initial states are depth 0 and are not judged.
 *
 * The search ends as soon as every property is decided (violated or
 * witnessed), or at the depth bound, or when no new state is found, or at a
 * limit. Visitors (`options.visitors`) see every step taken until then.
 *
 * Never throws for a property that throws (that is a `propertyError`); a
 * model method that throws is a bug in the model and propagates.
 */
export function explore<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  options: ExploreOptions<S, O> = {},
): ExploreResult<O> {
  const settings = settingsOf(model, properties, options);
  const search = new Search(model, properties, options, settings, false);
  return runSync(search.run(new InlineExpander(model, options.visitors ?? [])));
}

/** The expander of the one-thread search: every step taken here, straight into the merge step. */
export class InlineExpander<S, O> implements Expander<S, O> {
  private readonly fingerprintState: (encoded: Uint8Array, out: Uint32Array) => void;
  private readonly fp = new Uint32Array(2);
  private readonly actions: ActionCursor<S>;

  constructor(
    private readonly model: ExplorableModel<S, O>,
    private readonly visitors: readonly StepVisitor<S, O>[],
  ) {
    this.fingerprintState = fingerprinterOf(model);
    this.actions = new ActionCursor(model);
  }

  expandLevel(search: Search<S, O>): void {
    // The hot loop calls the model directly: no defaulting closure per step.
    const { model, visitors, fp, fingerprintState } = this;
    const bytesAreStates = model.encode === undefined;
    const actionCount = model.actionCount;
    const actions = this.actions;
    const properties = search.properties;
    const active = search.active;
    const { levelFirst, levelEnd, depth } = search;
    const current = search.current;
    const levelWork = search.workBeforeLevel;
    let work = levelWork;
    // Enabled steps, counted here and handed to the search where it reads them (progress, the level's end).
    let transitions = search.transitions;
    const said: Judgement = { message: undefined, error: false };
    const { judgedOncePerState, anyJudgedOncePerState, visited } = search;
    const rootEnd = search.rootEnd;
    for (let id = levelFirst; id < levelEnd; id++) {
      const bytes = current.shift();
      const state = bytesAreStates ? (bytes as unknown as S) : model.decode!(bytes);
      const first = actions.first(state);
      const reduced = actions.reduced;
      // Under a reduction the work is counted by action index, as the worker threads count it (parallel.ts), so
      // that the memory polls fall alike: the actions not taken count too.
      const stateWork = levelWork + (id - levelFirst) * actionCount;
      if (reduced) work = stateWork;
      for (let action = first; action < actionCount; action = actions.after(action)) {
        const before = work;
        if (
          !reduced
            ? (++work & POLL_MASK) === 0
            : ((work = stateWork + action + 1) & ~POLL_MASK) !== (before & ~POLL_MASK)
        ) {
          const read = id - levelFirst + 1;
          search.transitions = transitions;
          search.pollMemory(work);
          if (search.limitReached(read)) return;
          search.progress(read);
        }
        const t = model.step(state, action);
        if (t === undefined) continue;
        transitions++;
        const encoded = bytesAreStates ? (t.next as unknown as Uint8Array) : model.encode!(t.next);
        fingerprintState(encoded, fp);
        if (active.length > 0 || visitors.length > 0) {
          const view = { before: state, action, after: t.next, observed: t.observed, depth };
          // A step into a state seen before: the properties that judge states said their word on it then.
          const seen = anyJudgedOncePerState && visited.lookup(fp[0]!, fp[1]!) >= rootEnd;
          for (let k = 0; k < active.length;) {
            const index = active[k]!;
            if (seen && judgedOncePerState[index]) {
              k++;
              continue;
            }
            const { message, error } = judgeStep(properties[index]!, view, said);
            if (message !== undefined && search.record(index, error, id, action, message, t.observed)) continue;
            k++;
          }
          for (let v = 0; v < visitors.length; v++) visitors[v]!.visit(view);
        }
        if (search.successor(id, action, fp[0]!, fp[1]!, encoded)) {
          search.transitions = transitions;
          return;
        }
      }
    }
    search.transitions = transitions;
    // A poll the actions not taken at the level's end passed (the worker threads' merge polls at each unit's end).
    if (model.ampleActions !== undefined) search.pollMemory(levelWork + (levelEnd - levelFirst) * actionCount);
  }
}
