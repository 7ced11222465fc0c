/**
 * Rebuilding a trace's states by replaying its action indices, as
 * Stateright's paths do. A replay that fails says at which step and why.
 *
 * @public
 */
import type { ExplorableModel, Property, StepView } from './model.js';

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

/** `model.formatAction(action)`, or a placeholder if that throws. */
export function describeAction(model: ExplorableModel<unknown, unknown>, action: number): string {
  try {
    return model.formatAction(action);
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
  let state: S = initial;
  for (let i = 0; i < trace.length; i++) {
    const action = trace[i]!;
    const where = `step ${i + 1} of ${trace.length}`;
    if (!Number.isInteger(action) || action < 0 || action >= model.actionCount) {
      return {
        ok: false,
        failedStep: i,
        message:
          `${where}: action ${action} does not exist (the model has ${model.actionCount} actions): ` +
          `the model's actions changed since the trace was recorded`,
        steps,
      };
    }
    const description = describeAction(model as ExplorableModel<unknown, unknown>, action);
    let t;
    try {
      t = model.step(state, action);
    } catch (e) {
      return { ok: false, failedStep: i, message: `${where} (${description}) threw: ${errorMessage(e)}`, steps };
    }
    if (t === undefined) {
      return {
        ok: false,
        failedStep: i,
        message:
          `${where} (${description}) is not enabled: ` +
          `the model's actions or step() changed since the trace was recorded`,
        steps,
      };
    }
    steps.push({ index: i, action, description, before: state, after: t.next, observed: t.observed });
    state = t.next;
  }
  return { ok: true, initial, final: state, steps };
}

/** What a property says about a trace's last step. */
export type LastStepVerdict<O = unknown> =
  | { readonly fires: true; readonly message: string; readonly observed?: O | undefined }
  | { readonly fires: false; readonly reason: string };

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
  return judge(property, {
    before: last.before,
    action: last.action,
    after: last.after,
    observed: last.observed,
    depth: last.index,
  });
}

/** @internal */
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
