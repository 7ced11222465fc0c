/**
 * Explorations run in a worker thread so the main thread stays free to take
 * SIGINT and SIGTERM: the explorer's loop is synchronous, and Node delivers
 * signals only to an idle event loop. The main thread flips a flag in shared
 * memory; the worker's abort signal reads it, and the explorer polls the
 * signal every few thousand steps, so an interrupt ends the search cleanly
 * (exit 3 with what was covered). Progress events cross back as messages;
 * the engine itself never prints.
 *
 * The worker loads the plugins (their code runs once, there) and runs every
 * job of a command (one for `check`, one per kernel for `matrix`). A plugin
 * whose code does not return stops the search from polling: a watchdog in
 * the main thread ends the worker when the time limit or an interrupt has
 * been passed by GRACE_MS and a plugin is still running (the worker notes in
 * shared memory which one), and reports it as that plugin's error.
 *
 * Without plugins a job first runs on the main thread, for half a second at
 * most (runJobs, mainProbeMs): a small search then ends with no worker
 * started, the same result either way; a larger one is handed to the worker
 * at a level start (cli/handover.ts), which goes on from there.
 *
 * When the compiled worker is missing (tests running the TypeScript sources)
 * the jobs run in-process, without interrupt support.
 */
import { InputError, workerFailure } from '../checker/errors.js';
import { exploreScenario, type ExploreJob, type InvariantInfo, type JobResult } from '../checker/explore.js';
import { resolveRequest } from '../checker/inputs.js';
import { compiledAvailable, WorkerPool } from '../explorer/pool.js';
import type { ExploreEvent } from '../explorer/result.js';
import {
  handoverHooks,
  handoverText,
  LevelForecast,
  packHandover,
  probeProfile,
  type Handover,
  type PackedHandover,
} from './handover.js';

/** Milliseconds since `t`, rounded (for the profile). */
const ms = (t: number): number => Math.round(performance.now() - t);

/** What a plugin that calls process.exit() in a worker thread gets instead (`%s`: the code). */
export const PLUGIN_EXIT_MESSAGE = 'the plugin called process.exit(%s), which a plugin may not do';

/** PLUGIN_EXIT_MESSAGE for `code`. */
export const pluginExitMessage = (code: number | string | null | undefined): string =>
  PLUGIN_EXIT_MESSAGE.replace('%s', String(code ?? ''));

/** How long past a time limit or an interrupt a plugin may go on before it is stopped. */
export const GRACE_MS = 2000;

/** Shared memory between the threads: [0] abort, [1] what runs (ACTIVITY). */
export const ABORT = 0;
export const RUNNING = 1;
/** In RUNNING: 0 the engine, k + 1 the check of plugin k, -(k + 1) plugin k loading. */
export type Running = number;

/** Messages from the worker. */
export type WorkerMessage =
  | { readonly type: 'event'; readonly index: number; readonly event: ExploreEvent }
  | { readonly type: 'loaded'; readonly invariants: readonly InvariantInfo[] }
  | { readonly type: 'started'; readonly index: number }
  | { readonly type: 'done'; readonly index: number; readonly value: JobResult }
  | { readonly type: 'finished' }
  /** Said on stderr (why --workers was not honoured, say). */
  | { readonly type: 'note'; readonly message: string }
  /** A plugin that does not load, or no invariant: bad input, exit 2. */
  | { readonly type: 'input-error'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export interface WorkerInput {
  /** Jobs that share one invariant request (the first one's). */
  readonly jobs: readonly ExploreJob[];
  /** Int32Array over a SharedArrayBuffer: [ABORT] non-zero means abort, [RUNNING] see Running. */
  readonly shared: Int32Array;
  /** Where the main thread's probe left the first job (cli/handover.ts): the worker goes on from there. */
  readonly handover?: PackedHandover | undefined;
}

const WORKER_URL = new URL('./explore-worker.js', import.meta.url);

/** An abort signal whose `aborted` reads a shared flag (all the explorer looks at). */
export function flagSignal(shared: Int32Array): AbortSignal {
  return {
    get aborted() {
      return Atomics.load(shared, ABORT) !== 0;
    },
  } as unknown as AbortSignal;
}

export interface Interrupt {
  /** [ABORT] is set when the user interrupted; the jobs then end incomplete. */
  readonly shared: Int32Array;
}

export function interrupted(interrupt: Interrupt): boolean {
  return Atomics.load(interrupt.shared, ABORT) !== 0;
}

/**
 * The watchdog of the worker threads: `pastGrace` is called every 100 ms
 * once GRACE_MS passed since the interrupt (or abort) was first seen, until
 * the returned function stops it. (Workers see the flag at their next poll;
 * one that does not is stuck in a plugin.)
 */
export function watchInterrupt(interrupt: Interrupt, pastGrace: () => void): () => void {
  let seenAt: number | undefined;
  const watch = setInterval(() => {
    if (seenAt === undefined && interrupted(interrupt)) seenAt = Date.now();
    if (seenAt !== undefined && Date.now() - seenAt >= GRACE_MS) pastGrace();
  }, 100);
  return () => clearInterval(watch);
}

/**
 * One Ctrl-C can arrive twice: from the terminal to the whole process group,
 * and forwarded by `npm exec` (npx) to its child. A second signal this soon
 * after the first is the same interrupt.
 */
export const SAME_INTERRUPT_MS = 500;

/** How often the parent process is looked at (see withInterrupt). */
const PARENT_POLL_MS = 500;

/**
 * SIGINT and SIGTERM handlers for the duration of `run`: the first signal
 * stops the search cleanly (exit 3 with what was covered, violations written),
 * a second one (SAME_INTERRUPT_MS or more later) exits at once (130 for
 * SIGINT, 143 for SIGTERM). When the parent process goes away (npx's `sh -c`
 * killed by a SIGINT sent to npx alone, which never reaches the checker), the
 * search stops as on a first signal, rather than running on, orphaned.
 */
export async function withInterrupt<T>(
  run: (interrupt: Interrupt) => Promise<T>,
  onFirst: () => void,
  clock: () => number = Date.now,
  /** Int32 words of shared memory (at least ABORT and RUNNING; simulate shares more). */
  words = 2,
): Promise<T> {
  const shared = new Int32Array(new SharedArrayBuffer(4 * Math.max(2, words)));
  let firstAt: number | undefined;
  const stop = (): void => {
    Atomics.store(shared, ABORT, 1);
    firstAt = clock();
    onFirst();
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) return stop();
    if (clock() - firstAt >= SAME_INTERRUPT_MS) process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent && firstAt === undefined) stop();
  }, PARENT_POLL_MS);
  orphaned.unref();
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await run({ shared });
  } finally {
    clearInterval(orphaned);
    // After an interrupt the handlers stay, and the process lives until the
    // window for a duplicate has passed: a late duplicate of the same Ctrl-C
    // must not kill the command while it prints, or while it exits.
    if (firstAt === undefined) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    } else {
      setTimeout(() => undefined, Math.max(0, SAME_INTERRUPT_MS - (clock() - firstAt)));
    }
  }
}

/** Why the watchdog stopped the worker, naming the plugin. */
function hangMessage(running: Running, plugins: readonly string[], loaded: readonly InvariantInfo[]): string {
  if (running < 0) {
    return `${plugins[-running - 1] ?? 'a plugin'}: the plugin did not finish loading in time (a plugin must return)`;
  }
  const file = plugins[running - 1] ?? 'a plugin';
  const pluginIds = loaded.slice(loaded.length - plugins.length).map((i) => i.id);
  const id = pluginIds[running - 1];
  const who = id === undefined ? file : `${id} (${file})`;
  return `plugin error in ${who}: its check did not return in time, so the search was stopped (a check must return)`;
}

/**
 * Run `jobs` (they share the first one's invariant request): first here, on
 * the main thread, within mainProbeMs() in all when no plugin is loaded
 * (probeJobs), then what that did not finish in a worker; in-process when
 * the compiled worker is missing. Resolves with the results of the jobs that
 * ran: an interrupt between jobs leaves the rest out. Rejects with an
 * InputError for plugins that do not load or do not return.
 */
export async function runJobs(
  jobs: readonly ExploreJob[],
  interrupt: Interrupt,
  onEvent: (e: ExploreEvent, job: number) => void,
): Promise<JobResult[]> {
  if (!compiledAvailable(WORKER_URL)) return runInProcess(jobs, interrupt, onEvent);
  const budgetMs = mainProbeMs();
  const { results: probed, handover } = mayProbe(jobs, budgetMs)
    ? await probeJobs(jobs, interrupt, onEvent, budgetMs)
    : { results: [], handover: undefined };
  if (probed.length === jobs.length || (probed.length > 0 && interrupted(interrupt))) return probed;
  const next = probed.length;
  const rest = await runInWorker(jobs.slice(next), interrupt, (e, job) => onEvent(e, job + next), handover);
  return [...probed, ...rest];
}

/**
 * How long, in all, jobs may run on the main thread before the worker takes
 * over (probeJobs): about what starting the worker thread and loading the
 * checker there costs (0.5 s measured), so a search the probe gives up on
 * loses at most the level it was in (the worker goes on from that level's
 * start), and one it finishes saves the worker's start (the shortest
 * data-stability violation takes 0.25 to 0.5 s). While the probe runs, the
 * main thread takes no signal: a Ctrl-C then is seen when it ends. A search
 * that finished is reported as finished (a SIGINT at most this long before
 * the answer does not turn it into an interrupt); one that did not goes to
 * the worker, which sees the interrupt at its first poll. A --timeout counts
 * from the worker's start. PIPECHECK_MAIN_PROBE_MS sets it (0: every search
 * in the worker, as the tests of the worker threads use).
 */
export function mainProbeMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PIPECHECK_MAIN_PROBE_MS;
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : 500;
}

/**
 * Whether jobs may first run on the main thread: a budget, no plugin (a
 * plugin's code may never return: plugins run in the worker, under the
 * watchdog) and no checkpoint.
 */
export function mayProbe(jobs: readonly ExploreJob[], budgetMs: number): boolean {
  // A checkpointed search writes its checkpoints from the worker, where an interrupt reaches it.
  return (
    budgetMs > 0 && jobs.every((job) => (job.invariants.plugins ?? []).length === 0 && job.checkpoint === undefined)
  );
}

/**
 * The jobs run here, in turn, for budgetMs in all (the search polls the
 * clock through its abort signal): the results of the first ones that ended
 * before that, on their own or at a limit of the user's. A search the
 * budget stopped (or an interrupt) is handed on, saved at the start of the
 * level it was in, for the worker to go on from (cli/handover.ts; one that
 * collects the graph starts again there, the graph is not saved): the
 * result is the same either way (the same search on one thread). The
 * search also stops at a level start when the level, growing as the last
 * one did, would end past the budget. Events of a job are passed on once it
 * is known to be kept (the worker passes on only progress events).
 */
export async function probeJobs(
  jobs: readonly ExploreJob[],
  interrupt: Interrupt,
  onEvent: (e: ExploreEvent, job: number) => void,
  budgetMs: number,
): Promise<{ results: JobResult[]; handover: Handover | undefined }> {
  const started = performance.now();
  const { invariants } = await resolveRequest(jobs[0]?.invariants ?? {});
  let levelTooLarge = false;
  /** Whether the budget ran out (not the user's interrupt): a search it cut, or whose minimizing it cut, is redone. */
  let outOfBudget = false;
  const signal = {
    get aborted() {
      if (interrupted(interrupt)) return true;
      if (levelTooLarge || performance.now() - started >= budgetMs) outOfBudget = true;
      return outOfBudget;
    },
  } as unknown as AbortSignal;
  const out: JobResult[] = [];
  for (const [index, job] of jobs.entries()) {
    const events: ExploreEvent[] = [];
    const forecast = new LevelForecast(performance.now());
    // The graph is not saved (checker/graph.ts): a search collecting it is not handed on, but run again.
    const hooks = job.graph === true ? undefined : handoverHooks(undefined);
    const done = exploreScenario(job, invariants, {
      signal,
      onEvent: (e) => {
        if (e.type === 'progress') events.push(e);
        if (e.type !== 'level') return;
        forecast.level(e, performance.now());
        const end = forecast.levelEndsAt();
        if (end !== undefined && end - started > budgetMs) levelTooLarge = true;
      },
      handover: hooks,
    });
    // A search that ended before the budget ran out but whose traces were then minimized past it (minimizing stops
    // at the signal) is not the answer either: the worker runs it again, from the start.
    if (done.result.reason === 'aborted' || outOfBudget) {
      const snapshot = done.result.reason === 'aborted' ? hooks?.saved() : undefined;
      const handover = snapshot === undefined ? undefined : handoverOf(snapshot, forecast);
      const why = levelTooLarge
        ? 'at a level start, the level too large'
        : done.result.reason === 'aborted'
          ? 'at its budget'
          : 'at its budget, after the search, while its findings were made shortest';
      probeProfile(`main thread stopped ${why} after ${ms(started)} ms; hands on ${handoverText(handover)}`);
      return { results: out, handover };
    }
    for (const e of events) onEvent(e, index);
    out.push(done);
  }
  return { results: out, handover: undefined };
}

/** What the forecast knew, with `snapshot`, if it is of the level the forecast was at. */
export function handoverOf(snapshot: Handover['snapshot'], forecast: LevelForecast): Handover {
  const known =
    forecast.previousLevelSize !== undefined && forecast.levelSize === snapshot.levelEnd - snapshot.levelFirst;
  return { snapshot, previousLevelSize: known ? forecast.previousLevelSize : undefined };
}

/**
 * Run `jobs` in a worker (see runJobs). Resolves with the results of the
 * jobs that ran: an interrupt between jobs leaves the rest out.
 */
function runInWorker(
  jobs: readonly ExploreJob[],
  interrupt: Interrupt,
  onEvent: (e: ExploreEvent, job: number) => void,
  handover?: Handover,
): Promise<JobResult[]> {
  const plugins = jobs[0]?.invariants.plugins ?? [];
  const timeoutMs = jobs[0]?.timeoutMs;
  // The snapshot's buffers move to the worker: nothing here reads them again.
  const packing = performance.now();
  const moved = handover === undefined ? undefined : packHandover(handover);
  if (moved !== undefined) probeProfile(`packed in ${ms(packing)} ms`);
  return new Promise<JobResult[]>((resolve, reject) => {
    const input: WorkerInput = { jobs, shared: interrupt.shared, handover: moved?.packed };
    const results: JobResult[] = [];
    let loaded: readonly InvariantInfo[] = [];
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      unwatch();
      f();
    };
    /** A plugin is still running past the limit: stop the worker and say which. */
    const expire = (): void => {
      const running = Atomics.load(interrupt.shared, RUNNING);
      if (settled) return;
      // The engine runs and will stop at its next poll; with worker threads a plugin may start running anew.
      if (running === 0) {
        deadline = setTimeout(expire, 100);
        return;
      }
      settle(() => reject(new InputError(hangMessage(running, plugins, loaded))));
      void pool.terminate();
    };
    /** Each phase (loading, each job) may take the time limit, plus grace. */
    const arm = (): void => {
      clearTimeout(deadline);
      if (timeoutMs !== undefined) deadline = setTimeout(expire, timeoutMs + GRACE_MS);
    };
    const unwatch = watchInterrupt(interrupt, expire);
    arm();
    const onMessage = (m: WorkerMessage): void => {
      switch (m.type) {
        case 'event':
          onEvent(m.event, m.index);
          break;
        case 'loaded':
          loaded = m.invariants;
          break;
        case 'started':
          arm();
          break;
        case 'done':
          results[m.index] = m.value;
          break;
        case 'note':
          process.stderr.write(`${m.message}\n`);
          break;
        case 'finished':
          settle(() => resolve(results.filter((r) => r !== undefined)));
          break;
        case 'input-error':
        case 'error':
          settle(() => reject(workerFailure(m)));
          break;
      }
    };
    const pool = new WorkerPool<WorkerMessage>(
      WORKER_URL,
      1,
      (e) => {
        if (e.type === 'message') onMessage(e.message);
        else settle(() => reject(e.error ?? new Error(`the exploration ${e.reason}`)));
      },
      () => input,
      () => moved?.transfer ?? [],
    );
  });
}

async function runInProcess(
  jobs: readonly ExploreJob[],
  interrupt: Interrupt,
  onEvent: (e: ExploreEvent, job: number) => void,
): Promise<JobResult[]> {
  const { invariants } = await resolveRequest(jobs[0]?.invariants ?? {});
  const out: JobResult[] = [];
  for (const [index, job] of jobs.entries()) {
    if (interrupted(interrupt) && out.length > 0) break;
    const signal = flagSignal(interrupt.shared);
    out.push(exploreScenario(job, invariants, { signal, onEvent: (e) => onEvent(e, index) }));
  }
  return out;
}
