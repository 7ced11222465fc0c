/**
 * Invariants as the explorer's generic properties: the adapter turns the
 * explorer's step view (bytes and an action number) into what `check` sees.
 */
import type { Property, StepView } from '../explorer/model.js';
import type { ReadObservation } from '../model/pipe.js';
import { historyJson, type HistoryFold, type HistoryStepInput } from '../model/history.js';
import type { FsProfile } from '../model/fs/index.js';
import type { Scenario } from '../model/scenario.js';
import { ScenarioModel, type TraceStep } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import type { State } from '../model/state.js';
import type { Invariant, InvariantStep } from './define.js';
import { LayoutStateReader } from './state-reader.js';

/** One step as `check` sees it; reused from step to step (the search allocates nothing per step for it). */
class ReusedStep implements InvariantStep {
  readonly before: LayoutStateReader;
  readonly after: LayoutStateReader;
  observed: ReadObservation | undefined;
  depth = 0;
  private view: StepView<State, ReadObservation> | undefined;
  private stepCache: TraceStep | undefined;
  constructor(private readonly model: ScenarioModel) {
    this.before = new LayoutStateReader(model.L, model.L.blank());
    this.after = new LayoutStateReader(model.L, model.L.blank());
  }
  load(view: StepView<State, ReadObservation>): this {
    if (view !== this.view) {
      this.view = view;
      this.before.reset(view.before);
      this.after.reset(view.after);
      this.observed = view.observed;
      this.depth = view.depth;
      this.stepCache = undefined;
    }
    return this;
  }
  get step(): TraceStep {
    return (this.stepCache ??= this.model.stepOf(this.view!.before, this.view!.action)!);
  }
}

/**
 * The invariants as properties of `model`; one step object is shared by all
 * of them per step. An invariant with a history reads it from the states:
 * `model` must have been made with its histories (scenarioModelFor).
 */
export function toProperties(
  model: ScenarioModel,
  invariants: readonly Invariant[],
): Property<State, ReadObservation>[] {
  const shared = new ReusedStep(model);
  let k = 0;
  return invariants.map((inv) => {
    if (inv.history === undefined) {
      return {
        id: inv.id,
        kind: inv.kind,
        judges: inv.judges,
        check: (view) => messageOf(inv.check(shared.load(view))),
      };
    }
    const slot = k++;
    if (slot >= model.histories.length) throw new Error(`${inv.id}: the model keeps no history for it`);
    const { L, historyTable } = model;
    return {
      id: inv.id,
      kind: inv.kind,
      judges: inv.judges,
      check: (view) => {
        const step = shared.load(view);
        return messageOf(
          inv.check({
            before: step.before,
            after: step.after,
            get step() {
              return step.step;
            },
            observed: step.observed,
            depth: step.depth,
            history: historyTable.value(L.historyId(view.after, slot)),
            historyBefore: historyTable.value(L.historyId(view.before, slot)),
          }),
        );
      },
    };
  });
}

/** A history's `next` threw, or returned what is not JSON: the plugin's error; the search cannot go on. */
export class HistoryError extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(`plugin error in ${invariant}: its history.next failed: ${message}`);
    this.name = 'HistoryError';
  }
}

/**
 * The scenario's model with the history variables of `invariants` (those
 * with `history`, in order) folded into every state: what toProperties needs.
 */
export function scenarioModelFor(
  scenario: Scenario,
  fs: FsProfile,
  invariants: readonly Invariant[],
  /** Interchangeable data values for the model's symmetry key (ScenarioModel); none: no reduction. */
  interchangeable: readonly number[] = [],
  /** Explore ample sets only (ScenarioModel, model/partial-order.ts); the caller has checked it applies. */
  partialOrder = false,
): ScenarioModel {
  // The folds make readers of the model's states: bound once the model exists.
  const bound: { model?: ScenarioModel } = {};
  const folds: HistoryFold[] = invariants.flatMap((inv) => {
    const history = inv.history;
    if (history === undefined) return [];
    return [
      {
        initial: history.initial,
        next: (h: unknown, input: HistoryStepInput) => {
          const m = bound.model!;
          const step = {
            before: new LayoutStateReader(m.L, input.before),
            after: new LayoutStateReader(m.L, input.after),
            step: m.stepOf(input.before, input.action)!,
            observed: input.observed,
          };
          let next: unknown;
          try {
            next = history.next(h, step);
            historyJson(next, 'it returned');
          } catch (e) {
            const at = `${step.step.process} ${formatStep(step.step)}`;
            throw new HistoryError(inv.id, `${e instanceof Error ? e.message : String(e)} (on the step ${at})`);
          }
          return next;
        },
      },
    ];
  });
  bound.model = new ScenarioModel(scenario, fs, folds, interchangeable, partialOrder);
  return bound.model;
}

/**
 * What `check` returned, as a property's verdict: a non-empty string is a
 * violation (or a witness), nothing (undefined or null) is none; anything
 * else is the plugin's error, never a violation.
 */
export function messageOf(returned: unknown): string | undefined {
  if (returned === undefined || returned === null) return undefined;
  if (typeof returned === 'string' && returned.length > 0) return returned;
  const what = typeof returned === 'string' ? 'an empty string' : `${describeValue(returned)} (${typeof returned})`;
  throw new Error(`check returned ${what}: it must return a message (a non-empty string) or nothing`);
}

function describeValue(v: unknown): string {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  try {
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  } catch {
    return String(v);
  }
}
