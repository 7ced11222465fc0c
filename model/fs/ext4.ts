/**
 * ext4 with 4 KiB blocks, the default profile. Measured on Linux 6.18
 * (oracle/FINDINGS.md):
 *
 * - A write into uncached pages creates a folio whose order comes from the
 *   bytes still to write (`__filemap_get_folio(..., fgf_set_order(len))`),
 *   lowered until it is aligned and covers no cached page (ext4WriteFolio).
 * - Cold loads are order 0 (larger orders are a kernel choice:
 *   readaheadMayLoadLarge), with readahead: a miss at page 0 (or a
 *   sequential one) brings in 4 * roundup_pow2(request) pages, a miss after
 *   cached pages may bring in more than the request (context readahead; see
 *   readaheadLoadPage), and a fault (mmap) brings in the whole file. A hole
 *   is read into the page cache like data (splice does not put the zero page
 *   in the pipe, as tmpfs does).
 * - A dirty large folio partly inside a punch or truncate never splits; a
 *   clean large folio that cannot split (a pipe holds it) leaves the page
 *   cache after zeroing (splitCleanDropPipeHeld).
 * - posix_fadvise(DONTNEED) drops clean unreferenced order-0 folios
 *   (dropCleanOrder0).
 * - Zeroing part of an uncached page (a punch or truncate that does not end
 *   on a page boundary) creates an order-0 folio for it and zeroes its block
 *   through it (__ext4_block_zero_page_range: __filemap_get_folio(FGP_CREAT),
 *   read the buffer, zero, mark it dirty) without marking the folio
 *   uptodate: mincore does not count it and readahead skips it, but a later
 *   read, fault or write uses it as it is (zeroUncachedNotUptodate).
 * - Before the size grows past a partial last page (ftruncate up, a write
 *   that starts on a later page), the rest of that page's block is zeroed
 *   through the page cache: the folio is dirtied, or created not uptodate as
 *   above (ext4ExtendPastEof). ftruncate to a larger size then truncates the
 *   page cache at the new size too (ext4_setattr, truncate_setsize), so a
 *   large folio straddling it may split (splitAtGrownEof).
 * - fallocate(PUNCH_HOLE) at or past EOF does nothing, and a punch that runs
 *   past EOF is extended to the end of the page holding EOF, so that page is
 *   punched whole (ext4_punch_hole; punchToEofPage).
 * - fallocate(ZERO_RANGE): see zeroRangeEdgesPastEofFirst.
 * - Invalidating whole blocks inside a large folio forgets their dirty state
 *   (block_invalidate_folio; forgetInvalidatedDirt).
 * - O_DIRECT: every folio the range touches is written back and leaves the
 *   page cache, then the data goes to disk (invalidateForDirectWrite).
 * - copy_file_range from another file of the same file system is a
 *   splice-based copy (do_splice_direct), a buffered write of the source's
 *   bytes: the pipe sees the new data (neverReflink).
 * - COLLAPSE_RANGE and INSERT_RANGE: see ext4BeforeShift.
 */
import type { ModelContext } from '../context.js';
import {
  byLengthFolioPages,
  cellInFolio,
  createCachedFolio,
  faultMayLoadLarge,
  forgetInvalidatedDirt,
  invalidateForShift,
  markCellsDirty,
  readaheadMayLoadLarge,
  removeFromCache,
  splitAtGrownEof,
  splitCleanDropPipeHeld,
  writeBack,
  zeroEofBlockTail,
  zeroFileRange,
  zeroUncachedPartialPage,
} from '../pagecache.js';
import { ANY_MAPPING, F_DIRTY, type Layout, type State } from '../state.js';
import { dropPrivateCopiesFrom } from '../user-memory.js';
import { anyInitial, defineFs, expectFacts, type DirectWriteMode, type ProbedFacts } from './profile.js';
import { neverReflink, nothingFirst } from './common.js';
import { PAGE_BYTES } from './units.js';

/** A write's folio: by the bytes left to write (byLengthFolioPages), up to the model's last page. */
export function ext4WriteFolio(ctx: ModelContext, s: State, pos: number, cellsLeft: number): number {
  const { L } = ctx;
  return createCachedFolio(L, s, Math.floor(pos / L.C), byLengthFolioPages(ctx, s, pos, cellsLeft, L.P));
}

/** __ext4_block_zero_page_range on an uncached page: an order-0 folio, dirtied, not uptodate. */
export function zeroUncachedNotUptodate(ctx: ModelContext, s: State, page: number, start: number, end: number): void {
  zeroUncachedPartialPage(ctx, s, page, start, end, false);
}

/** The old EOF block's tail is zeroed through the page cache (a new folio for it is not uptodate). */
export function ext4ExtendPastEof(ctx: ModelContext, s: State, oldSize: number): void {
  zeroEofBlockTail(ctx, s, oldSize, false);
}

/**
 * ftruncate up: the old EOF block's tail is zeroed as for any growth
 * (FsProfile.extendPastEof), then truncate_pagecache(new size) runs all the
 * same (ext4_setattr): splitAtGrownEof.
 */
export function zeroEofThenSplitAtGrownEof(ctx: ModelContext, s: State, oldSize: number, size: number): void {
  ctx.fs.extendPastEof(ctx, s, oldSize);
  splitAtGrownEof(ctx, s, size);
}

/**
 * posix_fadvise(DONTNEED) (measured on 6.18): drops the folio only if it is
 * clean, order 0, unmapped and nothing else (no pipe buffer) references it;
 * a dirty folio is written back instead, not dropped.
 */
export function dropCleanOrder0(L: Layout, s: State, f: number): void {
  const flags = L.folioFlags(s, f);
  if (flags & F_DIRTY) {
    // DONTNEED starts writeback of a dirty folio but does not drop it.
    writeBack(L, s, f);
  } else if (L.folioPages(s, f) === 1 && (flags & ANY_MAPPING) === 0 && L.folioRefs(s, f) === 0) {
    // A large folio is dropped only when the range covers all of it: one page never does.
    removeFromCache(L, s, f);
  }
}

/**
 * ext4_punch_hole: whole blocks inside the range are freed (holes from now
 * on); nothing happens from EOF on, and a range that runs past EOF is
 * extended to the end of the page holding EOF.
 */
export function punchToEofPage(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  const size = L.size(s);
  L.setBlocks(s, Math.ceil(off / L.C), Math.floor((off + len) / L.C), false);
  if (off >= size) return;
  const eofPageEnd = L.pagesInFile(size) * L.C;
  zeroFileRange(ctx, s, off, off + len > size ? eofPageEnd : Math.min(off + len, eofPageEnd));
}

/**
 * fallocate(ZERO_RANGE): a partial edge block of the range that reaches
 * past EOF is zeroed in place through the page cache first, dirtying its
 * folio, before the page cache over the range is truncated; a dirty large
 * folio then neither splits nor leaves the cache. The page cache is then
 * treated as a punch of the range treats it, up to the end of the EOF page
 * (ext4 1 KiB: a range that starts at EOF drops a pipe-held large folio it
 * reaches into, as conform measured). Unlike a punch, ext4 does not round a
 * range past EOF out to the EOF page: a page only partly inside is zeroed
 * in place (measured on 6.18: conform, ext4, seed 2). Measured on 6.18,
 * ext4, a 2-page folio (1 KiB cells), page 0 spliced: a file of 5 or 6
 * cells zeroed at 4-6, 0-6, 4-7, 5-7 or 6-8 keeps the folio whole, so a
 * later write reaches the pipe, spliced or not; zeroed at 4-8 or 1-8 (no
 * partial edge past EOF), or anywhere inside EOF, it is dropped (split when
 * no pipe holds it). A cold one-page file, page 0 sent to a socket, zeroed
 * at 0-5: page 0 leaves the cache with its old data.
 */
export function zeroRangeEdgesPastEofFirst(ctx: ModelContext, s: State, off: number, len: number, size: number): void {
  const { L } = ctx;
  zeroEdgesPastEof(ctx, s, off, off + len, size);
  zeroFileRange(ctx, s, off, Math.min(off + len, L.pagesInFile(size) * L.C));
}

/**
 * The range's partial edge blocks that reach past EOF (`size`), zeroed in
 * place through the page cache before the page cache is truncated: the
 * start edge `[from, its block's end)` and the end edge `[its block's
 * start, to)`. A block is a page or less; where a cell holds whole blocks
 * there is no partial edge.
 */
function zeroEdgesPastEof(ctx: ModelContext, s: State, from: number, to: number, size: number): void {
  const bc = (ctx.fs.blockBytes * ctx.L.C) / PAGE_BYTES;
  if (bc <= 1) return;
  const startEdgeEnd = Math.min(to, Math.ceil(from / bc) * bc);
  if (from % bc !== 0 && startEdgeEnd > size) zeroCachedInPlace(ctx, s, from, startEdgeEnd);
  const endEdgeStart = Math.max(from, Math.floor(to / bc) * bc);
  if (to % bc !== 0 && to > size) zeroCachedInPlace(ctx, s, endEdgeStart, to);
}

/**
 * Zero cells [from, to) of the cached folios in place and dirty them, so
 * that the truncation after it neither splits nor drops them (a dirty ext4
 * large folio does neither). Uncached pages stay uncached: the disk is
 * zeroed under them.
 */
function zeroCachedInPlace(ctx: ModelContext, s: State, from: number, to: number): void {
  const { L } = ctx;
  for (let c = from; c < to; c++) {
    L.setDisk(s, c, 0);
    let f = L.pageFolio(s, Math.floor(c / L.C));
    if (f < 0) continue;
    f = ctx.kernel.beforeInPlaceChange(ctx, s, f);
    L.setFolioCell(s, f, cellInFolio(L, s, f, c), 0);
    markCellsDirty(L, s, f, c, c + 1);
  }
}

/**
 * O_DIRECT (iomap_dio_rw -> kiocb_invalidate_pages): every folio the range
 * touches is written back and leaves the page cache, a large one whole and
 * a pipe-held one too (invalidate_inode_pages2_range does not look at extra
 * references), then the data goes to disk: the pipe keeps the old data
 * (measured on 6.18: splice a page, direct-write over it, read the pipe).
 */
export function invalidateForDirectWrite(): DirectWriteMode {
  return 'invalidate';
}

/**
 * COLLAPSE_RANGE and INSERT_RANGE: write back and truncate the page cache
 * from the page holding the offset to EOF (ext4_collapse_range,
 * ext4_insert_range: filemap_write_and_wait_range, then
 * truncate_pagecache(inode, round_down(offset, PAGE_SIZE))); a pipe-held
 * large folio straddling that page is zeroed from there on and dropped.
 * A MAP_PRIVATE mapping's copies go with truncate_pagecache (even_cows) from
 * the offset's page on (measured: copies of pages 0, 1 and 3, collapse or
 * insert at page 1: ext4 keeps page 0's copy only). Measured on 6.18
 * (splice, then collapse or insert, then write and read the pipe).
 */
export function ext4BeforeShift(ctx: ModelContext, s: State, off: number): void {
  const page = Math.floor(off / ctx.L.C);
  invalidateForShift(ctx, s, page, 0, 0);
  dropPrivateCopiesFrom(ctx.L, s, page);
}

/** ext4 with 4 KiB blocks (1 KiB blocks: ext4-1k). */
function recogniseExt4(p: ProbedFacts) {
  if (p.fsType !== 'ext4' || p.blockSize === 1024) return undefined;
  if (p.blockSize !== null && p.blockSize !== PAGE_BYTES)
    return { ok: false as const, refuse: 'ext4 profiles exist for 4096- and 1024-byte blocks only' };
  return expectFacts(p, 'ext4', true, true);
}

export const EXT4 = defineFs({
  id: 'ext4',
  description: 'ext4 (large folios by write length, readahead, dirty large folios never split)',
  fsType: 'ext4',
  blockBytes: 4096,
  directWriteAlign: 512,
  fallocateModes: ['zero', 'collapse', 'insert'],
  largeFolios: true,
  pmdFolios: false,
  holesMatter: false,
  dirtyPerBlock: false,
  conform: { coldFiles: true, layouts: ['big', 'pages', 'mixed'] },
  recognise: recogniseExt4,
  unbuildableInitial: anyInitial,
  writeFolio: ext4WriteFolio,
  loadPage: readaheadMayLoadLarge,
  faultPage: faultMayLoadLarge,
  spliceReadPage: readaheadMayLoadLarge,
  spliceBufferSpan: 'page',
  spliceHoleFill: 'zero-page',
  evict: dropCleanOrder0,
  zeroUncachedPartialPage: zeroUncachedNotUptodate,
  invalidateBlocks: forgetInvalidatedDirt,
  partlyTruncatedLargeFolio: splitCleanDropPipeHeld,
  punch: punchToEofPage,
  zeroRange: zeroRangeEdgesPastEofFirst,
  extendPastEof: ext4ExtendPastEof,
  grow: zeroEofThenSplitAtGrownEof,
  beforeShrink: nothingFirst,
  directWriteMode: invalidateForDirectWrite,
  beforeRangeTruncate: nothingFirst,
  beforeCollapseChecks: nothingFirst,
  reflinkCells: neverReflink,
  beforeShift: ext4BeforeShift,
});
