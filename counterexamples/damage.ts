/**
 * Which step damaged the data a pipe reader saw: given the states of a
 * replayed trace, the step that made the cells the violating step read out
 * of a pipe differ from what they held when they entered it (their ghost).
 * Wilcox's reproducer (truncate, write "old", splice, write "new", read)
 * points at the second write. `pipecheck report` marks that step; so can
 * any other rendering of a trace. Pure: it reads views, nothing else.
 *
 * @public
 */
import type { BufferView, StateView } from '../model/view.js';

/** One pipe buffer the violating step read damaged cells from, and the step that damaged them. */
export interface Damage {
  readonly pipe: number;
  /** Its ring slot (stable while the buffer is in the pipe). */
  readonly slot: number;
  /** The cells read that differ from their ghost, as positions in the buffer's page (`offset + i`). */
  readonly positions: readonly number[];
  /** 0-based index of the step that made them differ (the start of the run of states in which they do). */
  readonly step: number;
}

function bufferAt(v: StateView, pipe: number, slot: number): BufferView | undefined {
  return v.pipes[pipe]?.buffers.find((b) => b.slot === slot);
}

/** How many cells of buffer `b` (a buffer of `before`) the step from `before` to `after` read out of the pipe. */
function cellsRead(b: BufferView, pipe: number, after: StateView): number {
  const left = bufferAt(after, pipe, b.slot);
  if (left === undefined) return b.len;
  return Math.max(0, Math.min(b.len, left.offset - b.offset));
}

/** The positions (`offset + i`) of the first `count` cells of `b` that differ from their ghost. */
function damagedPositions(b: BufferView, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (b.cells[i] !== b.ghost[i]) out.push(b.offset + i);
  return out;
}

/** Whether buffer `b` holds any of `positions`, changed since it entered the pipe. */
function isDamagedAt(b: BufferView, positions: readonly number[]): boolean {
  return positions.some((p) => {
    const i = p - b.offset;
    return i >= 0 && i < b.len && b.cells[i] !== b.ghost[i];
  });
}

/**
 * Every buffer the violating step read damaged cells from, with the step
 * that damaged them. `views` are the states of the trace, the initial state
 * first, then the state after each step (`views[i + 1]` is after step `i`);
 * `violatingStep` is the 0-based index of the violating step. A buffer's
 * damaging step is the first of the unbroken run of steps after which those
 * cells differ from their ghost, up to the violation (a change undone and
 * made again counts from the second time). Empty when the violating step
 * read nothing changed: a violation of another kind than data stability.
 */
export function findDamage(views: readonly StateView[], violatingStep: number): Damage[] {
  const before = views[violatingStep];
  const after = views[violatingStep + 1];
  if (before === undefined || after === undefined) return [];
  const out: Damage[] = [];
  before.pipes.forEach((pipe, p) => {
    for (const b of pipe.buffers) {
      const positions = damagedPositions(b, cellsRead(b, p, after));
      if (positions.length === 0) continue;
      let first = violatingStep;
      while (first > 0) {
        const earlier = bufferAt(views[first - 1]!, p, b.slot);
        if (earlier === undefined || !isDamagedAt(earlier, positions)) break;
        first--;
      }
      // views[first] is the first damaged state: step first - 1 made it (the initial state is never damaged).
      if (first > 0) out.push({ pipe: p, slot: b.slot, positions, step: first - 1 });
    }
  });
  return out;
}

/**
 * The 0-based index of the step that changed data already in a pipe, which
 * the violating step then read (the earliest, if it read several damaged
 * buffers); undefined when there is none, as for invariants other than data
 * stability. `views`: the initial state, then the state after each step.
 */
export function damagingStep(views: readonly StateView[], violatingStep: number): number | undefined {
  const steps = findDamage(views, violatingStep).map((d) => d.step);
  return steps.length === 0 ? undefined : Math.min(...steps);
}
