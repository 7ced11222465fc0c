/**
 * One unit of a level, as a worker thread expands it for the multi-thread
 * search (parallel.ts): a few hundred consecutive states of the level, in
 * BFS order, each with every action in index order. Per enabled step, as the
 * one-thread search does: judge it with the properties the merge step still
 * judges, show it to the visitors, fingerprint the next state and keep it as
 * a candidate unless the shared visited set already holds it. Nothing here
 * decides anything: the pooled expander merges units in order (parallel.ts).
 *
 * @internal
 */
import { ALL_VIOLATIONS_CAP } from './search.js';
import {
  ActionCursor,
  judgeStep,
  judgedOncePerState,
  type ExplorableModel,
  type Judgement,
  type Property,
  type StepView,
  type StepVisitor,
} from './model.js';
import type { SharedVisited, VisitedView } from './visited.js';

/** A visitor the multi-thread search can run on several threads: its parts are merged in BFS order. */
export interface MergeableVisitor<S, O = unknown> extends StepVisitor<S, O> {
  /** What this visitor gathered since the last take (a structured-cloneable value), and start afresh. */
  take(): unknown;
  /** Add a part another thread took (parts come in BFS order). */
  absorb(part: unknown): void;
}

/** What a module named to the multi-thread search builds in every thread, from plain data. */
export interface ExplorationParts<S, O = unknown> {
  readonly model: ExplorableModel<S, O>;
  readonly properties: readonly Property<S, O>[];
  readonly visitors?: readonly MergeableVisitor<S, O>[];
}

/** A unit of work: `count` encoded states, packed (state k is bytes[ends[k-1] .. ends[k])). */
export interface UnitTask {
  readonly type: 'unit';
  readonly unit: number;
  readonly depth: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** Properties to judge (ascending indices). */
  readonly active: readonly number[];
  readonly allViolations: boolean;
  /** The ids past the initial states' (Search.rootEnd): a step into one of those is judged by every property. */
  readonly rootEnd: number;
  /** Whether the next states' bytes are needed (not on the last level). */
  readonly keepBytes: boolean;
  /** What is new in the shared visited set since the last task (undefined: nothing). */
  readonly visited?: SharedVisited | undefined;
}

/** A property's finding (error false) or throw (error true) on a step of the unit. */
export interface UnitEvent<O> {
  readonly property: number;
  readonly error: boolean;
  /** The state's index in the unit, and the action. */
  readonly state: number;
  readonly action: number;
  /** Enabled steps of the unit up to and including this one. */
  readonly t: number;
  readonly message: string;
  readonly observed: O | undefined;
}

/** Candidate k: words 5k .. 5k+4 are state, action, t (as in UnitEvent), fingerprint hi and lo. */
export const CANDIDATE_WORDS = 5;

export interface UnitResult<O> {
  readonly type: 'result';
  readonly unit: number;
  /** Enabled steps in the unit. */
  readonly transitions: number;
  readonly candidates: Uint32Array;
  /** The candidates' encoded bytes, packed (with keepBytes), else empty. */
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** In step order; at one step, by ascending property index. */
  readonly events: UnitEvent<O>[];
  /** visitors[i].take() after the unit. */
  readonly visitorParts: unknown[];
  /** The worker's time on the unit (ms), for PIPECHECK_PARALLEL_PROFILE. */
  readonly ms?: number;
}

/** A growable packed byte buffer. */
class Packed {
  bytes = new Uint8Array(1 << 14);
  ends: number[] = [];
  private used = 0;
  push(b: Uint8Array): void {
    if (this.used + b.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + b.length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(b, this.used);
    this.used += b.length;
    this.ends.push(this.used);
  }
  result(): { bytes: Uint8Array; ends: Uint32Array } {
    return { bytes: this.bytes.slice(0, this.used), ends: Uint32Array.from(this.ends) };
  }
}

/** The states of a packed unit, as views. */
export function unpack(bytes: Uint8Array, ends: Uint32Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const end of ends) {
    out.push(bytes.subarray(from, end));
    from = end;
  }
  return out;
}

/**
 * The fingerprints of the states a unit has found new so far (open
 * addressing, linear probing; one per thread, emptied for each unit): a
 * later step of the unit into one of them is no candidate (the merge would
 * find it inserted by the earlier one, which comes first in BFS order) and
 * is not judged by the properties that judge states (the earlier one was).
 */
export class UnitFingerprints {
  private hi = new Uint32Array(1 << 12);
  private lo = new Uint32Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private count = 0;

  /** Forget every fingerprint (the next unit). */
  clear(): void {
    if (this.count > 0) this.used.fill(0);
    this.count = 0;
  }

  /** Add a fingerprint; false when it was there already. */
  add(hi: number, lo: number): boolean {
    const mask = this.used.length - 1;
    let slot = lo & mask;
    while (this.used[slot] !== 0) {
      if (this.lo[slot] === lo && this.hi[slot] === hi) return false;
      slot = (slot + 1) & mask;
    }
    this.used[slot] = 1;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    if (++this.count * 2 > this.used.length) this.grow();
    return true;
  }

  private grow(): void {
    const { hi, lo, used } = this;
    this.hi = new Uint32Array(used.length * 2);
    this.lo = new Uint32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.count = 0;
    for (let k = 0; k < used.length; k++) if (used[k] !== 0) this.add(hi[k]!, lo[k]!);
  }
}

/** Each thread's set of a unit's new fingerprints. */
const unitFound = new UnitFingerprints();

/** Expand one unit (see the module comment). */
export function expandUnit<S, O>(
  parts: ExplorationParts<S, O>,
  fingerprintState: (encoded: Uint8Array, out: Uint32Array) => void,
  visited: VisitedView,
  task: UnitTask,
): UnitResult<O> {
  const { model, properties } = parts;
  const visitors = parts.visitors ?? [];
  const actions = new ActionCursor(model);
  const fp = new Uint32Array(2);
  const said: Judgement = { message: undefined, error: false };
  const active = [...task.active];
  const findings = properties.map(() => 0);
  const events: UnitEvent<O>[] = [];
  const candidates: number[] = [];
  const packed = new Packed();
  let t = 0;
  // Properties that judge states judge a step into a state the visited set holds (past the initial states) as
  // they did the first step into it (Property.judges); one seen first in this level is judged here, and the merge,
  // which keeps a property's first finding, reports what the one-thread search does.
  const oncePerState = judgedOncePerState(properties, task.allViolations);
  const anyOncePerState = oncePerState.includes(true);
  const states = unpack(task.bytes, task.ends);
  unitFound.clear();
  for (let s = 0; s < states.length; s++) {
    const state = model.decode === undefined ? (states[s] as unknown as S) : model.decode(states[s]!);
    for (let action = actions.first(state); action < actions.end; action = actions.after(action)) {
      const step = model.step(state, action);
      if (step === undefined) continue;
      t++;
      const encoded = model.encode === undefined ? (step.next as unknown as Uint8Array) : model.encode(step.next);
      fingerprintState(encoded, fp);
      const known = visited.idOf(fp[0]!, fp[1]!);
      // A state this unit found new at an earlier step: no candidate again.
      const again = known < 0 && !unitFound.add(fp[0]!, fp[1]!);
      if (active.length > 0 || visitors.length > 0) {
        const seen = anyOncePerState && (known >= task.rootEnd || again);
        const view: StepView<S, O> = {
          before: state,
          action,
          after: step.next,
          observed: step.observed,
          depth: task.depth,
        };
        for (let k = 0; k < active.length;) {
          const index = active[k]!;
          if (seen && oncePerState[index]) {
            k++;
            continue;
          }
          const { message, error } = judgeStep(properties[index]!, view, said);
          if (message !== undefined) {
            events.push({
              property: index,
              error,
              state: s,
              action,
              t,
              message,
              observed: step.observed,
            });
            if (!error) findings[index]!++;
            // Past this, the merge step would ignore what this property says in the unit.
            if (error || !task.allViolations || findings[index]! >= ALL_VIOLATIONS_CAP) {
              active.splice(k, 1);
              continue;
            }
          }
          k++;
        }
        for (let v = 0; v < visitors.length; v++) visitors[v]!.visit(view);
      }
      if (known >= 0 || again) continue;
      candidates.push(s, action, t, fp[0]!, fp[1]!);
      if (task.keepBytes) packed.push(encoded);
    }
  }
  return {
    type: 'result',
    unit: task.unit,
    transitions: t,
    candidates: Uint32Array.from(candidates),
    ...packed.result(),
    events,
    visitorParts: visitors.map((v) => v.take()),
  };
}
