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
import { explore } from '../explorer/bfs.js';
import type { Property } from '../explorer/model.js';
import type { ExploreEvent, ExploreResult } from '../explorer/result.js';
import { builtinById, builtinIds } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { loadPlugin } from '../invariants/plugin-loader.js';
import { toProperties } from '../invariants/property.js';
import type { ReadObservation } from '../model/pipe.js';
import type { Scenario } from '../model/scenario.js';
import { DEFAULT_FS, fsProfileById, type FsProfile } from '../model/folio-policy.js';
import { ScenarioModel } from '../model/scenario-model.js';
import type { State } from '../model/state.js';
import { PACKAGE_ENTRY, type InvariantSource } from './inputs.js';

export interface ExploreJob {
  readonly scenario: Scenario;
  readonly invariants: readonly InvariantSource[];
  readonly maxStates?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** The file-system profile's id (default ext4). */
  readonly fs?: FsProfile['id'] | undefined;
}

export interface Cost {
  readonly pagesCopied: number;
  readonly pagesStolen: number;
}

export interface JobResult {
  readonly result: ExploreResult<ReadObservation>;
  /** The most pages copied and stolen in any state reached. */
  readonly cost: Cost;
}

/** The id of the internal property that tracks cost; never reported as an invariant. */
export const COST_PROPERTY_ID = '(cost)';

/**
 * An `always` property that never fires: it sees every step the explorer
 * takes and keeps the largest cost counters of any state reached. (Cost rides
 * along outside the state's identity bytes, so it is per path; the maximum
 * over every step taken is the most any explored path paid.)
 */
function costTracker(model: ScenarioModel): { property: Property<State, ReadObservation>; cost: () => Cost } {
  const L = model.L;
  let copied = 0;
  let stolen = 0;
  return {
    property: {
      id: COST_PROPERTY_ID,
      kind: 'always',
      check({ after }) {
        const c = L.pagesCopied(after);
        const s = L.pagesStolen(after);
        if (c > copied) copied = c;
        if (s > stolen) stolen = s;
        return undefined;
      },
    },
    cost: () => ({ pagesCopied: copied, pagesStolen: stolen }),
  };
}

/** Run a job here, synchronously. */
export function exploreScenario(
  job: ExploreJob,
  invariants: readonly Invariant[],
  hooks: { signal?: AbortSignal; onEvent?: (e: ExploreEvent) => void } = {},
): JobResult {
  const model = new ScenarioModel(job.scenario, fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS);
  const tracker = costTracker(model);
  const result = explore(model, [...toProperties(model, invariants), tracker.property], {
    maxDepth: job.scenario.bounds.depth,
    ...(job.maxStates !== undefined ? { maxStates: job.maxStates } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  });
  return { result, cost: tracker.cost() };
}

/** Built-ins by id; plugins loaded again from their files (the worker cannot receive functions). */
export async function invariantsOf(sources: readonly InvariantSource[]): Promise<Invariant[]> {
  const taken = new Set(builtinIds());
  const out: Invariant[] = [];
  for (const src of sources) {
    if ('builtin' in src) {
      const inv = builtinById(src.builtin);
      if (!inv) throw new Error(`unknown built-in invariant ${src.builtin}`);
      out.push(inv);
    } else {
      const inv = await loadPlugin(src.plugin, taken, PACKAGE_ENTRY);
      taken.add(inv.id);
      out.push(inv);
    }
  }
  return out;
}

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
