import { writeBack } from '../pagecache.js';
import { copyState, F_DIRTY } from '../state.js';
import { range0, type Operation } from './operation.js';

/**
 * Writeback of the folio caching `page` (sync_file_range / fdatasync): its
 * cells go to disk and it is clean. A clean or uncached page: nothing to do.
 */
export const writeback: Operation<'writeback'> = {
  name: 'writeback',
  summary: 'write a dirty folio back to disk',
  domain(b) {
    return range0(b.pages).map((page) => ({ op: 'writeback' as const, page }));
  },
  apply(ctx, before, { page }) {
    const { L } = ctx;
    if (page < 0 || page >= L.P) return undefined;
    const s = copyState(before);
    const f = L.pageFolio(s, page);
    if (f >= 0 && L.folioFlags(s, f) & F_DIRTY) writeBack(L, s, f);
    return { state: s };
  },
};
