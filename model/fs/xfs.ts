/**
 * xfs, built on ext4's hooks. Measured on Linux 6.18 (oracle/FINDINGS.md):
 *
 * - A write's folios never span the end of an extent: iomap writes one
 *   mapping at a time, and xfs_buffered_write_iomap_begin returns the
 *   existing extent at the write's offset (blocks, delalloc or unwritten),
 *   or for a hole a delalloc reservation up to the next extent, so
 *   __iomap_get_folio's order is capped where blocks meet a hole. Measured:
 *   a cold 2048-byte file, then one 8192-byte pwrite at 0 -> folios 1 1 on
 *   xfs, 2 on ext4; the same after punching the file's only block -> 2
 *   (conform, xfs, seed 3). So the model tracks holes (holesMatter).
 * - fallocate(PUNCH_HOLE) and ZERO_RANGE write back and drop every page
 *   they touch (punchDroppingTouchedPages).
 * - Zeroing part of a page reads the block in (iomap): an uncached page a
 *   truncation covers in part is not cached by it, and the EOF block's tail
 *   zeroed before the size grows gets an uptodate folio (xfsExtendPastEof).
 * - A shrink that leaves a partial EOF block zeroes that block's tail
 *   through the page cache before the page cache is truncated
 *   (xfs_setattr_size -> xfs_truncate_page): the page is dirty by then
 *   (zeroNewEofBlockTail).
 * - Invalidating whole blocks inside a large folio keeps the per-block
 *   dirty bits unless the whole folio goes (iomap_invalidate_folio), so the
 *   folio stays dirty and cached. Measured: conform seed 1 (append into a
 *   pipe-held 2-page folio, truncate at the page boundary, write: the pipe
 *   sees the write).
 * - O_DIRECT: see xfsDirectWriteMode. copy_file_range reflinks (reflink=1:
 *   reflinkWholeBlocks). COLLAPSE_RANGE and INSERT_RANGE: see xfsBeforeShift.
 */
import { choose, type ChoicePoint } from '../choices.js';
import type { ModelContext } from '../context.js';
import {
  byLengthFolioPages,
  createCachedFolio,
  extentEnd,
  invalidateForShift,
  markDirty,
  removeFromCache,
  writeBack,
  writeBackPages,
  zeroEofBlockTail,
  zeroFileRange,
  zeroNewEofBlockTail,
} from '../pagecache.js';
import { FILE_REFLINKED, type State } from '../state.js';
import { keepDirtyBits, leaveUncachedPage, reflinkWholeBlocks } from './common.js';
import { EXT4 } from './ext4.js';
import { defineFs, expectFacts, type DirectWriteMode, type ProbedFacts } from './profile.js';
import { PAGE_BYTES } from './units.js';

/** A write's folio: by the bytes left to write, but not past the end of the extent (or hole) it starts in. */
export function xfsWriteFolio(ctx: ModelContext, s: State, pos: number, cellsLeft: number): number {
  const { L } = ctx;
  const page = Math.floor(pos / L.C);
  return createCachedFolio(L, s, page, byLengthFolioPages(ctx, s, pos, cellsLeft, extentEnd(L, s, page)));
}

/** The old EOF block's tail is zeroed through the page cache (iomap reads the block in: uptodate). */
export function xfsExtendPastEof(ctx: ModelContext, s: State, oldSize: number): void {
  zeroEofBlockTail(ctx, s, oldSize, true);
}

/**
 * xfs_free_file_space: every page the range touches is written back and
 * dropped first, even past EOF (xfs_flush_unmap_range rounds the unclipped
 * range out to pages: a large folio that straddles EOF goes whole; measured
 * on 6.18, conform seed 31); whole blocks inside are freed.
 */
export function punchDroppingTouched(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  L.setBlocks(s, Math.ceil(off / L.C), Math.floor((off + len) / L.C), false);
  punchDroppingTouchedPages(ctx, s, off, len);
}

/** fallocate(ZERO_RANGE): as a punch, xfs zeroes and drops every folio the range touches (measured on 6.18). */
export function zeroRangeDroppingTouched(ctx: ModelContext, s: State, off: number, len: number): void {
  punchDroppingTouchedPages(ctx, s, off, len);
}

/**
 * How xfs_flush_unmap_range takes a large folio that the range covers in
 * part out of the page cache. Builds of 6.18.44 differ, each always the
 * same (oracle/FINDINGS.md section 17.2): on one, truncate_pagecache_range
 * zeroes the covered part in place, then splits the folio (or drops it, when
 * a pipe holds it: the pipe sees zeroes); on another, the whole folio is
 * released, unzeroed and unsplit (tracepoints: iomap_release_folio of the
 * whole folio, no iomap_invalidate_folio), so every page of it leaves the
 * cache and a pipe keeps the old data.
 */
export const XFS_FLUSH_REMOVAL: ChoicePoint = {
  id: 'xfs-flush-removal',
  describe(index, _count, { page, pages }) {
    const folio = `the folio of pages ${page}-${page + pages - 1}`;
    return index === 0
      ? `${folio} is zeroed in place where the range covers it (the kernel may also take it out whole, unzeroed)`
      : `${folio} is taken out of the page cache whole, unzeroed: a pipe keeps its old data`;
  },
};

/**
 * xfs_flush_unmap_range over pages [firstPage, lastPage], after the write
 * back: each large folio that reaches outside them either stays for the
 * page-cache truncation (zeroed in place, option 0 of XFS_FLUSH_REMOVAL) or
 * leaves the cache whole now (option 1); with `dropInside`, the folios
 * wholly inside leave the cache too, written back first (a pipe keeps the
 * old data; so does the disk).
 */
function flushFolios(ctx: ModelContext, s: State, firstPage: number, lastPage: number, dropInside: boolean): void {
  const { L } = ctx;
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    const first = L.folioIndex(s, f);
    const pages = L.folioPages(s, f);
    p = first + pages - 1;
    const inside = first >= firstPage && first + pages - 1 <= lastPage;
    if (!inside && pages > 1) {
      if (choose(ctx, XFS_FLUSH_REMOVAL, 2, { page: first, pages }) === 1) removeFromCache(L, s, f);
    } else if (inside && dropInside) {
      if (L.folioDirtyPages(s, f) !== 0) writeBack(L, s, f);
      removeFromCache(L, s, f);
    }
  }
}

/** The kernel choice XFS_FLUSH_REMOVAL for each large folio that reaches outside pages [firstPage, lastPage]. */
export function takeOutLargeFoliosWhole(ctx: ModelContext, s: State, firstPage: number, lastPage: number): void {
  flushFolios(ctx, s, firstPage, lastPage, false);
}

/**
 * xfs_flush_unmap_range of cells [off, off + len): the folios over the
 * range's pages are written back, then the page cache over those whole
 * pages is truncated (truncate_pagecache_range: a pipe keeps what it holds,
 * a large folio reaching outside is zeroed in place there or taken out
 * whole: XFS_FLUSH_REMOVAL). The disk does not change.
 */
export function flushUnmapCells(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  flushUnmapPages(ctx, s, Math.floor(off / L.C), Math.floor((off + len - 1) / L.C));
}

/**
 * xfs_flush_unmap_range over pages [firstPage, lastPage]: write back, the
 * kernel choice XFS_FLUSH_REMOVAL, then truncate_pagecache_range over the
 * whole pages. The disk stays as written back; returns its cells over the
 * pages, from the first page's first cell.
 */
function flushUnmapPages(ctx: ModelContext, s: State, firstPage: number, lastPage: number): number[] {
  const { L } = ctx;
  writeBackPages(L, s, firstPage, lastPage);
  takeOutLargeFoliosWhole(ctx, s, firstPage, lastPage);
  const rs = firstPage * L.C;
  const re = (lastPage + 1) * L.C;
  const kept: number[] = [];
  for (let c = rs; c < re; c++) kept.push(L.disk(s, c));
  zeroFileRange(ctx, s, rs, re);
  kept.forEach((v, i) => L.setDisk(s, rs + i, v));
  return kept;
}

/**
 * xfs_flush_unmap_range before a reflink (xfs_reflink_remap_prep), over
 * pages [firstPage, lastPage] (flushFolios, the folios inside dropped). A
 * copy that starts past EOF flushes from the old EOF on, so the partial EOF
 * page leaves the cache too (measured on 6.18, xfs: a 3-cell file, pages
 * 0-1 cached, a reflink of page 2 drops page 1: conform, xfs, seed 81203).
 */
export function flushUnmapRange(ctx: ModelContext, s: State, firstPage: number, lastPage: number): void {
  flushFolios(ctx, s, firstPage, lastPage, true);
}

/**
 * xfs's punch of cells [off, off + len): xfs_flush_unmap_range writes back
 * every folio the range touches and truncates the page cache over the range
 * rounded out to whole pages (filemap_write_and_wait_range, then
 * truncate_pagecache_range), so a pipe keeps the old folio even when the
 * punch covers only part of its page (a large folio reaching further is
 * zeroed there and split, or dropped when a pipe holds it); whole blocks
 * become holes; then xfs_zero_range zeroes the cells of the partly covered
 * pages before EOF through new order-0 uptodate folios (iomap_zero_range:
 * iomap_write_begin reads the block), which stay dirty. A block that is a
 * hole is skipped (iomap_zero_iter skips holes). Measured on 6.18, xfs;
 * ext4, btrfs and tmpfs zero partial pages in place.
 */
export function punchDroppingTouchedPages(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  const size = L.size(s);
  const firstPage = Math.floor(off / L.C);
  const lastPage = Math.floor((off + len - 1) / L.C);
  // Whole pages of the rounded range: the flush; the disk keeps what lies outside
  // [off, off + len) in the edge pages.
  const rs = firstPage * L.C;
  const kept = flushUnmapPages(ctx, s, firstPage, lastPage);
  for (let c = off; c < off + len; c++) L.setDisk(s, c, 0);
  const zeroEnd = Math.min(off + len, size);
  for (const p of new Set([firstPage, lastPage])) {
    const start = Math.max(off, p * L.C);
    const end = Math.min(zeroEnd, (p + 1) * L.C);
    const whole = start === p * L.C && off + len >= (p + 1) * L.C;
    if (whole || start >= end || L.pageFolio(s, p) >= 0) continue;
    let hole = true;
    for (let i = 0; i < L.C; i++) if (kept[p * L.C + i - rs] !== 0) hole = false;
    if (hole) continue;
    const f = createCachedFolio(L, s, p, 1);
    for (let c = start; c < end; c++) L.setFolioCell(s, f, c - p * L.C, 0);
    markDirty(L, s, f);
  }
}

/**
 * O_DIRECT as ext4 (invalidateForDirectWrite), except that a direct write
 * not aligned to the 4 KiB block, on a file that had blocks reflinked into
 * it (XFS_DIFLAG2_REFLINK; a truncate to 0 clears it), is a buffered write:
 * xfs_file_dio_write_unaligned returns -ENOTBLK before anything is
 * invalidated ("can't unshare a partial block"), so the pipe sees the new
 * data. Measured on 6.18, xfs: conform seeds 1 and 2 (copy-file-range of a
 * page, splice, a one-cell direct-write: the pipe reads the write).
 */
export function xfsDirectWriteMode(
  ctx: ModelContext,
  s: State,
  _firstPage: number,
  _lastPage: number,
  aligned: boolean,
): DirectWriteMode {
  return !aligned && ctx.L.fileFlags(s) & FILE_REFLINKED ? 'buffered' : 'invalidate';
}

/**
 * COLLAPSE_RANGE first flushes and drops the collapsed range alone
 * (xfs_flush_unmap_range(offset, len): a pipe-held large folio is zeroed
 * only there), then both COLLAPSE_RANGE and INSERT_RANGE drop everything
 * from the block before the offset to EOF (xfs_prepare_shift takes offset -
 * blocksize, to stabilize the boundary block; rounded down to a page), so
 * the page before the offset leaves the cache too. A MAP_PRIVATE mapping's
 * copies stay (truncate_pagecache_range; measured: copies of pages 0, 1 and
 * 3, collapse or insert at page 1: xfs keeps all three, but for a copy a
 * collapse leaves past EOF). Measured on 6.18 (splice, then collapse or
 * insert, then write and read the pipe).
 */
export function xfsBeforeShift(ctx: ModelContext, s: State, off: number, len: number, collapse: boolean): void {
  const { L } = ctx;
  const blockCells = (ctx.fs.blockBytes * L.C) / PAGE_BYTES;
  const startPage = Math.floor(Math.max(0, off - blockCells) / L.C);
  // Both flushes are xfs_flush_unmap_range: written back first, and a large folio reaching outside
  // the range may be taken out whole, unzeroed (the kernel choice XFS_FLUSH_REMOVAL; measured on
  // 6.18.44-fc-v1300: a pipe-held 2-page folio, collapse of its first page, the pipe keeps its data:
  // conform, xfs, seed 82213).
  writeBackPages(L, s, startPage, L.P - 1);
  if (collapse) takeOutLargeFoliosWhole(ctx, s, Math.floor(off / L.C), Math.ceil((off + len) / L.C) - 1);
  takeOutLargeFoliosWhole(ctx, s, startPage, L.P - 1);
  if (collapse) invalidateForShift(ctx, s, startPage, Math.floor(off / L.C) * L.C, Math.ceil((off + len) / L.C) * L.C);
  else invalidateForShift(ctx, s, startPage, 0, 0);
}

/** An xfs directory: large folios, a page cache that evicts. */
function recogniseXfs(p: ProbedFacts) {
  return p.fsType === 'xfs' ? expectFacts(p, 'xfs', true, true) : undefined;
}

export const XFS = defineFs({
  ...EXT4,
  id: 'xfs',
  description: 'xfs (like ext4, but a punch writes back and drops every page it touches)',
  fsType: 'xfs',
  holesMatter: true,
  recognise: recogniseXfs,
  writeFolio: xfsWriteFolio,
  zeroUncachedPartialPage: leaveUncachedPage,
  invalidateBlocks: keepDirtyBits,
  punch: punchDroppingTouched,
  zeroRange: zeroRangeDroppingTouched,
  extendPastEof: xfsExtendPastEof,
  beforeShrink: zeroNewEofBlockTail,
  directWriteMode: xfsDirectWriteMode,
  beforeRangeTruncate: flushUnmapRange,
  reflinkCells: reflinkWholeBlocks,
  beforeShift: xfsBeforeShift,
});
