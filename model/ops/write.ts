import { cellInFolio, makeUptodate, markCellsDirty } from '../pagecache.js';
import type { ModelContext } from '../context.js';
import { copyState, type State } from '../state.js';
import { dataValue, fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * pwrite(off, len, value): copy into the cached folios, creating (and filling
 * from disk) the folios of uncached pages first; marks them dirty; may extend
 * the file.
 */
export const write = defineOperation({
  name: 'write',
  summary: 'pwrite() into the page cache',
  args: { off: fileOffset, len: fileLength, value: dataValue },
  enumerate: ['value', 'off', 'len'],
  conformWeight: 3,
  cellsMoved: ({ step }) => step.len,
  apply(ctx, before, { off, len, value }) {
    const { L } = ctx;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const s = copyState(before);
    bufferedWrite(ctx, s, off, len, value);
    return { state: s };
  },
});

/**
 * The buffered write's path through the page cache (generic_perform_write),
 * in the state `s` the caller owns: cells [off, off + len) get `value`, or,
 * given a function, `value(pos)` read just before cell `pos` is written,
 * from the first cell on (splice-out: its source is a pipe buffer that may
 * be the folio being written, and the kernel's forward memcpy reads what it
 * wrote a cell earlier). Creates the folios of uncached pages first (filled
 * from disk), marks the pages written dirty, may extend the file.
 */
export function bufferedWrite(
  ctx: ModelContext,
  s: State,
  off: number,
  len: number,
  value: number | ((pos: number) => number),
): void {
  const { L } = ctx;
  let pos = off;
  const end = off + len;
  // A write that starts on a page past the partial EOF page grows the file over that page's tail.
  if (Math.floor(off / L.C) > Math.floor(L.size(s) / L.C)) ctx.fs.extendPastEof(ctx, s, L.size(s));
  while (pos < end) {
    const page = Math.floor(pos / L.C);
    let f = L.pageFolio(s, page);
    if (f < 0) f = ctx.fs.writeFolio(ctx, s, pos, end - pos);
    f = ctx.kernel.beforeInPlaceChange(ctx, s, f);
    const folioEnd = (L.folioIndex(s, f) + L.folioPages(s, f)) * L.C;
    const stop = Math.min(end, folioEnd);
    const from = pos;
    if (typeof value === 'number') {
      // Cells of a folio are contiguous, and so are the ghost's (this is the search's hottest step).
      L.fillFolioCells(s, f, cellInFolio(L, s, f, pos), stop - pos, value);
      L.fillLogical(s, pos, stop, value);
    } else {
      const base = cellInFolio(L, s, f, pos);
      for (let i = 0; i < stop - pos; i++) {
        const v = value(pos + i);
        L.setFolioCell(s, f, base + i, v);
        L.setLogical(s, pos + i, v);
      }
    }
    pos = stop;
    // block_write_end dirties the blocks written, not the whole folio.
    markCellsDirty(L, s, f, from, stop);
    // A folio a partial zeroing left not uptodate is complete after the write (block_write_end).
    makeUptodate(L, s, f);
  }
  if (end > L.size(s)) L.setSize(s, end);
}
