/**
 * The explorer's answers, as plain data (the server sends them as JSON, the
 * page renders them): the state at a path of action indices with the steps
 * taken to it, every step enabled there with what it would change and which
 * invariants it would break; the path to the shortest violation of an
 * invariant (check's search); a path as a counterexample file. A bad path is
 * an ApiError (400) saying which step and why.
 */
import { commandLine } from '../check.js';
import { counterexampleOf } from '../../counterexamples/build.js';
import { damagingStep } from '../../counterexamples/damage.js';
import { kernelChoiceLines, stepChanges } from '../../counterexamples/diff.js';
import { parseCounterexample, type Counterexample } from '../../counterexamples/format.js';
import type { Transition } from '../../explorer/model.js';
import type { ReadObservation } from '../../model/pipe.js';
import type { TraceStep } from '../../model/scenario-model.js';
import type { State } from '../../model/state.js';
import { formatStep } from '../../model/step.js';
import { viewState, type StateView } from '../../model/view.js';
import type { ExploreSession } from './session.js';

/** A request the api refuses: the HTTP status and why, in a sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The longest path the api takes (a path is replayed from the initial state on every request). */
export const MAX_PATH = 1000;

/** What an invariant said of a step. */
export interface Verdict {
  readonly invariant: string;
  readonly message: string;
}

/** One step, taken or that could be taken: who takes it, what it does, what it changes, what it breaks. */
export interface StepInfo {
  /** The action index (what a path is made of). */
  readonly action: number;
  readonly process: string;
  /** `write(off=0, len=1, value=2)` */
  readonly text: string;
  /** What it changes, one line each (the kernel's choices first). */
  readonly changes: readonly string[];
  /** What a reader saw, if the step read a pipe or the socket. */
  readonly observed?: ReadObservation;
  /** The invariants (always) it violates. */
  readonly breaks: readonly Verdict[];
  /** The witnesses (sometimes) it shows. */
  readonly witnesses: readonly Verdict[];
  /** Invariants whose check threw on it (a plugin's error, never a violation). */
  readonly errors: readonly Verdict[];
}

export interface StateAt {
  readonly path: readonly number[];
  /** The steps of the path, in order. */
  readonly steps: readonly StepInfo[];
  readonly initial: StateView;
  /** The state at the end of the path. */
  readonly state: StateView;
  /** The state before the last step (absent at the initial state). */
  readonly previous?: StateView;
  /** Every step enabled at the end of the path, in action order. */
  readonly enabled: readonly StepInfo[];
  /** The scenario's depth bound: check explores no path longer. */
  readonly depthBound: number;
  /** 0-based index of the first step of the path that breaks an invariant. */
  readonly violatingStep?: number;
  /** 0-based index of the step that changed data already in a pipe that the violating step then read. */
  readonly damagingStep?: number;
}

/** `3.0.7` -> [3, 0, 7]; the empty text is the initial state. */
export function parsePath(text: string | null | undefined): number[] {
  const t = (text ?? '').trim();
  if (t === '') return [];
  if (!/^\d{1,9}(\.\d{1,9})*$/.test(t)) {
    throw new ApiError(400, `path: expected action indices separated by dots (as 3.0.7), got "${t.slice(0, 40)}"`);
  }
  const path = t.split('.').map(Number);
  if (path.length > MAX_PATH) throw new ApiError(400, `path: ${path.length} steps, more than ${MAX_PATH}`);
  return path;
}

/** `[3, 0, 7]` -> `3.0.7` */
export function pathText(path: readonly number[]): string {
  return path.join('.');
}

/** Judge one step with every invariant of the session. */
function judged(
  session: ExploreSession,
  before: State,
  action: number,
  t: Transition<State, ReadObservation>,
  depth: number,
): Pick<StepInfo, 'breaks' | 'witnesses' | 'errors'> {
  const breaks: Verdict[] = [];
  const witnesses: Verdict[] = [];
  const errors: Verdict[] = [];
  // A fresh view per step: the properties share one step object keyed by the view.
  const view = { before, action, after: t.next, observed: t.observed, depth };
  for (const p of session.properties) {
    try {
      const message = p.check(view);
      if (message !== undefined) (p.kind === 'always' ? breaks : witnesses).push({ invariant: p.id, message });
    } catch (e) {
      errors.push({ invariant: p.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { breaks, witnesses, errors };
}

/** A step taken from `before` (viewed as `beforeView`) by `action`, described and judged. */
function stepInfo(
  session: ExploreSession,
  before: State,
  beforeView: StateView,
  action: number,
  t: Transition<State, ReadObservation>,
  depth: number,
): { info: StepInfo; after: StateView } {
  const { model } = session;
  const step = model.stepOf(before, action);
  const after = viewState(model.L, t.next);
  const failed = step === undefined ? undefined : model.failureOf(before, step);
  const info: StepInfo = {
    action,
    process: step?.process ?? '?',
    text: step === undefined ? model.formatAction(action) : formatStep(step),
    changes: [...kernelChoiceLines(model.choicesOf(before, action)), ...stepChanges(failed, beforeView, after)],
    ...(t.observed ? { observed: t.observed } : {}),
    ...judged(session, before, action, t, depth),
  };
  return { info, after };
}

/** The states along `path` from the initial state; a path that does not replay is an ApiError (400). */
export function walkPath(session: ExploreSession, path: readonly number[]): { states: State[] } {
  const { model } = session;
  const states: State[] = [model.initialStates()[0]!];
  for (const [i, action] of path.entries()) {
    const where = `path step ${i + 1} of ${path.length}`;
    if (!Number.isInteger(action) || action < 0 || action >= model.actionCount) {
      throw new ApiError(
        400,
        `${where}: action ${action} does not exist (this scenario's actions are 0 to ${model.actionCount - 1})`,
      );
    }
    const t = model.step(states[i]!, action);
    if (t === undefined) {
      throw new ApiError(400, `${where}: action ${action} (${model.formatAction(action)}) is not enabled there`);
    }
    states.push(t.next);
  }
  return { states };
}

/** The next action worth trying after `action` in `s` (the model skips a step's empty choice slots). */
function nextAction(session: ExploreSession, s: State, action: number): number {
  const { model } = session;
  return model.nextAction ? model.nextAction(s, action) : action + 1;
}

/** Every step enabled in `s`, described and judged (`depth`: steps taken before it). */
export function enabledSteps(session: ExploreSession, s: State, view: StateView, depth: number): StepInfo[] {
  const out: StepInfo[] = [];
  for (let a = 0; a < session.model.actionCount; a = nextAction(session, s, a)) {
    const t = session.model.step(s, a);
    if (t !== undefined) out.push(stepInfo(session, s, view, a, t, depth).info);
  }
  return out;
}

/** The state at the end of `path`, the steps to it and the steps enabled there. */
export function stateAt(session: ExploreSession, path: readonly number[]): StateAt {
  const { model } = session;
  const { states } = walkPath(session, path);
  const views: StateView[] = [viewState(model.L, states[0]!)];
  const steps: StepInfo[] = [];
  for (const [i, action] of path.entries()) {
    const t = model.step(states[i]!, action)!;
    const { info, after } = stepInfo(session, states[i]!, views[i]!, action, t, i);
    steps.push(info);
    views.push(after);
  }
  const state = views[views.length - 1]!;
  const violating = steps.findIndex((s) => s.breaks.length > 0);
  const damaging = violating < 0 ? undefined : damagingStep(views.slice(0, violating + 2), violating);
  return {
    path: [...path],
    steps,
    initial: views[0]!,
    state,
    ...(views.length > 1 ? { previous: views[views.length - 2]! } : {}),
    enabled: enabledSteps(session, states[states.length - 1]!, state, path.length),
    depthBound: session.scenario.bounds.depth,
    ...(violating < 0 ? {} : { violatingStep: violating }),
    ...(damaging === undefined ? {} : { damagingStep: damaging }),
  };
}

/** The answer to "go to the shortest violation of X". */
export type Shortest =
  | { readonly found: true; readonly invariant: string; readonly path: number[]; readonly message: string }
  | { readonly found: false; readonly invariant: string; readonly reason: string };

/** One of the session's invariants, by id; else an ApiError naming them. */
function invariantOf(session: ExploreSession, id: string | null | undefined) {
  const inv = session.invariants.find((i) => i.id === id);
  if (inv === undefined) {
    const known = session.invariants.map((i) => i.id).join(', ');
    throw new ApiError(400, `invariant: "${id ?? ''}" is not one this explorer checks (it checks: ${known})`);
  }
  return inv;
}

/**
 * The shortest path to a step that violates (or, for a witness, shows)
 * invariant `id`: check's breadth-first search for it, within the
 * scenario's bounds and the command's limits.
 */
export async function shortestViolation(session: ExploreSession, id: string | null | undefined): Promise<Shortest> {
  const inv = invariantOf(session, id);
  const done = await session.search(inv.id);
  const found = done.result.violations.find((v) => v.propertyId === inv.id);
  if (found !== undefined) {
    // The search's trace is of the same model's actions: it replays here (walkPath checks it does).
    walkPath(session, found.trace);
    return { found: true, invariant: inv.id, path: [...found.trace], message: found.message };
  }
  const what = inv.kind === 'always' ? 'no violation' : 'no witness';
  const within = done.result.complete
    ? `within the bounds (${done.result.statistics.statesDistinct} states explored): it holds there`
    : `before the search stopped (${done.result.reason})`;
  return { found: false, invariant: inv.id, reason: `${what} of ${inv.id} ${within}` };
}

/**
 * The path as a counterexample file's contents: its last step must break
 * `invariant` (default: the first invariant it breaks), as a violation a
 * check finds. Replayable with `pipecheck replay` like any other.
 */
export function counterexampleAt(
  session: ExploreSession,
  path: readonly number[],
  invariant?: string | null,
): Counterexample {
  if (path.length === 0) throw new ApiError(400, 'path: empty; a counterexample ends with the step that violates');
  const at = stateAt(session, path);
  const last = at.steps[at.steps.length - 1]!;
  const broken = invariant ? last.breaks.find((b) => b.invariant === invariant) : last.breaks[0];
  if (broken === undefined) {
    const breaks = last.breaks.map((b) => b.invariant).join(', ');
    const what = invariant ? `does not violate ${invariant}` : 'violates no invariant';
    throw new ApiError(
      400,
      `path: its last step (${last.process} ${last.text}) ${what}` +
        (breaks ? ` (it violates: ${breaks})` : '') +
        '; only a path whose last step violates an invariant is a counterexample',
    );
  }
  const { model, scenario } = session;
  const states = walkPath(session, path).states;
  const trace: TraceStep[] = path.map((a, i) => model.stepOf(states[i]!, a)!);
  const obs = last.observed;
  const cx = counterexampleOf({
    scenario,
    invariant: broken.invariant,
    fs: model.fs.id,
    release: model.ctx.release,
    trace,
    message: broken.message,
    expected: obs?.expected,
    observed: obs?.observed,
    stats: {},
    command: `${session.command} --invariant ${broken.invariant}`,
  });
  return parseCounterexample(cx, 'the explored path');
}

/** `pipecheck explore FILE --kernel K ...`: the command line that opens the same explorer. */
export function exploreCommandLine(...args: Parameters<typeof commandLine>): string {
  return commandLine(args[0], args[1], args[2], 'explore');
}
