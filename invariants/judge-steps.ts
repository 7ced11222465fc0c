/**
 * Judge a fixed list of steps with an invariant, as the checker would judge
 * them on a path it explores: for a plugin's own tests.
 *
 * @public
 */
import { modelFor, type RunStepsOptions } from '../model/run-steps.js';
import { formatStep, type Step } from '../model/step.js';
import type { Invariant } from './define.js';
import { LayoutStateReader } from './state-reader.js';

export interface JudgeStepsOptions extends RunStepsOptions {
  /** The process the steps are shown as taken by (default `env`). */
  readonly process?: string;
}

/**
 * Run `steps` on the model from the initial state `opts` describes and judge
 * each with `invariant`: its message (violated, or witnessed), or undefined,
 * per step. Throws when a step is not enabled, naming it.
 */
export function judgeSteps(
  invariant: Invariant,
  steps: readonly Step[],
  opts: JudgeStepsOptions = {},
): (string | undefined)[] {
  const model = modelFor(opts, steps);
  const out: (string | undefined)[] = [];
  // The history, folded along the steps as the search folds it along a path.
  let history: unknown = invariant.history?.initial;
  for (const { index, item, before, transition } of model.walkSteps(steps)) {
    if (!transition) throw new Error(`step ${index + 1} (${formatStep(item)}) is not enabled`);
    const step = {
      before: new LayoutStateReader(model.L, before),
      after: new LayoutStateReader(model.L, transition.next),
      step: { ...item, process: opts.process ?? 'env' },
      observed: transition.observed,
    };
    const historyBefore = history;
    if (invariant.history) history = invariant.history.next(history, step);
    const withHistory = invariant.history ? { history, historyBefore } : {};
    const message = invariant.check({ ...step, depth: index, ...withHistory });
    out.push(message ?? undefined);
  }
  return out;
}
