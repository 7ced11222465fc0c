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
    check: (view) => messageOf(inv.check(shared.load(view))),
  }));
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
