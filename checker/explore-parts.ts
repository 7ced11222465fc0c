/**
 * The model-specific worker entry of a multi-thread search: what every
 * thread of a `workers > 1` exploration builds (explorer/parallel.ts imports
 * this module in each of its worker threads): the plugins loaded afresh, the
 * scenario's model, the invariants as properties, the cost visitor. Also the
 * marks that let a watchdog name a plugin that never returns (the command
 * line's, cli/explore-job.ts): each thread notes in its own slot of shared
 * memory which plugin runs there.
 *
 * @internal
 */
import type { Invariant } from '../invariants/define.js';
import { InputError } from './errors.js';
import { explorationParts, type PartsData } from './explore.js';
import { resolveRequest, type InvariantRequest } from './inputs.js';

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
  let invariants: Invariant[];
  try {
    invariants = await watchedInvariants(data.job.invariants, data.running, index);
  } catch (e) {
    // The calling thread loaded the same plugins first, so this is unexpected.
    if (e instanceof InputError) throw new Error(e.message, { cause: e });
    throw e;
  }
  return explorationParts(data.job, invariants);
}
