/**
 * Shortest counterexamples under the partial-order reduction
 * (`--partial-order`, model/partial-order.ts). The reduced search finds a
 * violation (or a witness) whenever the full search does, but its trace may
 * be longer: an ample step the shortest path never takes can come first.
 * So, when the reduced search found any: each trace is cut to the causal
 * cone of its last step (the steps it depends on, model `causalCone`) and
 * replayed, which must still end at a step the property judges alike; the
 * longest of these, c, bounds a search of every interleaving for the
 * properties found only. That search finds each at its shortest depth (a
 * trace of length c or less exists), in the order the search without the
 * reduction takes, so its traces are the ones the search without the
 * reduction reports: they replace the reduced search's. Its state count is
 * reported beside the reduced one's.
 *
 * @internal
 */
import { explore } from '../explorer/bfs.js';
import type { Property } from '../explorer/model.js';
import type { ExploreOptions, ExploreResult, Finding } from '../explorer/result.js';
import type { ReadObservation } from '../model/pipe.js';
import type { ScenarioModel } from '../model/scenario-model.js';
import type { State } from '../model/state.js';
import type { PartialOrderReduction } from './reductions.js';

/**
 * `finding`'s trace cut to the causal cone of its last step, when that
 * still ends at a step `property` judges (a violation, a witness); else
 * the trace as it was.
 */
export function minimizedTrace(
  model: ScenarioModel,
  property: Property<State, ReadObservation>,
  trace: readonly number[],
): number[] {
  const kept = model.causalCone(trace).map((i) => trace[i]!);
  if (kept.length === trace.length) return [...trace];
  let s = model.initialStates()[0]!;
  for (let i = 0; i < kept.length; i++) {
    const t = model.step(s, kept[i]!);
    if (t === undefined) return [...trace];
    if (i === kept.length - 1) {
      const said = property.check({ before: s, action: kept[i]!, after: t.next, observed: t.observed, depth: i });
      return said === undefined ? [...trace] : kept;
    }
    s = t.next;
  }
  return [...trace];
}

/**
 * The reduced search's result with every finding a shortest one (see the
 * module comment): `full` is the model without the reduction, `properties`
 * its properties (every invariant's, in order), `options` the reduced
 * search's own (its limits).
 */
export function shortestFindings(
  reduced: ScenarioModel,
  full: ScenarioModel,
  properties: readonly Property<State, ReadObservation>[],
  result: ExploreResult<ReadObservation>,
  options: ExploreOptions<State, ReadObservation>,
  por: PartialOrderReduction,
): { readonly result: ExploreResult<ReadObservation>; readonly partialOrder: PartialOrderReduction } {
  if (!por.on || result.violations.length === 0) return { result, partialOrder: por };
  const found = new Set(result.violations.map((v) => v.propertyId));
  const judged = properties.filter((p) => found.has(p.id));
  let depth = 0;
  for (const v of result.violations) {
    const p = judged.find((x) => x.id === v.propertyId)!;
    depth = Math.max(depth, minimizedTrace(reduced, p, v.trace).length);
  }
  const { visitors: _v, checkpoint: _c, onEvent: _e, onDiscovered: _d, ...limits } = options;
  const confirm = explore(full, judged, { ...limits, maxDepth: depth, allViolations: false });
  const byId = new Map<string, Finding<ReadObservation>>(confirm.violations.map((v) => [v.propertyId, v]));
  const violations = result.violations.map((v) => byId.get(v.propertyId) ?? v);
  const complete = confirm.complete || confirm.reason === 'all-properties-decided';
  return {
    result: { ...result, violations },
    partialOrder: {
      ...por,
      confirm: {
        depth,
        statesDistinct: confirm.statistics.statesDistinct,
        transitions: confirm.statistics.transitions,
        complete: complete || violations.every((v) => byId.has(v.propertyId)),
      },
    },
  };
}
