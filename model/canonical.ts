/**
 * Canonical encoding: folios are renumbered in order of first reference
 * (file pages, then user pages, then the slots of pipe 0 and pipe 1, in ring
 * array order), so two states that differ only in how folios are numbered
 * are the same bytes. Records of freed folios are all zero.
 */
import { PIPES, SLOT_FIELD, type Layout, type State } from './state.js';

/** Scratch space for the layout last canonicalized (a search uses one layout throughout). */
let scratchLayout: Layout | undefined;
let map = new Uint8Array(0);
let table = new Uint8Array(0);

function scratchFor(L: Layout): void {
  if (scratchLayout === L) return;
  scratchLayout = L;
  map = new Uint8Array(L.NF);
  table = new Uint8Array(L.NF * L.folioSize);
}

/** Number folio reference `v` (folio + 1, 0: none) in `map` if it is the first to it; returns the new count. */
function see(map: Uint8Array, v: number, next: number): number {
  if (v !== 0 && map[v - 1] === 0) map[v - 1] = ++next;
  return next;
}

/** Replace folio reference `v` (folio + 1, 0: none) by its number in `map`. */
function renumbered(map: Uint8Array, v: number): number {
  return v === 0 ? 0 : map[v - 1]!;
}

/**
 * Renumber the folios of `s` in place; returns `s`. Allocates nothing (hot
 * path of the search: most steps that move a folio reference end here), and
 * copies with byte loops rather than fill/set/subarray, whose call overhead
 * dominates on ranges this short.
 */
export function canonicalize(L: Layout, s: State): State {
  scratchFor(L);
  const m = map;
  const { oPageFolio, oUserFolio, oFolios, P, U, S, slotSize, pipeSize, folioSize, NF } = L;
  // The folio-reference byte of slot 0 of pipe 0; the next slot's is `slotSize` bytes on.
  const oSlots = L.slotBase(0, 0) + SLOT_FIELD.folio;
  // m[old] = new + 1 (0: not yet seen)
  for (let old = 0; old < NF; old++) m[old] = 0;
  let next = 0;
  for (let o = oPageFolio; o < oPageFolio + P; o++) next = see(m, s[o]!, next);
  for (let o = oUserFolio; o < oUserFolio + U; o++) next = see(m, s[o]!, next);
  for (let pipe = 0; pipe < PIPES; pipe++) {
    const first = oSlots + pipe * pipeSize;
    for (let o = first; o < first + S * slotSize; o += slotSize) next = see(m, s[o]!, next);
  }
  // Already canonical when every folio seen keeps its number (the common case).
  let identity = true;
  for (let old = 0; old < NF; old++) {
    if (m[old] !== 0 && m[old] !== old + 1) {
      identity = false;
      break;
    }
  }
  if (identity) return s;
  const t = table;
  const size = NF * folioSize;
  for (let i = 0; i < size; i++) t[i] = 0;
  for (let old = 0; old < NF; old++) {
    if (m[old] === 0) continue;
    const from = oFolios + old * folioSize;
    const to = (m[old]! - 1) * folioSize;
    for (let i = 0; i < folioSize; i++) t[to + i] = s[from + i]!;
  }
  for (let i = 0; i < size; i++) s[oFolios + i] = t[i]!;
  for (let o = oPageFolio; o < oPageFolio + P; o++) s[o] = renumbered(m, s[o]!);
  for (let o = oUserFolio; o < oUserFolio + U; o++) s[o] = renumbered(m, s[o]!);
  for (let pipe = 0; pipe < PIPES; pipe++) {
    const first = oSlots + pipe * pipeSize;
    for (let o = first; o < first + S * slotSize; o += slotSize) s[o] = renumbered(m, s[o]!);
  }
  return s;
}
