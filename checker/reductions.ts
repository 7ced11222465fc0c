/**
 * Which state-space reductions an exploration uses, and why one asked for is
 * off: the value symmetry (model/value-symmetry.ts) is sound only when every
 * invariant checked judges value-relabelled states alike (declares
 * `valueSymmetric`) and none keeps a history (a history is a JSON value the
 * key cannot relabel). Never silently unsound: an invariant that keeps the
 * reduction off is named.
 *
 * @public
 */
import type { Invariant } from '../invariants/define.js';
import type { Scenario } from '../model/scenario.js';
import { interchangeableValues } from '../model/value-symmetry.js';

/** The value symmetry of one exploration (`--symmetry`), as the --json document reports it. */
export interface ValueReduction {
  /** Whether --symmetry asked for it. */
  readonly requested: boolean;
  /** Whether the search explored one state per class (the state counts are of classes). */
  readonly on: boolean;
  /** The values 1..V that no step of the scenario names, ascending (what the key relabels when on). */
  readonly interchangeable: readonly number[];
  /** Why it is off although asked for. */
  readonly note?: string;
}

export interface Reductions {
  readonly values: ValueReduction;
}

/** Why `invariants` forbid the value symmetry, or undefined when every one allows it. */
function forbiddenBy(invariants: readonly Invariant[]): string | undefined {
  const withHistory = invariants.find((i) => i.history !== undefined);
  if (withHistory) return `invariant ${withHistory.id} keeps a history, which the symmetry cannot relabel`;
  const undeclared = invariants.find((i) => i.valueSymmetric !== true);
  if (undeclared) return `invariant ${undeclared.id} does not declare valueSymmetric: true`;
  return undefined;
}

/** The value symmetry for exploring `scenario` with `invariants`, asked for or not. */
export function valueReduction(
  scenario: Scenario,
  invariants: readonly Invariant[],
  requested: boolean,
): ValueReduction {
  const interchangeable = interchangeableValues(scenario);
  if (!requested) return { requested, on: false, interchangeable };
  if (interchangeable.length < 2) {
    const which = interchangeable.length === 0 ? 'none' : `only ${interchangeable[0]}`;
    const note =
      `no reduction: fewer than two of the values 1..${scenario.bounds.values} are interchangeable ` +
      `(${which}; the scenario's steps name the others)`;
    return { requested, on: false, interchangeable, note };
  }
  const why = forbiddenBy(invariants);
  if (why !== undefined) return { requested, on: false, interchangeable, note: `off: ${why}` };
  return { requested, on: true, interchangeable };
}

/** The line a command prints on stderr when --symmetry was asked for and is off. */
export function reductionNote(r: Reductions): string | undefined {
  return r.values.note === undefined ? undefined : `--symmetry: ${r.values.note}`;
}
