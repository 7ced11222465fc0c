/**
 * Canonical encoding: folios are renumbered in order of first reference
 * (file pages, then user pages, then the slots of pipe 0 and pipe 1, in ring
 * array order), so two states that differ only in how folios are numbered
 * are the same bytes. Records of freed folios are all zero.
 */
import { PIPES, type Layout, type State } from './state.js';

/** Renumber the folios of `s` in place; returns `s`. */
export function canonicalize(L: Layout, s: State, scratch?: Uint8Array): State {
  const NF = L.NF;
  // map[old] = new + 1 (0: not yet seen)
  const map = new Uint8Array(NF);
  let next = 0;
  let identity = true;
  const see = (old: number): void => {
    if (old < 0 || map[old] !== 0) return;
    map[old] = ++next;
    if (old !== next - 1) identity = false;
  };
  for (let p = 0; p < L.P; p++) see(L.pageFolio(s, p));
  for (let u = 0; u < L.U; u++) see(L.userFolio(s, u));
  for (let pipe = 0; pipe < PIPES; pipe++) for (let slot = 0; slot < L.S; slot++) see(L.slotFolio(s, pipe, slot));
  if (identity) {
    // Already in order; records past `next` must be free (they are, unless a bug leaked one).
    return s;
  }
  const table = scratch && scratch.length >= NF * L.folioSize ? scratch : new Uint8Array(NF * L.folioSize);
  table.fill(0, 0, NF * L.folioSize);
  for (let old = 0; old < NF; old++) {
    const m = map[old]!;
    if (m === 0) continue;
    const from = L.folioBase(old);
    table.set(s.subarray(from, from + L.folioSize), (m - 1) * L.folioSize);
  }
  s.set(table.subarray(0, NF * L.folioSize), L.oFolios);
  for (let p = 0; p < L.P; p++) {
    const o = L.oPageFolio + p;
    if (s[o] !== 0) s[o] = map[s[o]! - 1]!;
  }
  for (let u = 0; u < L.U; u++) {
    const o = L.oUserFolio + u;
    if (s[o] !== 0) s[o] = map[s[o]! - 1]!;
  }
  for (let pipe = 0; pipe < PIPES; pipe++) {
    for (let slot = 0; slot < L.S; slot++) {
      const o = L.slotBase(pipe, slot);
      if (s[o] !== 0) s[o] = map[s[o]! - 1]!;
    }
  }
  return s;
}
