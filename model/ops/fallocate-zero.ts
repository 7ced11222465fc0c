import { PAGE_BYTES } from '../folio-policy.js';
import { cellInFolio, markCellsDirty, punchDroppingTouchedPages, zeroFileRange } from '../pagecache.js';
import type { ModelContext } from '../context.js';
import { copyState, type State } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(ZERO_RANGE, off, len): the page cache is treated much as a
 * punch of the same range treats it (measured on 6.18 with a spliced file: ext4 and
 * btrfs drop the folios wholly inside and zero the partial ones in place, so
 * the pipe sees zeroes there; xfs zeroes and drops every folio the range
 * touches), and the range reads as zeroes; without KEEP_SIZE a range past
 * EOF grows the file to its end. A file system without ZERO_RANGE (tmpfs)
 * fails the call with EOPNOTSUPP.
 */
export const fallocateZero = defineOperation({
  name: 'fallocate-zero',
  summary: 'fallocate(ZERO_RANGE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const s = copyState(before);
    if (!ctx.fs.fallocateModes.includes('zero')) return { state: s, failed: 'EOPNOTSUPP' };
    const size = L.size(s);
    if (ctx.fs.punchDropsTouchedPages) {
      punchDroppingTouchedPages(ctx, s, off, len);
    } else {
      if (ctx.fs.zeroRangeEdgePastEofFirst) zeroEdgesPastEof(ctx, s, off, off + len, size);
      // Unlike a punch, ext4 does not round a range past EOF out to the EOF page: a page
      // only partly inside is zeroed in place (measured on 6.18: conform, ext4, seed 2).
      const [from, to] = ctx.fs.zeroRangeRoundsHolesOut ? roundHoleEdgesOut(ctx, s, off, off + len) : [off, off + len];
      zeroFileRange(ctx, s, from, Math.min(to, L.pagesInFile(size) * L.C));
    }
    for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
    if (off + len > size) L.setSize(s, off + len);
    // The range is allocated (unwritten or preallocated extents, and the partial blocks zeroed).
    L.setBlocks(s, Math.floor(off / L.C), Math.ceil((off + len) / L.C), true);
    return { state: s };
  },
});

/**
 * [from, to) with each partial edge page that is a hole widened to the
 * whole page (FsProfile.zeroRangeRoundsHolesOut; a block is a page there).
 */
function roundHoleEdgesOut(ctx: ModelContext, s: State, from: number, to: number): [number, number] {
  const { L } = ctx;
  const start = from % L.C !== 0 && !L.hasBlocks(s, Math.floor(from / L.C)) ? from - (from % L.C) : from;
  const end = to % L.C !== 0 && !L.hasBlocks(s, Math.floor(to / L.C)) ? to - (to % L.C) + L.C : to;
  return [start, end];
}

/**
 * The range's partial edge blocks that reach past EOF (`size`), zeroed in
 * place through the page cache before the page cache is truncated
 * (FsProfile.zeroRangeEdgePastEofFirst): the start edge `[from, its block's
 * end)` and the end edge `[its block's start, to)`. A block is a page or
 * less; where a cell holds whole blocks there is no partial edge.
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
