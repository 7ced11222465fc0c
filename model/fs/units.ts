/** Units and bit arithmetic the file-system profiles and the page cache share. */

/** Bytes a page has; a cell is `PAGE_BYTES / cells` of them. */
export const PAGE_BYTES = 4096;

/** floor(log2(n)) for n >= 1. */
export function log2floor(n: number): number {
  return 31 - Math.clz32(n);
}

/** Count of trailing zero bits (n > 0). */
export function ctz(n: number): number {
  return 31 - Math.clz32(n & -n);
}
