/**
 * Invariants as the explorer's generic properties: the adapter turns the
 * explorer's step view (bytes and an action number) into what `check` sees.
 */
import type { Property, StepView } from '../explorer/model.js';
import type { ReadObservation } from '../model/pipe.js';
import type { ScenarioModel, TraceStep } from '../model/scenario-model.js';
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

/** The invariants as properties of `model`; one step object is shared by all of them per step. */
export function toProperties(
  model: ScenarioModel,
  invariants: readonly Invariant[],
): Property<State, ReadObservation>[] {
  const shared = new ReusedStep(model);
  return invariants.map((inv) => ({
    id: inv.id,
    kind: inv.kind,
    check: (view) => inv.check(shared.load(view)) ?? undefined,
  }));
}
