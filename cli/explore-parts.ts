/**
 * What every thread of a `--workers N` search builds (explorer/parallel.ts
 * imports this module in each worker thread): the plugins loaded afresh, the
 * scenario's model, the invariants as properties, the cost visitor. Also the
 * marks that let the command's watchdog name a plugin that never returns
 * (explore-job.ts): each thread notes in its own slot of shared memory which
 * plugin runs there.
 */
import { explorationParts, type ExploreJob } from '../checker/explore.js';
import { InputError } from '../checker/errors.js';
import { resolveRequest, type InvariantRequest } from '../checker/inputs.js';
import type { Invariant } from '../invariants/define.js';

/** The factory's data (structured-cloned to each worker; the Int32Array's memory is shared). */
export interface PartsData {
  readonly job: ExploreJob;
  /** One slot per worker thread: what runs there (explore-job.ts `Running`). */
  readonly running: Int32Array;
}

/** `f`, noting in `slot` of `shared` that plugin `k` runs while it does. */
function marked<A extends unknown[], R>(shared: Int32Array, slot: number, k: number, f: (...args: A) => R) {
  return (...args: A): R => {
    Atomics.store(shared, slot, k + 1);
    try {
      return f(...args);
    } finally {
      Atomics.store(shared, slot, 0);
    }
  };
}

/** Plugin `k`'s check (and its history's next), noting while they run that they do. */
function watched(inv: Invariant, k: number, shared: Int32Array, slot: number): Invariant {
  const history = inv.history;
  return {
    ...inv,
    check: marked(shared, slot, k, inv.check.bind(inv)),
    ...(history
      ? { history: { initial: history.initial, next: marked(shared, slot, k, history.next.bind(history)) } }
      : {}),
  };
}

/** The job's invariants, plugins loaded and watched through `shared[slot]`. */
export async function watchedInvariants(
  request: InvariantRequest,
  shared: Int32Array,
  slot: number,
): Promise<Invariant[]> {
  const resolved = await resolveRequest(request, (k) => Atomics.store(shared, slot, -(k + 1)));
  Atomics.store(shared, slot, 0);
  let k = 0;
  return resolved.invariants.map((inv, i) => (resolved.plugins[i] === null ? inv : watched(inv, k++, shared, slot)));
}

/** The factory each worker thread calls (explorer/parallel.ts `ParallelSpec`). */
export async function createExploration(data: PartsData, index: number) {
  // As in explore-worker.ts: a plugin's process.exit() would end this thread in silence.
  process.exit = ((code?: number | string | null) => {
    throw new Error(`the plugin called process.exit(${code ?? ''}), which a plugin may not do`);
  }) as typeof process.exit;
  let invariants: Invariant[];
  try {
    invariants = await watchedInvariants(data.job.invariants, data.running, index);
  } catch (e) {
    // The coordinator loaded the same plugins first, so this is unexpected.
    if (e instanceof InputError) throw new Error(e.message, { cause: e });
    throw e;
  }
  return explorationParts(data.job, invariants);
}

export const PARTS_URL = import.meta.url;
