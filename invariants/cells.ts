/** Cells as the seed's reproducer shows data: [1, 1] reads as "11". */
export function showCells(cells: readonly number[]): string {
  return `[${cells.join(', ')}]`;
}
