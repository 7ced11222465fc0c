/**
 * The page cache: reading the file through it, filling it, changing folios in
 * place, removing and splitting folios. Small functions shared by the
 * operations; each changes the state it is given (a copy the operation owns).
 */
import { choose, type ChoicePoint } from './choices.js';
import type { ModelContext } from './context.js';
import { ctz, log2floor, PAGE_BYTES } from './fs/units.js';
import type { LargeFolioFate } from './fs/profile.js';
import { ANY_MAPPING, F_DIRTY, F_IN_CACHE, F_MAPPED, F_PMD, F_UPTODATE, type Layout, type State } from './state.js';

/** The cell at file offset `off` as read() would return it (through the cache, else the disk). */
export function fileCell(L: Layout, s: State, off: number): number {
  const page = Math.floor(off / L.C);
  const f = L.pageFolio(s, page);
  if (f < 0) return L.disk(s, off);
  return L.folioCell(s, f, (page - L.folioIndex(s, f)) * L.C + (off % L.C));
}

/** The file's cells as read() returns them. */
export function fileContents(L: Layout, s: State): number[] {
  const out: number[] = [];
  const size = L.size(s);
  for (let off = 0; off < size; off++) out.push(fileCell(L, s, off));
  return out;
}

/** Index, within folio `f`, of the cell at file offset `off` (the folio must cache it). */
export function cellInFolio(L: Layout, s: State, f: number, off: number): number {
  return (Math.floor(off / L.C) - L.folioIndex(s, f)) * L.C + (off % L.C);
}

/** Put a new folio of `pages` pages at file page `first` into the cache, filled from disk. */
export function createCachedFolio(L: Layout, s: State, first: number, pages: number): number {
  const f = L.allocFolio(s, pages, F_UPTODATE | F_IN_CACHE, first);
  for (let i = 0; i < pages * L.C; i++) L.setFolioCell(s, f, i, L.disk(s, first * L.C + i));
  for (let p = first; p < first + pages; p++) L.setPageFolio(s, p, f);
  return f;
}

function anyCached(L: Layout, s: State, first: number, pages: number): boolean {
  for (let p = first; p < first + pages; p++) if (L.pageFolio(s, p) >= 0) return true;
  return false;
}

/**
 * The size in pages of the folio a write creates at uncached page
 * `floor(pos / C)`, with `cellsLeft` cells still to write from `pos`
 * (generic_perform_write and __filemap_get_folio, measured on ext4): order
 * floor(log2(bytes left)) - 12, capped by the page index's alignment and by
 * `folioPages`, lowered while it would cover a cached page or reach past
 * page `mappingEnd` (the end of the write's mapping: see extentEnd).
 */
export function byLengthFolioPages(
  ctx: ModelContext,
  s: State,
  pos: number,
  cellsLeft: number,
  mappingEnd: number,
): number {
  const { L } = ctx;
  const page = Math.floor(pos / L.C);
  if (L.F === 1) return 1;
  const bytes = cellsLeft * (PAGE_BYTES / L.C);
  let order = Math.max(0, log2floor(bytes) - 12);
  order = Math.min(order, log2floor(L.F));
  if (page > 0) order = Math.min(order, ctz(page));
  while (order > 0 && (page + (1 << order) > mappingEnd || anyCached(L, s, page, 1 << order))) order--;
  return (1 << order) >> choose(ctx, WRITE_FOLIO_ORDER, order + 1, { page, pages: 1 << order });
}

/** `folio of pages 2-3` or `page 2 alone` (an order-0 folio). */
function folioWords(page: number, pages: number): string {
  return pages === 1 ? `page ${page} alone` : `folio of pages ${page}-${page + pages - 1}`;
}

/**
 * A write's folio order (__filemap_get_folio with fgf_set_order(len)): the
 * allocation of a large folio may fail (__GFP_NORETRY, a memcg limit), and
 * the kernel then tries the next order down, to order 0. Option `i` is the
 * order `i` below the largest that fits.
 */
export const WRITE_FOLIO_ORDER: ChoicePoint = {
  id: 'write-folio-order',
  describe(index, count, { page, pages }) {
    const made = folioWords(page, pages >> index);
    if (count <= 1) return made;
    const others = index === 0 ? 'smaller folios' : index === count - 1 ? 'larger folios' : 'other sizes';
    return `${made} (the kernel may also make ${others} here: up to ${pages} pages, down to order 0)`;
  },
};

/**
 * The largest aligned folio around uncached page `page`, at most
 * `folioPages`, that covers no cached page (shmem_suitable_orders).
 */
export function largestFreeFolio(
  L: Layout,
  s: State,
  page: number,
): { readonly first: number; readonly pages: number } {
  for (let pages = 1 << log2floor(L.F); pages > 1; pages >>= 1) {
    const first = page - (page % pages);
    if (first + pages <= L.P && !anyCached(L, s, first, pages)) return { first, pages };
  }
  return { first: page, pages: 1 };
}

/** A write creates an order-0 folio for uncached page `floor(pos / C)`. */
export function createOrder0Folio(ctx: ModelContext, s: State, pos: number): number {
  return createCachedFolio(ctx.L, s, Math.floor(pos / ctx.L.C), 1);
}

/**
 * A write creates the largest aligned free folio around uncached page
 * `floor(pos / C)` (largestFreeFolio), whatever its length.
 */
export function createLargestFreeFolio(ctx: ModelContext, s: State, pos: number): number {
  const { L } = ctx;
  const page = Math.floor(pos / L.C);
  const largest = largestFreeFolio(L, s, page);
  const fallback =
    largest.pages > 1 && choose(ctx, HUGE_FOLIO_FALLBACK, 2, { page: largest.first, pages: largest.pages }) === 1;
  const { first, pages } = fallback ? { first: page, pages: 1 } : largest;
  const f = createCachedFolio(L, s, first, pages);
  // As large as the bounds allow, it is the PMD folio, which runs on past the model's pages.
  if (pages === L.P && L.F === L.P) L.setFolioFlags(s, f, L.folioFlags(s, f) | F_PMD);
  return f;
}

/**
 * tmpfs huge=always (shmem_alloc_and_add_folio): when the huge folio cannot
 * be allocated or charged, the write falls back to an order-0 folio.
 */
export const HUGE_FOLIO_FALLBACK: ChoicePoint = {
  id: 'huge-folio-fallback',
  describe(index, _count, { page, pages }) {
    return index === 0
      ? `${folioWords(page, pages)} (the kernel may also fall back to order 0 here)`
      : `${folioWords(page, 1)}: the huge folio could not be allocated (fallback to order 0)`;
  },
};

/**
 * The page after the run of pages from `page` on that are all blocks or all
 * holes: where xfs's write mapping for `page` ends (the existing extent, or
 * delalloc up to the next one). Without the layout's diskExtents feature, the
 * pages before EOF are taken for one extent and those after it for a hole.
 */
export function extentEnd(L: Layout, s: State, page: number): number {
  if (!L.tracksExtents) {
    const eofPage = L.pagesInFile(L.size(s));
    return page < eofPage ? eofPage : L.P;
  }
  const blocks = L.hasBlocks(s, page);
  let end = page + 1;
  while (end < L.P && L.hasBlocks(s, end) === blocks) end++;
  return end;
}

/** Whether file page `page` is a hole: no blocks, or (without diskExtents) an all-zero disk page. */
export function isHole(L: Layout, s: State, page: number): boolean {
  if (L.tracksExtents) return !L.hasBlocks(s, page);
  for (let i = 0; i < L.C; i++) if (L.disk(s, page * L.C + i) !== 0) return false;
  return true;
}

/**
 * Zeroing part of uncached page `page` through the page cache: an order-0
 * folio is created, the block read into it, the covered cells zeroed and the
 * folio dirtied. ext4 (__ext4_block_zero_page_range) does not mark it
 * uptodate (`uptodate` false: see model/fs/ext4.ts); iomap (xfs) and btrfs
 * read the block in first, so it is. A hole (unmapped block; see isHole) is
 * left alone: the folio stays clean.
 */
export function zeroUncachedPartialPage(
  ctx: ModelContext,
  s: State,
  page: number,
  start: number,
  end: number,
  uptodate: boolean,
): void {
  const { L } = ctx;
  const f = createCachedFolio(L, s, page, 1);
  if (!uptodate) L.setFolioFlags(s, f, L.folioFlags(s, f) & ~F_UPTODATE);
  if (isHole(L, s, page)) return;
  for (let off = Math.max(start, page * L.C); off < Math.min(end, (page + 1) * L.C); off++)
    L.setFolioCell(s, f, off - page * L.C, 0);
  markDirty(L, s, f);
}

/**
 * Whether file page `page` is surely backed by a hole: __ext4_block_zero_page_range
 * finds no block to zero and leaves the page alone (not dirtied). The model
 * has no block-allocation state; it takes an all-zero disk page for a hole
 * when the page is uncached (zeroUncachedPartialPage) or cached by a clean
 * folio a partial zeroing created and nobody read (not uptodate: over a
 * block with data it would have been dirtied). A clean, uptodate page of
 * zeroes may be either (a punched page read back, or zeroes written); the
 * model takes it for written data (oracle/FINDINGS.md section 12).
 */
function blockIsHole(L: Layout, s: State, page: number): boolean {
  if (L.tracksExtents) return !L.hasBlocks(s, page);
  const f = L.pageFolio(s, page);
  if (f >= 0 && (L.folioFlags(s, f) & F_UPTODATE) !== 0) return false;
  if (f >= 0 && (L.folioDirtyPages(s, f) >> (page - L.folioIndex(s, f))) & 1) return false;
  for (let i = 0; i < L.C; i++) if (L.disk(s, page * L.C + i) !== 0) return false;
  return true;
}

/** Zeroing part of cached page `page` dirties it, unless its block is a hole (measured on 6.18). */
export function markPartialPageDirty(L: Layout, s: State, page: number): void {
  // Where cells are whole blocks (cellDirty), zeroing cells zeroes no part of a block: nothing is dirtied.
  if (L.tracksCellDirty || blockIsHole(L, s, page)) return;
  const f = L.pageFolio(s, page);
  markPagesDirty(L, s, f, page, page);
}

/**
 * Before the size grows from `oldSize` (ext4, xfs, btrfs: see
 * model/fs/ext4.ts): the tail of the page holding the old EOF is zeroed
 * through the page cache; an uncached page gets a folio, `uptodate` or not
 * (see zeroUncachedPartialPage).
 */
export function zeroEofBlockTail(ctx: ModelContext, s: State, oldSize: number, uptodate: boolean): void {
  const { L } = ctx;
  if (oldSize % L.C === 0) return;
  const page = Math.floor(oldSize / L.C);
  const end = (page + 1) * L.C;
  const f = L.pageFolio(s, page);
  if (f < 0) {
    zeroUncachedPartialPage(ctx, s, page, oldSize, end, uptodate);
    return;
  }
  // The cells past EOF are zero already; the block is dirtied all the same: only
  // this page of a large folio (block_commit_write dirties the buffer; measured on
  // 6.18: a clean 2-page folio, EOF in page 1, grown, then page 1 punched -> clean,
  // splits), and not over a hole.
  markPartialPageDirty(L, s, page);
}

/**
 * xfs, before a shrink to `size` (FsProfile.beforeShrink in model/fs/xfs.ts):
 * xfs_setattr_size zeroes the new EOF block's tail through the page cache
 * (xfs_truncate_page -> iomap_zero_range) before truncate_setsize, so that
 * page is dirty (or read in, zeroed and dirty) when the page cache is
 * truncated: a large folio holding it then never splits or drops.
 */
export function zeroNewEofBlockTail(ctx: ModelContext, s: State, size: number): void {
  const { L } = ctx;
  if (size % L.C === 0) return;
  const page = Math.floor(size / L.C);
  if (L.pageFolio(s, page) < 0) {
    zeroUncachedPartialPage(ctx, s, page, size, (page + 1) * L.C, true);
    return;
  }
  markPartialPageDirty(L, s, page);
}

/** A cached folio that was never read (not uptodate) is read now: its cells are already right. */
export function makeUptodate(L: Layout, s: State, f: number): number {
  L.setFolioFlags(s, f, L.folioFlags(s, f) | F_UPTODATE);
  return f;
}

/** Cache every uncached page in [first, last] as an order-0 folio. */
function loadOrder0(L: Layout, s: State, first: number, last: number): void {
  for (let p = first; p <= last; p++) if (L.pageFolio(s, p) < 0) createCachedFolio(L, s, p, 1);
}

/** Make file page `page` cached for a read, splice or fault without readahead: only the page, order 0 (tmpfs). */
export function loadOrder0Page(ctx: ModelContext, s: State, page: number): number {
  const { L } = ctx;
  const cached = L.pageFolio(s, page);
  if (cached >= 0) return makeUptodate(L, s, cached);
  loadOrder0(L, s, page, page);
  return L.pageFolio(s, page);
}

/**
 * Make file page `page` cached for a read or splice whose request ends at
 * page `lastPage` (filemap_get_pages: the request, clipped by splice to the
 * pipe's free slots, is the readahead size `req`), with readahead (ext4,
 * xfs, btrfs). Cold loads are order 0 and
 * readahead skips pages that have a folio. A miss goes
 * through page_cache_sync_ra (mm/readahead.c, measured on 6.18 with the
 * disk's read_ahead_kb = 8192, so `get_init_ra_size` is 4 * req rounded up
 * to a power of two):
 *
 * - at page 0, or a `sequential` miss (the file's f_ra.prev_pos is on this
 *   page or the one before: filemap_splice_read sets it after every folio it
 *   splices, so every miss after the first page of one splice call is one),
 *   the initial window: 4 * roundup_pow_of_two(req) pages from `page`
 *   (measured: 1 page -> 4, 2 -> 8, 3 or 4 -> 16);
 * - else context readahead: with `contig` pages cached right before `page`
 *   (page_cache_prev_miss), only the request if contig <= req, else
 *   contig + req pages, contig doubled when the cache holds every page from
 *   0 on (measured: pages 0-1 cached, miss at 2 -> 2..6; pages 1-2 cached,
 *   miss at 3 -> 3..5; page 0 cached, miss at 1 -> 1).
 *
 * All clipped to EOF. A first miss of a call that f_ra.prev_pos makes
 * sequential (a previous splice ended on or just before it) is not modelled:
 * the model has no per-open-file state (oracle/FINDINGS.md section 12).
 */
export function readaheadLoadPage(
  ctx: ModelContext,
  s: State,
  page: number,
  lastPage: number,
  sequential: boolean,
): number {
  return readPage(ctx, s, page, lastPage, sequential, false);
}

/**
 * As readaheadLoadPage, where the mapping has large folios (ext4 and xfs
 * on 6.18, xfs on 6.1): the window is read in order-0 folios (option 0,
 * what a first, synchronous readahead was measured doing), or, a kernel
 * choice, in aligned folios of up to 2^k pages that cover only uncached
 * pages (page_cache_ra_order: an asynchronous readahead raises the order,
 * measured on 6.18: sequential 4-page splices make `1 1 1 1 4 4 4`; xfs on
 * 6.1 reads 4-page folios; oracle/FINDINGS.md 17.1 and 18). The model keeps
 * no per-file readahead state, so it allows the larger orders at any miss.
 */
export function readaheadMayLoadLarge(
  ctx: ModelContext,
  s: State,
  page: number,
  lastPage: number,
  sequential: boolean,
): number {
  return readPage(ctx, s, page, lastPage, sequential, true);
}

/**
 * The folio caching `page`, made uptodate if it was cached, else after the
 * readahead window from it was read in: in order-0 folios, or (`large`) in
 * folios of the order READAHEAD_FOLIO_ORDER chooses.
 */
function readPage(
  ctx: ModelContext,
  s: State,
  page: number,
  lastPage: number,
  sequential: boolean,
  large: boolean,
): number {
  const { L } = ctx;
  const cached = L.pageFolio(s, page);
  if (cached >= 0) return makeUptodate(L, s, cached);
  loadWindow(ctx, s, page, readaheadWindowEnd(L, s, page, lastPage, sequential), large);
  return L.pageFolio(s, page);
}

/** Cache the uncached pages of [first, last]: in order-0 folios, or (`large`) as loadWindowMayBeLarge. */
function loadWindow(ctx: ModelContext, s: State, first: number, last: number, large: boolean): void {
  if (large) loadWindowMayBeLarge(ctx, s, first, last);
  else loadOrder0(ctx.L, s, first, last);
}

/**
 * Cache the uncached pages of [first, last] in aligned folios of at most
 * 2^k pages, k the option taken at READAHEAD_FOLIO_ORDER (0: order 0).
 */
function loadWindowMayBeLarge(ctx: ModelContext, s: State, first: number, last: number): void {
  const { L } = ctx;
  const most = largestFreeOrderIn(L, s, first, last);
  const order = choose(ctx, READAHEAD_FOLIO_ORDER, most + 1, { page: first, pages: last - first + 1 });
  loadTiled(L, s, first, last, order);
}

/**
 * A readahead's folio order (page_cache_ra_order): option `k` reads the
 * window in aligned folios of at most 2^k pages (0: order 0, as measured
 * for a first miss).
 */
export const READAHEAD_FOLIO_ORDER: ChoicePoint = {
  id: 'readahead-folio-order',
  describe(index, count, { page, pages }) {
    const window = pages === 1 ? `page ${page}` : `pages ${page}-${page + pages - 1}`;
    const made = index === 0 ? 'in order-0 folios' : `in folios of up to ${1 << index} pages`;
    const others = count <= 1 ? '' : index === 0 ? ' (the kernel may also make larger folios here)' : '';
    return `readahead of ${window} ${made}${others}`;
  },
};

/** The largest order of an aligned block of uncached pages inside [first, last], at most log2(folioPages). */
function largestFreeOrderIn(L: Layout, s: State, first: number, last: number): number {
  for (let order = log2floor(L.F); order > 0; order--) {
    const n = 1 << order;
    for (let p = Math.ceil(first / n) * n; p + n - 1 <= last; p += n) if (!anyCached(L, s, p, n)) return order;
  }
  return 0;
}

/** Cache every uncached page in [first, last] in the largest aligned folios of at most 2^maxOrder pages. */
function loadTiled(L: Layout, s: State, first: number, last: number, maxOrder: number): void {
  for (let p = first; p <= last;) {
    if (L.pageFolio(s, p) >= 0) {
      p++;
      continue;
    }
    let order = p === 0 ? maxOrder : Math.min(maxOrder, ctz(p));
    while (order > 0 && (p + (1 << order) - 1 > last || anyCached(L, s, p, 1 << order))) order--;
    createCachedFolio(L, s, p, 1 << order);
    p += 1 << order;
  }
}

/** The last page readahead brings in for a miss at `page` (see readaheadLoadPage). */
function readaheadWindowEnd(L: Layout, s: State, page: number, lastPage: number, sequential: boolean): number {
  const eofPage = L.pagesInFile(L.size(s)) - 1;
  const req = Math.max(1, lastPage - page + 1);
  let window: number;
  if (page === 0 || sequential) {
    let pow2 = 1;
    while (pow2 < req) pow2 <<= 1;
    window = 4 * pow2;
  } else {
    let contig = 0;
    while (contig < page && L.pageFolio(s, page - 1 - contig) >= 0) contig++;
    if (contig <= req) window = req;
    else window = (contig === page ? 2 * contig : contig) + req;
  }
  return Math.max(page, Math.min(page + window - 1, eofPage));
}

/**
 * Make file page `page` cached for a fault through a mapping, with
 * readahead: read-around brings in the whole (small) file.
 */
export function faultWholeFile(ctx: ModelContext, s: State, page: number): number {
  return faultPage(ctx, s, page, false);
}

/**
 * As faultWholeFile, where the mapping has large folios: the read-around
 * is read in order-0 folios (option 0, measured on 6.18) or, the kernel
 * choice READAHEAD_FOLIO_ORDER, in larger aligned ones (do_sync_mmap_readahead
 * goes through page_cache_ra_order; measured on 6.1, xfs: a vmsplice of a
 * shared mapping's page 0, then a ZERO_RANGE of page 1, takes page 0 out of
 * the cache too: conform --vm 6.1, xfs, seed 84511).
 */
export function faultMayLoadLarge(ctx: ModelContext, s: State, page: number): number {
  return faultPage(ctx, s, page, true);
}

/** The folio caching `page`, made uptodate if it was cached, else after the whole file was read in (loadWindow). */
function faultPage(ctx: ModelContext, s: State, page: number, large: boolean): number {
  const { L } = ctx;
  const cached = L.pageFolio(s, page);
  if (cached >= 0) return makeUptodate(L, s, cached);
  loadWindow(ctx, s, 0, L.pagesInFile(L.size(s)) - 1, large);
  return L.pageFolio(s, page);
}

/** Take folio `f` out of the page cache (truncate, punch, steal, evict); a pipe reference keeps it alive. */
export function removeFromCache(L: Layout, s: State, f: number): void {
  const first = L.folioIndex(s, f);
  const pages = L.folioPages(s, f);
  for (let p = first; p < first + pages; p++) if (L.pageFolio(s, p) === f) L.setPageFolio(s, p, -1);
  L.setFolioFlags(s, f, L.folioFlags(s, f) & ~(F_IN_CACHE | ANY_MAPPING));
  L.setFolioDirtyPages(s, f, 0);
  L.setFolioIndex(s, f, 0);
  L.releaseIfUnused(s, f);
}

/**
 * Split a cached large folio so that file page `at` is a folio of its own,
 * the way the buddy allocator does (try_folio_split): halve the piece that
 * holds `at` until it is one page; the other halves stay whole. Returns the
 * folio now caching `at`. The caller checks that the split is allowed (no
 * pipe references: split_folio fails on extra references).
 */
export function splitFolioAt(L: Layout, s: State, f: number, at: number): number {
  let cur = f;
  while (L.folioPages(s, cur) > 1) {
    const first = L.folioIndex(s, cur);
    const half = L.folioPages(s, cur) >> 1;
    const flags = L.folioFlags(s, cur);
    const dirtyPages = L.folioDirtyPages(s, cur);
    // The upper half becomes a new folio; the lower half keeps the record.
    const upper = L.allocFolio(s, half, flags, first + half);
    for (let i = 0; i < half * L.C; i++) L.setFolioCell(s, upper, i, L.folioCell(s, cur, half * L.C + i));
    for (let i = half * L.C; i < 2 * half * L.C; i++) L.setFolioCell(s, cur, i, 0);
    if (L.tracksCellDirty) {
      const cells = L.folioDirtyCells(s, cur);
      const lowCells = half * L.C;
      L.setFolioDirtyCells(s, upper, cells >>> lowCells);
      L.setFolioDirtyCells(s, cur, cells & ((1 << lowCells) - 1));
    } else {
      L.setFolioDirtyPages(s, upper, dirtyPages >> half);
      L.setFolioDirtyPages(s, cur, dirtyPages & ((1 << half) - 1));
    }
    L.setFolioPages(s, cur, half);
    for (let p = first + half; p < first + 2 * half; p++) L.setPageFolio(s, p, upper);
    if (at >= first + half) cur = upper;
  }
  return cur;
}

/**
 * Split cached large folio `f` into order-0 folios, as split_folio does
 * before Linux 6.15 (split_huge_page_to_list: every page a folio of its
 * own; model/fs/linux-6.1.ts). The caller checks that the split is allowed.
 */
export function splitToPages(L: Layout, s: State, f: number): void {
  const first = L.folioIndex(s, f);
  const pages = L.folioPages(s, f);
  for (let p = first; p < first + pages; p++) splitFolioAt(L, s, L.pageFolio(s, p), p);
}

/** Write folio `f`'s cells to disk; it is clean. */
export function writeBack(L: Layout, s: State, f: number): void {
  const first = L.folioIndex(s, f);
  for (let i = 0; i < L.folioPages(s, f) * L.C; i++) L.setDisk(s, first * L.C + i, L.folioCell(s, f, i));
  L.setFolioDirtyPages(s, f, 0);
}

/** Mark the pages of large folio `f` that [zStart, zEnd) covers only in part dirty (not over a hole). */
function markPartialPagesDirtyIn(L: Layout, s: State, f: number, zStart: number, zEnd: number): void {
  if (zStart % L.C !== 0) markPartialPageDirty(L, s, Math.floor(zStart / L.C));
  if (zEnd % L.C !== 0) markPartialPageDirty(L, s, Math.floor(zEnd / L.C));
  if (zStart % L.C === 0 && zEnd % L.C === 0 && L.folioDirtyPages(s, f) === 0) markDirty(L, s, f);
}

/** Mark every page of folio `f` dirty. */
export function markDirty(L: Layout, s: State, f: number): void {
  L.setFolioDirtyPages(s, f, (1 << L.folioPages(s, f)) - 1);
}

/** Mark file pages [first, last] of cached folio `f` dirty. */
export function markPagesDirty(L: Layout, s: State, f: number, first: number, last: number): void {
  let mask = L.folioDirtyPages(s, f);
  const index = L.folioIndex(s, f);
  for (let p = first; p <= last; p++) mask |= 1 << (p - index);
  L.setFolioDirtyPages(s, f, mask);
}

/**
 * Mark file cells [from, to) of cached folio `f` dirty: the blocks written
 * (block_write_end). Without the layout's cellDirty feature, their pages.
 */
export function markCellsDirty(L: Layout, s: State, f: number, from: number, to: number): void {
  if (!L.tracksCellDirty) return markPagesDirty(L, s, f, Math.floor(from / L.C), Math.floor((to - 1) / L.C));
  const start = L.folioIndex(s, f) * L.C;
  let cells = L.folioDirtyCells(s, f);
  for (let c = from; c < to; c++) cells |= 1 << (c - start);
  L.setFolioDirtyCells(s, f, cells >>> 0);
}

/**
 * Invalidating whole blocks inside a large folio (a truncate or punch that
 * leaves the rest of the folio) forgets their dirty state: ext4's
 * block_invalidate_folio clears the buffers, so a folio whose only dirty
 * blocks went is clean and drops or splits as a clean one. Where a block is
 * a cell (ext4, 1 KiB blocks: the layout's cellDirty), the cells' own blocks
 * lose it. (iomap, xfs, keeps them: see model/fs/xfs.ts.)
 */
export function forgetInvalidatedDirt(L: Layout, s: State, f: number, zStart: number, zEnd: number): void {
  if (L.tracksCellDirty) return cleanCells(L, s, f, zStart, zEnd);
  const wholeFirst = Math.ceil(zStart / L.C);
  const wholeLast = Math.floor(zEnd / L.C) - 1;
  if (wholeFirst <= wholeLast) cleanPages(L, s, f, wholeFirst, wholeLast);
}

/**
 * A large folio a truncation covers in part splits when nothing else holds
 * it and it is clean; a clean one a pipe holds (it cannot split) leaves the
 * page cache; a dirty one stays whole (ext4, xfs: dirty large folios never
 * split, clean pipe-held ones are dropped after zeroing).
 */
export function splitCleanDropPipeHeld(L: Layout, s: State, f: number, dirty: boolean): LargeFolioFate {
  if (dirty) return 'keep';
  return L.folioRefs(s, f) === 0 ? 'split' : 'drop';
}

/**
 * A large folio a truncation covers in part splits when nothing else holds
 * it, dirty or not (no buffer heads: tmpfs, btrfs); one a pipe holds is
 * zeroed in place and stays whole.
 */
export function splitUnlessPipeHeld(L: Layout, s: State, f: number): LargeFolioFate {
  return L.folioRefs(s, f) === 0 ? 'split' : 'keep';
}

/** Discard the dirty state of file cells [from, to) of cached folio `f` (block_invalidate_folio); needs cellDirty. */
function cleanCells(L: Layout, s: State, f: number, from: number, to: number): void {
  const start = L.folioIndex(s, f) * L.C;
  let cells = L.folioDirtyCells(s, f);
  for (let c = from; c < to; c++) cells &= ~(1 << (c - start));
  L.setFolioDirtyCells(s, f, cells >>> 0);
}

/** Discard the dirty state of file pages [first, last] of cached folio `f` (block_invalidate_folio). */
function cleanPages(L: Layout, s: State, f: number, first: number, last: number): void {
  let mask = L.folioDirtyPages(s, f);
  const index = L.folioIndex(s, f);
  for (let p = first; p <= last; p++) mask &= ~(1 << (p - index));
  L.setFolioDirtyPages(s, f, mask);
}

/**
 * Zero file cells [start, end) the way truncate_inode_pages_range does:
 * folios wholly inside leave the page cache (a pipe reference keeps the old
 * folio and its old data); a folio partly inside has the covered cells zeroed
 * in place first; then a large one splits where it can (buddy split at the
 * first page of the range, then at the page holding its end) so that pieces
 * wholly inside leave too; one that cannot split because a pipe holds it is
 * dropped from the cache when clean (ext4). Disk pages wholly inside become
 * holes; disk cells of a partly covered, uncached page are zeroed.
 */
export function zeroFileRange(ctx: ModelContext, s: State, start: number, end: number, toEof = false): void {
  const { L } = ctx;
  if (toEof && start >= L.P * L.C) {
    // Past the model's pages, a truncate still covers part of a PMD folio: it splits there if it can,
    // and its piece over the model's pages is a real folio from then on (measured on 6.18, tmpfs huge=always:
    // ftruncate to the same size, then a punch of the page drops it from the cache).
    const f = L.pageFolio(s, 0);
    if (f >= 0 && L.folioFlags(s, f) & F_PMD && L.folioRefs(s, f) === 0)
      L.setFolioFlags(s, f, L.folioFlags(s, f) & ~F_PMD);
  }
  if (end <= start) return;
  // A PMD folio (F_PMD) is wholly inside only a range to the end of the file (`toEof`: a truncate).
  const whollyInside = (f: number, fStart: number, fEnd: number): boolean =>
    fStart >= start && fEnd <= end && (toEof || (L.folioFlags(s, f) & F_PMD) === 0);
  const firstPage = Math.floor(start / L.C);
  const lastPage = Math.floor((end - 1) / L.C);
  for (let p = firstPage; p <= lastPage; p++) {
    let f = L.pageFolio(s, p);
    if (f < 0) {
      const partial = p * L.C < start || (p + 1) * L.C > end;
      if (partial) ctx.fs.zeroUncachedPartialPage(ctx, s, p, start, end);
      continue;
    }
    const fFirst = L.folioIndex(s, f);
    const fPages = L.folioPages(s, f);
    const fStart = fFirst * L.C;
    const fEnd = fStart + fPages * L.C;
    p = fFirst + fPages - 1;
    if (whollyInside(f, fStart, fEnd)) continue; // wholly inside: removed below
    if (L.folioFlags(s, f) & F_PMD && L.folioRefs(s, f) === 0) {
      // It splits (as any large folio, at the range's edges): its pieces within the model's pages are
      // real folios from now on, and the model's whole folio is wholly inside a range that covers it.
      L.setFolioFlags(s, f, L.folioFlags(s, f) & ~F_PMD);
      if (whollyInside(f, fStart, fEnd)) continue;
    }
    f = ctx.kernel.beforeInPlaceChange(ctx, s, f);
    const zStart = Math.max(start, fStart);
    const zEnd = Math.min(end, fEnd);
    for (let off = zStart; off < zEnd; off++) L.setFolioCell(s, f, off - fStart, 0);
    // The blocks wholly inside the range may lose their dirty state (folio_invalidate,
    // FsProfile.invalidateBlocks): a folio whose only dirty pages were punched is then
    // clean, and splits or drops as a clean one does. A folio a user mapping maps stays
    // dirty (its page tables hold the dirty state; measured: mmap-store, splice, punch of
    // every dirty page keeps it).
    const mapped = (L.folioFlags(s, f) & F_MAPPED) !== 0;
    if (fPages > 1 && !mapped) ctx.fs.invalidateBlocks(L, s, f, zStart, zEnd);
    const dirty = (L.folioFlags(s, f) & F_DIRTY) !== 0;
    const fate = fPages === 1 ? 'keep' : ctx.fs.partlyTruncatedLargeFolio(L, s, f, dirty);
    const markPartialPagesDirty = (): void => {
      // The pages zeroed only in part are dirty now (their blocks were zeroed through the
      // cache), unless a page's block is a hole.
      if (zStart % L.C !== 0) markPartialPageDirty(L, s, Math.floor(zStart / L.C));
      if (zEnd % L.C !== 0) markPartialPageDirty(L, s, Math.floor(zEnd / L.C));
    };
    if (fPages === 1) {
      // Measured on 6.18: zeroing part of a not-uptodate folio over a hole leaves it clean.
      markPartialPageDirty(L, s, fFirst);
    } else if (fate === 'split') {
      splitFolioAt(L, s, f, Math.floor(zStart / L.C));
      const endPage = Math.floor(zEnd / L.C);
      if (endPage < fFirst + fPages) splitFolioAt(L, s, L.pageFolio(s, endPage), endPage);
      markPartialPagesDirty();
    } else if (fate === 'split-to-pages') {
      splitToPages(L, s, f);
      markPartialPagesDirty();
    } else if (fate === 'drop') {
      for (let off = zStart; off < zEnd; off++) L.setDisk(s, off, 0);
      removeFromCache(L, s, f);
      // The partial blocks at the edges are then zeroed through fresh order-0
      // folios, not uptodate (measured: a later write there gets order 0).
      for (let q = Math.floor(zStart / L.C); q <= Math.floor((zEnd - 1) / L.C); q++) {
        const partial = q * L.C < start || (q + 1) * L.C > end;
        if (partial && L.pageFolio(s, q) < 0) ctx.fs.zeroUncachedPartialPage(ctx, s, q, start, end);
      }
    } else {
      // It stays whole: the partial pages are dirty (a folio with nothing partial keeps its state).
      if (L.folioPages(s, f) === 1) markPartialPageDirty(L, s, L.folioIndex(s, f));
      else markPartialPagesDirtyIn(L, s, f, zStart, zEnd);
    }
  }
  // Folios wholly inside the range leave the cache.
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    const fStart = L.folioIndex(s, f) * L.C;
    const fEnd = fStart + L.folioPages(s, f) * L.C;
    if (whollyInside(f, fStart, fEnd)) removeFromCache(L, s, f);
  }
  // The disk: whole pages become holes; partial pages are zeroed where no folio caches them,
  // and where cells are whole blocks (cellDirty), their blocks are freed: holes.
  for (let off = start; off < end; off++) {
    const page = Math.floor(off / L.C);
    const whole = page * L.C >= start && (page + 1) * L.C <= end;
    if (whole || L.pageFolio(s, page) < 0 || L.tracksCellDirty) L.setDisk(s, off, 0);
  }
}

/**
 * ftruncate to a larger size: truncate_pagecache(inode, newsize) runs all the
 * same (ext4_setattr), after the tail of the old EOF block was zeroed
 * (zeroEofBlockTail). Only the page cache changes, and only for a cached large
 * folio that straddles the new EOF: its cells from there on are zero already
 * (past the old EOF), but truncate_inode_partial_folio splits it as for a
 * shrink when it is clean and unreferenced (measured on 6.18: a clean 4-page
 * folio on a 3-page file grown to 3.5 pages -> 2 1 1, all clean; grown to 4
 * pages -> 2 1 and page 3 leaves), or drops it when a pipe holds it
 * (FsProfile.partlyTruncatedLargeFolio). shmem_setattr does not call it: only
 * a shrink touches tmpfs's cache (measured on 6.18, tmpfs huge=always). Nothing is dirtied, no folio is created for an
 * uncached page, the disk does not change.
 */
export function splitAtGrownEof(ctx: ModelContext, s: State, size: number): void {
  const { L } = ctx;
  const page = Math.floor(size / L.C);
  if (page >= L.P) return;
  const f = L.pageFolio(s, page);
  if (f < 0 || L.folioPages(s, f) === 1) return;
  const fFirst = L.folioIndex(s, f);
  const fPages = L.folioPages(s, f);
  if (fFirst * L.C >= size) return; // wholly past EOF: cannot be cached (a shrink removed it)
  const fate = ctx.fs.partlyTruncatedLargeFolio(L, s, f, (L.folioFlags(s, f) & F_DIRTY) !== 0);
  if (fate === 'drop') removeFromCache(L, s, f);
  if (fate === 'split-to-pages') splitToPages(L, s, f);
  else if (fate === 'split') splitFolioAt(L, s, f, page);
  else return;
  // Pieces wholly past the new EOF leave the cache.
  for (let p = page; p < fFirst + fPages; p++) {
    const g = L.pageFolio(s, p);
    if (g >= 0 && L.folioIndex(s, g) * L.C >= size) removeFromCache(L, s, g);
  }
}

/** Write back every dirty folio caching a page in [firstPage, lastPage] (filemap_write_and_wait_range). */
export function writeBackPages(L: Layout, s: State, firstPage: number, lastPage: number): void {
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f >= 0 && L.folioDirtyPages(s, f) !== 0) writeBack(L, s, f);
  }
}

/**
 * Write back and take out of the page cache every folio caching a page in
 * [firstPage, lastPage], a large one whole and one a pipe holds too (the
 * pipe keeps it and its data): filemap_write_and_wait_range, then
 * invalidate_inode_pages2_range, as an O_DIRECT write does before it writes
 * (kiocb_invalidate_pages; it unmaps a mapped folio first).
 */
export function writeBackAndInvalidate(L: Layout, s: State, firstPage: number, lastPage: number): void {
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    if (L.folioDirtyPages(s, f) !== 0) writeBack(L, s, f);
    removeFromCache(L, s, f);
  }
}

/**
 * The page cache and disk before fallocate(COLLAPSE_RANGE or INSERT_RANGE)
 * shifts the extents (see FsProfile.beforeShift): every dirty folio caching a
 * page from `startPage` on is written back, so the disk holds what shifts;
 * then the page cache from that page to the end is truncated as
 * truncate_pagecache does (zeroFileRange: a pipe-held large folio straddling
 * the page is zeroed from there on and, being clean, dropped; the pipe keeps
 * the rest). Cells [firstFrom, firstTo) are truncated alone before (xfs's
 * collapse: a pipe-held large folio is zeroed only there; empty: nothing).
 * The disk is left as written back (the caller shifts it).
 */
export function invalidateForShift(
  ctx: ModelContext,
  s: State,
  startPage: number,
  firstFrom: number,
  firstTo: number,
): void {
  const { L } = ctx;
  writeBackPages(L, s, startPage, L.P - 1);
  const disk: number[] = [];
  for (let c = 0; c < L.P * L.C; c++) disk.push(L.disk(s, c));
  if (firstTo > firstFrom) zeroFileRange(ctx, s, firstFrom, firstTo);
  zeroFileRange(ctx, s, startPage * L.C, L.P * L.C);
  for (let c = 0; c < L.P * L.C; c++) L.setDisk(s, c, disk[c]!);
}
