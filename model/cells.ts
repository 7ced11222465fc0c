/** Cells as the seed's reproducer shows data: [1, 1] reads as "11" (the one way cells are printed). */
export function showCells(cells: readonly number[]): string {
  return `[${cells.join(', ')}]`;
}

/** `1 cell`, `2 cells`, `1 page`, `0 pages`: a count with its noun, singular only for one. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
