/**
 * Coverage (`check --coverage`): per operation, the steps the search took and
 * the states they reached first, and the operations that never fired, so
 * that a 'holds' which never exercised an operation is seen for what it is
 * (TLC reports coverage per action for the same reason).
 *
 * A step of the scenario is an environment action (an operation with given
 * arguments) or a position in a process's program. For each:
 * - transitions: the enabled steps the search took, those to states already
 *   seen included (they add up to the run's transitions);
 * - new states: the states it reached first. Every state but the initial
 *   ones is credited to the one step that discovered it in breadth-first
 *   order (the explorer's `onDiscovered`), so they add up to the distinct
 *   states less the initial ones, and they are the same on any number of
 *   worker threads.
 *
 * @public
 */
import type { MergeableVisitor } from '../explorer/parallel.js';
import type { ReadObservation } from '../model/pipe.js';
import { completeStep, type CompleteStep } from '../model/step.js';
import { OPERATIONS } from '../model/ops/index.js';
import type { ScenarioModel } from '../model/scenario-model.js';
import type { State } from '../model/state.js';

/** An argument shows its values when its steps have at most this many (and at least two). */
export const FEW_VALUES = 4;

/** One value of an argument: the steps with it. */
export interface ValueCoverage {
  readonly value: number | string | boolean;
  readonly transitions: number;
  readonly newStates: number;
}

export interface OperationCoverage {
  readonly op: string;
  /** The scenario's steps of this operation (environment actions and program positions). */
  readonly steps: number;
  /** Of those, the ones taken at least once. */
  readonly stepsFired: number;
  readonly transitions: number;
  readonly newStates: number;
  /** Per argument whose steps have 2 to FEW_VALUES distinct values: per value, in ascending order. */
  readonly byArgument: Readonly<Record<string, readonly ValueCoverage[]>>;
}

export interface Coverage {
  /** Environment operations in the scenario's order, then those only programs take. */
  readonly operations: readonly OperationCoverage[];
  /** The operations above that no step took within the bounds. */
  readonly neverFired: readonly string[];
}

/**
 * Counts the transitions of each step of the scenario (a mergeable visitor:
 * the workers' counts are added) and the states each discovered (`discover`,
 * wired to the explorer's `onDiscovered` on the thread that merges).
 */
export class CoverageVisitor implements MergeableVisitor<State, ReadObservation> {
  /** Per step of the scenario: program positions first (process by process), then environment actions. */
  private readonly steps: readonly CompleteStep[];
  /** Per process, the index of its program's first step. */
  private readonly firstOf: Int32Array;
  private readonly processes: number;
  private readonly envBase: number;
  private readonly transitions: Float64Array;
  private readonly discovered: Float64Array;

  constructor(private readonly model: ScenarioModel) {
    const programs = model.scenario.processes.map((p) => p.program.map(completeStep));
    this.processes = programs.length;
    this.firstOf = new Int32Array(programs.length);
    let n = 0;
    programs.forEach((program, p) => {
      this.firstOf[p] = n;
      n += program.length;
    });
    this.envBase = n - this.processes;
    const env = model.actions.flatMap((a) => (a.kind === 'env' ? [a.step] : []));
    this.steps = [...programs.flat(), ...env];
    this.transitions = new Float64Array(this.steps.length);
    this.discovered = new Float64Array(this.steps.length);
  }

  /** The step of `action` from a state whose program counters are `s`'s, less `back` (1: `s` is after it). */
  private stepIndex(explorerAction: number, s: State, back: number): number {
    const action = this.model.baseAction(explorerAction);
    if (action >= this.processes) return this.envBase + action;
    return this.firstOf[action]! + this.model.L.pc(s, action) - back;
  }

  visit({ before, action }: { readonly before: State; readonly action: number }): void {
    this.transitions[this.stepIndex(action, before, 0)]!++;
  }

  /** The state `encoded` was first reached by a step of `action`. */
  discover(action: number, encoded: Uint8Array): void {
    this.discovered[this.stepIndex(action, encoded as State, 1)]!++;
  }

  /** The transitions counted since the last take, as [step, count] pairs (for the multi-thread search). */
  take(): number[] {
    const part: number[] = [];
    const t = this.transitions;
    for (let i = 0; i < t.length; i++) {
      if (t[i] !== 0) {
        part.push(i, t[i]!);
        t[i] = 0;
      }
    }
    return part;
  }

  absorb(part: unknown): void {
    const pairs = part as number[];
    for (let k = 0; k < pairs.length; k += 2) this.transitions[pairs[k]!]! += pairs[k + 1]!;
  }

  /** The counts so far (a checkpoint's). */
  saveState(): { transitions: number[]; discovered: number[] } {
    return { transitions: [...this.transitions], discovered: [...this.discovered] };
  }

  restoreState(state: unknown): void {
    const { transitions, discovered } = state as { transitions: number[]; discovered: number[] };
    if (transitions.length !== this.transitions.length || discovered.length !== this.discovered.length) {
      throw new Error('coverage: the checkpoint counts the steps of another scenario');
    }
    this.transitions.set(transitions);
    this.discovered.set(discovered);
  }

  coverage(): Coverage {
    const byOp = new Map<string, number[]>();
    const env = this.model.scenario.environment;
    for (const op of env) byOp.set(op, []);
    this.steps.forEach((step, i) => {
      const list = byOp.get(step.op) ?? [];
      byOp.set(step.op, list);
      list.push(i);
    });
    // Environment operations first, in the scenario's order; Map keeps the programs' after them.
    const operations = [...byOp].map(([op, indices]) => this.operationCoverage(op, indices));
    return { operations, neverFired: operations.filter((o) => o.transitions === 0).map((o) => o.op) };
  }

  private operationCoverage(op: string, indices: readonly number[]): OperationCoverage {
    const sum = (of: Float64Array, is: readonly number[]) => is.reduce((a, i) => a + of[i]!, 0);
    const byArgument: Record<string, ValueCoverage[]> = {};
    for (const arg of OPERATIONS[op as CompleteStep['op']].argNames) {
      const groups = new Map<number | string | boolean, number[]>();
      for (const i of indices) {
        const value = (this.steps[i] as unknown as Record<string, number | string | boolean>)[arg]!;
        groups.set(value, [...(groups.get(value) ?? []), i]);
      }
      if (groups.size < 2 || groups.size > FEW_VALUES) continue;
      byArgument[arg] = [...groups]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([value, is]) => ({ value, transitions: sum(this.transitions, is), newStates: sum(this.discovered, is) }));
    }
    return {
      op,
      steps: indices.length,
      stepsFired: indices.filter((i) => this.transitions[i]! > 0).length,
      transitions: sum(this.transitions, indices),
      newStates: sum(this.discovered, indices),
      byArgument,
    };
  }
}
