import { punchDroppingTouchedPages, zeroFileRange } from '../pagecache.js';
import type { ModelContext } from '../context.js';
import { copyState, type Layout, type State } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(PUNCH_HOLE | KEEP_SIZE, off, len): folios wholly inside the range
 * leave the page cache (a pipe reference keeps the old folio alive with its
 * old data); a folio only partly inside has the covered cells zeroed in
 * place. The size does not change; the part past EOF is a no-op.
 */
export const fallocatePunch = defineOperation({
  name: 'fallocate-punch',
  summary: 'fallocate(PUNCH_HOLE|KEEP_SIZE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 3,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const s = copyState(before);
    const size = L.size(s);
    if (ctx.fs.punchSkipsHoles) {
      punchSkippingHoles(ctx, s, off, len);
      for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
      return { state: s };
    }
    // Whole blocks inside the range are freed: they are holes from now on.
    L.setBlocks(s, Math.ceil(off / L.C), Math.floor((off + len) / L.C), false);
    // ext4 and shmem zero up to the end of the page holding EOF, no further;
    // ext4 does nothing from EOF on, and extends a range that runs past EOF to
    // that page's end (ext4_punch_hole).
    const eofPageEnd = L.pagesInFile(size) * L.C;
    if (ctx.fs.punchDropsTouchedPages) {
      // xfs: every page the range touches is written back and dropped first, even past EOF
      // (xfs_flush_unmap_range rounds the unclipped range out to pages: a large folio that
      // straddles EOF goes whole; measured on 6.18, conform seed 31).
      punchDroppingTouchedPages(ctx, s, off, len);
      for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
      return { state: s };
    }
    if (ctx.fs.punchExtendsToEofPage && off >= size) return { state: s };
    const end = ctx.fs.punchExtendsToEofPage && off + len > size ? eofPageEnd : Math.min(off + len, eofPageEnd);
    zeroFileRange(ctx, s, off, end);
    for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
    return { state: s };
  },
});

/**
 * btrfs_punch_hole over pages that may be holes (measured on 6.18, btrfs:
 * conform seeds 1 and 3): it starts at the range's first page with blocks
 * and does nothing at all when there is none; it zeroes the part of the
 * first page in the range (when inside the rounded-up size); unless it
 * moved, it then skips the holes from the first whole page on again (none
 * left: done); it zeroes the front of the last page up to the range's end
 * when that page has blocks and the end is inside the size; and only the
 * whole pages from there to the range's end leave the page cache. A hole
 * it skipped keeps whatever the page cache holds for it.
 */
function punchSkippingHoles(ctx: ModelContext, s: State, off: number, len: number): void {
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
