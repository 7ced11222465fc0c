/**
 * Minimizing a finding's arguments without making it longer.
 *
 * BFS already gives the fewest steps; this makes each step as simple as the
 * model can say (smaller offsets, lengths, values) while the last step still
 * violates (or witnesses) the same property. Greedy and deterministic: for
 * each position in order, the first of `model.simplerActions(a)` that keeps
 * every step enabled and the property firing at the last step replaces `a`;
 * passes repeat until one changes nothing.
 *
 * @public
 */
import type { ExplorableModel, Property } from './model.js';
import { judge } from './replay.js';

export interface MinimizeOptions {
  /** Give up (keeping the best trace so far) after this many candidate replays. Default 10000. */
  readonly maxReplays?: number;
  /** Stop early (keeping the best so far) when aborted. */
  readonly signal?: AbortSignal;
}

export interface MinimizedTrace<O = unknown> {
  readonly trace: number[];
  /** The property's message on the minimized trace's last step. */
  readonly message: string;
  readonly observed?: O | undefined;
  /** Whether any action was replaced. */
  readonly changed: boolean;
}

/**
 * Minimize `trace`'s actions for `property`. Returns `undefined` when the
 * trace itself does not replay to the property firing at its last step.
 */
export function minimizeTrace<S, O>(
  model: ExplorableModel<S, O>,
  property: Property<S, O>,
  trace: readonly number[],
  initialIndex = 0,
  options: MinimizeOptions = {},
): MinimizedTrace<O> | undefined {
  const initial = model.initialStates()[initialIndex];
  if (initial === undefined || trace.length === 0) return undefined;
  const maxReplays = options.maxReplays ?? 10_000;

  /** Replay `t` from `state` (the state before step `from`); the verdict on the last step. */
  const runFrom = (state: S, t: readonly number[], from: number) => {
    let s = state;
    for (let j = from; j < t.length; j++) {
      const action = t[j]!;
      let step;
      try {
        step = model.step(s, action);
      } catch {
        return undefined;
      }
      if (step === undefined) return undefined;
      if (j === t.length - 1) {
        const verdict = judge(property, { before: s, action, after: step.next, observed: step.observed, depth: j });
        return verdict.fires ? verdict : undefined;
      }
      s = step.next;
    }
    return undefined;
  };

  let current = trace.slice();
  let verdict = runFrom(initial, current, 0);
  if (verdict === undefined) return undefined;
  if (model.simplerActions === undefined) {
    return { trace: current, message: verdict.message, observed: verdict.observed, changed: false };
  }

  const tried = new Set<string>([current.join(',')]);
  let replays = 0;
  let changed = false;
  let progress = true;
  search: while (progress) {
    progress = false;
    let state: S = initial;
    for (let i = 0; i < current.length; i++) {
      const action = current[i]!;
      for (const candidate of model.simplerActions(action)) {
        if (candidate === action || !Number.isInteger(candidate) || candidate < 0 || candidate >= model.actionCount) {
          continue;
        }
        const next = current.slice();
        next[i] = candidate;
        const key = next.join(',');
        if (tried.has(key)) continue;
        tried.add(key);
        if (replays++ >= maxReplays || options.signal?.aborted) break search;
        const v = runFrom(state, next, i);
        if (v !== undefined) {
          current = next;
          verdict = v;
          changed = true;
          progress = true;
          break;
        }
      }
      const step = model.step(state, current[i]!);
      if (step === undefined) break; // cannot happen: `current` replays
      state = step.next;
    }
  }
  return { trace: current, message: verdict.message, observed: verdict.observed, changed };
}
