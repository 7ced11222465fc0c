/**
 * A scenario as a model the explorer can search: the processes' programs,
 * interleaved in every way, plus a free environment taking any enabled step
 * of its operations with any arguments. Implements the explorer's generic
 * `ExplorableModel`; the explorer sees only bytes and action numbers.
 *
 * @public
 */
import type { ExplorableModel, Transition } from '../explorer/model.js';
import { canonicalize } from './canonical.js';
import type { ModelContext } from './context.js';
import { DEFAULT_FS, type FsProfile } from './folio-policy.js';
import { buildInitialState } from './initial.js';
import { kernelById } from './kernels/index.js';
import { OPERATIONS, type OpResult } from './ops/index.js';
import type { ReadObservation } from './pipe.js';
import type { Scenario } from './scenario.js';
import { Layout, type State } from './state.js';
import { formatStep, type Step } from './step.js';

/** An action: a process taking its next step, or the environment taking a given step. */
export type Action =
  { readonly kind: 'process'; readonly process: number } | { readonly kind: 'env'; readonly step: Step };

/** A step as it appears in a trace: the step, and who took it. */
export type TraceStep = Step & { readonly process: string };

export class ScenarioModel implements ExplorableModel<State, ReadObservation> {
  readonly L: Layout;
  readonly ctx: ModelContext;
  readonly actions: readonly Action[];
  readonly actionCount: number;
  private simpler: (readonly number[])[] | undefined;

  constructor(
    readonly scenario: Scenario,
    readonly fs: FsProfile = DEFAULT_FS,
  ) {
    const kernel = kernelById(scenario.kernel);
    if (!kernel) throw new Error(`unknown kernel ${scenario.kernel}`);
    this.L = new Layout(scenario.bounds, scenario.processes.length);
    this.ctx = { L: this.L, kernel, fs };
    const actions: Action[] = scenario.processes.map((_, process) => ({ kind: 'process' as const, process }));
    for (const op of scenario.environment) {
      for (const step of OPERATIONS[op].domain(scenario.bounds)) actions.push({ kind: 'env', step });
    }
    this.actions = actions;
    this.actionCount = actions.length;
  }

  initialStates(): readonly State[] {
    return [buildInitialState(this.L, this.scenario.initial)];
  }

  /** The step action `action` takes in state `s` (a process's next step depends on its program counter). */
  stepOf(s: State, action: number): TraceStep | undefined {
    const a = this.actions[action];
    if (!a) return undefined;
    if (a.kind === 'env') return { ...a.step, process: 'env' };
    const p = this.scenario.processes[a.process]!;
    const st = p.program[this.L.pc(s, a.process)];
    return st ? { ...st, process: p.name } : undefined;
  }

  /** Apply one step (any step, not only the enumerated ones) without touching program counters. */
  applyStep(s: State, step: Step): OpResult | undefined {
    const op = OPERATIONS[step.op] as { apply(ctx: ModelContext, s: State, st: Step): OpResult | undefined };
    // Numbering can fall out of order only where a folio reference moved
    // (the layout's setters note it): most steps only change cells.
    this.L.numberingTouched = false;
    const r = op.apply(this.ctx, s, step);
    if (!r) return undefined;
    if (this.L.numberingTouched) canonicalize(this.L, r.state);
    return r;
  }

  step(s: State, action: number): Transition<State, ReadObservation> | undefined {
    const a = this.actions[action];
    if (!a) return undefined;
    if (a.kind === 'env') {
      const r = this.applyStep(s, a.step);
      return r ? toTransition(r) : undefined;
    }
    const program = this.scenario.processes[a.process]!.program;
    const pc = this.L.pc(s, a.process);
    const st = program[pc];
    if (!st) return undefined;
    const r = this.applyStep(s, st);
    if (!r) return undefined;
    this.L.setPc(r.state, a.process, pc + 1);
    return toTransition(r);
  }

  encode(s: State): Uint8Array {
    return s;
  }

  decode(bytes: Uint8Array): State {
    return bytes;
  }

  fingerprintBytes(): number {
    return this.L.identityBytes;
  }

  formatAction(action: number): string {
    const a = this.actions[action];
    if (!a) return `action ${action}`;
    if (a.kind === 'env') return formatStep(a.step);
    return `${this.scenario.processes[a.process]!.name}: next step`;
  }

  /** Environment actions with the same operation and no larger argument, the simplest first. */
  simplerActions(action: number): readonly number[] {
    if (!this.simpler) this.simpler = this.actions.map((_, i) => this.computeSimpler(i));
    return this.simpler[action] ?? [];
  }

  private computeSimpler(action: number): number[] {
    const a = this.actions[action];
    if (!a || a.kind !== 'env') return [];
    const args = numericArgs(a.step);
    const out: { i: number; weight: number }[] = [];
    this.actions.forEach((b, i) => {
      if (i === action || b.kind !== 'env' || b.step.op !== a.step.op) return;
      const bargs = numericArgs(b.step);
      if (bargs.every((v, k) => v <= args[k]!) && bargs.some((v, k) => v < args[k]!)) {
        out.push({ i, weight: bargs.reduce((x, y) => x + y, 0) });
      }
    });
    return out.sort((x, y) => x.weight - y.weight || x.i - y.i).map((x) => x.i);
  }

  /** Replay a list of steps from the initial state (the package's replay() builds on this). */
  *run(steps: readonly Step[]): Generator<{ step: Step; before: State; result: OpResult | undefined }> {
    let s = this.initialStates()[0]!;
    for (const step of steps) {
      const result = this.applyStep(s, step);
      yield { step, before: s, result };
      if (!result) return;
      s = result.state;
    }
  }
}

function toTransition(r: OpResult): Transition<State, ReadObservation> {
  return r.observed ? { next: r.state, observed: r.observed } : { next: r.state };
}

function numericArgs(st: Step): number[] {
  return Object.entries(st)
    .filter(([k]) => k !== 'op')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, v]) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as number)));
}
