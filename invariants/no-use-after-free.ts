import { F_IN_CACHE, F_PRIVATE, F_USER, FOLIO_FIELD, type Layout, type State } from '../model/state.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';

let scratch = new Uint8Array(0);

/**
 * No buffer references a freed folio, and every folio's reference count is
 * the number of pipe buffers that reference it (a count too low frees a folio
 * a buffer still uses; one too high leaks it).
 */
export const noUseAfterFree = defineInvariant({
  id: 'no-use-after-free',
  // --symmetry: value-relabelled states are judged alike; it reads folio references and counts only, no cell.
  valueSymmetric: true,
  // Reads the state after the step only (file cells, folios): judged once per state.
  judges: 'state',
  // --partial-order: per folio, its references and count change only by steps on its block or user page or on a
  // queue whose taint holds them.
  commutes: true,
  description: 'no pipe buffer references a freed folio; reference counts equal the references that exist',
  check({ after }) {
    const L = readerLayout(after);
    const s = readerBytes(after);
    return freedReference(L, s) ?? countMismatch(L, s) ?? freedCachePage(L, s);
  },
});

/**
 * A buffer (oldest first, pipe 0 then pipe 1) that references a freed folio;
 * else undefined, with the buffers referencing each folio counted in `scratch`
 * (one pass, as this runs on every step).
 */
function freedReference(L: Layout, s: State): string | undefined {
  if (scratch.length < L.NF) scratch = new Uint8Array(L.NF);
  const counted = scratch;
  // A loop, not fill(): the call costs more than clearing a few bytes.
  for (let f = 0; f < L.NF; f++) counted[f] = 0;
  for (let pipe = 0; pipe < L.queues; pipe++) {
    const count = L.count(s, pipe);
    const tail = L.tail(s, pipe);
    for (let i = 0; i < count; i++) {
      const slot = (tail + i) % L.S;
      const f = L.slotFolio(s, pipe, slot);
      if (f < 0 || L.folioPages(s, f) === 0) return `pipe ${pipe} slot ${slot} references a freed folio`;
      counted[f]!++;
    }
  }
  return undefined;
}

/** A live folio whose reference count is not what `freedReference` counted, or that nothing holds. */
function countMismatch(L: Layout, s: State): string | undefined {
  const counted = scratch;
  // Record by record, by byte offset (this runs on every step of the search).
  for (let f = 0, b = L.folioBase(0); f < L.NF; f++, b += L.folioSize) {
    if (s[b + FOLIO_FIELD.pages] === 0) continue; // a free record
    const refs = counted[f]!;
    if (s[b + FOLIO_FIELD.refs] !== refs) {
      return `folio ${f} counts ${L.folioRefs(s, f)} pipe references but ${refs} exist`;
    }
    if (refs === 0 && (s[b + FOLIO_FIELD.flags]! & (F_IN_CACHE | F_USER | F_PRIVATE)) === 0)
      return `folio ${f} is referenced by nothing but was not freed`;
  }
  return undefined;
}

/** A file page cached by a freed folio. */
function freedCachePage(L: Layout, s: State): string | undefined {
  for (let p = 0; p < L.P; p++) {
    const f = L.pageFolio(s, p);
    if (f >= 0 && L.folioPages(s, f) === 0) return `file page ${p} is cached by a freed folio`;
  }
  return undefined;
}
