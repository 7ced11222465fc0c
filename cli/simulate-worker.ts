/**
 * A simulation's worker thread (see simulate-job.ts): loads the plugins,
 * builds the model once, then takes chunks of runs from the shared counter
 * until none is left or the run is stopped. A plugin that calls
 * process.exit() here gets an error instead, as in explore-worker.ts.
 */
import { InputError } from '../checker/errors.js';
import { resolveRequest } from '../checker/inputs.js';
import { simulateScenarioChunk, simulationModel } from '../checker/simulate.js';
import { refuseExit, workerSide } from '../explorer/pool.js';
import { flagSignal, pluginExitMessage } from './explore-job.js';
import { RUNS_DONE, takeChunks, type SimulateWorkerInput, type SimulateWorkerMessage } from './simulate-job.js';

const { data, post, run } = workerSide<SimulateWorkerInput, SimulateWorkerMessage>('simulate-worker.js');
const { job, shared } = data;
refuseExit(pluginExitMessage);

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

await run(main);
