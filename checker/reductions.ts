/**
 * Which state-space reductions an exploration uses, and why one asked for is
 * off. The partial-order reduction (model/partial-order.ts) needs processes
 * and no environment, a depth bound that covers every program step, and
 * invariants that all declare `commutes`. The the value symmetry (model/value-symmetry.ts) is sound only when every
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

/**
 * The partial-order reduction of one exploration (`--partial-order`,
 * model/partial-order.ts), as the --json document reports it.
 */
export interface PartialOrderReduction {
  /** Whether --partial-order asked for it. */
  readonly requested: boolean;
  /** Whether the search explored ample sets only. */
  readonly on: boolean;
  /** Why it is off although asked for. */
  readonly note?: string;
  /**
   * When the reduced search found violations or witnesses: the search with
   * every interleaving, bounded at the longest of them after minimizing,
   * that makes each one a shortest (docs/scale.md); its state and
   * transition counts.
   */
  readonly confirm?: {
    readonly depth: number;
    readonly statesDistinct: number;
    readonly transitions: number;
    /** Whether it ran to its bound (else a limit stopped it: a trace may not be a shortest). */
    readonly complete: boolean;
  };
}

export interface Reductions {
  readonly values: ValueReduction;
  /** Absent in documents from before --partial-order. */
  readonly partialOrder?: PartialOrderReduction;
}

/** The partial-order reduction for exploring `scenario` with `invariants`, asked for or not. */
export function partialOrderReduction(
  scenario: Scenario,
  invariants: readonly Invariant[],
  requested: boolean,
  allViolations = false,
): PartialOrderReduction {
  if (!requested) return { requested, on: false };
  const off = (why: string): PartialOrderReduction => ({ requested, on: false, note: `off: ${why}` });
  if (scenario.processes.length < 2) return off('the scenario has fewer than two processes, nothing to reorder');
  if (scenario.environment.length > 0) return off('the scenario has an environment (its steps are not reordered)');
  const steps = scenario.processes.reduce((n, p) => n + p.program.length, 0);
  if (scenario.bounds.depth < steps) {
    return off(`the depth bound ${scenario.bounds.depth} is below the ${steps} steps of the programs`);
  }
  if (allViolations) return off('--all-violations wants every violating step at the shortest depth');
  const undeclared = invariants.find((i) => i.commutes !== true);
  if (undeclared) return off(`invariant ${undeclared.id} does not declare commutes: true`);
  return { requested, on: true };
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

/** The lines a command prints on stderr when --symmetry or --partial-order was asked for and is off. */
export function reductionNote(r: Reductions): string | undefined {
  const lines: string[] = [];
  if (r.values.note !== undefined) lines.push(`--symmetry: ${r.values.note}`);
  if (r.partialOrder?.note !== undefined) lines.push(`--partial-order: ${r.partialOrder.note}`);
  return lines.length === 0 ? undefined : lines.join('\n');
}
