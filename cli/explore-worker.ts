/**
 * The worker thread that loads the plugins and runs the jobs (see
 * explore-job.ts for why). It notes in shared memory which plugin runs, so
 * that the main thread's watchdog can name one that never returns. A plugin
 * that calls process.exit() here would end this thread in silence; it gets
 * an error instead, reported as that plugin's error.
 */
import { InputError } from '../checker/errors.js';
import { exploreScenario, exploreScenarioParallel, type ExploreJob, type JobResult } from '../checker/explore.js';
import { watchedInvariants } from '../checker/explore-parts.js';
import { parallelAvailable } from '../explorer/parallel.js';
import { refuseExit, workerSide } from '../explorer/pool.js';
import type { ExploreEvent } from '../explorer/result.js';
import type { SearchSnapshot } from '../explorer/snapshot.js';
import type { Invariant } from '../invariants/define.js';
import {
  ABORT,
  flagSignal,
  PLUGIN_EXIT_MESSAGE,
  pluginExitMessage,
  RUNNING,
  type WorkerInput,
  type WorkerMessage,
} from './explore-job.js';
import { handoverHooks, handoverText, LevelForecast, probeProfile, unpackHandover, type Handover } from './handover.js';

const { data, post, run } = workerSide<WorkerInput, WorkerMessage>('explore-worker.js');
const { jobs, shared } = data;
const unpacking = performance.now();
/** Where the main thread's probe left the first job. */
const handover = data.handover === undefined ? undefined : unpackHandover(data.handover);
if (handover !== undefined) probeProfile(`worker unpacked in ${Math.round(performance.now() - unpacking)} ms`);
refuseExit(pluginExitMessage);

/** The note on stderr when --workers N cannot be honoured. */
export const HISTORY_NOTE =
  'pipecheck: a plugin keeps a history, whose values are numbered per thread: the search runs on one worker';

/**
 * States a search with several workers first tries on this thread: worker
 * threads take about a second to start (each loads the checker and the
 * plugins), more than a search this small takes on one. Its result is the
 * one-worker result, so nothing changes but the time. PIPECHECK_PROBE_STATES
 * sets it (0: start the workers at once; the tests of the multi-thread search
 * use that).
 */
export function probeStates(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PIPECHECK_PROBE_STATES;
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 100_000;
}

/** A --timeout up to this runs on one thread whatever --workers says. */
export const ONE_THREAD_TIMEOUT_MS = 10_000;

/**
 * The job on this thread, stopped at probeStates() states: its result when
 * the search ended before that (decided, exhausted, a limit of the user's),
 * else the job for the workers (with the time left) and where they go on
 * from: the start of the level the probe stopped in (cli/handover.ts). The
 * probe also stops at a level start when the level, growing as the last one
 * did, would take the search past its budget; and does not run at all when
 * the main thread's probe handed on such a level. Events wait until the
 * probe is known to be the answer, so none is printed twice; progress lines
 * are dropped (the probe lasts a second or two).
 */
function oneThreadProbe(
  job: ExploreJob,
  invariants: readonly Invariant[],
  hooks: { signal: AbortSignal; onEvent: (e: ExploreEvent) => void },
  from: Handover | undefined,
): JobResult | { readonly rest: ExploreJob; readonly resume: SearchSnapshot | undefined } {
  const budget = probeStates();
  if (budget === 0) return { rest: job, resume: from?.snapshot };
  // Within a time limit this short the workers' start would take a good part of it: one thread does better.
  if (job.timeoutMs !== undefined && job.timeoutMs <= ONE_THREAD_TIMEOUT_MS) {
    return exploreScenario(job, invariants, { ...hooks, ...resumeFrom(from?.snapshot) });
  }
  // A checkpointed search saves and resumes on disk, where an interrupt reaches it: the workers take it at once.
  if (job.checkpoint !== undefined) return { rest: job, resume: from?.snapshot };
  const ownLimit = job.maxStates === undefined || job.maxStates > budget;
  if (ownLimit && from !== undefined) {
    const end = new LevelForecast(0, from).statesAtLevelEnd();
    if (from.snapshot.levelEnd >= budget || (end !== undefined && end > budget)) {
      probeProfile(`worker probe skipped: ${handoverText(from)} goes to the workers`);
      return { rest: job, resume: from.snapshot };
    }
  }
  const events: ExploreEvent[] = [];
  const started = performance.now();
  const forecast = new LevelForecast(started, from);
  const saves = handoverHooks(from);
  let levelTooLarge = false;
  const signal = {
    get aborted() {
      return levelTooLarge || hooks.signal.aborted;
    },
  } as unknown as AbortSignal;
  const r = exploreScenario({ ...job, maxStates: ownLimit ? budget : job.maxStates }, invariants, {
    signal,
    onEvent: (e) => {
      if (e.type === 'level' && ownLimit) {
        forecast.level(e, performance.now());
        const end = forecast.statesAtLevelEnd();
        if (end !== undefined && end > budget) levelTooLarge = true;
      }
      // The probe's saves are handovers, not checkpoints (a checkpointed job does not come here).
      if (e.type !== 'progress' && e.type !== 'checkpoint') events.push(e);
    },
    handover: saves,
  });
  const reason = r.result.reason;
  if (ownLimit && (reason === 'max-states' || (reason === 'aborted' && !hooks.signal.aborted))) {
    const left = job.timeoutMs === undefined ? undefined : Math.max(1, job.timeoutMs - (performance.now() - started));
    const resume = saves.saved() ?? from?.snapshot;
    const why = levelTooLarge ? 'at a level start, the level too large' : 'at its budget';
    const took = Math.round(performance.now() - started);
    probeProfile(`worker probe stopped ${why} after ${took} ms; hands on ${handoverText(resume)}`);
    return { rest: { ...job, timeoutMs: left }, resume };
  }
  events.forEach(hooks.onEvent);
  return r;
}

/** The hooks that resume `snapshot` (none without one). */
function resumeFrom(snapshot: SearchSnapshot | undefined): { handover?: { resume: SearchSnapshot } } {
  return snapshot === undefined ? {} : { handover: { resume: snapshot } };
}

/** Run one job (going on from `from`): on worker threads when asked and possible, else here. */
async function runJob(
  job: ExploreJob,
  invariants: readonly Invariant[],
  onEvent: (e: ExploreEvent) => void,
  from: Handover | undefined,
) {
  const hooks = { signal: flagSignal(shared), onEvent };
  const workers = job.workers ?? 1;
  if (workers <= 1 || !parallelAvailable()) {
    return exploreScenario(job, invariants, { ...hooks, ...resumeFrom(from?.snapshot) });
  }
  if (invariants.some((inv) => inv.history !== undefined)) {
    post({ type: 'note', message: HISTORY_NOTE });
    return exploreScenario(job, invariants, { ...hooks, ...resumeFrom(from?.snapshot) });
  }
  const probe = oneThreadProbe(job, invariants, hooks, from);
  if ('result' in probe) return probe;
  job = probe.rest;
  // Each worker thread notes in its own slot which plugin runs there; the watchdog reads [RUNNING]. (Loading
  // there is not watched: the plugins loaded here first.)
  const running = new Int32Array(new SharedArrayBuffer(4 * workers));
  const mirror = setInterval(() => Atomics.store(shared, RUNNING, running.find((r) => r > 0) ?? 0), 20);
  try {
    return await exploreScenarioParallel(
      job,
      invariants,
      { workers, running, exitMessage: PLUGIN_EXIT_MESSAGE },
      { ...hooks, ...resumeFrom(probe.resume) },
    );
  } finally {
    clearInterval(mirror);
    Atomics.store(shared, RUNNING, 0);
  }
}

async function main(): Promise<void> {
  let invariants: Invariant[];
  try {
    invariants = await watchedInvariants(jobs[0]?.invariants ?? {}, shared, RUNNING);
  } catch (e) {
    if (e instanceof InputError) {
      post({ type: 'input-error', message: e.message });
      return;
    }
    throw e;
  }
  post({ type: 'loaded', invariants: invariants.map(({ id, kind, description }) => ({ id, kind, description })) });
  for (const [index, job] of jobs.entries()) {
    if (index > 0 && Atomics.load(shared, ABORT) !== 0) break;
    post({ type: 'started', index });
    let value;
    try {
      const onEvent = (event: ExploreEvent): void => {
        if (event.type === 'progress' || event.type === 'checkpoint') post({ type: 'event', index, event });
      };
      value = await runJob(job, invariants, onEvent, index === 0 ? handover : undefined);
    } catch (e) {
      // A plugin's history that fails stops the search: bad input, exit 2.
      if (!(e instanceof InputError)) throw e;
      post({ type: 'input-error', message: e.message });
      return;
    }
    post({ type: 'done', index, value });
  }
  post({ type: 'finished' });
}

await run(main);
