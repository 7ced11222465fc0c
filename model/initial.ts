/**
 * Building a state from a scenario's `initial` section: the file's cells,
 * whether they are cached and in which folio sizes, and the user pages.
 */
import { createCachedFolio } from './pagecache.js';
import { F_PMD, F_UPTODATE, F_USER, type Layout, type State } from './state.js';
import { canonicalize } from './canonical.js';

export interface InitialContents {
  /** The file's cells; the length is the size. */
  readonly file: readonly number[];
  /** Whether the file starts in the page cache (clean), or only on disk. */
  readonly cached: boolean;
  /** Sizes in pages of the folios caching the file, in file order. */
  readonly folios: readonly number[];
  /** Each user page's cells. */
  readonly user: readonly (readonly number[])[];
}

/** Aligned folios of up to `folioPages` pages covering `pages` pages. */
export function defaultFolioSizes(pages: number, folioPages: number): number[] {
  const sizes: number[] = [];
  let p = 0;
  while (p < pages) {
    let n = folioPages;
    while (n > 1 && (p % n !== 0 || p + n > pages)) n >>= 1;
    sizes.push(n);
    p += n;
  }
  return sizes;
}

/**
 * The initial state. `pmdFolios`: a folio as large as the bounds allow at
 * page 0 is the PMD folio (F_PMD), as a write builds it (tmpfs huge=always).
 */
export function buildInitialState(L: Layout, init: InitialContents, pmdFolios = false): State {
  const s = L.blank();
  L.setSize(s, init.file.length);
  // The oracle builds the file with pwrite of every page it holds: each has blocks.
  L.setBlocks(s, 0, L.pagesInFile(init.file.length), true);
  init.file.forEach((v, i) => {
    L.setDisk(s, i, v);
    L.setLogical(s, i, v);
  });
  if (init.cached) {
    let page = 0;
    for (const pages of init.folios) {
      const f = createCachedFolio(L, s, page, pages);
      if (pmdFolios && pages === L.P && L.F === L.P) L.setFolioFlags(s, f, L.folioFlags(s, f) | F_PMD);
      page += pages;
    }
  }
  for (let u = 0; u < L.U; u++) {
    const f = L.allocFolio(s, 1, F_UPTODATE | F_USER, u);
    (init.user[u] ?? []).forEach((v, i) => L.setFolioCell(s, f, i, v));
    L.setUserFolio(s, u, f);
  }
  return canonicalize(L, s);
}
