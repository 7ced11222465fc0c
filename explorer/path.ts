/**
 * Paths, as Stateright's `path.rs` has them: a trace is a list of action
 * indices from an initial state, rebuilt from the search's parent links and
 * replayed to recover its states; a replay that fails says at which step and
 * why. One replay routine (`walk`) serves every replay: by action index
 * (`replayTrace`, minimization, the search's own check) and by step (the
 * model's `walkSteps`, which applies steps that are not actions).
 *
 * @public
 */
import { resolveModel, type ExplorableModel, type Property, type StepView, type Transition } from './model.js';
import type { VisitedSet } from './visited.js';

/** One step of a walk: the item taken, the state before it, and what it did (undefined: not enabled). */
export interface Walked<S, O, X> {
  /** 0-based position in the walk. */
  readonly index: number;
  readonly item: X;
  readonly before: S;
  readonly transition: Transition<S, O> | undefined;
}

/**
 * The one replay routine: take `items` one after the other from `initial`
 * with `take`. A step that is not enabled leaves the state as it was and the
 * walk goes on; a caller that stops there breaks out of the loop. Returns the
 * final state. A throwing `take` propagates.
 */
export function* walk<S, O, X>(
  initial: S,
  items: readonly X[],
  take: (state: S, item: X) => Transition<S, O> | undefined,
): Generator<Walked<S, O, X>, S> {
  let state = initial;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const transition = take(state, item);
    yield { index, item, before: state, transition };
    if (transition !== undefined) state = transition.next;
  }
  return state;
}

/** One replayed step. */
export interface ReplayedStep<S, O = unknown> {
  /** 0-based position in the trace. */
  readonly index: number;
  readonly action: number;
  /** `model.formatAction(action)`. */
  readonly description: string;
  readonly before: S;
  readonly after: S;
  readonly observed?: O | undefined;
}

export type ReplayResult<S, O = unknown> =
  | {
      readonly ok: true;
      readonly initial: S;
      /** The state after the last step (the initial state for an empty trace). */
      readonly final: S;
      readonly steps: ReplayedStep<S, O>[];
    }
  | {
      readonly ok: false;
      /** 0-based position of the step that failed (-1: the initial state). */
      readonly failedStep: number;
      /** A sentence saying which step failed and why. */
      readonly message: string;
      /** The steps replayed before the failure. */
      readonly steps: ReplayedStep<S, O>[];
    };

/** `model.formatAction(action)`, or a placeholder if the model has none or it throws. */
export function describeAction(model: ExplorableModel<unknown, unknown>, action: number): string {
  try {
    return resolveModel(model).formatAction(action);
  } catch {
    return `action #${action}`;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Replay `trace` (action indices) from `model.initialStates()[initialIndex]`.
 * Never throws for a bad trace: the failure is the result.
 */
export function replayTrace<S, O>(
  model: ExplorableModel<S, O>,
  trace: readonly number[],
  initialIndex = 0,
): ReplayResult<S, O> {
  const inits = model.initialStates();
  const initial = inits[initialIndex];
  if (!Number.isInteger(initialIndex) || initial === undefined) {
    return {
      ok: false,
      failedStep: -1,
      message:
        `initial state ${initialIndex} does not exist (the model has ${inits.length}): ` +
        `the model's initial states changed since the trace was recorded`,
      steps: [],
    };
  }
  const steps: ReplayedStep<S, O>[] = [];
  let description = '';
  /** Why the step just taken failed, when it did not merely find the step not enabled. */
  let failure: string | undefined;
  const take = (state: S, action: number): Transition<S, O> | undefined => {
    failure = undefined;
    if (!Number.isInteger(action) || action < 0 || action >= model.actionCount) {
      failure =
        `: action ${action} does not exist (the model has ${model.actionCount} actions): ` +
        `the model's actions changed since the trace was recorded`;
      return undefined;
    }
    description = describeAction(model as ExplorableModel<unknown, unknown>, action);
    try {
      return model.step(state, action);
    } catch (e) {
      failure = ` (${description}) threw: ${errorMessage(e)}`;
      return undefined;
    }
  };
  for (const w of walk(initial, trace, take)) {
    if (w.transition === undefined) {
      const why =
        failure ??
        ` (${description}) is not enabled: the model's actions or step() changed since the trace was recorded`;
      return { ok: false, failedStep: w.index, message: `step ${w.index + 1} of ${trace.length}${why}`, steps };
    }
    const { next, observed } = w.transition;
    steps.push({ index: w.index, action: w.item, description, before: w.before, after: next, observed });
  }
  return { ok: true, initial, final: steps.length > 0 ? steps[steps.length - 1]!.after : initial, steps };
}

/** What a property says about a trace's last step. */
export type LastStepVerdict<O = unknown> =
  | { readonly fires: true; readonly message: string; readonly observed?: O | undefined }
  | { readonly fires: false; readonly reason: string };

/** Judge one step with `property`; a throw or silence is "does not fire", with the reason. */
export function judge<S, O>(property: Property<S, O>, view: StepView<S, O>): LastStepVerdict<O> {
  let message: string | undefined;
  try {
    message = property.check(view);
  } catch (e) {
    return { fires: false, reason: `property ${property.id} threw: ${errorMessage(e)}` };
  }
  if (message === undefined) return { fires: false, reason: `property ${property.id} does not fire on the last step` };
  return { fires: true, message, observed: view.observed };
}

function lastStepView<S, O>(step: ReplayedStep<S, O>): StepView<S, O> {
  return { before: step.before, action: step.action, after: step.after, observed: step.observed, depth: step.index };
}

/**
 * Replay `trace` and judge its last step with `property`: does it still
 * violate (or witness) it? A failed replay, an empty trace or a throwing
 * property all count as "does not fire", with the reason.
 */
export function checkLastStep<S, O>(
  model: ExplorableModel<S, O>,
  property: Property<S, O>,
  trace: readonly number[],
  initialIndex = 0,
): LastStepVerdict<O> {
  const replay = replayTrace(model, trace, initialIndex);
  if (!replay.ok) return { fires: false, reason: replay.message };
  const last = replay.steps[replay.steps.length - 1];
  if (last === undefined) return { fires: false, reason: 'the trace is empty: properties judge steps' };
  return judge(property, lastStepView(last));
}

/** The trace (action indices) the search recorded for a step from state `parent` by `action`. */
export function tracePath(visited: VisitedSet, parent: number, action: number): number[] {
  return [...visited.path(parent), action];
}

/**
 * Replay a recorded trace and check that the state before its last step is
 * the one the search recorded, by fingerprint. A mismatch means the model is
 * not deterministic (Stateright reports the same). Returns why, or undefined.
 */
export function verifyPath<S, O>(
  model: ExplorableModel<S, O>,
  trace: readonly number[],
  initialIndex: number,
  visited: VisitedSet,
  parent: number,
): string | undefined {
  const replay = replayTrace(model, trace, initialIndex);
  if (!replay.ok) return replay.message;
  const m = resolveModel(model);
  const encoded = m.encode(replay.steps[replay.steps.length - 1]!.before);
  const fp = new Uint32Array(2);
  m.fingerprintState(encoded, fp);
  if (fp[0] !== visited.fingerprintHi(parent) || fp[1] !== visited.fingerprintLo(parent)) {
    return (
      `replaying the trace reached a different state before step ${trace.length}: ` +
      `the model's step(), encode() or initialStates() is not deterministic`
    );
  }
  return undefined;
}

export interface MinimizeOptions {
  /** Give up (keeping the best trace so far) after this many candidate replays. Default 10000. */
  readonly maxReplays?: number;
  /** Stop early (keeping the best so far) when aborted. */
  readonly signal?: AbortSignal;
  /** Stop early (keeping the best so far) once this returns true (the search's time limit). */
  readonly outOfTime?: () => boolean;
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
 * Minimize a finding's arguments without making it longer. BFS already gives
 * the fewest steps; this makes each step as simple as the model can say
 * (smaller offsets, lengths, values) while the last step still violates (or
 * witnesses) the same property. Greedy and deterministic: for each position
 * in order, the first of `model.simplerActions(a)` that keeps every step
 * enabled and the property firing at the last step replaces `a`; passes
 * repeat until one changes nothing. Returns `undefined` when the trace itself
 * does not replay to the property firing at its last step.
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
  const take = (s: S, action: number): Transition<S, O> | undefined => model.step(s, action);

  /** Replay `t` from `state` (the state before step `from`); the verdict on its last step, if it fires. */
  const runFrom = (
    state: S,
    t: readonly number[],
    from: number,
  ): (LastStepVerdict<O> & { fires: true }) | undefined => {
    try {
      for (const w of walk(state, t.slice(from), take)) {
        if (w.transition === undefined) return undefined;
        if (from + w.index === t.length - 1) {
          const { next, observed } = w.transition;
          const v = judge(property, { before: w.before, action: w.item, after: next, observed, depth: t.length - 1 });
          return v.fires ? v : undefined;
        }
      }
    } catch {
      return undefined;
    }
    return undefined;
  };

  let current = trace.slice();
  const first = runFrom(initial, current, 0);
  if (first === undefined) return undefined;
  let verdict = first;
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
        if (replays++ >= maxReplays || options.signal?.aborted || options.outOfTime?.()) break search;
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
