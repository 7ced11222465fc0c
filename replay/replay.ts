/**
 * Replay a counterexample step by step on the model: whether its violation
 * reproduces, and what each step changed. `pipecheck replay` and the
 * package's `replay()` are this function.
 *
 * @public
 */
import { InputError } from '../checker/errors.js';
import { replayTrace } from '../explorer/path.js';
import { builtinById } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { scenarioModelFor, toProperties } from '../invariants/property.js';
import type { KernelId } from '../model/kernels/index.js';
import { DEFAULT_FS, fsProfileById, type KernelRelease } from '../model/fs/index.js';
import type { ReadObservation } from '../model/pipe.js';
import { parseScenario } from '../model/scenario.js';
import type { TraceStep } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import { viewState, type StateView } from '../model/view.js';
import { damagingStep } from '../counterexamples/damage.js';
import { kernelChoiceLines, stepChanges } from '../counterexamples/diff.js';
import { readCounterexample } from '../counterexamples/file.js';
import { parseCounterexample, releaseOf, type Counterexample } from '../counterexamples/format.js';

export interface ReplayOptions {
  /** Replay on another kernel variant than the one recorded. */
  readonly kernel?: KernelId;
  /** Replay on another Linux release than the one recorded (the file's `release`, else 6.18). */
  readonly release?: KernelRelease;
  /** Plugin invariants, for counterexamples of an invariant that is not built in. */
  readonly invariants?: readonly Invariant[];
}

export interface ReplayStep {
  readonly index: number;
  readonly step: TraceStep;
  readonly enabled: boolean;
  readonly observed?: ReadObservation;
  readonly changes: readonly string[];
  /** Messages of the counterexample's invariant at this step, if violated. */
  readonly violation?: string;
}

export interface ReplayResult {
  readonly kernel: KernelId;
  /** The Linux release the model described. */
  readonly release: KernelRelease;
  readonly invariant: string;
  /** The invariant was violated at some step of the trace. */
  readonly reproduced: boolean;
  /** The first violating step, if any. */
  readonly violation?: { readonly step: number; readonly message: string };
  /** The step the file recorded. */
  readonly recordedStep: number;
  readonly steps: readonly ReplayStep[];
  /** Why the replay could not go on (a step not enabled, a trace that does not fit the scenario). */
  readonly stopped?: string;
  /** The step that changed the data the violating step read out of a pipe (damage.ts), if any. */
  readonly damagingStep?: number;
}

/** Replay a counterexample (a parsed object, or the path of a file). */
export function replay(input: Counterexample | string | unknown, opts: ReplayOptions = {}): ReplayResult {
  const cx = typeof input === 'string' ? readCounterexample(input) : parseCounterexample(input);
  const kernel = opts.kernel ?? cx.kernel;
  const release = opts.release ?? releaseOf(cx);
  const scenario = { ...parseScenario(cx.scenario, 'counterexample scenario'), kernel, release };
  const invariant = opts.invariants?.find((i) => i.id === cx.invariant) ?? builtinById(cx.invariant);
  if (!invariant) {
    throw new InputError(`invariant ${cx.invariant} is not built in: pass the plugin that defines it (--plugin FILE)`);
  }
  const model = scenarioModelFor(scenario, (cx.fs && fsProfileById(cx.fs)) ?? DEFAULT_FS, [invariant]);
  const [property] = toProperties(model, [invariant]);
  const trace: readonly TraceStep[] = cx.trace;
  const { actions, mismatch } = model.actionsOf(trace);
  const run = replayTrace(model, actions);
  const steps: ReplayStep[] = [];
  const views: StateView[] = [];
  let violation: ReplayResult['violation'];
  for (const r of run.steps) {
    const step = trace[r.index]!;
    const message = property!.check({ ...r, depth: r.index });
    if (views.length === 0) views.push(viewState(model.L, r.before));
    views.push(viewState(model.L, r.after));
    steps.push({
      index: r.index,
      step,
      enabled: true,
      ...(r.observed ? { observed: r.observed } : {}),
      changes: [
        ...kernelChoiceLines(model.choicesOf(r.before, r.action)),
        ...stepChanges(model.failureOf(r.before, step), views[views.length - 2]!, views[views.length - 1]!),
      ],
      ...(message ? { violation: message } : {}),
    });
    if (message && !violation) violation = { step: r.index, message };
  }
  let stopped = mismatch?.message;
  if (!run.ok) {
    const step = trace[run.failedStep]!;
    steps.push({ index: run.failedStep, step, enabled: false, changes: [] });
    stopped = `step ${run.failedStep + 1} (${formatStep(step)}) is not enabled on kernel ${kernel}`;
  }
  const damaged = violation ? damagingStep(views, violation.step) : undefined;
  return {
    kernel,
    release,
    invariant: cx.invariant,
    reproduced: violation !== undefined,
    ...(damaged === undefined ? {} : { damagingStep: damaged }),
    ...(violation ? { violation } : {}),
    recordedStep: cx.violation.step,
    steps,
    ...(stopped ? { stopped } : {}),
  };
}
