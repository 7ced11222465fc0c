/**
 * Canonical encoding: folios are renumbered in order of first reference
 * (file pages, then user pages, then the slots of pipe 0 and pipe 1, in ring
 * array order), so two states that differ only in how folios are numbered
 * are the same bytes. Records of freed folios are all zero.
 */
import { SLOT_FIELD, type Layout, type State } from './state.js';

/** Scratch space for the layout last canonicalized (a search uses one layout throughout). */
let scratchLayout: Layout | undefined;
let map = new Uint8Array(0);
/** inverse[new] = old + 1: where the folio numbered `new` was. */
let inverse = new Uint8Array(0);
let table = new Uint8Array(0);

function scratchFor(L: Layout): void {
  if (scratchLayout === L) return;
  scratchLayout = L;
  map = new Uint8Array(L.NF);
  inverse = new Uint8Array(L.NF);
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
  if (inFirstReferenceOrder(L, s)) return s;
  return renumber(L, s);
}

/**
 * Whether the folios are already numbered in order of first reference (the
 * common case: a step that moved a reference rarely reorders them). Then the
 * first references read 1, 2, 3, ... (as folio + 1), so a reference is new
 * exactly when it is above the highest seen so far: one pass over the
 * reference bytes, no map to clear or fill.
 */
function inFirstReferenceOrder(L: Layout, s: State): boolean {
  const { oPageFolio, oUserFolio, P, userRefs, S, slotSize, pipeSize } = L;
  let seen = 0;
  for (let o = oPageFolio; o < oPageFolio + P; o++) {
    seen = seenAfter(s[o]!, seen);
    if (seen < 0) return false;
  }
  for (let o = oUserFolio; o < oUserFolio + userRefs; o++) {
    seen = seenAfter(s[o]!, seen);
    if (seen < 0) return false;
  }
  const oSlots = L.slotBase(0, 0) + SLOT_FIELD.folio;
  for (let pipe = 0; pipe < L.queues; pipe++) {
    const first = oSlots + pipe * pipeSize;
    for (let o = first; o < first + S * slotSize; o += slotSize) {
      seen = seenAfter(s[o]!, seen);
      if (seen < 0) return false;
    }
  }
  return true;
}

/** The highest reference seen after reference `v` (folio + 1, 0: none), or -1 if `v` is new but out of order. */
function seenAfter(v: number, seen: number): number {
  return v <= seen ? seen : v === seen + 1 ? v : -1;
}

/** Renumber the folios of `s` in order of first reference, moving their records; returns `s`. */
function renumber(L: Layout, s: State): State {
  scratchFor(L);
  const m = map;
  const { oPageFolio, oUserFolio, P, userRefs, S, slotSize, pipeSize, NF } = L;
  // The folio-reference byte of slot 0 of pipe 0; the next slot's is `slotSize` bytes on.
  const oSlots = L.slotBase(0, 0) + SLOT_FIELD.folio;
  // m[old] = new + 1 (0: not yet seen)
  for (let old = 0; old < NF; old++) m[old] = 0;
  let next = 0;
  for (let o = oPageFolio; o < oPageFolio + P; o++) next = see(m, s[o]!, next);
  for (let o = oUserFolio; o < oUserFolio + userRefs; o++) next = see(m, s[o]!, next);
  for (let pipe = 0; pipe < L.queues; pipe++) {
    const first = oSlots + pipe * pipeSize;
    for (let o = first; o < first + S * slotSize; o += slotSize) next = see(m, s[o]!, next);
  }
  moveRecords(L, s, m, next);
  for (let o = oPageFolio; o < oPageFolio + P; o++) s[o] = renumbered(m, s[o]!);
  for (let o = oUserFolio; o < oUserFolio + userRefs; o++) s[o] = renumbered(m, s[o]!);
  for (let pipe = 0; pipe < L.queues; pipe++) {
    const first = oSlots + pipe * pipeSize;
    for (let o = first; o < first + S * slotSize; o += slotSize) s[o] = renumbered(m, s[o]!);
  }
  return s;
}

/**
 * Put each of the `count` folios numbered in `m` (m[old] = new + 1) at its
 * new record and clear the records after them. Only the records that move
 * are copied (out to scratch, then back): a step that reorders the folios
 * mostly moves one or two, and the others stay where they are.
 */
function moveRecords(L: Layout, s: State, m: Uint8Array, count: number): void {
  const { oFolios, folioSize, NF } = L;
  const t = table;
  const inv = inverse;
  for (let j = 0; j < NF; j++) inv[j] = 0;
  for (let old = 0; old < NF; old++) {
    const to = m[old]! - 1;
    if (to < 0) continue;
    inv[to] = old + 1;
    if (to === old) continue;
    const from = oFolios + old * folioSize;
    for (let i = 0; i < folioSize; i++) t[to * folioSize + i] = s[from + i]!;
  }
  for (let j = 0; j < count; j++) {
    if (inv[j] === j + 1) continue;
    const at = oFolios + j * folioSize;
    for (let i = 0; i < folioSize; i++) s[at + i] = t[j * folioSize + i]!;
  }
  // Freed records and the records the live folios moved away from.
  for (let i = oFolios + count * folioSize; i < oFolios + NF * folioSize; i++) s[i] = 0;
}
