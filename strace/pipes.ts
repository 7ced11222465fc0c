/**
 * What the log puts into the model's two pipes, slot by slot: enough to size
 * `bounds.slots` and to tell a read of data that never entered the pipe in a
 * mapped step. A slot holds at most one page's cells. Pure data in, counts
 * out; the mapper keeps one per pipe.
 */

export interface PipeFill {
  /** Cells in each slot, oldest first. */
  readonly slots: readonly number[];
  /** The most slots ever in use at once. */
  readonly peak: number;
  /** Slots ever filled (an upper bound on what any interleaving of the steps can hold at once). */
  readonly filled: number;
}

export const EMPTY_PIPE: PipeFill = { slots: [], peak: 0, filled: 0 };

/** Cells the pipe holds. */
export function pipeCells(p: PipeFill): number {
  return p.slots.reduce((a, n) => a + n, 0);
}

/** The pipe after new slots of `cells` each enter it. */
export function fillPipe(p: PipeFill, cells: readonly number[]): PipeFill {
  const slots = [...p.slots, ...cells];
  return { slots, peak: Math.max(p.peak, slots.length), filled: p.filled + cells.length };
}

/** The pipe after a reader takes `n` cells from the oldest slot on (a slot it empties is freed). */
export function drainPipe(p: PipeFill, n: number): PipeFill {
  const slots = [...p.slots];
  let left = n;
  while (left > 0 && slots.length > 0) {
    const take = Math.min(left, slots[0]!);
    left -= take;
    if (take === slots[0]) slots.shift();
    else slots[0] = slots[0]! - take;
  }
  return { ...p, slots };
}

/** The slots holding the oldest `n` cells (what tee duplicates), cut at `n`. */
export function oldestSlots(p: PipeFill, n: number): number[] {
  const out: number[] = [];
  let left = n;
  for (const cells of p.slots) {
    if (left <= 0) break;
    out.push(Math.min(cells, left));
    left -= cells;
  }
  return out;
}

/** The slots a file range fills: one per page it touches, with that page's cells. */
export function slotsOfRange(off: number, len: number, cellsPerPage: number): number[] {
  const out: number[] = [];
  let pos = off;
  while (pos < off + len) {
    const pageEnd = (Math.floor(pos / cellsPerPage) + 1) * cellsPerPage;
    const stop = Math.min(pageEnd, off + len);
    out.push(stop - pos);
    pos = stop;
  }
  return out;
}
