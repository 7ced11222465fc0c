/**
 * One exploration of a scenario, run in a worker thread so the main thread
 * stays free to take SIGINT: the explorer's loop is synchronous, and Node
 * delivers signals only to an idle event loop. The main thread flips a flag
 * in shared memory; the worker's abort signal reads it, and the explorer polls
 * the signal every few thousand steps, so an interrupt ends the search
 * cleanly (exit 3 with what was covered). Progress events cross back as
 * messages; the engine itself never prints.
 *
 * When the compiled worker is missing (tests running the TypeScript sources)
 * the job runs in-process, without interrupt support.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { exploreScenario, type ExploreJob, type JobResult } from '../checker/explore.js';
import type { ExploreEvent } from '../explorer/result.js';
import type { Invariant } from '../invariants/define.js';

/** Messages from the worker. */
export type WorkerMessage =
  | { readonly type: 'event'; readonly event: ExploreEvent }
  | { readonly type: 'done'; readonly value: JobResult }
  | { readonly type: 'error'; readonly message: string };

export interface WorkerInput {
  readonly job: ExploreJob;
  /** Int32Array over a SharedArrayBuffer: non-zero means abort. */
  readonly abortFlag: Int32Array;
}

const WORKER_URL = new URL('./explore-worker.js', import.meta.url);

/** An abort signal whose `aborted` reads a shared flag (all the explorer looks at). */
export function flagSignal(flag: Int32Array): AbortSignal {
  return {
    get aborted() {
      return Atomics.load(flag, 0) !== 0;
    },
  } as unknown as AbortSignal;
}

export interface Interrupt {
  /** Set when the user interrupted; the job then ends incomplete. */
  readonly flag: Int32Array;
}

/** A SIGINT handler for the duration of `run`: first ^C stops the search cleanly, the second exits at once. */
export async function withInterrupt<T>(run: (interrupt: Interrupt) => Promise<T>, onFirst: () => void): Promise<T> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const handler = (): void => {
    if (Atomics.load(flag, 0) !== 0) process.exit(130);
    Atomics.store(flag, 0, 1);
    onFirst();
  };
  process.on('SIGINT', handler);
  try {
    return await run({ flag });
  } finally {
    process.off('SIGINT', handler);
  }
}

/**
 * Run `job` in a worker (or in-process when the compiled worker is missing);
 * `invariants` are the already loaded ones, used only in-process.
 */
export function runJob(
  job: ExploreJob,
  invariants: readonly Invariant[],
  interrupt: Interrupt,
  onEvent: (e: ExploreEvent) => void,
): Promise<JobResult> {
  if (!existsSync(fileURLToPath(WORKER_URL))) {
    return Promise.resolve(exploreScenario(job, invariants, { signal: flagSignal(interrupt.flag), onEvent }));
  }
  return new Promise<JobResult>((resolve, reject) => {
    const input: WorkerInput = { job, abortFlag: interrupt.flag };
    const worker = new Worker(WORKER_URL, { workerData: input });
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'event') onEvent(m.event);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.value);
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the exploration worker exited with code ${code}`));
    });
  });
}
