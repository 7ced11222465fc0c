import { cellInFolio, markDirty } from '../pagecache.js';
import { copyState, F_MAPPED, F_MAPPED_READ } from '../state.js';
import { dataValue, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * A store of `value` through a MAP_SHARED mapping at `off`: faults the page
 * in, changes the folio in place, leaves it mapped and dirty. Beyond EOF the
 * store raises SIGBUS: not a step.
 */
export const mmapStore = defineOperation({
  name: 'mmap-store',
  summary: 'store through a MAP_SHARED mapping',
  args: { off: fileOffset, value: dataValue },
  enumerate: ['value', 'off'],
  conformWeight: 2,
  cellsMoved: () => 1,
  apply(ctx, before, { off, value }) {
    const { L } = ctx;
    if (off < 0 || off >= L.size(before)) return undefined;
    const s = copyState(before);
    let f = ctx.fs.faultPage(ctx, s, Math.floor(off / L.C));
    f = ctx.kernel.beforeInPlaceChange(ctx, s, f);
    L.setFolioCell(s, f, cellInFolio(L, s, f, off), value);
    L.setFolioFlags(s, f, (L.folioFlags(s, f) | F_MAPPED) & ~F_MAPPED_READ);
    markDirty(L, s, f);
    L.setLogical(s, off, value);
    return { state: s };
  },
});
