/**
 * The worker thread that runs one exploration (see explore-job.ts for why).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exploreScenario, invariantsOf } from '../checker/explore.js';
import { flagSignal, type WorkerInput, type WorkerMessage } from './explore-job.js';

const port = parentPort;
if (port === null) throw new Error('explore-worker.js runs as a worker thread');
const { job, abortFlag } = workerData as WorkerInput;
const post = (m: WorkerMessage): void => port.postMessage(m);
try {
  const invariants = await invariantsOf(job.invariants);
  const value = exploreScenario(job, invariants, {
    signal: flagSignal(abortFlag),
    onEvent: (event) => {
      if (event.type === 'progress') post({ type: 'event', event });
    },
  });
  post({ type: 'done', value });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
