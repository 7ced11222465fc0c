/**
 * One exploration of a scenario: the model, the invariants as the explorer's
 * properties, and a visitor that keeps the cost (the most pages copied and
 * stolen in any state reached). Synchronous; the command line runs it in a
 * worker thread so that it can be interrupted (cli/explore-job.ts); with
 * `workers` it runs on worker threads (exploreScenarioParallel).
 *
 * @public
 */
import { explore } from '../explorer/bfs.js';
import { exploreParallel, type ExplorationParts, type MergeableVisitor } from '../explorer/parallel.js';
import type { ExploreEvent, ExploreOptions, ExploreResult } from '../explorer/result.js';
import type { CheckpointHooks } from '../explorer/snapshot.js';
import type { Invariant } from '../invariants/define.js';
import { HistoryError, scenarioModelFor, toProperties } from '../invariants/property.js';
import { DEFAULT_FS, fsProfileById, type FsProfile } from '../model/fs/index.js';
import type { ReadObservation } from '../model/pipe.js';
import type { Scenario } from '../model/scenario.js';
import type { ScenarioModel } from '../model/scenario-model.js';
import type { Layout, State } from '../model/state.js';
import { checkpointHooks, snapshotInputError, type CheckpointJob } from './checkpoint.js';
import { CoverageVisitor, type Coverage } from './coverage.js';
import { InputError } from './errors.js';
import { GraphVisitor, type StateGraph } from './graph.js';
import type { InvariantRequest } from './inputs.js';
import { shortestFindings } from './partial-order.js';
import {
  partialOrderReduction,
  valueReduction,
  type PartialOrderReduction,
  type Reductions,
  type ValueReduction,
} from './reductions.js';

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
  /**
   * Explore ample sets only, where the scenario and the invariants allow it
   * (model/partial-order.ts, checker/reductions.ts); every finding is still a
   * shortest one (checker/partial-order.ts).
   */
  readonly partialOrder?: boolean | undefined;
  /** Worker threads for the search (default 1: this thread); the result is the same. */
  readonly workers?: number | undefined;
  /** Count, per step of the scenario, the transitions taken and the states reached first (checker/coverage.ts). */
  readonly coverage?: boolean | undefined;
  /** Collect the state graph (checker/graph.ts; one thread only: exploreScenario). */
  readonly graph?: boolean | undefined;
  /** Save the search now and then, and resume it (checker/checkpoint.ts; no graph). */
  readonly checkpoint?: CheckpointJob | undefined;
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
  /** Per operation, what the search took and reached (only when the job asked for it). */
  readonly coverage?: Coverage;
  /** The explored state graph (only when the job asked for it). */
  readonly graph?: StateGraph;
}

/**
 * A visitor keeping the largest cost counters of any state reached. (Cost
 * rides along outside the state's identity bytes, so it is per path; the
 * maximum over every step taken is the most any explored path paid.)
 */
export class CostVisitor implements MergeableVisitor<State, ReadObservation> {
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
  /** The maxima since the last take (for the multi-thread search), then start afresh. */
  take(): Cost {
    const part = this.cost();
    this.copied = 0;
    this.stolen = 0;
    return part;
  }
  absorb(part: unknown): void {
    const { pagesCopied, pagesStolen } = part as Cost;
    if (pagesCopied > this.copied) this.copied = pagesCopied;
    if (pagesStolen > this.stolen) this.stolen = pagesStolen;
  }
  saveState(): Cost {
    return this.cost();
  }
  restoreState(state: unknown): void {
    this.copied = 0;
    this.stolen = 0;
    this.absorb(state);
  }
}

/** The model, the properties and the visitors of a job (cost; coverage when asked): what every thread builds. */
export function explorationParts(
  job: ExploreJob,
  invariants: readonly Invariant[],
): ExplorationParts<State, ReadObservation> & {
  readonly visitors: readonly [CostVisitor] | readonly [CostVisitor, CoverageVisitor];
  readonly values: ValueReduction;
  readonly partialOrder: PartialOrderReduction;
  readonly model: ScenarioModel;
} {
  const values = valueReduction(job.scenario, invariants, job.symmetry === true);
  const partialOrder = partialOrderReduction(
    job.scenario,
    invariants,
    job.partialOrder === true,
    job.allViolations === true,
  );
  const fs = fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS;
  const interchangeable = values.on ? values.interchangeable : [];
  const model = scenarioModelFor(job.scenario, fs, invariants, interchangeable, partialOrder.on);
  const cost = new CostVisitor(model.L);
  const visitors = job.coverage === true ? ([cost, new CoverageVisitor(model)] as const) : ([cost] as const);
  return { model, properties: toProperties(model, invariants), visitors, values, partialOrder };
}

/**
 * Under the partial-order reduction, the findings made shortest by a search
 * of every interleaving up to the longest minimized one
 * (checker/partial-order.ts); otherwise the result as it is.
 */
function withShortestFindings(
  job: ExploreJob,
  invariants: readonly Invariant[],
  reduced: ScenarioModel,
  result: ExploreResult<ReadObservation>,
  por: PartialOrderReduction,
  signal: AbortSignal | undefined,
): { readonly result: ExploreResult<ReadObservation>; readonly partialOrder: PartialOrderReduction } {
  if (!por.on || result.violations.length === 0) return { result, partialOrder: por };
  const values = valueReduction(job.scenario, invariants, job.symmetry === true);
  const fs = fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS;
  const full = scenarioModelFor(job.scenario, fs, invariants, values.on ? values.interchangeable : []);
  const options = optionsOf(job, signal ? { signal } : {}, undefined);
  try {
    return shortestFindings(reduced, full, toProperties(full, invariants), result, options, por);
  } catch (e) {
    // A history's `next` that fails is the plugin's error, as in the search itself.
    if (e instanceof HistoryError) throw new InputError(e.message);
    throw e;
  }
}

/** The coverage visitor among a job's visitors, if it asked for one. */
function coverageVisitor(visitors: readonly [CostVisitor] | readonly [CostVisitor, CoverageVisitor]) {
  return visitors.length === 2 ? visitors[1] : undefined;
}

/** What the caller hooks into a job's search. */
export interface ScenarioHooks {
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((e: ExploreEvent) => void) | undefined;
  /**
   * Saves and resumes in memory, not with job.checkpoint: go on from
   * `resume`, and `save` the level start where a limit stops the search
   * (how the command line's probes hand their work on: cli/explore-job.ts).
   */
  readonly handover?: CheckpointHooks | undefined;
}

/** The search's checkpoint hooks: the job's on disk, or the caller's in memory. */
function checkpointOf(job: ExploreJob, hooks: ScenarioHooks): { checkpoint?: CheckpointHooks } {
  if (job.checkpoint !== undefined && hooks.handover !== undefined) {
    throw new Error('explore: a job with a checkpoint takes no handover');
  }
  if (job.checkpoint !== undefined) return { checkpoint: checkpointHooks(job.checkpoint) };
  return hooks.handover === undefined ? {} : { checkpoint: hooks.handover };
}

/** What explore() is told of a job, besides the visitors. */
function optionsOf(
  job: ExploreJob,
  hooks: ScenarioHooks,
  coverage: CoverageVisitor | undefined,
): ExploreOptions<State, ReadObservation> {
  return {
    ...(coverage ? { onDiscovered: (action: number, bytes: Uint8Array) => coverage.discover(action, bytes) } : {}),
    maxDepth: job.scenario.bounds.depth,
    ...(job.maxStates !== undefined ? { maxStates: job.maxStates } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(job.allViolations ? { allViolations: true } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  };
}

/** The factory's data (structured-cloned to each worker; the Int32Array's memory is shared). */
export interface PartsData {
  readonly job: ExploreJob;
  /** One slot per worker thread: what runs there (0 nothing, k + 1 plugin k's check, -(k + 1) plugin k loading). */
  readonly running: Int32Array;
}

/** The worker threads' entry: each builds its parts with this module's factory (explore-parts.ts). */
const PARTS_URL = new URL('./explore-parts.js', import.meta.url).href;

/** How a job runs on worker threads. */
export interface ParallelRun {
  /** Worker threads (at least 1). */
  readonly workers: number;
  /**
   * One Int32 slot per worker thread (a SharedArrayBuffer) where each notes
   * which plugin runs there (explore-parts.ts `PartsData`), for a watchdog.
   */
  readonly running?: Int32Array | undefined;
  /** What a plugin that ends a worker thread gets instead (explorer/parallel.ts `ParallelSpec`). */
  readonly exitMessage?: string | undefined;
}

/**
 * Run a job on `run.workers` worker threads (each builds its parts with the
 * factory in explore-parts.ts): the same result as exploreScenario.
 * Invariants with a history must run on one thread (their values are
 * interned per thread, model/history.ts).
 */
export async function exploreScenarioParallel(
  job: ExploreJob,
  invariants: readonly Invariant[],
  run: ParallelRun,
  hooks: ScenarioHooks = {},
): Promise<JobResult> {
  if (invariants.some((inv) => inv.history !== undefined)) {
    throw new Error('exploreScenarioParallel: an invariant with a history runs on one thread');
  }
  if (job.graph === true) throw new Error('exploreScenarioParallel: the state graph is collected on one thread');
  const parts = explorationParts(job, invariants);
  const coverage = coverageVisitor(parts.visitors);
  const running = run.running ?? new Int32Array(new SharedArrayBuffer(4 * run.workers));
  // The workers need neither the checkpoint nor what it resumes: the search is merged here.
  const data: PartsData = { job: { ...job, checkpoint: undefined }, running };
  const checkpoint = checkpointOf(job, hooks);
  let reduced: ExploreResult<ReadObservation>;
  try {
    reduced = await exploreParallel(
      parts,
      { workers: run.workers, module: PARTS_URL, data, exitMessage: run.exitMessage },
      { ...optionsOf(job, hooks, coverage), ...checkpoint },
    );
  } catch (e) {
    const dir = job.checkpoint?.resumeFrom;
    throw dir === undefined ? e : snapshotInputError(dir, e);
  }
  const { result, partialOrder } = withShortestFindings(
    job,
    invariants,
    parts.model,
    reduced,
    parts.partialOrder,
    hooks.signal,
  );
  return {
    invariants: invariants.map(({ id, kind, description }) => ({ id, kind, description })),
    result,
    cost: parts.visitors[0].cost(),
    reductions: { values: parts.values, ...(partialOrder.requested ? { partialOrder } : {}) },
    ...(coverage ? { coverage: coverage.coverage() } : {}),
  };
}

/** explore(); a history's `next` that fails is the plugin's error (InputError: exit 2), not a crash. */
function exploreWithHistories(
  dir: string | undefined,
  ...args: Parameters<typeof explore<State, ReadObservation>>
): ExploreResult<ReadObservation> {
  try {
    return explore(...args);
  } catch (e) {
    if (e instanceof HistoryError) throw new InputError(e.message);
    const checkpoint = args[2]?.checkpoint;
    if (checkpoint?.resume !== undefined && dir !== undefined) throw snapshotInputError(dir, e);
    throw e;
  }
}

/** Run a job here, synchronously. */
export function exploreScenario(
  job: ExploreJob,
  invariants: readonly Invariant[],
  hooks: ScenarioHooks = {},
): JobResult {
  const { model, properties, visitors, values, partialOrder: por } = explorationParts(job, invariants);
  const cost = visitors[0];
  const coverage = coverageVisitor(visitors);
  const graph = job.graph === true ? new GraphVisitor(model) : undefined;
  if (graph !== undefined && (job.checkpoint !== undefined || hooks.handover !== undefined))
    throw new Error('exploreScenario: no checkpoint (nor handover) with a graph');
  const all = graph ? [...visitors, graph] : visitors;
  const checkpoint = checkpointOf(job, hooks);
  const reduced = exploreWithHistories(job.checkpoint?.resumeFrom, model, properties, {
    ...optionsOf(job, hooks, coverage),
    visitors: all,
    ...checkpoint,
  });
  const { result, partialOrder } = withShortestFindings(job, invariants, model, reduced, por, hooks.signal);
  return {
    invariants: invariants.map(({ id, kind, description }) => ({ id, kind, description })),
    result,
    cost: cost.cost(),
    reductions: { values, ...(partialOrder.requested ? { partialOrder } : {}) },
    ...(coverage ? { coverage: coverage.coverage() } : {}),
    ...(graph ? { graph: graph.graph(result) } : {}),
  };
}
