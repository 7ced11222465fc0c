/**
 * A simulation's worker thread (see simulate-job.ts): loads the plugins,
 * builds the model once, then takes chunks of runs from the shared counter
 * until none is left or the run is stopped. A plugin that calls
 * process.exit() here gets an error instead, as in explore-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../checker/errors.js';
import { resolveRequest } from '../checker/inputs.js';
import { simulateScenarioChunk, simulationModel } from '../checker/simulate.js';
import { flagSignal } from './explore-job.js';
import { RUNS_DONE, takeChunks, type SimulateWorkerInput, type SimulateWorkerMessage } from './simulate-job.js';

const port = parentPort;
if (port === null) throw new Error('simulate-worker.js runs as a worker thread');
const { job, shared } = workerData as SimulateWorkerInput;
const post = (m: SimulateWorkerMessage): void => port.postMessage(m);
process.exit = ((code?: number | string | null) => {
  throw new Error(`the plugin called process.exit(${code ?? ''}), which a plugin may not do`);
}) as typeof process.exit;

async function main(): Promise<void> {
  try {
    const { invariants } = await resolveRequest(job.invariants);
    post({ type: 'loaded', invariants: invariants.map(({ id, kind, description }) => ({ id, kind, description })) });
    const sim = simulationModel(job, invariants);
    const hooks = {
      signal: flagSignal(shared),
      onRun: (): void => void Atomics.add(shared, RUNS_DONE, 1),
      onFailure: (invariant: string): void => post({ type: 'failure', invariant }),
    };
    takeChunks(
      job,
      shared,
      (chunk) => simulateScenarioChunk(sim, job, chunk, hooks),
      (result) => post({ type: 'chunk', result }),
    );
  } catch (e) {
    if (e instanceof InputError) {
      post({ type: 'input-error', message: e.message });
      return;
    }
    throw e;
  }
  post({ type: 'finished' });
}

try {
  await main();
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
