/**
 * The one search loop: level-synchronous breadth-first search, as
 * Stateright's `bfs.rs`, for one thread and for several. An expander takes
 * each level's states and reports every enabled step, in BFS order, to the
 * merge step here, which alone decides: per step, in this order, the
 * properties' findings (violations, witnesses, throws; properties retired),
 * the successor (the state cap, inserted if new, queued for the next level),
 * the stop once every property is decided; and, between steps, the memory
 * polls, the limits and the progress, level and violation events.
 *
 * The inline expander (bfs.ts) runs the model on this thread; the pooled
 * expander (parallel.ts) on worker threads, merging their units in order.
 * Both feed the same merge, so both give the same result by construction.
 *
 * @internal
 */
import { Frontier } from './frontier.js';
import { fingerprinterOf, judgedOncePerState, type ExplorableModel, type Property } from './model.js';
import { resultOf, seedInitialStates, type Found, type SearchSettings } from './outcome.js';
import type { EndReason, ExploreOptions, ExploreResult, LimitReason } from './result.js';
import {
  checkSnapshot,
  SnapshotError,
  type CheckpointHooks,
  type SavedFinding,
  type SearchSnapshot,
} from './snapshot.js';
import { VisitedSet } from './visited.js';

/** Steps (enabled or not) between two memory polls (and, on one thread, looks at the clock and the signal). */
export const POLL_MASK = 4095;

/** The most findings per property `allViolations` keeps. */
export const ALL_VIOLATIONS_CAP = 100;

/**
 * What expands a level. `expandLevel` reads the level's states from
 * `search.current` (in order), takes every action of each in index order,
 * and reports each step to the search in BFS order, until the level ends
 * or the search stops: per enabled step, its count in `transitions`, the
 * properties' findings (`record`, by ascending property), then the
 * successor (`successor`; `decided` for a step whose successor is known to
 * be seen already); before the steps, the memory polls (`pollMemory`), and
 * now and then `limitReached` and `progress`. It may return a promise
 * (worker threads): the loop waits for it.
 */
export interface Expander<S, O> {
  expandLevel(search: Search<S, O>): void | Promise<void>;
}

/** The bookkeeping of one search, and its merge step. */
export class Search<S, O> {
  readonly visited: VisitedSet;
  /** Per property, its findings: the first only, or (allViolations) every one at the shortest depth, capped. */
  readonly found: Found<O>[][];
  readonly errors: Array<Found<O> | undefined>;
  /** Indices of properties still judged, ascending. */
  readonly active: number[];
  private readonly isActive: boolean[];
  /** allViolations: properties found on this level, judged to its end, then retired. */
  private retireAtLevelEnd: number[] = [];
  /** Properties violated or witnessed; the search stops when all are (errors do not count). */
  private foundCount = 0;
  transitions = 0;
  stop: LimitReason | 'all-properties-decided' | undefined;
  /** Steps taken before this level. */
  depth = 0;
  /** Ids of this level's states: levelFirst .. levelEnd - 1. */
  levelFirst = 0;
  levelEnd = 0;
  /** Whether this level's successors are queued (not on the last level). */
  queueNext = false;
  /** Steps (enabled or not) of the levels before this one. */
  workBeforeLevel = 0;
  current = new Frontier();
  next = new Frontier();
  readonly actionCount: number;
  private readonly onDiscovered: ((action: number, encoded: Uint8Array) => void) | undefined;
  readonly start: number;
  private readonly maxStates: number;
  /**
   * Per property: whether a step into a state already visited (not an
   * initial state) is left unjudged by it (Property.judges 'state'; never
   * with allViolations).
   */
  readonly judgedOncePerState: readonly boolean[];
  /** Whether any property is judged once per state. */
  readonly anyJudgedOncePerState: boolean;
  /** Whether the search stops at the step that decides the last property (not with allViolations). */
  private readonly stopWhenAllFound: boolean;
  private readonly roots: readonly number[];

  /** The ids past the initial states' (every initial state has a smaller id: they are inserted first). */
  get rootEnd(): number {
    let end = 0;
    for (const id of this.roots) end = Math.max(end, id + 1);
    return end;
  }
  private depthExplored = 0;
  private peakBytes = 0;
  /** The last step (numbered as work) whose memory poll was accounted for. */
  private polledTo = 0;
  /** States of the level read when the search stopped inside it (undefined: it did not). */
  private cutRead: number | undefined;
  private lastProgressAt: number;
  private lastProgressStates = 0;
  private lastProgressTransitions = 0;
  /** Saves and resumes: see snapshot.ts. */
  private readonly checkpoint: CheckpointHooks | undefined;
  /** Whether the search saves itself (checkpoint.save): it then keeps the level being expanded whole. */
  private readonly saves: boolean;
  /** The search at the start of the level being expanded, for a save inside it (with checkpoint). */
  private mark: LevelMark | undefined;
  /** The depth whose start was saved last (or resumed from): a save there again would say the same. */
  private savedDepth = -1;
  /** Time run in earlier sessions (resumed from a snapshot). */
  private elapsedBefore = 0;

  constructor(
    readonly model: ExplorableModel<S, O>,
    readonly properties: readonly Property<S, O>[],
    readonly options: ExploreOptions<S, O>,
    readonly settings: SearchSettings,
    sharedVisited: boolean,
  ) {
    this.actionCount = model.actionCount;
    this.onDiscovered = options.onDiscovered;
    this.maxStates = settings.maxStates;
    this.stopWhenAllFound = !settings.allViolations && properties.length > 0;
    this.judgedOncePerState = judgedOncePerState(properties, settings.allViolations);
    this.anyJudgedOncePerState = this.judgedOncePerState.includes(true);
    this.start = settings.clock();
    this.lastProgressAt = this.start;
    this.visited = sharedVisited ? new VisitedSet(this.actionCount, 12, true) : new VisitedSet(this.actionCount);
    this.found = properties.map(() => []);
    this.errors = properties.map(() => undefined);
    this.active = properties.map((_, i) => i);
    this.isActive = properties.map(() => true);
    this.checkpoint = options.checkpoint;
    this.saves = this.checkpoint?.save !== undefined;
    if (this.saves) {
      this.current = new Frontier(true);
      this.next = new Frontier(true);
    }
    const resume = this.checkpoint?.resume;
    if (resume !== undefined) {
      this.roots = this.restore(resume);
      return;
    }
    // Depth 0: the initial states, deduplicated by fingerprint.
    const aborted = options.signal?.aborted === true;
    const seeded = seedInitialStates(model, settings, this.visited, this.current, fingerprinterOf(model), aborted);
    this.stop = seeded.stop;
    this.roots = seeded.roots;
    this.levelEnd = this.visited.size;
  }

  /** Take up the search where `snapshot` left it (the start of a level); returns its roots. */
  private restore(snapshot: SearchSnapshot): number[] {
    const visitors = this.options.visitors ?? [];
    checkSnapshot(
      snapshot,
      this.actionCount,
      this.properties.map((p) => p.id),
      visitors.length,
    );
    const { hi, lo, parent, action } = snapshot.states;
    for (let id = 0; id < snapshot.levelEnd; id++) {
      if (this.visited.insert(hi[id]!, lo[id]!, parent[id]!, action[id]!) !== id) {
        throw new SnapshotError('states', `states: state ${id} is there twice`);
      }
    }
    if (this.settings.maxDepth > snapshot.depth) for (const bytes of snapshot.frontier) this.current.push(bytes);
    this.depth = snapshot.depth;
    this.depthExplored = snapshot.depthExplored;
    this.levelFirst = snapshot.levelFirst;
    this.levelEnd = snapshot.levelEnd;
    this.transitions = snapshot.transitions;
    this.workBeforeLevel = snapshot.workBeforeLevel;
    this.peakBytes = snapshot.peakBytes;
    this.elapsedBefore = snapshot.elapsedMs;
    this.savedDepth = snapshot.depth;
    // Progress rates count this session's work only.
    this.lastProgressStates = snapshot.levelEnd;
    this.lastProgressTransitions = snapshot.transitions;
    snapshot.found.forEach((list, i) => this.found[i]!.push(...list.map(foundOf<O>)));
    snapshot.errors.forEach((e, i) => (this.errors[i] = e === null ? undefined : foundOf<O>(e)));
    this.foundCount = this.found.filter((f) => f.length > 0).length;
    this.active.length = 0;
    this.active.push(...snapshot.active);
    this.isActive.fill(false);
    for (const i of snapshot.active) this.isActive[i] = true;
    visitors.forEach((v, i) => {
      if (v.restoreState === undefined) throw new Error('explore: a visitor without restoreState cannot resume');
      v.restoreState(snapshot.visitors[i]);
    });
    return [...snapshot.roots];
  }

  /** What a save at the start of this level needs besides the visited prefix and the frontier. */
  private markLevel(): LevelMark {
    return {
      depth: this.depth,
      depthExplored: this.depthExplored,
      levelFirst: this.levelFirst,
      levelEnd: this.levelEnd,
      transitions: this.transitions,
      workBeforeLevel: this.workBeforeLevel,
      peakBytes: this.peakBytes,
      elapsedMs: this.elapsedBefore + Math.round(this.settings.clock() - this.start),
      foundLengths: this.found.map((f) => f.length),
      errors: [...this.errors],
      active: [...this.active],
      visitors: (this.options.visitors ?? []).map((v) => {
        if (v.saveState === undefined) throw new Error('explore: a visitor without saveState cannot be checkpointed');
        return v.saveState();
      }),
    };
  }

  /** The search as it was at `mark` (the start of the level being expanded, or of the next). */
  private snapshotAt(mark: LevelMark): SearchSnapshot {
    const saved = (f: Found<unknown>): SavedFinding => ({
      parent: f.parent,
      action: f.action,
      message: f.message,
      ...(f.observed === undefined ? {} : { observed: f.observed }),
    });
    return {
      depth: mark.depth,
      depthExplored: mark.depthExplored,
      levelFirst: mark.levelFirst,
      levelEnd: mark.levelEnd,
      transitions: mark.transitions,
      workBeforeLevel: mark.workBeforeLevel,
      peakBytes: mark.peakBytes,
      elapsedMs: mark.elapsedMs,
      actionCount: this.actionCount,
      propertyIds: this.properties.map((p) => p.id),
      roots: [...this.roots],
      found: this.found.map((f, i) => f.slice(0, mark.foundLengths[i]).map(saved)),
      errors: mark.errors.map((e) => (e === undefined ? null : saved(e))),
      active: mark.active,
      visitors: mark.visitors,
      states: this.visited.exportPrefix(mark.levelEnd),
      frontier: this.current.records(),
    };
  }

  /** Save the start of the level being expanded, unless that start was saved already. */
  private saveMark(): void {
    const mark = this.mark;
    if (!this.saves || mark === undefined || mark.depth === this.savedDepth) return;
    this.checkpoint?.save?.(this.snapshotAt(mark));
    this.savedDepth = mark.depth;
    this.options.onEvent?.({
      type: 'checkpoint',
      depth: mark.depth,
      statesDistinct: mark.levelEnd,
      elapsedMs: Math.round(this.settings.clock() - this.start),
    });
  }

  /** Whether the successors' bytes are needed at the merge: queued, or shown to `onDiscovered`. */
  get keepBytes(): boolean {
    return this.queueNext || this.onDiscovered !== undefined;
  }

  get stopped(): boolean {
    return this.stop !== undefined;
  }

  get levelSize(): number {
    return this.levelEnd - this.levelFirst;
  }

  /**
   * The search, level by level: each level expanded by `expander` (awaited
   * when it returns a promise: the generator yields it), then closed here.
   */
  *run(expander: Expander<S, O>): Generator<Promise<void>, ExploreResult<O>, void> {
    const { maxDepth } = this.settings;
    while (this.stop === undefined && this.depth < maxDepth && this.levelEnd > this.levelFirst) {
      this.queueNext = this.depth + 1 < maxDepth;
      this.polledTo = this.workBeforeLevel;
      if (this.saves) {
        this.mark = this.markLevel();
        if (this.depth > this.savedDepth && this.depth > 0 && this.checkpoint?.due?.() === true) this.saveMark();
      }
      const pending = expander.expandLevel(this);
      if (pending !== undefined) yield pending;
      if (this.stop !== undefined) break;
      this.endLevel();
    }
    return this.finish();
  }

  /**
   * A property's finding (`error` false) or throw (`error` true) on the step
   * `action` from state `parent`; ignored for a property no longer judged.
   * Returns whether the property is retired by it (leaves `active`).
   */
  record(
    index: number,
    error: boolean,
    parent: number,
    action: number,
    message: string,
    observed: O | undefined,
  ): boolean {
    if (!this.isActive[index]) return false;
    const f: Found<O> = { parent, action, message, observed };
    if (error) {
      this.errors[index] = f;
      this.deactivate(index);
      return true;
    }
    const found = this.found[index]!;
    const first = found.length === 0;
    found.push(f);
    if (first) {
      this.foundCount++;
      const p = this.properties[index]!;
      this.options.onEvent?.({ type: 'violation', propertyId: p.id, kind: p.kind, length: this.depth + 1 });
    }
    if (!this.settings.allViolations || found.length >= ALL_VIOLATIONS_CAP) {
      this.deactivate(index);
      return true;
    }
    if (first) this.retireAtLevelEnd.push(index);
    return false;
  }

  /**
   * The successor of the step `action` from state `parent`, fingerprint
   * (hi, lo), encoded as `bytes`: the cap, then inserted, queued and shown to `onDiscovered` if new,
   * then the stop once every property is decided. Returns whether the search
   * stops at this step.
   */
  successor(parent: number, action: number, hi: number, lo: number, bytes: Uint8Array): boolean {
    const visited = this.visited;
    if (visited.size >= this.maxStates) {
      if (visited.lookup(hi, lo) < 0) return this.stopAt('max-states', parent - this.levelFirst + 1);
    } else if (visited.insert(hi, lo, parent, action) >= 0) {
      if (this.queueNext) this.next.push(bytes);
      if (this.onDiscovered !== undefined) this.onDiscovered(action, bytes);
    }
    return this.decided(parent);
  }

  /** After a step from state `parent` with no successor to insert: whether every property is decided. */
  decided(parent: number): boolean {
    if (this.foundCount !== this.properties.length || !this.stopWhenAllFound) return false;
    return this.stopAt('all-properties-decided', parent - this.levelFirst + 1);
  }

  /** Stop inside the level, `read` of its states read. */
  stopAt(reason: LimitReason | 'all-properties-decided', read: number): true {
    this.stop = reason;
    this.cutRead = read;
    return true;
  }

  /**
   * The memory polls of the one-thread search before step `work` (work
   * counts every action of every state, from the first level): one every
   * POLL_MASK + 1 steps, measuring the frontier as read up to that step's
   * state, whoever read it ahead.
   */
  pollMemory(work: number): void {
    const period = POLL_MASK + 1;
    const p = (Math.floor(this.polledTo / period) + 1) * period;
    this.polledTo = work;
    if (p > work) return;
    this.noteMemory(this.memoryAt(Math.floor((p - this.workBeforeLevel - 1) / this.actionCount) + 1));
  }

  /** The signal and the clock: stops the search (`read` states of the level read) at a limit. */
  limitReached(read: number): boolean {
    if (this.options.signal?.aborted) return this.stopAt('aborted', read);
    if (this.settings.clock() - this.start >= this.settings.timeoutMs) return this.stopAt('timeout', read);
    return false;
  }

  /** A progress event, if one is due; `read` states of the level are merged. */
  progress(read: number): void {
    const onEvent = this.options.onEvent;
    const now = this.settings.clock();
    if (onEvent === undefined || now - this.lastProgressAt < this.settings.progressIntervalMs) return;
    const seconds = Math.max(now - this.lastProgressAt, 1) / 1000;
    const statesDistinct = this.visited.size;
    onEvent({
      type: 'progress',
      depth: this.depth,
      statesDistinct,
      transitions: this.transitions,
      statesPerSecond: Math.round((statesDistinct - this.lastProgressStates) / seconds),
      transitionsPerSecond: Math.round((this.transitions - this.lastProgressTransitions) / seconds),
      queue: this.levelSize - read + this.next.length,
      memoryBytes: this.memoryAt(read),
      elapsedMs: Math.round(now - this.start),
    });
    this.lastProgressAt = now;
    this.lastProgressStates = statesDistinct;
    this.lastProgressTransitions = this.transitions;
  }

  /** What the frontiers and the visited set hold once `read` states of the level were read. */
  private memoryAt(read: number): number {
    return this.visited.bytesUsed() + this.current.bytesHeldAfterReading(read) + this.next.bytesUsed();
  }

  private noteMemory(bytes: number): number {
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    return bytes;
  }

  private deactivate(index: number): void {
    this.isActive[index] = false;
    this.active.splice(this.active.indexOf(index), 1);
  }

  private endLevel(): void {
    this.workBeforeLevel += this.levelSize * this.actionCount;
    for (const index of this.retireAtLevelEnd) if (this.isActive[index]) this.deactivate(index);
    this.retireAtLevelEnd = [];
    // With allViolations the level that decides the last property is finished first.
    const all = this.foundCount === this.properties.length && this.foundCount > 0;
    if (this.settings.allViolations && all) this.stop = 'all-properties-decided';
    this.depth++;
    this.depthExplored = this.depth;
    this.levelFirst = this.levelEnd;
    this.levelEnd = this.visited.size;
    const memoryBytes = this.noteMemory(this.memoryAt(this.current.length));
    this.current.release();
    this.current = this.next;
    this.next = new Frontier(this.saves);
    this.options.onEvent?.({
      type: 'level',
      depth: this.depth,
      statesDistinct: this.visited.size,
      transitions: this.transitions,
      queue: this.levelSize,
      memoryBytes,
      elapsedMs: Math.round(this.settings.clock() - this.start),
    });
  }

  private finish(): ExploreResult<O> {
    this.noteMemory(this.memoryAt(this.cutRead ?? 0));
    // A limit stopped the search inside a level: save that level's start, to go on from there.
    if (this.stop === 'aborted' || this.stop === 'timeout' || this.stop === 'max-states') this.saveMark();
    this.current.release();
    this.next.release();
    let reason: EndReason;
    if (this.stop !== undefined) reason = this.stop;
    else if (this.depth >= this.settings.maxDepth && this.levelSize > 0) reason = 'depth-bound';
    else reason = 'state-space-exhausted';
    return resultOf(this.model, this.properties, this.options, this.settings, {
      visited: this.visited,
      roots: this.roots,
      found: this.found,
      errors: this.errors,
      reason,
      transitions: this.transitions,
      depthExplored: this.depthExplored,
      peakBytes: this.peakBytes,
      start: this.start,
      elapsedBefore: this.elapsedBefore,
    });
  }
}

/** What a save inside a level needs of the level's start (the rest is the visited prefix and the frontier). */
type LevelMark = Pick<
  SearchSnapshot,
  'depth' | 'depthExplored' | 'levelFirst' | 'levelEnd' | 'transitions' | 'workBeforeLevel' | 'peakBytes' | 'elapsedMs'
> & {
  readonly foundLengths: readonly number[];
  readonly errors: readonly (Found<unknown> | undefined)[];
  readonly active: readonly number[];
  readonly visitors: readonly unknown[];
};

function foundOf<O>(f: SavedFinding): Found<O> {
  return { parent: f.parent, action: f.action, message: f.message, observed: f.observed as O | undefined };
}

/** Run a search whose expander never waits (one thread), synchronously. */
export function runSync<O>(steps: Generator<Promise<void>, ExploreResult<O>, void>): ExploreResult<O> {
  const r = steps.next();
  if (!r.done) throw new Error('explore: a synchronous expander returned a promise');
  return r.value;
}

/** Run a search whose expander may wait (worker threads). */
export async function runAsync<O>(steps: Generator<Promise<void>, ExploreResult<O>, void>): Promise<ExploreResult<O>> {
  let r = steps.next();
  while (!r.done) {
    try {
      await r.value;
    } catch (e) {
      r = steps.throw(e);
      continue;
    }
    r = steps.next();
  }
  return r.value;
}
