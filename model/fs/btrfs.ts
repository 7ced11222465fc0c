/**
 * btrfs, built on ext4's hooks. Measured on Linux 6.18 (oracle/FINDINGS.md):
 *
 * - Writes make order-0 folios; loads have readahead as on ext4.
 * - A dirty large folio partly inside a punch or truncate splits; one a
 *   pipe holds is zeroed in place and stays (splitUnlessPipeHeld).
 * - Zeroing part of an uncached page for a size growth reads the page into
 *   the cache uptodate and dirties it (btrfs_truncate_block:
 *   btrfsExtendPastEof); a truncation of the page cache does not cache it.
 * - fallocate(PUNCH_HOLE) skips holes (punchSkippingHoles); it zeroes the
 *   partial EOF block in place (btrfs_truncate_block), as asked, without
 *   extending the range to the EOF page as ext4 does.
 * - fallocate(ZERO_RANGE): zeroRangeRoundingHolesOut. No COLLAPSE_RANGE or
 *   INSERT_RANGE (EOPNOTSUPP before any check; blockBytes is not consulted).
 * - O_DIRECT: btrfsDirectWriteMode; no alignment is needed (a misaligned
 *   write falls back to a buffered one). copy_file_range reflinks
 *   (reflinkWholeBlocks).
 */
import type { ModelContext } from '../context.js';
import {
  createOrder0Folio,
  faultWholeFile,
  readaheadLoadPage,
  splitUnlessPipeHeld,
  zeroEofBlockTail,
  zeroFileRange,
} from '../pagecache.js';
import type { Layout, State } from '../state.js';
import { leaveUncachedPage, reflinkWholeBlocks } from './common.js';
import { EXT4 } from './ext4.js';
import { defineFs, expectFacts, type DirectWriteMode, type ProbedFacts } from './profile.js';

/** The old EOF block's tail is zeroed through the page cache (btrfs_truncate_block reads it in: uptodate). */
export function btrfsExtendPastEof(ctx: ModelContext, s: State, oldSize: number): void {
  zeroEofBlockTail(ctx, s, oldSize, true);
}

/**
 * btrfs_punch_hole over pages that may be holes (measured on 6.18, btrfs:
 * conform seeds 1 and 3): it starts at the range's first page with blocks
 * and does nothing at all, not even to the page cache, when there is none
 * (find_first_non_hole, after writing back the range's dirty pages; a cold
 * empty file, ftruncate to 1 cell, splice it, punch 2 cells, pwrite 1 at 0:
 * the pipe reads the new value, conform, btrfs, seed 1); it zeroes the part
 * of the first page in the range (when inside the rounded-up size); unless
 * it moved, it then skips the holes from the first whole page on again
 * (none left: done); it zeroes the front of the last page up to the range's
 * end when that page has blocks and the end is inside the size; and only
 * the whole pages from there to the range's end leave the page cache. A
 * hole it skipped keeps whatever the page cache holds for it.
 */
export function punchSkippingHoles(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  const C = L.C;
  const end = off + len;
  const sizeEnd = L.pagesInFile(L.size(s)) * C; // ino_size, rounded up to blocks
  const first = firstPageWithBlocks(L, s, Math.floor(off / C), Math.ceil(end / C));
  if (first < 0) return;
  const moved = first * C > off;
  if (moved) off = first * C;
  const firstPage = Math.floor(off / C);
  if (firstPage === Math.floor((end - 1) / C) && end - off < C) {
    if (off < sizeEnd) zeroFileRange(ctx, s, off, end);
    return;
  }
  if (off < sizeEnd && off % C !== 0) zeroFileRange(ctx, s, off, (firstPage + 1) * C);
  let wholeFrom = Math.ceil(off / C);
  const wholeTo = Math.floor(end / C);
  if (!moved) {
    const next = firstPageWithBlocks(L, s, wholeFrom, Math.ceil(end / C));
    if (next < 0) return;
    wholeFrom = Math.max(wholeFrom, next);
  }
  if (end % C !== 0 && L.hasBlocks(s, wholeTo) && end < sizeEnd) zeroFileRange(ctx, s, wholeTo * C, end);
  if (wholeTo <= wholeFrom) return;
  zeroFileRange(ctx, s, wholeFrom * C, wholeTo * C);
  L.setBlocks(s, wholeFrom, wholeTo, false);
}

/** The first page in [from, to) with blocks (not a hole), or -1. */
function firstPageWithBlocks(L: Layout, s: State, from: number, to: number): number {
  for (let p = from; p < to; p++) if (L.hasBlocks(s, p)) return p;
  return -1;
}

/**
 * fallocate(ZERO_RANGE): a partial edge block over a hole is rounded out
 * to the whole block, which gets a preallocated extent, so its page leaves
 * the page cache (a pipe keeps the old one); one over written data is
 * zeroed in place (btrfs_zero_range: btrfs_zero_range_check_range_boundary,
 * then btrfs_truncate_block or btrfs_punch_hole_lock_range). Needs
 * holesMatter. Measured on 6.18, btrfs: an empty file truncated to 1, 2 or
 * 4 cells, cell 0 spliced, zero of cell 0, write at 0: the pipe keeps
 * zeroes; the same over written data: the pipe sees the write. The rest of
 * the page cache is treated as a punch in place treats it, up to the end of
 * the EOF page. A range that starts at or past EOF leaves the page cache
 * alone, the EOF page too (measured on 6.18, btrfs: a 1-cell file over a
 * hole, page 0 vmspliced from the shared mapping, zero of cell 1 or cells
 * 1-3: page 0 stays cached and a later write reaches the pipe; conform,
 * btrfs, seed 86317).
 */
export function zeroRangeRoundingHolesOut(ctx: ModelContext, s: State, off: number, len: number, size: number): void {
  const { L } = ctx;
  if (off >= size) return;
  const to = off + len;
  // A block is a page here: each partial edge page that is a hole is widened to the whole page.
  const start = off % L.C !== 0 && !L.hasBlocks(s, Math.floor(off / L.C)) ? off - (off % L.C) : off;
  const end = to % L.C !== 0 && !L.hasBlocks(s, Math.floor(to / L.C)) ? to - (to % L.C) + L.C : to;
  zeroFileRange(ctx, s, start, Math.min(end, L.pagesInFile(size) * L.C));
}

/** Whether a folio caching a page of [firstPage, lastPage] has pipe references (btrfs cannot invalidate it). */
function held(L: Layout, s: State, firstPage: number, lastPage: number): boolean {
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f >= 0 && L.folioRefs(s, f) > 0) return true;
  }
  return false;
}

/**
 * O_DIRECT: a write not aligned to the 4 KiB sector, or over a folio that
 * cannot be invalidated (a pipe holds it: lock_extent_direct still finds a
 * page, -ENOTBLK), falls back to a buffered write, then writes the range
 * back and drops the clean, unmapped, unreferenced folios of it
 * (btrfs_direct_write -> invalidate_mapping_pages): the pipe sees the new
 * data; an aligned one over folios nobody else holds goes to disk as on
 * ext4 (measured on 6.18).
 */
export function btrfsDirectWriteMode(
  ctx: ModelContext,
  s: State,
  firstPage: number,
  lastPage: number,
  aligned: boolean,
): DirectWriteMode {
  return !aligned || held(ctx.L, s, firstPage, lastPage) ? 'buffered-then-drop' : 'invalidate';
}

/** A btrfs directory: order-0 folios, a page cache that evicts. */
function recogniseBtrfs(p: ProbedFacts) {
  return p.fsType === 'btrfs' ? expectFacts(p, 'btrfs', false, true) : undefined;
}

export const BTRFS = defineFs({
  ...EXT4,
  id: 'btrfs',
  description: 'btrfs (order-0 folios, readahead, partial zeroing reads the page in)',
  fsType: 'btrfs',
  fallocateModes: ['zero'],
  directWriteAlign: 0,
  largeFolios: false,
  holesMatter: true,
  conform: { coldFiles: true, layouts: ['pages'] },
  recognise: recogniseBtrfs,
  writeFolio: createOrder0Folio,
  // No large folios in a btrfs mapping: readahead reads order-0 folios.
  loadPage: readaheadLoadPage,
  faultPage: faultWholeFile,
  spliceReadPage: readaheadLoadPage,
  zeroUncachedPartialPage: leaveUncachedPage,
  partlyTruncatedLargeFolio: splitUnlessPipeHeld,
  punch: punchSkippingHoles,
  zeroRange: zeroRangeRoundingHolesOut,
  extendPastEof: btrfsExtendPastEof,
  directWriteMode: btrfsDirectWriteMode,
  reflinkCells: reflinkWholeBlocks,
});
