/**
 * The worker thread that loads the plugins and runs the jobs (see
 * explore-job.ts for why). It notes in shared memory which plugin runs, so
 * that the main thread's watchdog can name one that never returns. A plugin
 * that calls process.exit() here would end this thread in silence; it gets
 * an error instead, reported as that plugin's error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../checker/errors.js';
import { exploreScenario } from '../checker/explore.js';
import { resolveRequest } from '../checker/inputs.js';
import type { Invariant } from '../invariants/define.js';
import { ABORT, flagSignal, RUNNING, type WorkerInput, type WorkerMessage } from './explore-job.js';

const port = parentPort;
if (port === null) throw new Error('explore-worker.js runs as a worker thread');
const { jobs, shared } = workerData as WorkerInput;
const post = (m: WorkerMessage): void => port.postMessage(m);
process.exit = ((code?: number | string | null) => {
  throw new Error(`the plugin called process.exit(${code ?? ''}), which a plugin may not do`);
}) as typeof process.exit;

/** `f`, noting in shared memory that plugin `k` runs while it does. */
function marked<A extends unknown[], R>(k: number, f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    Atomics.store(shared, RUNNING, k + 1);
    try {
      return f(...args);
    } finally {
      Atomics.store(shared, RUNNING, 0);
    }
  };
}

/** Plugin `k`'s check (and its history's next), noting while they run that they do. */
function watched(inv: Invariant, k: number): Invariant {
  const history = inv.history;
  return {
    ...inv,
    check: marked(k, inv.check.bind(inv)),
    ...(history ? { history: { initial: history.initial, next: marked(k, history.next.bind(history)) } } : {}),
  };
}

async function main(): Promise<void> {
  let invariants: Invariant[];
  try {
    const resolved = await resolveRequest(jobs[0]?.invariants ?? {}, (k) => Atomics.store(shared, RUNNING, -(k + 1)));
    Atomics.store(shared, RUNNING, 0);
    let k = 0;
    invariants = resolved.invariants.map((inv, i) => (resolved.plugins[i] === null ? inv : watched(inv, k++)));
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
      value = exploreScenario(job, invariants, {
        signal: flagSignal(shared),
        onEvent: (event) => {
          if (event.type === 'progress') post({ type: 'event', index, event });
        },
      });
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

try {
  await main();
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
