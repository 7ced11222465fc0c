import { removeFromCache } from '../pagecache.js';
import { F_DIRTY, F_MAPPED } from '../state.js';
import { range0, type Operation } from './operation.js';

/**
 * posix_fadvise(DONTNEED) of `page`: drops the folio caching it only if it is
 * clean, unmapped and nothing else (no pipe buffer) references it. Linux
 * refuses otherwise, silently: the call succeeds and nothing changes.
 */
export const evict: Operation<'evict'> = {
  name: 'evict',
  summary: 'posix_fadvise(DONTNEED)',
  domain(b) {
    return range0(b.pages).map((page) => ({ op: 'evict' as const, page }));
  },
  apply(ctx, before, { page }) {
    const { L } = ctx;
    if (page < 0 || page >= L.P) return undefined;
    const s = before.slice();
    const f = L.pageFolio(s, page);
    if (f >= 0 && (L.folioFlags(s, f) & (F_DIRTY | F_MAPPED)) === 0 && L.folioRefs(s, f) === 0) {
      removeFromCache(L, s, f);
    }
    return { state: s };
  },
};
