/**
 * The page cache: reading the file through it, filling it, changing folios in
 * place, removing and splitting folios. Small functions shared by the
 * operations; each changes the state it is given (a copy the operation owns).
 */
import type { ModelContext } from './context.js';
import { ctz, log2floor, PAGE_BYTES } from './folio-policy.js';
import { F_DIRTY, F_IN_CACHE, F_MAPPED, F_UPTODATE, type Layout, type State } from './state.js';

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
 * The order of the folio a write creates at uncached page `page`, with
 * `cellsLeft` cells still to write from `pos` (see FolioPolicy `by-length`).
 */
export function writeFolioPages(ctx: ModelContext, s: State, pos: number, cellsLeft: number): number {
  const { L } = ctx;
  const page = Math.floor(pos / L.C);
  if (ctx.folios.write === 'order-0' || L.F === 1) return 1;
  // generic_perform_write: a chunk is at most the largest folio, aligned.
  const chunkCells = L.F * L.C;
  const inChunk = Math.min(chunkCells - (pos % chunkCells), cellsLeft);
  const bytes = inChunk * (PAGE_BYTES / L.C);
  let order = Math.max(0, log2floor(bytes) - 12);
  order = Math.min(order, log2floor(L.F));
  if (page & ((1 << order) - 1)) order = Math.min(order, ctz(page));
  while (order > 0 && (page + (1 << order) > L.P || anyCached(L, s, page, 1 << order))) order--;
  return 1 << order;
}

/** Make file page `page` cached for a read, splice or fault, creating a folio per the load policy. */
export function loadPage(ctx: ModelContext, s: State, page: number): number {
  const { L } = ctx;
  const cached = L.pageFolio(s, page);
  if (cached >= 0) return cached;
  if (ctx.folios.load === 'order-0' || L.F === 1) return createCachedFolio(L, s, page, 1);
  const eofPages = L.pagesInFile(L.size(s));
  let order = log2floor(L.F);
  for (; order > 0; order--) {
    const first = page & ~((1 << order) - 1);
    if (first + (1 << order) <= eofPages && !anyCached(L, s, first, 1 << order)) {
      return createCachedFolio(L, s, first, 1 << order);
    }
  }
  return createCachedFolio(L, s, page, 1);
}

/** Take folio `f` out of the page cache (truncate, punch, steal, evict); a pipe reference keeps it alive. */
export function removeFromCache(L: Layout, s: State, f: number): void {
  const first = L.folioIndex(s, f);
  const pages = L.folioPages(s, f);
  for (let p = first; p < first + pages; p++) if (L.pageFolio(s, p) === f) L.setPageFolio(s, p, -1);
  L.setFolioFlags(s, f, L.folioFlags(s, f) & ~(F_IN_CACHE | F_MAPPED | F_DIRTY));
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
    // The upper half becomes a new folio; the lower half keeps the record.
    const upper = L.allocFolio(s, half, flags, first + half);
    for (let i = 0; i < half * L.C; i++) L.setFolioCell(s, upper, i, L.folioCell(s, cur, half * L.C + i));
    for (let i = half * L.C; i < 2 * half * L.C; i++) L.setFolioCell(s, cur, i, 0);
    s[L.folioBase(cur)] = half;
    for (let p = first + half; p < first + 2 * half; p++) L.setPageFolio(s, p, upper);
    if (at >= first + half) cur = upper;
  }
  return cur;
}

/** Mark folio `f` dirty. */
export function markDirty(L: Layout, s: State, f: number): void {
  L.setFolioFlags(s, f, L.folioFlags(s, f) | F_DIRTY);
}

/**
 * Zero file cells [start, end) the way truncate_inode_pages_range does:
 * folios wholly inside leave the page cache (a pipe reference keeps the old
 * folio and its old data); a folio partly inside has the covered cells zeroed
 * in place, then, if it is large and nothing but the cache holds it, is split
 * so that the pages wholly inside can leave too. Disk pages wholly inside
 * become holes; disk cells of a partly covered, uncached page are zeroed.
 */
export function zeroFileRange(ctx: ModelContext, s: State, start: number, end: number): void {
  const { L } = ctx;
  if (end <= start) return;
  const firstPage = Math.floor(start / L.C);
  const lastPage = Math.floor((end - 1) / L.C);
  // Partly covered folios: zero in place, then split where allowed.
  for (let p = firstPage; p <= lastPage; p++) {
    let f = L.pageFolio(s, p);
    if (f < 0) continue;
    const fStart = L.folioIndex(s, f) * L.C;
    const fEnd = fStart + L.folioPages(s, f) * L.C;
    if (fStart >= start && fEnd <= end) continue; // wholly inside: removed below
    f = ctx.kernel.beforeInPlaceChange(ctx, s, f);
    for (let off = Math.max(start, fStart); off < Math.min(end, fEnd); off++) {
      L.setFolioCell(s, f, off - fStart, 0);
    }
    markDirty(L, s, f);
    if (L.folioPages(s, f) > 1 && L.folioRefs(s, f) === 0) {
      // Split at the first page the range touches in this folio, then at the
      // page just past the range, so pages wholly inside become their own folios.
      const firstIn = Math.max(Math.ceil(start / L.C), fStart / L.C);
      const lastIn = Math.min(Math.floor(end / L.C), fEnd / L.C) - 1;
      if (firstIn <= lastIn) {
        splitFolioAt(L, s, f, firstIn);
        if (lastIn + 1 < fEnd / L.C) splitFolioAt(L, s, L.pageFolio(s, lastIn + 1), lastIn + 1);
      }
    }
    p = fEnd / L.C - 1;
  }
  // Folios wholly inside the range leave the cache.
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    const fStart = L.folioIndex(s, f) * L.C;
    const fEnd = fStart + L.folioPages(s, f) * L.C;
    if (fStart >= start && fEnd <= end) removeFromCache(L, s, f);
  }
  // The disk: whole pages become holes; partial pages are zeroed where no folio caches them.
  for (let off = start; off < end; off++) {
    const page = Math.floor(off / L.C);
    const whole = page * L.C >= start && (page + 1) * L.C <= end;
    if (whole || L.pageFolio(s, page) < 0) L.setDisk(s, off, 0);
  }
}
