/**
 * A worker thread of the multi-thread search (parallel.ts), started by the
 * pool (pool.ts): it imports the module it is given, builds its own model,
 * properties and visitors from the plain data with the named export, then
 * expands the units it is sent, one at a time, in the order sent
 * (parallel-unit.ts).
 *
 * @internal
 */
import { fingerprinterOf } from './model.js';
import { expandUnit, type ExplorationParts, type UnitResult, type UnitTask } from './parallel-unit.js';
import { refuseExit, workerSide } from './pool.js';
import { VisitedView } from './visited.js';

/** The thread's data: where the factory is and its data. */
export interface WorkerInit {
  readonly module: string;
  readonly exportName: string;
  readonly data: unknown;
  /** This worker's index (0 .. workers - 1), the factory's second argument. */
  readonly index: number;
  /** ParallelSpec's exitMessage. */
  readonly exitMessage?: string | undefined;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly propertyIds: readonly string[]; readonly actionCount: number }
  | { readonly type: 'failed'; readonly message: string; readonly during: 'init' | 'unit' };

const { data: init, post, onMessage } = workerSide<WorkerInit, FromWorker | UnitResult<unknown>>('parallel-worker.js');
const visited = new VisitedView();
const exitMessage = init.exitMessage;
if (exitMessage !== undefined) refuseExit((code) => exitMessage.replace('%s', String(code ?? '')));

function failure(e: unknown, during: 'init' | 'unit'): FromWorker {
  return { type: 'failed', during, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

async function build(): Promise<ExplorationParts<unknown, unknown>> {
  const mod = (await import(init.module)) as Record<string, unknown>;
  const factory = mod[init.exportName];
  if (typeof factory !== 'function') throw new TypeError(`${init.module} exports no function ${init.exportName}`);
  return (await (factory as (data: unknown, index: number) => unknown)(init.data, init.index)) as ExplorationParts<
    unknown,
    unknown
  >;
}

try {
  const parts = await build();
  const fingerprintState = fingerprinterOf(parts.model);
  post({ type: 'ready', propertyIds: parts.properties.map((p) => p.id), actionCount: parts.model.actionCount });
  onMessage((task: UnitTask) => {
    try {
      if (task.visited !== undefined) visited.update(task.visited);
      const t0 = performance.now();
      const r = expandUnit(parts, fingerprintState, visited, task);
      post({ ...r, ms: performance.now() - t0 });
    } catch (e) {
      post(failure(e, 'unit'));
    }
  });
} catch (e) {
  post(failure(e, 'init'));
}
