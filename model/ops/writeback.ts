import { writeBack } from '../pagecache.js';
import { copyState, F_DIRTY } from '../state.js';
import { filePage } from './args.js';
import { defineOperation } from './operation.js';

/**
 * Writeback of the folio caching `page` (sync_file_range / fdatasync): its
 * cells go to disk and it is clean. A clean or uncached page: nothing to do.
 */
export const writeback = defineOperation({
  name: 'writeback',
  summary: 'write a dirty folio back to disk',
  args: { page: filePage },
  conformWeight: 2,
  apply(ctx, before, { page }) {
    const { L } = ctx;
    if (page < 0 || page >= L.P) return undefined;
    const s = copyState(before);
    const f = L.pageFolio(s, page);
    if (f >= 0 && L.folioFlags(s, f) & F_DIRTY) writeBack(L, s, f);
    return { state: s };
  },
});
