/**
 * The multi-thread search: the same result as `explore` (bfs.ts) on one
 * thread, state for state, trace for trace, statistics and all, computed by
 * worker threads.
 *
 * Level-synchronous BFS with one coordinator (this thread). A level's states
 * are cut into units of consecutive states, in BFS order, handed to the
 * workers as they become free. A worker expands its unit as the one-thread
 * search would (parallel-unit.ts) and returns, in step order, what the
 * properties said and the successors it did not find in the visited set,
 * which lives in SharedArrayBuffers the workers only read. The coordinator
 * merges the units strictly in order, doing exactly what the one-thread
 * search does at each step: properties decided, states inserted (first
 * insertion wins), the cap on states, the stop once every property is
 * decided, even the points at which it measures its memory. So the cut of an
 * early stop is the same step; what the workers did past it is dropped, and
 * the cut unit is re-walked here for the visitors up to that step.
 *
 * Each worker builds its own model, properties and visitors by importing a
 * module and calling its factory with plain data; visitors must be
 * mergeable (parallel-unit.ts `MergeableVisitor`).
 *
 * @public
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ALL_VIOLATIONS_CAP } from './bfs.js';
import { Frontier } from './frontier.js';
import { fingerprinterOf, type StepView } from './model.js';
import { resultOf, seedInitialStates, settingsOf, type Found } from './outcome.js';
import { CANDIDATE_WORDS, unpack, type ExplorationParts, type UnitResult, type UnitTask } from './parallel-unit.js';
import type { FromWorker, WorkerInit } from './parallel-worker.js';
import type { EndReason, ExploreOptions, ExploreResult, LimitReason } from './result.js';
import { VisitedSet } from './visited.js';

export type { ExplorationParts, MergeableVisitor } from './parallel-unit.js';

/** The same poll period as bfs.ts: memory is measured where the one-thread search measures it. */
const POLL_MASK = 4095;
/** How often (ms) the coordinator looks at the clock, the signal and progress while it waits. */
const TICK_MS = 50;
/** Units each worker has in hand (one running, one waiting). */
const IN_FLIGHT = 2;
/** Units per worker that may be sent before the units ahead of them are merged (bounds the results held). */
const AHEAD = 8;

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
}

/** Whether the compiled worker is there (it is not when the TypeScript sources run under a test runner). */
export function parallelAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

type Inbound =
  { readonly worker: number; readonly message: FromWorker | UnitResult<unknown> } | { readonly tick: true };

/** Messages from the workers and clock ticks, awaited one at a time. */
class Inbox {
  private readonly queue: Inbound[] = [];
  private waiting: ((m: Inbound) => void) | undefined;
  push(m: Inbound): void {
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w(m);
    } else this.queue.push(m);
  }
  next(): Promise<Inbound> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

interface Unit {
  readonly first: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  readonly worker: number;
}

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
  const visitors = parts.visitors ?? [];
  const settings = settingsOf(model, properties, options);
  const { maxDepth, maxStates, timeoutMs, progressIntervalMs, clock, allViolations } = settings;
  const { signal, onEvent } = options;
  if (!Number.isInteger(spec.workers) || spec.workers < 1) {
    throw new RangeError(`explore: workers must be a positive integer, got ${spec.workers}`);
  }
  const actionCount = model.actionCount;
  /** Set once the workers are up: the time limit and progress count from the search's start. */
  let start = 0;
  const inbox = new Inbox();
  const workers: Worker[] = [];
  const tick = setInterval(() => inbox.push({ tick: true }), TICK_MS);
  try {
    for (let w = 0; w < spec.workers; w++) {
      const worker = new Worker(WORKER_URL);
      worker.on('message', (message: FromWorker | UnitResult<unknown>) => inbox.push({ worker: w, message }));
      worker.on('exit', (code) =>
        inbox.push({
          worker: w,
          message: { type: 'failed', during: 'unit', message: `worker exited with code ${code}` },
        }),
      );
      worker.on('error', (e) =>
        inbox.push({ worker: w, message: { type: 'failed', during: 'unit', message: e.message } }),
      );
      const init: WorkerInit = {
        type: 'init',
        module: spec.module,
        exportName: spec.exportName ?? 'createExploration',
        data: spec.data,
        index: w,
      };
      worker.postMessage(init);
      workers.push(worker);
    }
    const expectIds = JSON.stringify(properties.map((p) => p.id));
    for (let ready = 0; ready < workers.length;) {
      const m = await inbox.next();
      if ('tick' in m) continue;
      const msg = m.message;
      if (msg.type === 'failed') throw new Error(`explore: worker ${m.worker}: ${msg.message}`);
      if (msg.type !== 'ready') continue;
      if (JSON.stringify(msg.propertyIds) !== expectIds || msg.actionCount !== actionCount) {
        throw new Error(`explore: worker ${m.worker} built another model or other properties than this thread's`);
      }
      ready++;
    }
    start = clock();
    return await coordinate();
  } finally {
    clearInterval(tick);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  async function coordinate(): Promise<ExploreResult<O>> {
    const visited = new VisitedSet(actionCount, 12, true);
    const fingerprintState = fingerprinterOf(model);
    const found: Found<O>[][] = properties.map(() => []);
    let retireAtLevelEnd: number[] = [];
    const errors: Array<Found<O> | undefined> = properties.map(() => undefined);
    const active: number[] = properties.map((_, i) => i);
    const isActive = properties.map(() => true);
    let foundCount = 0;
    let transitions = 0;
    /** Steps (enabled or not) of the levels before this one, as bfs.ts counts them. */
    let workBeforeLevel = 0;
    let peakBytes = 0;
    let stop: LimitReason | 'all-properties-decided' | undefined;
    let depth = 0;
    let depthExplored = 0;
    let current = new Frontier();
    let next = new Frontier();
    let lastProgressAt = start;
    let lastProgressStates = 0;
    let lastProgressTransitions = 0;
    /** Units each worker has in hand. */
    const inFlight = workers.map(() => 0);
    const sentChunks = workers.map(() => 0);
    const sentTable: Array<Uint32Array | undefined> = workers.map(() => undefined);

    const noteMemory = (bytes: number): void => {
      if (bytes > peakBytes) peakBytes = bytes;
    };
    const memory = (): number => {
      const bytes = visited.bytesUsed() + current.bytesUsed() + next.bytesUsed();
      noteMemory(bytes);
      return bytes;
    };

    const limitReached = (): void => {
      if (signal?.aborted) stop = 'aborted';
      else if (clock() - start >= timeoutMs) stop = 'timeout';
    };

    const seeded = seedInitialStates(model, settings, visited, current, fingerprintState, signal?.aborted === true);
    stop = seeded.stop;
    const roots = seeded.roots;
    let levelFirst = 0;
    let levelEnd = visited.size;
    let brokeMidLevel = false;

    const deactivate = (index: number): void => {
      isActive[index] = false;
      active.splice(active.indexOf(index), 1);
    };

    while (stop === undefined && depth < maxDepth && levelEnd > levelFirst) {
      const queueNext = depth + 1 < maxDepth;
      const levelSize = levelEnd - levelFirst;
      const unitStates = Math.min(1024, Math.max(16, Math.ceil(levelSize / (workers.length * 16))));
      const unitCount = Math.ceil(levelSize / unitStates);
      const units = new Map<number, Unit>();
      const results = new Map<number, UnitResult<O>>();
      let sent = 0;
      let merged = 0;
      /** States of the level merged so far (for progress). */
      let mergedStates = 0;
      /** The last step (as bfs.ts numbers work) whose memory poll was accounted for. */
      let polledTo = workBeforeLevel;
      const levelActive = [...active];

      const send = (w: number): void => {
        const first = sent * unitStates;
        const count = Math.min(unitStates, levelSize - first);
        const records: Uint8Array[] = [];
        let total = 0;
        for (let k = 0; k < count; k++) {
          const r = current.shift();
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
        const share = visited.shareSince(sentChunks[w]!);
        const fresh = share.table !== sentTable[w] || share.hiChunks.length > 0;
        sentChunks[w] = visited.chunks;
        sentTable[w] = share.table;
        const task: UnitTask = {
          type: 'unit',
          unit: sent,
          depth,
          bytes,
          ends,
          active: levelActive,
          allViolations,
          keepBytes: queueNext,
          visited: fresh ? share : undefined,
        };
        units.set(sent, { first, bytes, ends, worker: w });
        workers[w]!.postMessage(task);
        inFlight[w]!++;
        sent++;
      };

      /** The one-thread search's memory poll before step `work`, if one falls in (polledTo, work]. */
      const pollUpTo = (work: number): void => {
        const p = (Math.floor(polledTo / (POLL_MASK + 1)) + 1) * (POLL_MASK + 1);
        polledTo = work;
        if (p > work) return;
        const read = Math.floor((p - workBeforeLevel - 1) / actionCount) + 1;
        noteMemory(visited.bytesUsed() + current.bytesHeldAfterReading(read) + next.bytesUsed());
      };

      /** Merge one unit; returns the step it stopped at, if the search stops there. */
      const merge = (unit: Unit, r: UnitResult<O>): { state: number; action: number } | undefined => {
        const baseId = levelFirst + unit.first;
        const workBase = workBeforeLevel + unit.first * actionCount;
        const { events, candidates } = r;
        const nextBytes = queueNext ? unpack(r.bytes, r.ends) : [];
        let e = 0;
        let c = 0;
        const candidateCount = candidates.length / CANDIDATE_WORDS;
        while (e < events.length || c < candidateCount) {
          const ce = c * CANDIDATE_WORDS;
          const ev = events[e];
          const cKey = c < candidateCount ? candidates[ce]! * actionCount + candidates[ce + 1]! : Infinity;
          const eKey = ev !== undefined ? ev.state * actionCount + ev.action : Infinity;
          const key = Math.min(cKey, eKey);
          const s = Math.floor(key / actionCount);
          const action = key - s * actionCount;
          pollUpTo(workBase + key + 1);
          let t = 0;
          for (; e < events.length && events[e]!.state * actionCount + events[e]!.action === key; e++) {
            const x = events[e]!;
            t = x.t;
            const index = x.property;
            if (!isActive[index]) continue;
            const f: Found<O> = { parent: baseId + s, action, message: x.message, observed: x.observed };
            if (x.error) {
              errors[index] = f;
              deactivate(index);
              continue;
            }
            const first = found[index]!.length === 0;
            found[index]!.push(f);
            if (first) {
              foundCount++;
              const p = properties[index]!;
              onEvent?.({ type: 'violation', propertyId: p.id, kind: p.kind, length: depth + 1 });
            }
            if (!allViolations || found[index]!.length >= ALL_VIOLATIONS_CAP) deactivate(index);
            else if (first) retireAtLevelEnd.push(index);
          }
          if (cKey === key) {
            t = candidates[ce + 2]!;
            const hi = candidates[ce + 3]!;
            const lo = candidates[ce + 4]!;
            if (visited.size >= maxStates) {
              if (visited.lookup(hi, lo) < 0) {
                stop = 'max-states';
                transitions += t;
                return { state: s, action };
              }
            } else if (visited.insert(hi, lo, baseId + s, action) >= 0 && queueNext) {
              next.push(nextBytes[c]!);
            }
            c++;
          }
          if (!allViolations && foundCount === properties.length && foundCount > 0) {
            stop = 'all-properties-decided';
            transitions += t;
            return { state: s, action };
          }
        }
        pollUpTo(workBase + unit.ends.length * actionCount);
        transitions += r.transitions;
        for (let v = 0; v < visitors.length; v++) visitors[v]!.absorb(r.visitorParts[v]);
        return undefined;
      };

      /** The visitors see the cut unit's steps up to the cut, here. */
      const rewalk = (unit: Unit, cut: { state: number; action: number }): void => {
        if (visitors.length === 0) return;
        const states = unpack(unit.bytes, unit.ends);
        for (let s = 0; s <= cut.state; s++) {
          const state = model.decode === undefined ? (states[s] as unknown as S) : model.decode(states[s]!);
          const last = s === cut.state ? cut.action : actionCount - 1;
          for (let action = 0; action <= last; action++) {
            const t = model.step(state, action);
            if (t === undefined) continue;
            const view: StepView<S, O> = { before: state, action, after: t.next, observed: t.observed, depth };
            for (let v = 0; v < visitors.length; v++) visitors[v]!.visit(view);
          }
        }
      };

      /** Keep every worker busy, with at most AHEAD units sent and not merged (results wait in order). */
      const topUp = (): void => {
        for (let w = 0; w < workers.length; w++) {
          while (inFlight[w]! < IN_FLIGHT && sent < unitCount && sent - merged < workers.length * AHEAD) send(w);
        }
      };
      topUp();
      let cutAt: number | undefined;
      while (merged < unitCount) {
        const m = await inbox.next();
        if (!('tick' in m) && m.message.type === 'result') inFlight[m.worker]!--;
        limitReached();
        if (stop !== undefined) break;
        if ('tick' in m) {
          progress(mergedStates);
          continue;
        }
        const msg = m.message;
        if (msg.type === 'failed') throw new Error(msg.message);
        if (msg.type !== 'result') continue;
        results.set(msg.unit, msg as UnitResult<O>);
        for (let r = results.get(merged); r !== undefined; r = results.get(merged)) {
          const unit = units.get(merged)!;
          results.delete(merged);
          units.delete(merged);
          const cut = merge(unit, r);
          if (cut !== undefined) {
            rewalk(unit, cut);
            cutAt = unit.first + cut.state + 1;
            break;
          }
          merged++;
          mergedStates = unit.first + unit.ends.length;
        }
        if (stop === undefined) topUp();
        if (stop !== undefined) break;
      }
      if (stop !== undefined) {
        // As bfs.ts after a break: its memory() then sees the frontier read up to the cut.
        const read = cutAt ?? mergedStates;
        noteMemory(visited.bytesUsed() + current.bytesHeldAfterReading(read) + next.bytesUsed());
        brokeMidLevel = true;
        break;
      }
      workBeforeLevel += levelSize * actionCount;
      if (retireAtLevelEnd.length > 0) {
        for (const index of retireAtLevelEnd) if (isActive[index]) deactivate(index);
        retireAtLevelEnd = [];
      }
      if (allViolations && foundCount === properties.length && foundCount > 0) stop = 'all-properties-decided';
      depth++;
      depthExplored = depth;
      levelFirst = levelEnd;
      levelEnd = visited.size;
      const memoryBytes = memory();
      current.release();
      current = next;
      next = new Frontier();
      onEvent?.({
        type: 'level',
        depth,
        statesDistinct: visited.size,
        transitions,
        queue: levelEnd - levelFirst,
        memoryBytes,
        elapsedMs: Math.round(clock() - start),
      });
    }
    if (!brokeMidLevel) memory();
    if (stop === 'timeout' || stop === 'aborted') await drain();
    current.release();
    next.release();

    let reason: EndReason;
    if (stop !== undefined) reason = stop;
    else if (depth >= maxDepth && levelEnd > levelFirst) reason = 'depth-bound';
    else reason = 'state-space-exhausted';
    return resultOf(model, properties, options, settings, {
      visited,
      roots,
      found,
      errors,
      reason,
      transitions,
      depthExplored,
      peakBytes,
      start,
    });

    /**
     * After a limit, let the units in hand finish (they are short): a plugin
     * that never returns then keeps this search from ending, as it does on
     * one thread, for the caller's watchdog to name.
     */
    async function drain(): Promise<void> {
      while (inFlight.some((n) => n > 0)) {
        const m = await inbox.next();
        if ('tick' in m) continue;
        if (m.message.type === 'result' || m.message.type === 'failed') inFlight[m.worker]!--;
      }
    }

    function progress(mergedStates: number): void {
      const now = clock();
      if (onEvent === undefined || now - lastProgressAt < progressIntervalMs) return;
      const seconds = Math.max(now - lastProgressAt, 1) / 1000;
      onEvent({
        type: 'progress',
        depth,
        statesDistinct: visited.size,
        transitions,
        statesPerSecond: Math.round((visited.size - lastProgressStates) / seconds),
        transitionsPerSecond: Math.round((transitions - lastProgressTransitions) / seconds),
        queue: levelEnd - levelFirst - mergedStates + next.length,
        memoryBytes: visited.bytesUsed() + current.bytesUsed() + next.bytesUsed(),
        elapsedMs: Math.round(now - start),
      });
      lastProgressAt = now;
      lastProgressStates = visited.size;
      lastProgressTransitions = transitions;
    }
  }
}
