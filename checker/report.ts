/**
 * The one value a check run is rendered from: the explorer's result, turned
 * into the problem's words (traces as steps with their process, what each
 * step changed, what the reader expected and saw), with the counterexample
 * files. `--json` prints it; the human output formats it.
 */
import { counterexampleOf } from '../counterexamples/build.js';
import { kernelChoiceLines, stepChanges } from '../counterexamples/diff.js';
import type { Counterexample } from '../counterexamples/format.js';
import { replayTrace } from '../explorer/path.js';
import type { Bounds } from '../model/bounds.js';
import { DEFAULT_FS, type FsProfile } from '../model/fs/index.js';
import type { KernelId } from '../model/kernels/index.js';
import type { Scenario } from '../model/scenario.js';
import { entryText } from '../model/env-constraints.js';
import { ScenarioModel, type TraceStep } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import { viewState, type StateView } from '../model/view.js';
import { damagingStep as firstDamagingStep } from '../counterexamples/damage.js';
import type { Coverage } from './coverage.js';
import type { Cost, JobResult } from './explore.js';
import type { Reductions } from './reductions.js';
import { verdictOf, type Verdict } from './verdict.js';

export interface TraceReport {
  readonly invariant: string;
  readonly kind: 'always' | 'sometimes';
  readonly length: number;
  readonly trace: TraceStep[];
  /** Per step, what it changed (describeChanges). */
  readonly changes: string[][];
  /**
   * 0-based index of the step that changed the data the violating step then
   * read out of a pipe (counterexamples/damage.ts); absent when no data read
   * had changed (a violation of another kind).
   */
  readonly damagingStep?: number;
  readonly message: string;
  readonly expected?: readonly number[];
  readonly observed?: readonly number[];
  /** The counterexample file (violations only). */
  readonly counterexample?: string;
  /** Its HTML report (`check --html DIR`). */
  readonly html?: string;
  /** Set when the trace did not replay (a model bug). */
  readonly replayError?: string;
}

export interface PluginErrorReport {
  readonly invariant: string;
  /** 1-based step on which it threw. */
  readonly step: number;
  readonly stepText: string;
  readonly message: string;
  /** "plugin error in <id> at step N (<step>): <message>" */
  readonly text: string;
}

export interface CheckReport {
  /**
   * violated: a violation was found; incomplete: a limit stopped the search;
   * error: a plugin threw, so what it checks is unknown; holds: every
   * invariant holds within the bounds.
   */
  readonly result: 'holds' | 'violated' | 'incomplete' | 'error';
  /** False when a limit stopped the search. */
  readonly complete: boolean;
  readonly reason: string;
  readonly kernel: KernelId;
  /** The file-system profile the model followed (`ext4`, `tmpfs-huge`, ...). */
  readonly fs?: string;
  /** The Linux release whose page cache the model describes (model/fs/release.ts). */
  readonly release?: string;
  /**
   * Whether the model explored every choice the kernel's code allows
   * (`explore`) or only what was measured (`measured`), and how many outcomes
   * one step may have at these bounds (model/choices.ts).
   */
  readonly kernelChoices?: { readonly mode: string; readonly outcomesPerStep: number };
  readonly bounds: Bounds;
  /** The scenario file, or null for the default scenario. */
  readonly scenario: string | null;
  readonly environment: readonly string[];
  readonly processes: readonly string[];
  readonly statesDistinct: number;
  readonly transitions: number;
  readonly depthExplored: number;
  readonly elapsedMs: number;
  readonly memoryBytes: number;
  readonly invariants: Record<string, Verdict>;
  readonly violations: TraceReport[];
  readonly witnesses: TraceReport[];
  readonly pluginErrors: PluginErrorReport[];
  readonly cost: Cost;
  /** The command line that finds the violations again. */
  readonly command: string;
  /** Plugin files given (replaying their counterexamples needs them). */
  readonly plugins: readonly string[];
  /** The state-space reductions used (--symmetry): when one is on, statesDistinct counts classes. */
  readonly reductions: Reductions;
  /** Per operation, the transitions taken and the states reached first (--coverage only: checker/coverage.ts). */
  readonly coverage?: Coverage;
}

export interface ReportInput {
  readonly scenario: Scenario;
  readonly file: string | null;
  readonly job: JobResult;
  /** The invariants the user named (--invariant), for the command line that runs the same check again. */
  readonly invariantIds?: readonly string[] | undefined;
  /** The file-system profile the model used. */
  readonly fs?: FsProfile | undefined;
  readonly command: string;
  readonly plugins: readonly string[];
  /** Writes a counterexample, returns its path (null: do not write). */
  readonly write: ((cx: Counterexample) => string) | null;
}

/** A trace of action indices as steps, what each changed, and the damaging step (check and simulate). */
export function traceSteps(
  model: ScenarioModel,
  trace: readonly number[],
  initialIndex: number,
): { steps: TraceStep[]; changes: string[][]; damagingStep?: number; error?: string } {
  const r = replayTrace(model, trace, initialIndex);
  const steps: TraceStep[] = [];
  const changes: string[][] = [];
  const views: StateView[] = [];
  for (const s of r.steps) {
    const step = model.stepOf(s.before, s.action);
    steps.push(step ?? { op: 'pipe-read', len: 0, process: `action ${s.action}` });
    const before = views[views.length - 1] ?? viewState(model.L, s.before);
    if (views.length === 0) views.push(before);
    const after = viewState(model.L, s.after);
    views.push(after);
    const chose = kernelChoiceLines(model.choicesOf(s.before, s.action));
    changes.push([...chose, ...stepChanges(step && model.failureOf(s.before, step), before, after)]);
  }
  const damagingStep = r.ok && steps.length > 0 ? firstDamagingStep(views, steps.length - 1) : undefined;
  return {
    steps,
    changes,
    ...(damagingStep === undefined ? {} : { damagingStep }),
    ...(r.ok ? {} : { error: r.message }),
  };
}

export function buildReport(input: ReportInput): CheckReport {
  const { scenario, job } = input;
  const { result, cost } = job;
  const model = new ScenarioModel(scenario, input.fs ?? DEFAULT_FS);
  const stats = result.statistics;
  const violations: TraceReport[] = [];
  const witnesses: TraceReport[] = [];
  const invariants: Record<string, Verdict> = {};
  for (const inv of job.invariants) invariants[inv.id] = verdictOf(inv, result).verdict;
  for (const f of result.violations) {
    const { steps, changes, damagingStep, error } = traceSteps(model, f.trace, f.initialIndex);
    const obs = f.observed;
    const base: TraceReport = {
      invariant: f.propertyId,
      kind: f.kind,
      length: f.length,
      trace: steps,
      changes,
      ...(damagingStep === undefined || f.kind !== 'always' ? {} : { damagingStep }),
      message: f.message,
      ...(obs ? { expected: obs.expected, observed: obs.observed } : {}),
      ...(f.replayError || error ? { replayError: f.replayError ?? error } : {}),
    };
    if (f.kind === 'sometimes') {
      witnesses.push(base);
      continue;
    }
    let counterexample: string | undefined;
    if (input.write && base.replayError === undefined) {
      const cx = counterexampleOf({
        scenario,
        invariant: f.propertyId,
        fs: model.fs.id,
        release: model.ctx.release,
        trace: steps,
        message: f.message,
        expected: obs?.expected,
        observed: obs?.observed,
        // No elapsed time: the same run writes the same file, byte for byte.
        stats: {
          statesDistinct: stats.statesDistinct,
          transitions: stats.transitions,
          depthExplored: stats.depthExplored,
        },
        command: `${input.command} --invariant ${f.propertyId}`,
      });
      counterexample = input.write(cx);
    }
    violations.push(counterexample === undefined ? base : { ...base, counterexample });
  }
  const pluginErrors: PluginErrorReport[] = result.propertyErrors.map((e) => {
    const { steps } = traceSteps(model, e.trace, e.initialIndex);
    const last = steps[steps.length - 1];
    const stepText = last ? `${last.process} ${formatStep(last)}` : 'the initial state';
    return {
      invariant: e.propertyId,
      step: e.trace.length,
      stepText,
      message: e.message,
      text: `plugin error in ${e.propertyId} at step ${e.trace.length} (${stepText}): ${e.message}`,
    };
  });
  return {
    result: result.status === 'holds' && pluginErrors.length > 0 ? 'error' : result.status,
    complete: result.complete,
    reason: result.reason,
    kernel: scenario.kernel,
    fs: (input.fs ?? DEFAULT_FS).id,
    release: model.ctx.release,
    kernelChoices: { mode: scenario.kernelChoices, outcomesPerStep: model.choiceSlots },
    bounds: { ...scenario.bounds },
    scenario: input.file,
    environment: scenario.environment.map((op) => entryText(op, scenario.environmentArgs[op] ?? {})),
    processes: scenario.processes.map((p) => p.name),
    statesDistinct: stats.statesDistinct,
    transitions: stats.transitions,
    depthExplored: stats.depthExplored,
    elapsedMs: stats.elapsedMs,
    memoryBytes: stats.memoryBytes,
    invariants,
    violations,
    witnesses,
    pluginErrors,
    cost,
    command: [input.command, ...(input.invariantIds ?? []).map((id) => `--invariant ${id}`)].join(' '),
    plugins: input.plugins,
    reductions: job.reductions,
    ...(job.coverage === undefined ? {} : { coverage: job.coverage }),
  };
}
