/**
 * Replay a counterexample step by step on the model: whether its violation
 * reproduces, and what each step changed. `pipecheck replay` and the
 * package's `replay()` are this function.
 *
 * @public
 */
import { builtinById } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { toProperties } from '../invariants/property.js';
import type { KernelId } from '../model/context.js';
import { DEFAULT_FS, fsProfileById } from '../model/folio-policy.js';
import type { ReadObservation } from '../model/pipe.js';
import { parseScenario } from '../model/scenario.js';
import { ScenarioModel, type TraceStep } from '../model/scenario-model.js';
import { formatStep, type Step } from '../model/step.js';
import { viewState } from '../model/view.js';
import { describeChanges } from './diff.js';
import { readCounterexample } from './file.js';
import { parseCounterexample, type Counterexample } from './format.js';

export interface ReplayOptions {
  /** Replay on another kernel variant than the one recorded. */
  readonly kernel?: KernelId;
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
}

function sameStep(a: Step, b: Step): boolean {
  const norm = (s: Step): string => {
    const o: Record<string, unknown> = { ...s };
    delete o['process'];
    if (o['op'] === 'splice' && o['move'] === undefined) o['move'] = false;
    if (o['op'] === 'vmsplice' && o['gift'] === undefined) o['gift'] = false;
    if (o['op'] === 'pipe-read' && o['pipe'] === undefined) o['pipe'] = 0;
    return JSON.stringify(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  };
  return norm(a) === norm(b);
}

/** Replay a counterexample (a parsed object, or the path of a file). */
export function replay(input: Counterexample | string | unknown, opts: ReplayOptions = {}): ReplayResult {
  const cx = typeof input === 'string' ? readCounterexample(input) : parseCounterexample(input);
  const kernel = opts.kernel ?? cx.kernel;
  const scenario = { ...parseScenario(cx.scenario, 'counterexample scenario'), kernel };
  const model = new ScenarioModel(scenario, (cx.fs && fsProfileById(cx.fs)) ?? DEFAULT_FS);
  const invariant = opts.invariants?.find((i) => i.id === cx.invariant) ?? builtinById(cx.invariant);
  if (!invariant) {
    throw new Error(`invariant ${cx.invariant} is not built in: pass the plugin that defines it (--plugin FILE)`);
  }
  const [property] = toProperties(model, [invariant]);
  let s = model.initialStates()[0]!;
  const steps: ReplayStep[] = [];
  let violation: ReplayResult['violation'];
  let stopped: string | undefined;
  for (let i = 0; i < cx.trace.length; i++) {
    const step = cx.trace[i]! as TraceStep;
    let action = -1;
    if (step.process === 'env') {
      action = model.actions.findIndex((a) => a.kind === 'env' && sameStep(a.step, step));
      if (action < 0) {
        stopped = `step ${i + 1} (${formatStep(step)}) is not an operation this scenario's environment may take`;
        break;
      }
    } else {
      const p = scenario.processes.findIndex((x) => x.name === step.process);
      const next = p >= 0 ? scenario.processes[p]!.program[model.L.pc(s, p)] : undefined;
      if (p < 0 || !next || !sameStep(next, step)) {
        stopped = `step ${i + 1} says ${step.process} runs ${formatStep(step)}, but ${
          p < 0
            ? 'the scenario has no such process'
            : next
              ? `its next step is ${formatStep(next)}`
              : 'its program has ended'
        }`;
        break;
      }
      action = p;
    }
    const t = model.step(s, action);
    if (!t) {
      steps.push({ index: i, step, enabled: false, changes: [] });
      stopped = `step ${i + 1} (${formatStep(step)}) is not enabled on kernel ${kernel}`;
      break;
    }
    const message = property!.check({ before: s, action, after: t.next, observed: t.observed, depth: i });
    steps.push({
      index: i,
      step,
      enabled: true,
      ...(t.observed ? { observed: t.observed } : {}),
      changes: describeChanges(viewState(model.L, s), viewState(model.L, t.next)),
      ...(message ? { violation: message } : {}),
    });
    if (message && !violation) violation = { step: i, message };
    s = t.next;
  }
  return {
    kernel,
    invariant: cx.invariant,
    reproduced: violation !== undefined,
    ...(violation ? { violation } : {}),
    recordedStep: cx.violation.step,
    steps,
    ...(stopped ? { stopped } : {}),
  };
}
