/**
 * The bench's yardstick for the engine's throughput (issue 22): a model's
 * successor function driven by the simplest breadth-first loop there is, an
 * array of states per level and a `Set` of each state's identifying bytes
 * (as a latin1 string). No fingerprints, no parent links (so no traces), no
 * properties, no memory accounting, no limits, no progress.
 *
 * It takes the same steps as explore() does: the levels 0 .. maxDepth - 1
 * expanded, every action in index order (skipping as `nextAction` says),
 * every enabled step counted, every successor inserted (the last level's not
 * queued), a state identified by its fingerprinted bytes (the symmetry key,
 * else the identifying prefix). So its states and transitions equal
 * explore()'s on the same model and depth, with no property (the test
 * beside it checks that), and transitions/s compare like with like.
 */
import { Buffer } from 'node:buffer';
import type { ExplorableModel } from '../explorer/model.js';

export interface BareLoopResult {
  readonly statesDistinct: number;
  readonly transitions: number;
}

/** The bytes that identify `encoded`, as a string a `Set` can hold. */
function keyOf<S, O>(model: ExplorableModel<S, O>, encoded: Uint8Array): string {
  const key = model.symmetryKey?.(encoded);
  const id =
    key !== undefined && key !== encoded
      ? key
      : encoded.subarray(0, model.fingerprintBytes?.(encoded) ?? encoded.length);
  return Buffer.from(id.buffer, id.byteOffset, id.length).toString('latin1');
}

/** Breadth-first search of `model` to `maxDepth` steps: the distinct states and the enabled steps taken. */
export function bareLoop<S, O>(model: ExplorableModel<S, O>, maxDepth: number): BareLoopResult {
  const encode = model.encode?.bind(model) ?? ((s: S) => s as unknown as Uint8Array);
  const seen = new Set<string>();
  let level: S[] = [];
  for (const s of model.initialStates()) {
    const key = keyOf(model, encode(s));
    if (!seen.has(key)) {
      seen.add(key);
      level.push(s);
    }
  }
  let transitions = 0;
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const queue = depth + 1 < maxDepth;
    const next: S[] = [];
    for (const state of level) {
      for (let a = 0; a < model.actionCount; a = model.nextAction ? model.nextAction(state, a) : a + 1) {
        const t = model.step(state, a);
        if (t === undefined) continue;
        transitions++;
        const key = keyOf(model, encode(t.next));
        if (seen.has(key)) continue;
        seen.add(key);
        if (queue) next.push(t.next);
      }
    }
    level = next;
  }
  return { statesDistinct: seen.size, transitions };
}
