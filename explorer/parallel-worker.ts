/**
 * A worker thread of the multi-thread search (parallel.ts): it imports the
 * module it is given, builds its own model, properties and visitors from the
 * plain data with the named export, then expands the units it is sent, one
 * at a time, in the order sent (parallel-unit.ts).
 *
 * @internal
 */
import { parentPort } from 'node:worker_threads';
import { fingerprinterOf } from './model.js';
import { expandUnit, type ExplorationParts, type UnitTask } from './parallel-unit.js';
import { VisitedView } from './visited.js';

/** The first message: where the factory is and its data. */
export interface WorkerInit {
  readonly type: 'init';
  readonly module: string;
  readonly exportName: string;
  readonly data: unknown;
  /** This worker's index (0 .. workers - 1), the factory's second argument. */
  readonly index: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly propertyIds: readonly string[]; readonly actionCount: number }
  | { readonly type: 'failed'; readonly message: string; readonly during: 'init' | 'unit' };

const port = parentPort;
if (port === null) throw new Error('parallel-worker.js runs as a worker thread');

let parts: ExplorationParts<unknown, unknown> | undefined;
let fingerprintState: ((encoded: Uint8Array, out: Uint32Array) => void) | undefined;
const visited = new VisitedView();

function failure(e: unknown, during: 'init' | 'unit'): FromWorker {
  return { type: 'failed', during, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

port.on('message', (m: WorkerInit | UnitTask) => {
  if (m.type === 'init') {
    void (async () => {
      try {
        const mod = (await import(m.module)) as Record<string, unknown>;
        const factory = mod[m.exportName];
        if (typeof factory !== 'function') throw new TypeError(`${m.module} exports no function ${m.exportName}`);
        parts = (await (factory as (data: unknown, index: number) => unknown)(m.data, m.index)) as ExplorationParts<
          unknown,
          unknown
        >;
        fingerprintState = fingerprinterOf(parts.model);
        const ready: FromWorker = {
          type: 'ready',
          propertyIds: parts.properties.map((p) => p.id),
          actionCount: parts.model.actionCount,
        };
        port.postMessage(ready);
      } catch (e) {
        port.postMessage(failure(e, 'init'));
      }
    })();
    return;
  }
  try {
    if (m.visited !== undefined) visited.update(m.visited);
    port.postMessage(expandUnit(parts!, fingerprintState!, visited, m));
  } catch (e) {
    port.postMessage(failure(e, 'unit'));
  }
});
