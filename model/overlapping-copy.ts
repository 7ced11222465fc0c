/**
 * A copy whose source overlaps its destination: splice from a pipe into the
 * file page the pipe's buffer references, at a lower offset (the pipe holds
 * cells 1-2 of a page, splice-out writes them to cells 0-1). The kernel
 * copies with `memcpy` (copy_page_from_iter_atomic, once per destination
 * page and pipe buffer), and a `memcpy` of overlapping buffers is not
 * defined: the result depends on the order in which the build's `memcpy`
 * loads and stores.
 *
 * Measured (oracle/FINDINGS.md, section 21), a page of 1 KiB cells A B C D,
 * the pipe holding cells 1-3, splice-out of them to cell 0:
 *
 * - Linux 6.18 here: a forward copy, B C D D (each cell copies its source
 *   before anything overwrites it).
 * - Debian 12's Linux 6.1 under qemu: the copy stores its last 8 bytes
 *   first, then copies forward, so the 8 bytes that end the destination
 *   cell `n - d - 1` (n cells copied, the source d cells on) are the
 *   source's last cell: B, C with D's last 8 bytes (torn), D, D. Where the
 *   two values are equal the cell is whole.
 *
 * The model makes this a kernel choice for every splice-out step in which
 * some copy overlaps that way and the two options differ: option 0 copies
 * forward, option 1 stores the tail first (a cell whose bytes differ is
 * `TORN`). A copy to a higher offset (the source before the destination)
 * comes out the same either way: each cell copies the one just written.
 *
 * @public
 */
import type { ChoicePoint } from './choices.js';

/** The cell value of a cell whose bytes hold two values (what the oracle reads as -1). */
export const TORN = 255;

export const OVERLAPPING_COPY: ChoicePoint = {
  id: 'overlapping-copy',
  describe(index, _count, { page }) {
    const made =
      index === 0
        ? `a copy within page ${page} to a lower offset copied forward`
        : `a copy within page ${page} to a lower offset stored its last bytes first (a cell torn)`;
    const other = index === 0 ? 'store the tail first' : 'copy forward';
    return `${made} (memcpy of overlapping buffers: the kernel may also ${other})`;
  },
};

/**
 * One memcpy of a splice-out: `length` cells from cell `from` of a folio to
 * cell `to` of a folio (cell indices within each folio).
 */
export interface CopyRun {
  readonly from: number;
  readonly to: number;
  readonly length: number;
}

/**
 * Of a copy within one folio from cell `from` to the lower cell `to`,
 * overlapping, the index (from the copy's start) of the cell that a
 * tail-first copy tears, and the source cell whose value its tail gets;
 * undefined when the copy does not overlap that way.
 */
export function tornByTailFirst(run: CopyRun): { readonly index: number; readonly tailSource: number } | undefined {
  const d = run.from - run.to;
  if (d <= 0 || d >= run.length) return undefined;
  return { index: run.length - d - 1, tailSource: run.from + run.length - 1 };
}
