import { F_IN_CACHE, F_USER, PIPES, type Layout, type State } from '../model/state.js';
import { defineInvariant } from './define.js';

let scratch = new Uint8Array(0);

/** Pipe buffers (in either pipe) referencing each folio, in a scratch array (this runs on every step). */
function referenceCounts(L: Layout, s: State): Uint8Array {
  if (scratch.length < L.NF) scratch = new Uint8Array(L.NF);
  const c = scratch;
  c.fill(0);
  for (let pipe = 0; pipe < PIPES; pipe++) {
    for (let i = 0; i < L.count(s, pipe); i++) {
      const f = L.slotFolio(s, pipe, L.slotAt(s, pipe, i));
      if (f >= 0) c[f]!++;
    }
  }
  return c;
}

/**
 * No buffer references a freed folio, and every folio's reference count is
 * the number of pipe buffers that reference it (a count too low frees a folio
 * a buffer still uses; one too high leaks it).
 */
export const noUseAfterFree = defineInvariant({
  id: 'no-use-after-free',
  description: 'no pipe buffer references a freed folio; reference counts equal the references that exist',
  check({ after }) {
    const L = after.layout;
    const s = after.bytes;
    for (let pipe = 0; pipe < PIPES; pipe++) {
      for (let i = 0; i < L.count(s, pipe); i++) {
        const slot = L.slotAt(s, pipe, i);
        const f = L.slotFolio(s, pipe, slot);
        if (f < 0 || L.folioPages(s, f) === 0) return `pipe ${pipe} slot ${slot} references a freed folio`;
      }
    }
    const counted = referenceCounts(L, s);
    for (let f = 0; f < L.NF; f++) {
      if (L.folioPages(s, f) === 0) continue;
      const refs = counted[f]!;
      if (L.folioRefs(s, f) !== refs) return `folio ${f} counts ${L.folioRefs(s, f)} pipe references but ${refs} exist`;
      if (refs === 0 && (L.folioFlags(s, f) & (F_IN_CACHE | F_USER)) === 0) return `folio ${f} is referenced by nothing but was not freed`;
    }
    for (let p = 0; p < L.P; p++) {
      const f = L.pageFolio(s, p);
      if (f >= 0 && L.folioPages(s, f) === 0) return `file page ${p} is cached by a freed folio`;
    }
    return undefined;
  },
});
