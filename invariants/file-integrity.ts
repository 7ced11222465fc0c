import { fileCell } from '../model/pagecache.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';

/**
 * A file's contents change only by operations on that file: what read()
 * returns is what POSIX says the file holds (nothing done to a pipe changes
 * a file; stealing never loses file data).
 */
export const fileIntegrity = defineInvariant({
  id: 'file-integrity',
  // --symmetry: value-relabelled states are judged alike; it compares each cell read with the cell the file logically
  // holds.
  valueSymmetric: true,
  // Reads the state after the step only (file cells, folios): judged once per state.
  judges: 'state',
  // --partial-order: a cell reads wrong only after a step that touched that cell's block (or the size) made it so,
  // and that step is judged first on every order of the steps.
  commutes: true,
  description: 'the file reads as POSIX says it must: only operations on the file change it',
  check({ after }) {
    const L = readerLayout(after);
    const s = readerBytes(after);
    const size = L.size(s);
    // Page by page (this runs on every step of the search).
    for (let page = 0; page * L.C < size; page++) {
      const f = L.pageFolio(s, page);
      const end = Math.min(size, (page + 1) * L.C);
      for (let off = page * L.C; off < end; off++) {
        const got = f < 0 ? L.disk(s, off) : L.folioCell(s, f, (page - L.folioIndex(s, f)) * L.C + (off - page * L.C));
        if (got !== L.logical(s, off)) {
          const holds = L.logical(s, off);
          return `file cell ${off} reads ${fileCell(L, s, off)}, but the file's operations say it holds ${holds}`;
        }
      }
    }
    return undefined;
  },
});
