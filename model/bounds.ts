/**
 * The knobs of the small-scope search. Every structure of the model is sized
 * from these, and every operation enumerates its arguments from them.
 *
 * @public
 */
export interface Bounds {
  /** Pages the file may span. */
  readonly pages: number;
  /** Cells per page (a cell is a fixed byte range of a 4 KiB page). */
  readonly cells: number;
  /** Data values 1..values (0 is zero, as a hole reads). */
  readonly values: number;
  /** Slots in a pipe's ring. */
  readonly slots: number;
  /** The largest folio, in pages (a power of two). */
  readonly folioPages: number;
  /** Anonymous user pages a process owns (the source of vmsplice). */
  readonly userPages: number;
  /** Steps explored. */
  readonly depth: number;
}

/** Hard limits of the state encoding (one byte per field). */
export const BOUND_LIMITS = {
  pages: { min: 1, max: 8 },
  cells: { min: 1, max: 8 },
  values: { min: 1, max: 15 },
  slots: { min: 1, max: 8 },
  folioPages: { min: 1, max: 8 },
  userPages: { min: 0, max: 4 },
  // Initial states are not judged: depth 0 would check nothing.
  depth: { min: 1, max: 64 },
} as const satisfies Record<keyof Bounds, { min: number; max: number }>;

/** Why the smallest depth is 1. */
export const DEPTH_ZERO = 'depth 0 takes no step, so nothing would be checked: the smallest depth is 1';

/** The bounds, in the order scenario files and the command line list them. */
export const BOUND_NAMES = Object.keys(BOUND_LIMITS) as readonly (keyof Bounds)[];

/** `pages=2 cells=2 values=2 slots=2 folioPages=1 userPages=1 depth=4` */
export function boundsText(b: Bounds): string {
  return BOUND_NAMES.map((k) => `${k}=${b[k]}`).join(' ');
}

/**
 * Depth of the default scenario: every operation at the default bounds gives
 * about 340,000 states at depth 4 (a second or two) and 25 million at depth 6
 * (minutes), so the no-argument run stops at 4.
 */
export const DEFAULT_CHECK_DEPTH = 4;

export const DEFAULT_BOUNDS: Bounds = {
  pages: 2,
  cells: 2,
  values: 2,
  slots: 2,
  folioPages: 1,
  userPages: 1,
  depth: 6,
};

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Cells a file of `bounds` can hold. */
export function maxFileCells(bounds: Bounds): number {
  return bounds.pages * bounds.cells;
}
