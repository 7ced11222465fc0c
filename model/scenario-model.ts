/**
 * A scenario as a model the explorer can search: the processes' programs,
 * interleaved in every way, plus a free environment taking any enabled step
 * of its operations with any arguments. Implements the explorer's generic
 * `ExplorableModel`; the explorer sees only bytes and action numbers.
 *
 * @public
 */
import type { ExplorableModel, Transition } from '../explorer/model.js';
import { walk, type Walked } from '../explorer/path.js';
import { canonicalize } from './canonical.js';
import {
  choiceRuns,
  NO_CHOICES,
  choicesToKeep,
  RecordingChooser,
  sameChoices,
  type ChoiceMade,
  type ChoiceTaken,
  type Chooser,
} from './choices.js';
import type { ModelContext } from './context.js';
import {
  DEFAULT_FS,
  DEFAULT_RELEASE,
  dirtyCellsMatter,
  extentsMatter,
  KERNEL_RELEASES,
  profileFor,
  spanningBuffersMatter,
  type FsProfile,
  type KernelRelease,
} from './fs/index.js';
import { HistoryTable, type HistoryFold } from './history.js';
import { buildInitialState } from './initial.js';
import { kernelById } from './kernels/index.js';
import { environmentAdmits, environmentNeeds } from './env-constraints.js';
import { OPERATIONS, type AnyOperation, type OpResult } from './ops/index.js';
import { conflicts, PartialOrder } from './partial-order.js';
import type { ReadObservation } from './pipe.js';
import { ENV_PROCESS, type Scenario } from './scenario.js';
import { featuresOf, Layout, type LayoutFeature, type State } from './state.js';
import { ValueSymmetry } from './value-symmetry.js';
import { completeStep, formatStep, sameStep, type CompleteStep, type Step } from './step.js';

/** An action: a process taking its next step, or the environment taking a given step. */
export type Action =
  { readonly kind: 'process'; readonly process: number } | { readonly kind: 'env'; readonly step: CompleteStep };

/**
 * A step as it appears in a trace: the step, who took it, and the kernel's
 * choices in it when it did not take option 0 everywhere (model/choices.ts).
 */
export type TraceStep = Step & { readonly process: string; readonly choices?: readonly ChoiceTaken[] };

/** One outcome of a step: the kernel's choices in it and the step's result. */
interface Outcome {
  readonly choices: readonly ChoiceMade[];
  result: OpResult;
  /** Whether `step` has given the explorer this result's state already (then it gets a copy). */
  handedOut?: boolean;
}

/** The chooser every model's steps record their kernel choices with (the model runs one step at a time). */
const RECORDER = new RecordingChooser();

/** The outcomes of a step not enabled (shared: never modified). */
const NO_OUTCOMES: readonly Outcome[] = Object.freeze([]);

/** A run of a step that answers option 0 at every choice point. */
const NO_PREFIX: readonly number[] = Object.freeze([]);

export { ENV_PROCESS };

/** A step ready to apply: its operation and its arguments with every default filled in. */
interface Compiled {
  readonly op: AnyOperation;
  readonly step: CompleteStep;
}

function compile(step: Step): Compiled {
  return { op: OPERATIONS[step.op], step: completeStep(step) };
}

/** Where a trace of steps stops being one of the scenario's: the step and why. */
export interface TraceMismatch {
  /** 0-based position of the step. */
  readonly step: number;
  readonly message: string;
}

export class ScenarioModel implements ExplorableModel<State, ReadObservation> {
  /** @internal The byte layout (not public API). */
  readonly L: Layout;
  /** @internal */
  readonly ctx: ModelContext;
  /** The actions, one per step (the explorer's action numbers are these times `choiceSlots`). */
  readonly actions: readonly Action[];
  readonly actionCount: number;
  /**
   * How many outcomes an action number may stand for: 1 without kernel
   * choices; else explorer action `a * choiceSlots + k` is action `a` with
   * the k-th leaf of its choice tree (model/choices.ts), in the state taken.
   */
  readonly choiceSlots: number;
  /** The outcomes of the last step asked for (the explorer asks for an action's slots one after the other). */
  private cachedState: State | undefined;
  private cachedBase = -1;
  private cachedOutcomes: readonly Outcome[] = NO_OUTCOMES;
  /** The outcomes of a step that asked no kernel choice: the one outcome, reused from step to step. */
  private readonly onlyOutcome: readonly Outcome[] = [
    { choices: NO_CHOICES, result: undefined as unknown as OpResult },
  ];
  /** Per action: the environment step, compiled (undefined for process actions). */
  private readonly envSteps: readonly (Compiled | undefined)[];
  /** Per process: its program, compiled. */
  private readonly programs: readonly (readonly Compiled[])[];
  /** simplerActions, per action asked for (a large scenario has 100,000 actions: never all of them). */
  private readonly simpler = new Map<number, readonly number[]>();
  /** Per operation, the range of its environment actions (they are contiguous). */
  private readonly opRanges = new Map<string, { readonly first: number; readonly end: number }>();

  /** The values of the history variables the states hold (model/history.ts). */
  readonly historyTable = new HistoryTable();

  /**
   * The class key under the value symmetry (model/value-symmetry.ts), when the
   * model was made with at least two interchangeable values; absent otherwise
   * (the explorer then fingerprints the state itself).
   */
  readonly symmetryKey?: (encoded: Uint8Array) => Uint8Array;

  /** The file system's profile as it is on the scenario's release (profileFor). */
  readonly fs: FsProfile;

  constructor(
    readonly scenario: Scenario,
    fs: FsProfile = DEFAULT_FS,
    /** History variables of the invariants checked: part of every state (model/history.ts). */
    readonly histories: readonly HistoryFold[] = [],
    /** Interchangeable data values (value-symmetry.ts): the caller has checked that the invariants allow it. */
    interchangeable: readonly number[] = [],
    /**
     * Explore ample sets only (model/partial-order.ts): the caller has checked
     * that the scenario has processes and no environment, that the depth bound
     * covers every program step and that the invariants allow it
     * (checker/reductions.ts).
     */
    partialOrder = false,
  ) {
    const kernel = kernelById(scenario.kernel);
    if (!kernel) throw new Error(`unknown kernel ${scenario.kernel}`);
    const release = scenario.release ?? DEFAULT_RELEASE;
    fs = this.fs = releaseProfile(fs, release);
    const features = {
      ...scenarioFeatures(scenario),
      diskExtents: extentsMatter(fs),
      cellDirty: dirtyCellsMatter(fs, scenario.bounds),
      spanningBuffers: spanningBuffersMatter(fs, scenario.bounds),
    };
    this.L = new Layout(scenario.bounds, scenario.processes.length, histories.length, features);
    this.ctx = { L: this.L, kernel, fs, release };
    const actions: Action[] = scenario.processes.map((_, process) => ({ kind: 'process' as const, process }));
    for (const op of scenario.environment) {
      const args = scenario.environmentArgs[op] ?? {};
      for (const step of OPERATIONS[op].domain(scenario.bounds) as CompleteStep[])
        if (environmentAdmits(OPERATIONS[op], args, step)) actions.push({ kind: 'env', step });
    }
    this.actions = actions;
    this.choiceSlots = scenario.kernelChoices === 'explore' ? choiceSlotsFor(scenario) : 1;
    this.actionCount = actions.length * this.choiceSlots;
    if (this.choiceSlots > 1) this.nextAction = (s, action) => this.nextChoiceAction(s, action);
    this.envSteps = actions.map((a) => (a.kind === 'env' ? { op: OPERATIONS[a.step.op], step: a.step } : undefined));
    this.programs = scenario.processes.map((p) => p.program.map(compile));
    if (interchangeable.length >= 2) {
      const symmetry = new ValueSymmetry(this.L, interchangeable);
      this.symmetryKey = (encoded) => symmetry.key(encoded);
    }
    if (partialOrder) {
      if (scenario.environment.length > 0) throw new Error('partial order: the scenario has an environment');
      const po = new PartialOrder(scenario, this.fs.pmdFolios);
      this.partialOrder = po;
      this.ampleActions = (s) => this.ampleOf(po, s);
    }
  }

  /** The footprints and ample sets of the partial-order reduction, when the model was made with it. */
  readonly partialOrder?: PartialOrder;

  /**
   * The explorer's ample set at `s` (ExplorableModel.ampleActions): every
   * outcome of the next step of the lowest-numbered process whose next step
   * is enabled and independent of every step the other processes have left;
   * undefined (every action) when no process's is.
   */
  ampleActions?: (s: State) => readonly number[] | undefined;

  private ampleOf(po: PartialOrder, s: State): readonly number[] | undefined {
    const n = this.scenario.processes.length;
    const pcs: number[] = new Array<number>(n);
    for (let p = 0; p < n; p++) pcs[p] = this.L.pc(s, p);
    const K = this.choiceSlots;
    let outcomes = 0;
    const enabled = (p: number): boolean => {
      outcomes = K === 1 ? (this.step(s, p) === undefined ? 0 : 1) : this.outcomesOf(s, p).length;
      return outcomes > 0;
    };
    const p = po.ampleProcess(pcs, this.L.size(s), enabled);
    if (p < 0) return undefined;
    const out: number[] = [];
    for (let k = 0; k < outcomes; k++) out.push(p * K + k);
    return out;
  }

  /**
   * The steps of a trace (explorer actions from the initial state) that the
   * last one depends on: the last, and back from it every step of the same
   * process as a kept one or whose footprint conflicts with a kept one's
   * (model/partial-order.ts). Ascending positions. Dropping the others
   * leaves a trace that runs the kept steps on the same data.
   */
  causalCone(trace: readonly number[]): number[] {
    const po = this.partialOrder ?? new PartialOrder(this.scenario, this.fs.pmdFolios);
    let s: State | undefined = this.initialStates()[0]!;
    const pcs = this.scenario.processes.map(() => 0);
    // Each step's footprint with the size the file had when it ran (the whole file once the trace stops running):
    // a step that grew the file is dependent on every later step of the file, so it stays before them.
    const steps = trace.map((action) => {
      const a = this.actions[this.baseAction(action)];
      if (!a || a.kind !== 'process') throw new Error('causalCone: a trace of process steps only');
      const i = pcs[a.process]!++;
      const f = po.footprint(a.process, i, s === undefined || po.shrinks ? -1 : this.L.size(s));
      s = s === undefined ? undefined : this.step(s, action)?.next;
      return { p: a.process, f };
    });
    if (steps.length === 0) return [];
    const kept = [steps.length - 1];
    for (let j = steps.length - 2; j >= 0; j--) {
      const x = steps[j]!;
      if (kept.some((k) => steps[k]!.p === x.p || conflicts(steps[k]!.f, x.f))) kept.push(j);
    }
    return kept.reverse();
  }

  initialStates(): readonly State[] {
    const s = buildInitialState(this.L, this.scenario.initial, this.fs.pmdFolios);
    this.histories.forEach((h, k) => this.L.setHistoryId(s, k, this.historyTable.intern(h.initial)));
    return [s];
  }

  /** The state after a step, with each history variable folded over it. */
  private withHistories(
    before: State,
    action: number,
    t: Transition<State, ReadObservation>,
  ): Transition<State, ReadObservation> {
    const input = { before, after: t.next, action, observed: t.observed };
    for (let k = 0; k < this.histories.length; k++) {
      const h = this.historyTable.value(this.L.historyId(before, k));
      this.L.setHistoryId(t.next, k, this.historyTable.intern(this.histories[k]!.next(h, input)));
    }
    return t;
  }

  /** The step of explorer action `action`: one of `actions` (the choice slot set aside). */
  baseAction(action: number): number {
    return this.choiceSlots === 1 ? action : Math.floor(action / this.choiceSlots);
  }

  /**
   * The step action `action` takes in state `s` (a process's next step
   * depends on its program counter), with the kernel's choices in it when
   * it did not take option 0 everywhere.
   */
  stepOf(s: State, action: number): TraceStep | undefined {
    const a = this.actions[this.baseAction(action)];
    if (!a) return undefined;
    let st: TraceStep;
    if (a.kind === 'env') st = { ...OPERATIONS[a.step.op].plain(a.step), process: ENV_PROCESS };
    else {
      const p = this.scenario.processes[a.process]!;
      const next = p.program[this.L.pc(s, a.process)];
      if (!next) return undefined;
      st = { ...next, process: p.name };
    }
    const kept = this.choiceSlots === 1 ? undefined : choicesToKeep(this.choicesOf(s, action) ?? []);
    return kept ? { ...st, choices: kept } : st;
  }

  /**
   * The kernel's choices in action `action` from state `s`, each with what it
   * means and how many options there were (empty: none, or choices are not
   * explored); undefined when the action is not enabled there.
   */
  choicesOf(s: State, action: number): readonly ChoiceMade[] | undefined {
    if (this.choiceSlots === 1) return this.step(s, action) ? [] : undefined;
    return this.outcomesOf(s, this.baseAction(action))[action % this.choiceSlots]?.choices;
  }

  /** Apply one step (any step, not only the enumerated ones) without touching program counters. */
  applyStep(s: State, step: Step): OpResult | undefined {
    return this.applyCompiled(s, this.compileFitting(step));
  }

  /** `step` compiled, after checking that this scenario's layout has every part of the state it needs. */
  private compileFitting(step: Step): Compiled {
    const c = compile(step);
    const missing = c.op.needs.find((f) => !this.L.features[f]);
    if (missing !== undefined) {
      throw new Error(
        `${formatStep(step)} needs the ${missing} part of the state, which this scenario's layout lacks: ` +
          `list ${step.op} in its environment or a program`,
      );
    }
    return c;
  }

  /**
   * Every outcome of `step` (any step, as applyStep) in `s`, one per leaf of
   * its kernel-choice tree, option 0 first; only option 0 when the scenario
   * does not explore kernel choices. A step not enabled has none.
   */
  applyStepOutcomes(s: State, step: Step): { readonly choices: readonly ChoiceMade[]; readonly result: OpResult }[] {
    const c = this.compileFitting(step);
    const explore = this.scenario.kernelChoices === 'explore';
    const runs = choiceRuns((chooser) => this.applyCompiled(s, c, explore ? this.choiceCtx(chooser) : this.ctx));
    return runs.flatMap(({ choices, result }) => (result ? [{ choices, result }] : []));
  }

  /** The errno `step` fails with in state `s` (undefined: it does not fail, or is not enabled). */
  failureOf(s: State, step: Step): string | undefined {
    return this.applyStep(s, step)?.failed;
  }

  private applyCompiled(s: State, c: Compiled, ctx: ModelContext = this.ctx): OpResult | undefined {
    // Numbering can fall out of order only where a folio reference moved
    // (the layout's setters note it): most steps only change cells.
    this.L.numberingTouched = false;
    // The one place unlink disables the file's operations (a layout without the fileState
    // feature is never unlinked: `unlinked` reads no byte there). Not a wrapper around
    // every apply: that cost the search about a tenth of its speed.
    if (c.op.usesFile && this.L.unlinked(s)) return undefined;
    const r = c.op.apply(ctx, s, c.step);
    if (!r) return undefined;
    if (this.L.numberingTouched) canonicalize(this.L, r.state);
    return r;
  }

  /** The compiled step action `action` (one of `actions`) takes in `s`, and the process whose it is (-1: env). */
  private compiledOf(s: State, action: number): { readonly c: Compiled; readonly process: number } | undefined {
    const env = this.envSteps[action];
    if (env !== undefined) return { c: env, process: -1 };
    const a = this.actions[action];
    if (!a || a.kind !== 'process') return undefined;
    const st = this.programs[a.process]![this.L.pc(s, a.process)];
    return st ? { c: st, process: a.process } : undefined;
  }

  /** Every outcome of action `base` (one of `actions`) in `s`, one per leaf of its choice tree, option 0 first. */
  private outcomesOf(s: State, base: number): readonly Outcome[] {
    if (this.cachedState === s && this.cachedBase === base) return this.cachedOutcomes;
    const compiled = this.compiledOf(s, base);
    let outcomes: readonly Outcome[] = NO_OUTCOMES;
    if (compiled !== undefined) {
      // The first leaf (option 0 everywhere) runs on its own: most steps ask no choice, and are done
      // (one outcome, in an array kept for it: this runs for every action in every state).
      const result = this.applyCompiled(s, compiled.c, this.choiceCtx(RECORDER.reset(NO_PREFIX)));
      const choices = RECORDER.made;
      if (choices.length === 0) {
        if (result !== undefined) {
          const only = this.onlyOutcome[0]!;
          only.result = result;
          only.handedOut = false;
          outcomes = this.onlyOutcome;
        }
      } else {
        const runs = choiceRuns(
          (chooser) => this.applyCompiled(s, compiled.c, this.choiceCtx(chooser)),
          Infinity,
          RECORDER,
          { choices, result },
        );
        const all: Outcome[] = [];
        for (const { choices, result } of runs) if (result) all.push({ choices, result });
        if (all.length > this.choiceSlots) {
          const what = formatStep(compiled.c.step);
          throw new Error(
            `${what} has ${all.length} kernel-choice outcomes, more than the ${this.choiceSlots} the model numbers`,
          );
        }
        outcomes = all;
      }
    }
    this.cachedState = s;
    this.cachedBase = base;
    this.cachedOutcomes = outcomes;
    return outcomes;
  }

  private ctxWithChooser: ModelContext | undefined;

  /** The model context with `chooser` answering the hooks' choices (one object, made once). */
  private choiceCtx(chooser: Chooser): ModelContext {
    if (this.ctxWithChooser?.chooser !== chooser) this.ctxWithChooser = { ...this.ctx, chooser };
    return this.ctxWithChooser;
  }

  /**
   * The explorer's next action number to try after `action` in `s`: the
   * action's next outcome, or the next action's first (the slots past an
   * action's outcomes are never enabled).
   */
  nextAction?: (s: State, action: number) => number;

  private nextChoiceAction(s: State, action: number): number {
    const base = Math.floor(action / this.choiceSlots);
    const k = action - base * this.choiceSlots;
    return k + 1 < this.outcomesOf(s, base).length ? action + 1 : (base + 1) * this.choiceSlots;
  }

  step(s: State, action: number): Transition<State, ReadObservation> | undefined {
    if (this.choiceSlots > 1) return this.stepWithChoices(s, action);
    const env = this.envSteps[action];
    if (env !== undefined) {
      const r = this.applyCompiled(s, env);
      if (!r) return undefined;
      return this.histories.length === 0 ? toTransition(r) : this.withHistories(s, action, toTransition(r));
    }
    const a = this.actions[action];
    if (!a || a.kind !== 'process') return undefined;
    const pc = this.L.pc(s, a.process);
    const st = this.programs[a.process]![pc];
    if (!st) return undefined;
    const r = this.applyCompiled(s, st);
    if (!r) return undefined;
    this.L.setPc(r.state, a.process, pc + 1);
    return this.histories.length === 0 ? toTransition(r) : this.withHistories(s, action, toTransition(r));
  }

  /** Action `action` = base * choiceSlots + k: the k-th outcome of step `base`, its state copied. */
  private stepWithChoices(s: State, action: number): Transition<State, ReadObservation> | undefined {
    const base = Math.floor(action / this.choiceSlots);
    const outcome = this.outcomesOf(s, base)[action - base * this.choiceSlots];
    if (outcome === undefined) return undefined;
    const r = outcome.result;
    // The cache keeps the outcome: the explorer gets it once, then copies (a process's step changes its pc).
    const copy: OpResult = outcome.handedOut ? { ...r, state: r.state.slice() as State } : r;
    outcome.handedOut = true;
    const a = this.actions[base]!;
    if (a.kind === 'process') this.L.setPc(copy.state, a.process, this.L.pc(s, a.process) + 1);
    return this.histories.length === 0 ? toTransition(copy) : this.withHistories(s, action, toTransition(copy));
  }

  fingerprintBytes(): number {
    return this.L.identityBytes;
  }

  formatAction(action: number): string {
    const base = this.baseAction(action);
    const a = this.actions[base];
    if (!a) return `action ${action}`;
    const slot = action - base * this.choiceSlots;
    const choice = slot > 0 ? ` (kernel choice ${slot + 1})` : '';
    if (a.kind === 'env') return formatStep(OPERATIONS[a.step.op].plain(a.step)) + choice;
    return `${this.scenario.processes[a.process]!.name}: next step${choice}`;
  }

  /**
   * Environment actions with the same operation and no larger argument, the
   * simplest first (each with the kernel's default choices; an action with
   * other choices has its default-choice action first).
   */
  simplerActions(action: number): readonly number[] {
    const base = this.baseAction(action);
    let out = this.simpler.get(base);
    if (out === undefined) {
      out = this.computeSimpler(base);
      this.simpler.set(base, out);
    }
    if (this.choiceSlots === 1) return out;
    const K = this.choiceSlots;
    return [...(action % K !== 0 ? [base * K] : []), ...out.map((b) => b * K)];
  }

  private computeSimpler(action: number): number[] {
    const a = this.actions[action];
    if (!a || a.kind !== 'env') return [];
    const args = numericArgs(a.step);
    const out: { i: number; weight: number }[] = [];
    const { first, end } = this.opRange(a.step.op);
    for (let i = first; i < end; i++) {
      const b = this.actions[i]!;
      if (i === action || b.kind !== 'env') continue;
      const bargs = numericArgs(b.step);
      if (bargs.every((v, k) => v <= args[k]!) && bargs.some((v, k) => v < args[k]!)) {
        out.push({ i, weight: bargs.reduce((x, y) => x + y, 0) });
      }
    }
    return out.sort((x, y) => x.weight - y.weight || x.i - y.i).map((x) => x.i);
  }

  /** The environment actions of operation `op`: `first .. end - 1`. */
  private opRange(op: string): { readonly first: number; readonly end: number } {
    let r = this.opRanges.get(op);
    if (r === undefined) {
      const isOp = (a: Action): boolean => a.kind === 'env' && a.step.op === op;
      const first = this.actions.findIndex(isOp);
      let end = first;
      while (end >= 0 && end < this.actions.length && isOp(this.actions[end]!)) end++;
      r = first < 0 ? { first: 0, end: 0 } : { first, end };
      this.opRanges.set(op, r);
    }
    return r;
  }

  /**
   * The action indices that take a trace's steps, in order: an `env` step is
   * the environment action with the same step, a process's step must be the
   * next one of its program. Stops at the first step that is neither, saying
   * why. Replaying the actions (explorer/path.ts) then runs the trace.
   */
  actionsOf(trace: readonly TraceStep[]): { readonly actions: number[]; readonly mismatch?: TraceMismatch } {
    const found = this.baseActionsOf(trace);
    if (this.choiceSlots === 1) return found;
    const chosen = this.choiceActionsOf(trace, found.actions);
    return chosen.mismatch || !found.mismatch ? chosen : { actions: chosen.actions, mismatch: found.mismatch };
  }

  /**
   * The explorer actions of `bases` (one of `actions` per trace step): each
   * with the slot of the outcome whose kernel choices are the trace step's,
   * found by taking the steps from the initial state. A step not enabled
   * keeps slot 0 from there on (replaying says why it stops).
   */
  private choiceActionsOf(
    trace: readonly TraceStep[],
    bases: readonly number[],
  ): { readonly actions: number[]; readonly mismatch?: TraceMismatch } {
    const K = this.choiceSlots;
    const actions: number[] = [];
    let s: State | undefined = this.initialStates()[0]!;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const outcomes: readonly Outcome[] = s === undefined ? [] : this.outcomesOf(s, base);
      const slot: number = outcomes.findIndex((o) => sameChoices(o.choices, trace[i]!.choices));
      if (slot < 0 && outcomes.length > 0) {
        const can = outcomes.map((o) => o.choices.map((c) => c.says).join('; ') || 'none').join(' | ');
        const what = `step ${i + 1} (${formatStep(trace[i]!)}) records kernel choices`;
        const message = `${what} the model does not allow there (it allows: ${can})`;
        return { actions, mismatch: { step: i, message } };
      }
      actions.push(base * K + Math.max(0, slot));
      s = slot < 0 ? undefined : this.stepWithChoices(s!, base * K + slot)?.next;
    }
    return { actions };
  }

  /** The action (one of `actions`) of each trace step, without kernel choices. */
  private baseActionsOf(trace: readonly TraceStep[]): {
    readonly actions: number[];
    readonly mismatch?: TraceMismatch;
  } {
    const actions: number[] = [];
    const pcs = this.scenario.processes.map(() => 0);
    for (let i = 0; i < trace.length; i++) {
      const step = trace[i]!;
      if (step.process === ENV_PROCESS) {
        const action = this.actions.findIndex((a) => a.kind === 'env' && sameStep(a.step, step));
        if (action < 0) {
          const what = "is not an operation this scenario's environment may take";
          const message = `step ${i + 1} (${formatStep(step)}) ${what}`;
          return { actions, mismatch: { step: i, message } };
        }
        actions.push(action);
        continue;
      }
      const p = this.scenario.processes.findIndex((x) => x.name === step.process);
      const next = p >= 0 ? this.scenario.processes[p]!.program[pcs[p]!] : undefined;
      if (p < 0 || !next || !sameStep(next, step)) {
        const why =
          p < 0
            ? 'the scenario has no such process'
            : next
              ? `its next step is ${formatStep(next)}`
              : 'its program has ended';
        return {
          actions,
          mismatch: { step: i, message: `step ${i + 1} says ${step.process} runs ${formatStep(step)}, but ${why}` },
        };
      }
      pcs[p]!++;
      actions.push(p);
    }
    return { actions };
  }

  /**
   * Apply `steps` one after the other from the initial state (the replay
   * routine of explorer/path.ts, by step). A step that is not enabled leaves
   * the state as it was; the caller decides whether to go on.
   */
  walkSteps(steps: readonly Step[]): Generator<Walked<State, ReadObservation, Step>, State> {
    return walk(this.initialStates()[0]!, steps, (s, step) => {
      const r = this.applyStep(s, step);
      return r ? toTransition(r) : undefined;
    });
  }
}

/**
 * How many outcomes one step may have under `scenario`'s bounds: a write's
 * folio orders (each aligned block of `folioPages` pages tiled by any
 * aligned power-of-two folios: t(1) = 1, t(2n) = t(n)^2 + 1, per block the
 * write spans) or xfs's removal of the two folios at a range's edges (4);
 * 1 where folios are one page (no choice point fires); times the most an
 * operation's own choices give (splice-out's overlapping copy: 2).
 */
export function choiceSlotsFor(scenario: Scenario): number {
  return folioChoiceSlots(scenario) * ownChoiceSlots(scenario);
}

/** The outcomes the page cache's choices give one step; 1 with folios of one page (no choice point fires). */
function folioChoiceSlots(scenario: Scenario): number {
  const { pages, folioPages } = scenario.bounds;
  if (folioPages <= 1) return 1;
  let tilings = 1;
  for (let n = 1; n < folioPages; n *= 2) tilings = tilings * tilings + 1;
  return Math.max(4, tilings ** Math.ceil(pages / Math.max(1, folioPages)));
}

/** The most outcomes an operation's own choices give (splice-out's overlapping copy: 2), over the scenario's. */
function ownChoiceSlots(scenario: Scenario): number {
  const ops = new Set<Step['op']>(scenario.environment);
  for (const p of scenario.processes) for (const st of p.program) ops.add(st.op);
  let most = 1;
  for (const op of ops) most = Math.max(most, OPERATIONS[op].ownChoices);
  return most;
}

/**
 * Profile `fs` as it is on `release`: a modelled profile (of any release)
 * becomes its id's profile on `release`; any other (a test's own) is used
 * as given.
 */
function releaseProfile(fs: FsProfile, release: KernelRelease): FsProfile {
  const modelled = KERNEL_RELEASES.some((r) => profileFor(fs.id, r) === fs);
  return modelled ? profileFor(fs.id, release)! : fs;
}

/** The layout features the scenario's operations need: its environment's and its programs'. */
export function scenarioFeatures(scenario: Scenario) {
  const needs: LayoutFeature[] = [];
  for (const op of scenario.environment)
    needs.push(...environmentNeeds(OPERATIONS[op], scenario.environmentArgs[op] ?? {}, scenario.bounds));
  for (const p of scenario.processes) for (const st of p.program) needs.push(...OPERATIONS[st.op].stepNeeds(st));
  return featuresOf(needs);
}

function toTransition(r: OpResult): Transition<State, ReadObservation> {
  return r.observed ? { next: r.state, observed: r.observed } : { next: r.state };
}

/** A complete step's arguments as numbers (a flag is 0 or 1), in the operation's order. */
function numericArgs(st: CompleteStep): number[] {
  return OPERATIONS[st.op].oracleArgs(st);
}
