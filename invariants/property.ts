/**
 * Invariants as the explorer's generic properties: the adapter turns the
 * explorer's step view (bytes and an action number) into what `check` sees.
 */
import type { Property, StepView } from '../explorer/model.js';
import type { ReadObservation } from '../model/pipe.js';
import type { ScenarioModel, TraceStep } from '../model/scenario-model.js';
import type { State } from '../model/state.js';
import { StateReader, type Invariant, type InvariantStep } from './define.js';

class LazyStep implements InvariantStep {
  readonly before: StateReader;
  readonly after: StateReader;
  readonly observed: ReadObservation | undefined;
  readonly depth: number;
  private stepCache: TraceStep | undefined;
  constructor(
    private readonly model: ScenarioModel,
    private readonly view: StepView<State, ReadObservation>,
  ) {
    this.before = new StateReader(model.L, view.before);
    this.after = new StateReader(model.L, view.after);
    this.observed = view.observed;
    this.depth = view.depth;
  }
  get step(): TraceStep {
    return (this.stepCache ??= this.model.stepOf(this.view.before, this.view.action)!);
  }
}

/** The invariants as properties of `model`; one step object is shared by all of them per step. */
export function toProperties(model: ScenarioModel, invariants: readonly Invariant[]): Property<State, ReadObservation>[] {
  let lastView: StepView<State, ReadObservation> | undefined;
  let lastStep: LazyStep | undefined;
  const stepFor = (view: StepView<State, ReadObservation>): LazyStep => {
    if (view !== lastView) {
      lastView = view;
      lastStep = new LazyStep(model, view);
    }
    return lastStep!;
  };
  return invariants.map((inv) => ({
    id: inv.id,
    kind: inv.kind,
    check: (view) => inv.check(stepFor(view)) ?? undefined,
  }));
}
