/** Cells as the seed's reproducer shows data: [1, 1] reads as "11" (the one way cells are printed). */
export function showCells(cells: readonly number[]): string {
  return `[${cells.join(', ')}]`;
}
