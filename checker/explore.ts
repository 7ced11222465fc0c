/**
 * One exploration of a scenario: the model, the invariants as the explorer's
 * properties, and a visitor that keeps the cost (the most pages copied and
 * stolen in any state reached). Synchronous; the command line runs it in a
 * worker thread so that it can be interrupted (cli/explore-job.ts).
 *
 * @public
 */
import { explore } from '../explorer/bfs.js';
import type { StepVisitor } from '../explorer/model.js';
import type { ExploreEvent, ExploreResult } from '../explorer/result.js';
import type { Invariant } from '../invariants/define.js';
import { HistoryError, scenarioModelFor, toProperties } from '../invariants/property.js';
import { DEFAULT_FS, fsProfileById, type FsProfile } from '../model/folio-policy.js';
import type { ReadObservation } from '../model/pipe.js';
import type { Scenario } from '../model/scenario.js';
import type { Layout, State } from '../model/state.js';
import { InputError } from './errors.js';
import type { InvariantRequest } from './inputs.js';
import { valueReduction, type Reductions } from './reductions.js';

/** Everything an exploration needs, as plain data (it crosses to a worker thread). */
export interface ExploreJob {
  readonly scenario: Scenario;
  readonly invariants: InvariantRequest;
  readonly maxStates?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** The file-system profile's id (default ext4). */
  readonly fs?: FsProfile['id'] | undefined;
  /** Every violating step at the shortest depth, not just the first (explore's allViolations). */
  readonly allViolations?: boolean | undefined;
  /** Explore one state per class of value-relabelled states, when the invariants allow it (checker/reductions.ts). */
  readonly symmetry?: boolean | undefined;
}

export interface Cost {
  readonly pagesCopied: number;
  readonly pagesStolen: number;
}

/** What the report needs of an invariant (its code stays where it ran). */
export interface InvariantInfo {
  readonly id: string;
  readonly kind: 'always' | 'sometimes';
  readonly description: string;
}

export interface JobResult {
  /** The invariants checked, in report order. */
  readonly invariants: readonly InvariantInfo[];
  readonly result: ExploreResult<ReadObservation>;
  /** The most pages copied and stolen in any state reached. */
  readonly cost: Cost;
  /** The reductions used (the state counts are of classes when one is on). */
  readonly reductions: Reductions;
}

/**
 * A visitor keeping the largest cost counters of any state reached. (Cost
 * rides along outside the state's identity bytes, so it is per path; the
 * maximum over every step taken is the most any explored path paid.)
 */
export class CostVisitor implements StepVisitor<State, ReadObservation> {
  private copied = 0;
  private stolen = 0;
  constructor(private readonly L: Layout) {}
  visit({ after }: { readonly after: State }): void {
    const c = this.L.pagesCopied(after);
    const s = this.L.pagesStolen(after);
    if (c > this.copied) this.copied = c;
    if (s > this.stolen) this.stolen = s;
  }
  cost(): Cost {
    return { pagesCopied: this.copied, pagesStolen: this.stolen };
  }
}

/** explore(); a history's `next` that fails is the plugin's error (InputError: exit 2), not a crash. */
function exploreWithHistories(
  ...args: Parameters<typeof explore<State, ReadObservation>>
): ExploreResult<ReadObservation> {
  try {
    return explore(...args);
  } catch (e) {
    if (e instanceof HistoryError) throw new InputError(e.message);
    throw e;
  }
}

/** Run a job here, synchronously. */
export function exploreScenario(
  job: ExploreJob,
  invariants: readonly Invariant[],
  hooks: { signal?: AbortSignal; onEvent?: (e: ExploreEvent) => void } = {},
): JobResult {
  const values = valueReduction(job.scenario, invariants, job.symmetry === true);
  const fs = fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS;
  const model = scenarioModelFor(job.scenario, fs, invariants, values.on ? values.interchangeable : []);
  const cost = new CostVisitor(model.L);
  const result = exploreWithHistories(model, toProperties(model, invariants), {
    maxDepth: job.scenario.bounds.depth,
    visitors: [cost],
    ...(job.maxStates !== undefined ? { maxStates: job.maxStates } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(job.allViolations ? { allViolations: true } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  });
  return {
    invariants: invariants.map(({ id, kind, description }) => ({ id, kind, description })),
    result,
    cost: cost.cost(),
    reductions: { values },
  };
}
