import { TORN } from './overlapping-copy.js';

/**
 * Cells as the seed's reproducer shows data: [1, 1] reads as "11" (the one
 * way cells are printed); a torn cell (bytes of two values: the model's
 * `TORN`, the kernel's -1) is `?`.
 */
export function showCells(cells: readonly number[]): string {
  return `[${cells.map(showCell).join(', ')}]`;
}

/** One cell as showCells shows it: its value, or `?` for a torn one. */
export function showCell(v: number): string {
  return v === TORN || v < 0 ? '?' : String(v);
}

/** Cells as the oracle reports them: a torn cell is -1. */
export function asKernelCells(cells: readonly number[]): number[] {
  return cells.map((v) => (v === TORN ? -1 : v));
}

/** `1 cell`, `2 cells`, `1 page`, `0 pages`: a count with its noun, singular only for one. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
