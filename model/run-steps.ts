/**
 * Run a fixed list of steps on the model from a scenario's initial state:
 * what every read observed and the final state. The seed's reproducer, the
 * measured table's rows and the live-kernel comparison are written with it.
 *
 * @public
 */
import { environmentOfSteps } from './env-constraints.js';
import { DEFAULT_BOUNDS, type Bounds } from './bounds.js';
import type { KernelId } from './kernels/index.js';
import type { FsProfile, KernelRelease } from './fs/index.js';
import type { InitialContents } from './initial.js';
import { parseScenario } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';
import type { State } from './state.js';
import type { Step } from './step.js';
import { viewState, type StateView } from './view.js';

export interface StepsRun {
  /** Per step: 'ok', 'not-enabled' (it would block or fail), or the cells a read got. */
  readonly results: readonly (
    | { readonly ok: true; readonly read?: readonly number[]; readonly expected?: readonly number[] }
    | { readonly ok: false }
  )[];
  /** Stops at the first step that is not enabled. */
  readonly completed: boolean;
  readonly final: StateView;
  /** @internal The final state's bytes (the byte layout is not public API). */
  readonly finalState: State;
  /** @internal */
  readonly model: ScenarioModel;
}

export interface RunStepsOptions {
  readonly kernel?: KernelId;
  readonly bounds?: Partial<Bounds>;
  readonly initial?: Partial<InitialContents>;
  /** The file system's page-cache behaviour (default ext4). */
  readonly fs?: FsProfile;
  /** The Linux release the file system's profile is taken at (default 6.18). */
  readonly release?: KernelRelease;
}

export function runSteps(steps: readonly Step[], opts: RunStepsOptions = {}): StepsRun {
  const model = modelFor(opts, steps);
  const results: StepsRun['results'][number][] = [];
  let s = model.initialStates()[0]!;
  let completed = true;
  for (const { before, transition } of model.walkSteps(steps)) {
    if (!transition) {
      results.push({ ok: false });
      completed = false;
      s = before;
      break;
    }
    const o = transition.observed;
    results.push(o ? { ok: true, read: o.observed, expected: o.expected } : { ok: true });
    s = transition.next;
  }
  return { results, completed, final: viewState(model.L, s), finalState: s, model };
}

/**
 * The model `runSteps` runs on: the default bounds overridden by `opts`, no
 * processes, and an environment of the operations of `steps` (so that the
 * layout has what they need: a socket for sendfile); the steps are applied
 * one by one, never enumerated.
 */
export function modelFor(opts: RunStepsOptions = {}, steps: readonly Step[] = []): ScenarioModel {
  const scenario = parseScenario(
    {
      kernel: opts.kernel ?? 'linux',
      ...(opts.release !== undefined ? { release: opts.release } : {}),
      bounds: { ...DEFAULT_BOUNDS, ...opts.bounds },
      initial: opts.initial,
      environment: { ops: environmentOfSteps(steps) },
    },
    'runSteps',
  );
  return new ScenarioModel(scenario, opts.fs);
}

/** The cells every read got, in order. */
export function reads(run: StepsRun): (readonly number[])[] {
  return run.results.flatMap((r) => (r.ok && r.read ? [r.read] : []));
}

/**
 * Every sequence of reads `steps` may give under the kernel's choices
 * (model/choices.ts), each once, in the order the choice tree gives them
 * (option 0 first: `reads(runSteps(...))` is the first). A path stops at a
 * step that is not enabled.
 */
export function allReads(steps: readonly Step[], opts: RunStepsOptions = {}): (readonly number[])[][] {
  const model = modelFor(opts, steps);
  const out = new Map<string, (readonly number[])[]>();
  const go = (s: State, i: number, got: (readonly number[])[]): void => {
    const outcomes = i < steps.length ? model.applyStepOutcomes(s, steps[i]!) : [];
    if (outcomes.length === 0) {
      out.set(JSON.stringify(got), got);
      return;
    }
    for (const { result } of outcomes)
      go(result.state, i + 1, result.observed ? [...got, result.observed.observed] : got);
  };
  go(model.initialStates()[0]!, 0, []);
  return [...out.values()];
}
