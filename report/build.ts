/**
 * The data an HTML report page is rendered from (report/html.ts renders it):
 * a counterexample replayed on the model, step by step, with the state after
 * each step (model/view.ts), what each step changed, the step that damaged
 * the data the reader saw (counterexamples/damage.ts) and what the reader
 * expected and saw. Nothing here is hard-coded per scenario: every value
 * comes from the replay or from the file.
 */
import type { Coverage } from '../checker/coverage.js';
import { damagingStep } from '../counterexamples/damage.js';
import { kernelChoiceLines, stepChanges } from '../counterexamples/diff.js';
import { releaseOf, type Counterexample } from '../counterexamples/format.js';
import { replay, type ReplayResult } from '../replay/replay.js';
import { replayTrace } from '../explorer/path.js';
import { builtinById } from '../invariants/builtins.js';
import type { Bounds } from '../model/bounds.js';
import { DEFAULT_FS, fsProfileById } from '../model/fs/index.js';
import { kernelById } from '../model/kernels/index.js';
import type { ReadObservation } from '../model/pipe.js';
import { ENV_PROCESS, parseScenario } from '../model/scenario.js';
import { ScenarioModel, type TraceStep } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import { viewState, type StateView } from '../model/view.js';

/** One step of the trace as the page shows it. */
export interface ReportStep {
  /** 0-based position in the trace (the page numbers steps from 1). */
  readonly index: number;
  readonly process: string;
  /** `formatStep`: `write(off=0, len=1, value=2)`. */
  readonly text: string;
  /** False for the step the replay stopped at (not enabled, or not one of the scenario's). */
  readonly replayed: boolean;
  /** The state after the step (the state before it when it did not replay). */
  readonly state: StateView;
  /** `describeChanges` between the state before and after. */
  readonly changes: readonly string[];
  /** What a reader saw, if the step read a pipe. */
  readonly observed?: ReadObservation;
}

/** What the reader expected and what it saw at the violating step. */
export interface ReaderView {
  /** The pipe read, when the replay observed the read. */
  readonly pipe?: number;
  readonly expected: readonly number[];
  readonly observed: readonly number[];
}

/** How the replay on the model judged the counterexample's invariant. */
export type Judgement =
  | { readonly kind: 'reproduced'; readonly step: number; readonly message: string }
  | { readonly kind: 'not-reproduced' }
  /** The invariant is a plugin's: the page shows the recorded violation, not judged again. */
  | { readonly kind: 'not-judged'; readonly reason: string };

/** One counterexample, replayed: a section of a page. */
export interface ViolationSection {
  /** The HTML id prefix of the section's elements (`v0`): never derived from input. */
  readonly id: string;
  /** The counterexample file, if it came from one. */
  readonly file?: string;
  readonly kernel: string;
  readonly kernelSummary?: string;
  readonly invariant: string;
  readonly invariantDescription?: string;
  readonly fs: string;
  readonly fsDescription?: string;
  readonly bounds: Bounds;
  /** The violation's message: the replay's, else the recorded one. */
  readonly message: string;
  readonly command?: string;
  readonly judgement: Judgement;
  /** Why the replay stopped before the end of the trace. */
  readonly stopped?: string;
  /** The timeline's columns: the processes that take a step, the scenario's order, the environment last. */
  readonly processes: readonly string[];
  readonly initial: StateView;
  readonly steps: readonly ReportStep[];
  /** 0-based index of the violating step (the replay's, else the recorded one). */
  readonly violatingStep: number;
  /** 0-based index of the step that changed data already in the pipe which the reader then saw. */
  readonly damagingStep?: number;
  readonly reader?: ReaderView;
}

/** A check run's summary, for a page made from `check --json`: its report's, verdicts as pairs in order. */
export type CheckSummary = Omit<CheckReportSummary, 'invariants'> & {
  /** Invariant id -> verdict. */
  readonly invariants: readonly (readonly [string, string])[];
};

/** One HTML page: one section per violation. */
export interface ReportPage {
  readonly title: string;
  /** The file the page was made from. */
  readonly source: string;
  readonly check?: CheckSummary;
  readonly sections: readonly ViolationSection[];
}

/** The states of a replayed trace: the initial state, then after each step. */
interface ReplayedViews {
  readonly initial: StateView;
  readonly steps: readonly ReportStep[];
  readonly stopped?: string;
}

/** Replay `cx` on its scenario's model, keeping a view of every state. */
function replayViews(cx: Counterexample, source: string): ReplayedViews {
  const scenario = { ...parseScenario(cx.scenario, `${source}: scenario`), kernel: cx.kernel, release: releaseOf(cx) };
  const model = new ScenarioModel(scenario, (cx.fs && fsProfileById(cx.fs)) ?? DEFAULT_FS);
  const { actions, mismatch } = model.actionsOf(cx.trace);
  const run = replayTrace(model, actions);
  const initial = viewState(model.L, model.initialStates()[0]!);
  const steps: ReportStep[] = [];
  let previous = initial;
  for (const r of run.steps) {
    const state = viewState(model.L, r.after);
    steps.push({
      ...stepText(cx.trace[r.index]!, r.index),
      replayed: true,
      state,
      changes: [
        ...kernelChoiceLines(model.choicesOf(r.before, r.action)),
        ...stepChanges(model.failureOf(r.before, cx.trace[r.index]!), previous, state),
      ],
      ...(r.observed ? { observed: r.observed } : {}),
    });
    previous = state;
  }
  const stopped = run.ok ? mismatch?.message : run.message;
  const next = cx.trace[steps.length];
  if (stopped !== undefined && next !== undefined) {
    steps.push({ ...stepText(next, steps.length), replayed: false, state: previous, changes: [] });
  }
  return { initial, steps, ...(stopped !== undefined ? { stopped } : {}) };
}

function stepText(step: TraceStep, index: number): Pick<ReportStep, 'index' | 'process' | 'text'> {
  return { index, process: step.process, text: formatStep(step) };
}

/** The processes that take a step in `trace`, in the scenario's order, the environment last. */
function timelineProcesses(cx: Counterexample): string[] {
  const named = (cx.scenario.processes ?? []).map((p) => p.name);
  const taking = new Set(cx.trace.map((s) => s.process));
  const ordered = named.filter((n) => taking.has(n));
  const others = [...taking].filter((n) => !named.includes(n) && n !== ENV_PROCESS);
  return [...ordered, ...others, ...(taking.has(ENV_PROCESS) ? [ENV_PROCESS] : [])];
}

/** Judge the invariant again on the model, when it is built in. */
function judge(cx: Counterexample): { judgement: Judgement; result?: ReplayResult } {
  if (builtinById(cx.invariant) === undefined) {
    const reason = `${cx.invariant} is not a built-in invariant (a plugin's): the recorded violation is shown`;
    return { judgement: { kind: 'not-judged', reason } };
  }
  const result = replay(cx);
  const judgement: Judgement = result.violation
    ? { kind: 'reproduced', step: result.violation.step, message: result.violation.message }
    : { kind: 'not-reproduced' };
  return { judgement, result };
}

/** What the reader expected and saw: the file's record, else the replay's read at the violating step. */
function readerOf(cx: Counterexample, step: ReportStep | undefined): ReaderView | undefined {
  const seen = step?.observed;
  const { expected, observed } = cx.violation;
  if (expected !== undefined && observed !== undefined) {
    return { ...(seen ? { pipe: seen.pipe } : {}), expected, observed };
  }
  return seen ? { pipe: seen.pipe, expected: seen.expected, observed: seen.observed } : undefined;
}

/**
 * A counterexample as a page section: replayed on its kernel, every state
 * viewed, the violating and the damaging step found. `source` names the file
 * in messages; `id` prefixes the section's HTML ids.
 */
export function sectionOf(cx: Counterexample, source: string, id = 'v0'): ViolationSection {
  const { initial, steps, stopped } = replayViews(cx, source);
  const { judgement } = judge(cx);
  const violatingStep = judgement.kind === 'reproduced' ? judgement.step : cx.violation.step;
  const replayedViews = [initial, ...steps.filter((s) => s.replayed).map((s) => s.state)];
  const damaging = damagingStep(replayedViews, violatingStep);
  const reader = readerOf(cx, steps[violatingStep]);
  const kernel = kernelById(cx.kernel);
  const invariant = builtinById(cx.invariant);
  const fs = fsProfileById(cx.fs ?? DEFAULT_FS.id);
  return {
    id,
    file: source,
    kernel: cx.kernel,
    ...(kernel ? { kernelSummary: kernel.summary } : {}),
    invariant: cx.invariant,
    ...(invariant ? { invariantDescription: invariant.description } : {}),
    fs: cx.fs ?? DEFAULT_FS.id,
    ...(fs ? { fsDescription: fs.description } : {}),
    bounds: cx.bounds,
    message: judgement.kind === 'reproduced' ? judgement.message : cx.violation.message,
    ...(cx.command !== undefined ? { command: cx.command } : {}),
    judgement,
    ...(stopped !== undefined ? { stopped } : {}),
    processes: timelineProcesses(cx),
    initial,
    steps,
    violatingStep,
    ...(damaging !== undefined ? { damagingStep: damaging } : {}),
    ...(reader ? { reader } : {}),
  };
}

/** A page for one counterexample file. */
export function pageOfCounterexample(cx: Counterexample, source: string): ReportPage {
  return {
    title: `pipecheck: ${cx.invariant} on ${cx.kernel} (${source})`,
    source,
    sections: [sectionOf(cx, source)],
  };
}

/** The part of a CheckReport a page shows (`check --json` output, parsed: a CheckReport is one). */
export interface CheckReportSummary {
  readonly result: string;
  readonly complete: boolean;
  readonly kernel: string;
  readonly scenario: string | null;
  readonly command: string;
  readonly statesDistinct: number;
  readonly transitions: number;
  readonly depthExplored: number;
  readonly invariants: Readonly<Record<string, string>>;
  /** Per operation, what the search took and reached (`check --coverage` only). */
  readonly coverage?: Coverage | undefined;
}

/** A check run's summary from its report. */
export function checkSummaryOf(report: CheckReportSummary): CheckSummary {
  return {
    result: report.result,
    kernel: report.kernel,
    scenario: report.scenario,
    command: report.command,
    statesDistinct: report.statesDistinct,
    transitions: report.transitions,
    depthExplored: report.depthExplored,
    complete: report.complete,
    invariants: Object.entries(report.invariants),
    ...(report.coverage === undefined ? {} : { coverage: report.coverage }),
  };
}

/**
 * A page for a check run: its summary, then one section per violation, each
 * built from the violation's counterexample (`counterexamples[i]` with the
 * path it was read from, in the order of the report's violations).
 */
export function pageOfCheckReport(
  report: CheckReportSummary,
  source: string,
  counterexamples: readonly { readonly cx: Counterexample; readonly file: string }[],
): ReportPage {
  return {
    title: `pipecheck check: ${report.result} on ${report.kernel} (${source})`,
    source,
    check: checkSummaryOf(report),
    sections: counterexamples.map(({ cx, file }, i) => sectionOf(cx, file, `v${i}`)),
  };
}
