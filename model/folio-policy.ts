/**
 * How large the folios are that the page cache creates: a property of the
 * file system (and of the kernel's readahead), not of the kernel variants in
 * the seed thread. `folioPages` (a bound) caps every size; sizes are powers of
 * two and folios are aligned to their size.
 *
 * - `write`: what a write into uncached pages creates. `by-length` follows
 *   `__filemap_get_folio(..., fgf_set_order(len))`: the order comes from the
 *   bytes still to write in this chunk, lowered until the folio is aligned and
 *   covers no cached page (ext4 and other large-folio file systems).
 *   `order-0`: one page per folio (tmpfs without huge pages).
 * - `load`: what a read, splice or mmap fault of an uncached page creates.
 *   `order-0`: one page per folio. `readahead`: the largest aligned folio that
 *   holds the page, stays within EOF and covers no cached page.
 */
export interface FolioPolicy {
  readonly write: 'by-length' | 'order-0';
  readonly load: 'order-0' | 'readahead';
}

/** Bytes a page has; a cell is `PAGE_BYTES / cells` of them. */
export const PAGE_BYTES = 4096;

export const DEFAULT_FOLIO_POLICY: FolioPolicy = { write: 'by-length', load: 'order-0' };

/** floor(log2(n)) for n >= 1. */
export function log2floor(n: number): number {
  return 31 - Math.clz32(n);
}

/** Count of trailing zero bits (n > 0). */
export function ctz(n: number): number {
  return 31 - Math.clz32(n & -n);
}
