/**
 * The multi-thread search: the search loop (search.ts) fed by the pooled
 * expander, so the same result as `explore` (bfs.ts) on one thread, state for
 * state, trace for trace, statistics and all, with the model run by worker
 * threads (pool.ts).
 *
 * A level's states are cut into units of consecutive states, in BFS order,
 * handed to the workers as they become free. A worker expands its unit as
 * the inline expander would (parallel-unit.ts) and returns, in step order,
 * what the properties said and the successors it did not find in the visited
 * set, which lives in SharedArrayBuffers the workers only read. Here the
 * units are merged strictly in order, each step reported to the one merge
 * step (judge, insert, cap, stop, memory polls) as the inline expander
 * reports it. So the cut of an early stop is the same step; what the workers
 * did past it is dropped, and the cut unit is re-walked here for the
 * visitors up to that step.
 *
 * Each worker builds its own model, properties and visitors by importing a
 * module and calling its factory with plain data; visitors must be
 * mergeable (parallel-unit.ts `MergeableVisitor`).
 *
 * @public
 */
import { ActionCursor, type StepView } from './model.js';
import { settingsOf } from './outcome.js';
import { CANDIDATE_WORDS, unpack, type ExplorationParts, type UnitResult, type UnitTask } from './parallel-unit.js';
import type { FromWorker, WorkerInit } from './parallel-worker.js';
import { compiledAvailable, Inbox, WorkerPool } from './pool.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { runAsync, Search, type Expander } from './search.js';

export type { ExplorationParts, MergeableVisitor } from './parallel-unit.js';

/** How often (ms) the merge looks at the clock, the signal and progress while it waits. */
const TICK_MS = 50;
/** Units each worker has in hand (one running, one waiting). */
const IN_FLIGHT = 2;
/** Units per worker that may be sent before the units ahead of them are merged (bounds the results held). */
const AHEAD = 8;

/** PIPECHECK_PARALLEL_PROFILE=1: where the coordinator's time goes, on stderr at the end (measurement only). */
const prof = { ready: 0, workerBusy: 0, wait: 0, merge: 0, send: 0, candidates: 0, transitions: 0 };

const WORKER_URL = new URL('./parallel-worker.js', import.meta.url);

/** Where the workers get their own model, properties and visitors. */
export interface ParallelSpec {
  /** Worker threads (at least 1). */
  readonly workers: number;
  /** URL of an ES module exporting the factory. */
  readonly module: string;
  /**
   * The factory's export name (default `createExploration`):
   * `(data, workerIndex) => ExplorationParts | Promise<ExplorationParts>`.
   */
  readonly exportName?: string;
  /** Structured-cloneable data for the factory (a SharedArrayBuffer in it is shared). */
  readonly data: unknown;
  /**
   * When given, `process.exit()` in a worker (called by code the factory
   * loaded) throws an Error with this message, `%s` replaced by the code,
   * instead of ending the thread in silence.
   */
  readonly exitMessage?: string | undefined;
}

/** Whether the compiled worker is there (it is not when the TypeScript sources run under a test runner). */
export function parallelAvailable(): boolean {
  return compiledAvailable(WORKER_URL);
}

type Inbound =
  { readonly worker: number; readonly message: FromWorker | UnitResult<unknown> } | { readonly tick: true };

/**
 * `explore(parts.model, parts.properties, { ...options, visitors: parts.visitors })`
 * on `spec.workers` worker threads, with the same result (but `elapsedMs`).
 * Rejects when a worker cannot build its parts, builds different ones, or a
 * model method throws in one.
 */
export async function exploreParallel<S, O>(
  parts: ExplorationParts<S, O>,
  spec: ParallelSpec,
  options: Omit<ExploreOptions<S, O>, 'visitors'> = {},
): Promise<ExploreResult<O>> {
  const { model, properties } = parts;
  const settings = settingsOf(model, properties, options);
  if (!Number.isInteger(spec.workers) || spec.workers < 1) {
    throw new RangeError(`explore: workers must be a positive integer, got ${spec.workers}`);
  }
  const inbox = new Inbox<Inbound>();
  const tick = setInterval(() => inbox.push({ tick: true }), TICK_MS);
  const exportName = spec.exportName ?? 'createExploration';
  const { module, data, exitMessage } = spec;
  const init = (index: number): WorkerInit => ({ module, exportName, data, index, exitMessage });
  const pool = new WorkerPool<FromWorker | UnitResult<unknown>>(
    WORKER_URL,
    spec.workers,
    (e) =>
      inbox.push({
        worker: e.worker,
        message: e.type === 'message' ? e.message : { type: 'failed', during: 'unit', message: e.reason },
      }),
    init,
  );
  try {
    const tReady = performance.now();
    await ready(pool, inbox, parts);
    prof.ready = performance.now() - tReady;
    // The time limit and progress count from here, once the workers are up.
    // The visitors here are the merged ones: what a snapshot saves of them, and what a resume restores.
    const search = new Search(model, properties, { ...options, visitors: parts.visitors }, settings, true);
    const t0 = performance.now();
    const r = await runAsync(search.run(new PooledExpander(parts, pool, inbox)));
    if (process.env.PIPECHECK_PARALLEL_PROFILE === '1') {
      const total = performance.now() - t0;
      const f = (x: number) => x.toFixed(0);
      const busy = `workers busy ${f(prof.workerBusy)} ms`;
      const workers = `workers ready in ${f(prof.ready)} ms, search ${f(total)} ms, ${busy}`;
      const coordinator = `coordinator waits ${f(prof.wait)}, merges ${f(prof.merge)}, packs and sends ${f(prof.send)}`;
      const steps = `${prof.candidates} candidates of ${prof.transitions} steps`;
      process.stderr.write(`parallel profile: ${workers}; ${coordinator}; ${steps}\n`);
    }
    return r;
  } finally {
    clearInterval(tick);
    await pool.terminate();
  }
}

/** Every worker built its parts, the same as this thread's. */
async function ready(pool: WorkerPool<unknown>, inbox: Inbox<Inbound>, parts: ExplorationParts<unknown, unknown>) {
  const expectIds = JSON.stringify(parts.properties.map((p) => p.id));
  for (let n = 0; n < pool.size;) {
    const m = await inbox.next();
    if ('tick' in m) continue;
    const msg = m.message;
    if (msg.type === 'failed') throw new Error(`explore: worker ${m.worker}: ${msg.message}`);
    if (msg.type !== 'ready') continue;
    if (JSON.stringify(msg.propertyIds) !== expectIds || msg.actionCount !== parts.model.actionCount) {
      throw new Error(`explore: worker ${m.worker} built another model or other properties than this thread's`);
    }
    n++;
  }
}

/** A unit sent: its first state's index in the level, its states packed, the worker. */
interface Unit {
  readonly first: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** One level's units: sent, merged, waiting in order. */
interface LevelUnits {
  readonly unitStates: number;
  readonly unitCount: number;
  readonly active: readonly number[];
  readonly units: Map<number, Unit>;
  readonly results: Map<number, UnitResult<unknown>>;
  sent: number;
  merged: number;
  /** States of the level merged so far. */
  mergedStates: number;
}

/** The expander of the multi-thread search: units on the pool's workers, merged here in order. */
class PooledExpander<S, O> implements Expander<S, O> {
  /** Units each worker has in hand. */
  private readonly inFlight: number[];
  /** What each worker was last told of the shared visited set. */
  private readonly sentChunks: number[];
  private readonly sentTable: Array<Uint32Array | undefined>;

  constructor(
    private readonly parts: ExplorationParts<S, O>,
    private readonly pool: WorkerPool<unknown>,
    private readonly inbox: Inbox<Inbound>,
  ) {
    this.inFlight = Array.from({ length: pool.size }, () => 0);
    this.sentChunks = Array.from({ length: pool.size }, () => 0);
    this.sentTable = Array.from({ length: pool.size }, () => undefined);
  }

  async expandLevel(search: Search<S, O>): Promise<void> {
    const workers = this.pool.size;
    const levelSize = search.levelSize;
    const unitStates = Math.min(1024, Math.max(16, Math.ceil(levelSize / (workers * 16))));
    const level: LevelUnits = {
      unitStates,
      unitCount: Math.ceil(levelSize / unitStates),
      active: [...search.active],
      units: new Map(),
      results: new Map(),
      sent: 0,
      merged: 0,
      mergedStates: 0,
    };
    let t0 = performance.now();
    this.topUp(search, level);
    prof.send += performance.now() - t0;
    while (level.merged < level.unitCount) {
      t0 = performance.now();
      const m = await this.inbox.next();
      const t1 = performance.now();
      prof.wait += t1 - t0;
      if (!('tick' in m) && m.message.type === 'result') this.inFlight[m.worker]!--;
      if (search.limitReached(level.mergedStates)) break;
      if ('tick' in m) {
        search.progress(level.mergedStates);
        continue;
      }
      const msg = m.message;
      if (msg.type === 'failed') throw new Error(msg.message);
      if (msg.type !== 'result') continue;
      level.results.set(msg.unit, msg);
      prof.candidates += msg.candidates.length / CANDIDATE_WORDS;
      prof.transitions += msg.transitions;
      prof.workerBusy += msg.ms ?? 0;
      this.mergeReady(search, level);
      const t2 = performance.now();
      prof.merge += t2 - t1;
      if (search.stopped) break;
      this.topUp(search, level);
      prof.send += performance.now() - t2;
    }
    if (search.stop === 'timeout' || search.stop === 'aborted') await this.drain();
  }

  /** Merge the units whose results are in, in order, up to the first missing one or a stop. */
  private mergeReady(search: Search<S, O>, level: LevelUnits): void {
    for (let r = level.results.get(level.merged); r !== undefined; r = level.results.get(level.merged)) {
      const unit = level.units.get(level.merged)!;
      level.results.delete(level.merged);
      level.units.delete(level.merged);
      const cut = this.merge(search, unit, r as UnitResult<O>);
      if (cut !== undefined) {
        this.rewalk(search, unit, cut);
        return;
      }
      level.merged++;
      level.mergedStates = unit.first + unit.ends.length;
    }
  }

  /** Keep every worker busy, with at most AHEAD units sent and not merged (results wait in order). */
  private topUp(search: Search<S, O>, level: LevelUnits): void {
    const workers = this.pool.size;
    for (let w = 0; w < workers; w++) {
      while (
        this.inFlight[w]! < IN_FLIGHT &&
        level.sent < level.unitCount &&
        level.sent - level.merged < workers * AHEAD
      ) {
        this.send(search, level, w);
      }
    }
  }

  /** The level's next unit to worker `w`, with what it does not know yet of the visited set. */
  private send(search: Search<S, O>, level: LevelUnits, w: number): void {
    const first = level.sent * level.unitStates;
    const count = Math.min(level.unitStates, search.levelSize - first);
    const records: Uint8Array[] = [];
    let total = 0;
    for (let k = 0; k < count; k++) {
      const r = search.current.shift();
      records.push(r);
      total += r.length;
    }
    const bytes = new Uint8Array(total);
    const ends = new Uint32Array(count);
    let at = 0;
    for (let k = 0; k < count; k++) {
      bytes.set(records[k]!, at);
      at += records[k]!.length;
      ends[k] = at;
    }
    const share = search.visited.shareSince(this.sentChunks[w]!);
    const fresh = share.table !== this.sentTable[w] || share.hiChunks.length > 0;
    this.sentChunks[w] = search.visited.chunks;
    this.sentTable[w] = share.table;
    const task: UnitTask = {
      type: 'unit',
      unit: level.sent,
      depth: search.depth,
      bytes,
      ends,
      active: level.active,
      allViolations: search.settings.allViolations,
      rootEnd: search.rootEnd,
      keepBytes: search.keepBytes,
      visited: fresh ? share : undefined,
    };
    level.units.set(level.sent, { first, bytes, ends });
    this.pool.post(w, task);
    this.inFlight[w]!++;
    level.sent++;
  }

  /**
   * Report one unit's steps to the merge, in step order: at each step the
   * findings (by ascending property), then the successor. Returns the step
   * it stopped at, if the search stops there.
   */
  private merge(search: Search<S, O>, unit: Unit, r: UnitResult<O>): { state: number; action: number } | undefined {
    const actionCount = search.actionCount;
    const baseId = search.levelFirst + unit.first;
    const workBase = search.workBeforeLevel + unit.first * actionCount;
    const { events, candidates } = r;
    const nextBytes = search.keepBytes ? unpack(r.bytes, r.ends) : [];
    const candidateCount = candidates.length / CANDIDATE_WORDS;
    let e = 0;
    let c = 0;
    while (e < events.length || c < candidateCount) {
      const ce = c * CANDIDATE_WORDS;
      const ev = events[e];
      const cKey = c < candidateCount ? candidates[ce]! * actionCount + candidates[ce + 1]! : Infinity;
      const key = Math.min(cKey, ev !== undefined ? ev.state * actionCount + ev.action : Infinity);
      const s = Math.floor(key / actionCount);
      const action = key - s * actionCount;
      search.pollMemory(workBase + key + 1);
      let t = 0;
      for (; e < events.length && events[e]!.state * actionCount + events[e]!.action === key; e++) {
        const x = events[e]!;
        t = x.t;
        search.record(x.property, x.error, baseId + s, action, x.message, x.observed);
      }
      let stop: boolean;
      if (cKey === key) {
        t = candidates[ce + 2]!;
        stop = search.successor(baseId + s, action, candidates[ce + 3]!, candidates[ce + 4]!, nextBytes[c]!);
        c++;
      } else stop = search.decided(baseId + s);
      if (stop) {
        search.transitions += t;
        return { state: s, action };
      }
    }
    search.pollMemory(workBase + unit.ends.length * actionCount);
    search.transitions += r.transitions;
    const visitors = this.parts.visitors ?? [];
    for (let v = 0; v < visitors.length; v++) visitors[v]!.absorb(r.visitorParts[v]);
    return undefined;
  }

  /** The visitors see the cut unit's steps up to the cut, here. */
  private rewalk(search: Search<S, O>, unit: Unit, cut: { state: number; action: number }): void {
    const { model } = this.parts;
    const visitors = this.parts.visitors ?? [];
    if (visitors.length === 0) return;
    const states = unpack(unit.bytes, unit.ends);
    const actions = new ActionCursor(model);
    for (let s = 0; s <= cut.state; s++) {
      const state = model.decode === undefined ? (states[s] as unknown as S) : model.decode(states[s]!);
      const last = s === cut.state ? cut.action : model.actionCount - 1;
      // The actions the unit took (parallel-unit.ts).
      for (let action = actions.first(state); action <= last; action = actions.after(action)) {
        const t = model.step(state, action);
        if (t === undefined) continue;
        const view: StepView<S, O> = {
          before: state,
          action,
          after: t.next,
          observed: t.observed,
          depth: search.depth,
        };
        for (let v = 0; v < visitors.length; v++) visitors[v]!.visit(view);
      }
    }
  }

  /**
   * After a limit, let the units in hand finish (they are short): a plugin
   * that never returns then keeps this search from ending, as it does on
   * one thread, for the caller's watchdog to name.
   */
  private async drain(): Promise<void> {
    while (this.inFlight.some((n) => n > 0)) {
      const m = await this.inbox.next();
      if ('tick' in m) continue;
      if (m.message.type === 'result' || m.message.type === 'failed') this.inFlight[m.worker]!--;
    }
  }
}
