/**
 * What an exploration returns and what it reports on the way: the one result
 * type the CLI, the JSON output and the tests all render.
 *
 * @public
 */
import type { StepVisitor } from './model.js';
import type { CheckpointHooks } from './snapshot.js';

/** A limit that stopped the search before it was exhaustive. */
export type LimitReason = 'max-states' | 'timeout' | 'aborted';

/**
 * Why the search ended.
 * - `state-space-exhausted`: no step leads anywhere new (every trace of any
 *   length was checked);
 * - `depth-bound`: every trace of `maxDepth` steps was checked;
 * - `all-properties-decided`: every property was violated, witnessed or
 *   errored, so searching further could not change the result;
 * - a {@link LimitReason}.
 */
export type EndReason = 'state-space-exhausted' | 'depth-bound' | 'all-properties-decided' | LimitReason;

export interface ExploreStatistics {
  /** Distinct states discovered (by fingerprint), initial states included. */
  readonly statesDistinct: number;
  /** Enabled steps taken, including those leading to states already seen. */
  readonly transitions: number;
  /**
   * Every trace of at most this many steps was checked. On a run stopped by a
   * limit, some steps from states at this depth were not taken.
   */
  readonly depthExplored: number;
  readonly elapsedMs: number;
  /** The peak of the bytes held in typed arrays (visited set plus frontier). */
  readonly memoryBytes: number;
}

/**
 * The shortest trace (fewest steps) to a step that violates an `always`
 * property or witnesses a `sometimes` one. `kind` tells which.
 */
export interface Finding<O = unknown> {
  readonly propertyId: string;
  readonly kind: 'always' | 'sometimes';
  /** Steps in the trace (`trace.length`). */
  readonly length: number;
  /** Action indices, from initial state `initialIndex`; the last step is the violating one. */
  readonly trace: number[];
  /** Index into `model.initialStates()` the trace starts from. */
  readonly initialIndex: number;
  /** What the property said about the last step. */
  readonly message: string;
  /** What the last step made observable, if anything. */
  readonly observed?: O;
  /** The trace as found, before its arguments were minimized (only when they changed). */
  readonly unminimizedTrace?: number[];
  /**
   * Set when the trace did not replay to the same finding: the model's
   * `step`, `encode` or the property is not deterministic. The trace is the
   * one the search recorded.
   */
  readonly replayError?: string;
}

/** A property whose `check` threw; it was not checked after that step. */
export interface PropertyError {
  readonly propertyId: string;
  /** The thrown error's message. */
  readonly message: string;
  /** The trace to the step on which it threw (that step last). */
  readonly trace: number[];
  readonly initialIndex: number;
}

interface ExploreResultBase<O> {
  /**
   * False when a limit (states, time, abort) stopped the search before the
   * verdict was final.
   */
  readonly complete: boolean;
  readonly reason: EndReason;
  readonly statistics: ExploreStatistics;
  /** Findings (violations and witnesses), in the order the properties were given. */
  readonly violations: Finding<O>[];
  /** Ids of `sometimes` properties never witnessed (nor errored), in the order given. */
  readonly witnessesMissing: string[];
  /** In the order the properties were given. */
  readonly propertyErrors: PropertyError[];
}

/**
 * `holds`: the search was exhaustive within the bounds and no `always`
 * property was violated (check `witnessesMissing` and `propertyErrors` too);
 * `violated`: some `always` property was violated (even if a limit then
 * stopped the search: `complete` says); `incomplete`: a limit stopped the
 * search and nothing was violated before.
 */
export type ExploreResult<O = unknown> =
  | (ExploreResultBase<O> & { readonly status: 'holds'; readonly complete: true })
  | (ExploreResultBase<O> & { readonly status: 'violated' })
  | (ExploreResultBase<O> & {
      readonly status: 'incomplete';
      readonly complete: false;
      readonly reason: LimitReason;
    });

/** Reported every `progressIntervalMs` while the search runs. */
export interface ProgressEvent {
  readonly type: 'progress';
  /** The depth of the states being expanded (their steps are step `depth + 1`). */
  readonly depth: number;
  readonly statesDistinct: number;
  readonly transitions: number;
  /** Since the previous progress event (or the start). */
  readonly statesPerSecond: number;
  readonly transitionsPerSecond: number;
  /** States waiting to be expanded (rest of this level plus the next level so far). */
  readonly queue: number;
  readonly memoryBytes: number;
  readonly elapsedMs: number;
}

/** Reported when every state of a level was expanded. */
export interface LevelEvent {
  readonly type: 'level';
  /** Every trace of at most `depth` steps is now checked (the new `depthExplored`). */
  readonly depth: number;
  readonly statesDistinct: number;
  readonly transitions: number;
  /** States discovered at this depth (the next level to expand). */
  readonly queue: number;
  readonly memoryBytes: number;
  readonly elapsedMs: number;
}

/** Reported when a property is first violated (or witnessed). */
export interface ViolationEvent {
  readonly type: 'violation';
  readonly propertyId: string;
  readonly kind: 'always' | 'sometimes';
  readonly length: number;
}

/** Reported when the search saved itself (ExploreOptions.checkpoint): the start of level `depth`. */
export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly depth: number;
  /** States visited before that level. */
  readonly statesDistinct: number;
  readonly elapsedMs: number;
}

export type ExploreEvent = ProgressEvent | LevelEvent | ViolationEvent | CheckpointEvent;

export interface ExploreOptions<S = unknown, O = unknown> {
  /** Steps to explore from the initial states (default: until no new state). */
  readonly maxDepth?: number;
  /** Stop (incomplete) rather than discover more than this many distinct states. */
  readonly maxStates?: number;
  readonly timeoutMs?: number;
  /** Aborting stops the search cleanly (the CLI wires SIGINT here). */
  readonly signal?: AbortSignal;
  /** Observer; called synchronously; the engine never prints. */
  readonly onEvent?: (event: ExploreEvent) => void;
  /** See every step the search takes (statistics); they never stop or decide anything. */
  readonly visitors?: readonly StepVisitor<S, O>[];
  /**
   * Told of each state a step reaches first (never an initial state), in BFS
   * order, so the same calls on any number of worker threads: the action of
   * that step and the state's encoding (read it, do not keep it). Called on
   * the thread that merges, never on a worker. For statistics such as the
   * states each action discovered; costs nothing when absent.
   */
  readonly onDiscovered?: (action: number, encoded: Uint8Array) => void;
  /** Default 3000. */
  readonly progressIntervalMs?: number;
  /** Minimize findings' arguments with `model.simplerActions` (default true). */
  readonly minimize?: boolean;
  /**
   * Report every step found to violate (or witness) a property at the depth
   * of its shortest finding, not just the first (at most ALL_VIOLATIONS_CAP
   * each; findings that minimize to the same trace count once). The level
   * that decides a property is searched to its end.
   */
  readonly allViolations?: boolean;
  /** Milliseconds, monotonic; default `performance.now`. Tests inject a fake clock. */
  readonly clock?: () => number;
  /**
   * Save the search at level starts, and resume one (snapshot.ts), on one
   * thread or several (exploreParallel saves and restores the merged
   * visitors). Every visitor must then have saveState and restoreState.
   */
  readonly checkpoint?: CheckpointHooks;
}
