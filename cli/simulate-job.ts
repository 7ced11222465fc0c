/**
 * A simulation on worker threads: each worker loads the plugins, builds the
 * model once and takes chunks of runs (explorer/simulate.ts) from a counter
 * in shared memory until none is left; the main thread merges the chunks'
 * results by chunk index, so what is reported does not depend on how many
 * workers ran or which took which chunk. The main thread stays free for
 * SIGINT and SIGTERM (cli/explore-job.ts `withInterrupt`): the abort flag in
 * shared memory makes the walks stop, and each worker reports the chunk it
 * was in. Progress (runs done, walks per second, violations so far) is read
 * from shared counters every few seconds.
 *
 * When the compiled worker is missing (tests running the TypeScript sources)
 * the chunks run in-process, one after the other, without interrupt support.
 */
import { InputError, workerFailure } from '../checker/errors.js';
import type { InvariantInfo } from '../checker/explore.js';
import { resolveRequest } from '../checker/inputs.js';
import {
  simulateScenarioChunk,
  simulationModel,
  runsOf,
  type SimulateJob,
  type SimulationOutcome,
} from '../checker/simulate.js';
import { compiledAvailable, WorkerPool, type PoolEvent } from '../explorer/pool.js';
import { shardRange } from '../explorer/shard.js';
import { chunkAt, type Chunk, type ChunkResult } from '../explorer/simulate.js';
import type { ReadObservation } from '../model/pipe.js';
import { ABORT, flagSignal, interrupted, watchInterrupt, type Interrupt } from './explore-job.js';

/** Shared counters after explore-job's [ABORT] and [RUNNING]: the next chunk to take, runs done. */
export const NEXT_CHUNK = 2;
export const RUNS_DONE = 3;
/** Int32 words the simulation shares with its workers (explore-job's interrupt words come first). */
export const SHARED_WORDS = 4;

/** A progress report: how far the simulation went. */
export interface SimulateProgress {
  readonly runsDone: number;
  readonly runs: number;
  /** Runs per second since the previous report. */
  readonly walksPerSecond: number;
  /** Invariants some walk violated so far. */
  readonly violations: number;
  readonly elapsedMs: number;
}

export type SimulateWorkerMessage =
  | { readonly type: 'loaded'; readonly invariants: readonly InvariantInfo[] }
  | { readonly type: 'failure'; readonly invariant: string }
  | { readonly type: 'chunk'; readonly result: ChunkResult<ReadObservation> }
  | { readonly type: 'finished' }
  | { readonly type: 'input-error'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export interface SimulateWorkerInput {
  readonly job: SimulateJob;
  /** Int32Array over a SharedArrayBuffer of SHARED_WORDS words. */
  readonly shared: Int32Array;
}

export interface SimulateRunOptions {
  readonly workers: number;
  readonly timeoutMs?: number | undefined;
  readonly progressIntervalMs?: number | undefined;
  readonly onProgress?: ((p: SimulateProgress) => void) | undefined;
  readonly clock?: () => number;
}

const WORKER_URL = new URL('./simulate-worker.js', import.meta.url);

/** Take chunks from the shared counter and run them with `run` until none is left or the run is stopped. */
export function takeChunks(
  job: Pick<SimulateJob, 'runs' | 'seed' | 'shard'>,
  shared: Int32Array,
  run: (chunk: Chunk) => ChunkResult<ReadObservation>,
  onChunk: (r: ChunkResult<ReadObservation>) => void,
): void {
  const { first, end } = shardRange(job.runs, job.shard);
  for (;;) {
    if (Atomics.load(shared, ABORT) !== 0) return;
    const index = first + Atomics.add(shared, NEXT_CHUNK, 1);
    const chunk = index < end ? chunkAt(job.runs, job.seed, index) : undefined;
    if (chunk === undefined) return;
    onChunk(run(chunk));
  }
}

/** Run the simulation `job`; resolves with what the chunks that ran found. */
export async function runSimulation(
  job: SimulateJob,
  interrupt: Interrupt,
  options: SimulateRunOptions,
): Promise<SimulationOutcome> {
  if (interrupt.shared.length < SHARED_WORDS) throw new Error('runSimulation: the shared memory is too small');
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const { first, end } = shardRange(job.runs, job.shard);
  const workers = Math.max(1, Math.min(options.workers, end - first));
  const runs = runsOf(job);
  const chunks: ChunkResult<ReadObservation>[] = [];
  let firstViolationMs: number | null = null;
  const failed = new Set<string>();
  const onFailure = (invariant: string): void => {
    firstViolationMs ??= clock() - started;
    failed.add(invariant);
  };
  let timedOut = false;
  const deadline =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          Atomics.store(interrupt.shared, ABORT, 1);
        }, options.timeoutMs);
  let lastRuns = 0;
  let lastAt = started;
  const progress = setInterval(() => {
    const now = clock();
    const runsDone = Atomics.load(interrupt.shared, RUNS_DONE);
    const walksPerSecond = Math.round(((runsDone - lastRuns) * 1000) / Math.max(1, now - lastAt));
    lastRuns = runsDone;
    lastAt = now;
    options.onProgress?.({
      runsDone,
      runs,
      walksPerSecond,
      violations: failed.size,
      elapsedMs: now - started,
    });
  }, options.progressIntervalMs ?? 3000);
  let invariants: readonly InvariantInfo[];
  try {
    const run = compiledAvailable(WORKER_URL) ? inWorkers : inProcess;
    invariants = await run(job, workers, interrupt, (r) => chunks.push(r), onFailure);
  } finally {
    clearTimeout(deadline);
    clearInterval(progress);
  }
  chunks.sort((a, b) => a.chunk - b.chunk);
  const runsDone = chunks.reduce((n, c) => n + c.runs, 0);
  const stopped = runsDone >= runs ? null : timedOut ? 'timeout' : interrupted(interrupt) ? 'aborted' : null;
  return {
    invariants,
    chunks,
    runsDone,
    walks: chunks.reduce((n, c) => n + c.walks, 0),
    workers,
    elapsedMs: Math.round(clock() - started),
    firstViolationMs: firstViolationMs === null ? null : Math.round(firstViolationMs),
    stopped,
  };
}

type Runner = (
  job: SimulateJob,
  workers: number,
  interrupt: Interrupt,
  onChunk: (r: ChunkResult<ReadObservation>) => void,
  onFailure: (invariant: string) => void,
) => Promise<readonly InvariantInfo[]>;

const inProcess: Runner = async (job, _workers, interrupt, onChunk, onFailure) => {
  const { invariants } = await resolveRequest(job.invariants);
  const sim = simulationModel(job, invariants);
  const signal = flagSignal(interrupt.shared);
  const onRun = (): void => void Atomics.add(interrupt.shared, RUNS_DONE, 1);
  takeChunks(job, interrupt.shared, (c) => simulateScenarioChunk(sim, job, c, { signal, onRun, onFailure }), onChunk);
  return invariants.map(({ id, kind, description }) => ({ id, kind, description }));
};

const inWorkers: Runner = (job, workers, interrupt, onChunk, onFailure) =>
  new Promise((resolve, reject) => {
    const input: SimulateWorkerInput = { job, shared: interrupt.shared };
    let loaded: readonly InvariantInfo[] = [];
    let finished = 0;
    /** Workers that loaded and did not finish: only those can be stuck in a check. */
    let walking = 0;
    let loading = workers;
    const done = Array.from({ length: workers }, () => false);
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      unwatch();
      void pool.terminate();
      f();
    };
    // A plugin whose check never returns keeps its worker from seeing the abort flag.
    const unwatch = watchInterrupt(interrupt, () => {
      // A worker still loading sees the flag once loaded; one walking sees it after each walk.
      if (loading === 0 && walking > 0) {
        const message =
          'plugin error: a check did not return in time, so the simulation was stopped (a check must return)';
        settle(() => reject(new InputError(message)));
      }
    });
    const onEvent = (e: PoolEvent<SimulateWorkerMessage>): void => {
      if (e.type === 'failed') {
        // A worker that finished exits; any other end is a failure.
        if (e.error !== undefined || !done[e.worker])
          settle(() => reject(e.error ?? new Error(`a simulation ${e.reason}`)));
        return;
      }
      const m = e.message;
      switch (m.type) {
        case 'loaded':
          loaded = m.invariants;
          loading--;
          walking++;
          break;
        case 'failure':
          onFailure(m.invariant);
          break;
        case 'chunk':
          onChunk(m.result);
          break;
        case 'finished':
          done[e.worker] = true;
          walking--;
          if (++finished === workers) settle(() => resolve(loaded));
          break;
        case 'input-error': // bad input stops them all: the others would fail alike
        case 'error':
          settle(() => reject(workerFailure(m)));
          break;
      }
    };
    const pool = new WorkerPool<SimulateWorkerMessage>(WORKER_URL, workers, onEvent, () => input);
  });
