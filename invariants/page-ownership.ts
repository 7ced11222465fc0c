import { ANY_MAPPING, F_IN_CACHE, F_PRIVATE, F_USER } from '../model/state.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';

/** Howells' design goal: a folio in a pipe belongs to pipes alone (not in a page cache, mapped or user memory). */
export const pageOwnership = defineInvariant({
  id: 'page-ownership',
  // --symmetry: value-relabelled states are judged alike; it reads folio flags only, no cell.
  valueSymmetric: true,
  // Reads the state after the step only (file cells, folios): judged once per state.
  judges: 'state',
  // --partial-order: a queued buffer and the flags of the folio it references change only by steps whose footprint
  // holds the queue (with its taint) or the folio's block or user page, which the queue's taint holds.
  commutes: true,
  description: 'a folio in a pipe belongs to the pipe alone: not in the page cache, not mapped, not user memory',
  check({ after }) {
    const L = readerLayout(after);
    const s = readerBytes(after);
    for (let pipe = 0; pipe < L.queues; pipe++) {
      for (let i = 0; i < L.count(s, pipe); i++) {
        const slot = L.slotAt(s, pipe, i);
        const f = L.slotFolio(s, pipe, slot);
        const flags = L.folioFlags(s, f);
        if (flags & F_IN_CACHE)
          return `pipe ${pipe} holds a folio that is also in the page cache (file page ${L.folioIndex(s, f)})`;
        if (flags & F_USER)
          return `pipe ${pipe} holds a folio that is also the process's user page ${L.folioIndex(s, f)}`;
        if (flags & F_PRIVATE)
          return `pipe ${pipe} holds a folio that is the process's private copy of file page ${L.folioIndex(s, f)}`;
        if (flags & ANY_MAPPING) return `pipe ${pipe} holds a folio that a user mapping maps`;
      }
    }
    return undefined;
  },
});
