/**
 * Canonical encoding: folios are renumbered in order of first reference
 * (file pages, then user pages, then the slots of pipe 0 and pipe 1, in ring
 * array order), so two states that differ only in how folios are numbered
 * are the same bytes. Records of freed folios are all zero.
 */
import { PIPES, type Layout, type State } from './state.js';

const scratchMaps = new WeakMap<Layout, { map: Uint8Array; table: Uint8Array }>();

function scratchFor(L: Layout): { map: Uint8Array; table: Uint8Array } {
  let sc = scratchMaps.get(L);
  if (!sc) {
    sc = { map: new Uint8Array(L.NF), table: new Uint8Array(L.NF * L.folioSize) };
    scratchMaps.set(L, sc);
  }
  return sc;
}

/** Renumber the folios of `s` in place; returns `s`. Allocates nothing (hot path of the search). */
export function canonicalize(L: Layout, s: State): State {
  const { map, table } = scratchFor(L);
  // map[old] = new + 1 (0: not yet seen)
  map.fill(0);
  let next = 0;
  let identity = true;
  const refs = [L.oPageFolio, L.P, L.oUserFolio, L.U];
  for (let r = 0; r < refs.length; r += 2) {
    const base = refs[r]!;
    for (let i = 0; i < refs[r + 1]!; i++) {
      const v = s[base + i]!;
      if (v !== 0 && map[v - 1] === 0) {
        map[v - 1] = ++next;
        if (v !== next) identity = false;
      }
    }
  }
  for (let pipe = 0; pipe < PIPES; pipe++) {
    for (let slot = 0; slot < L.S; slot++) {
      const v = s[L.slotBase(pipe, slot)]!;
      if (v !== 0 && map[v - 1] === 0) {
        map[v - 1] = ++next;
        if (v !== next) identity = false;
      }
    }
  }
  if (identity) return s;
  const size = L.NF * L.folioSize;
  table.fill(0);
  for (let old = 0; old < L.NF; old++) {
    const m = map[old]!;
    if (m === 0) continue;
    const from = L.folioBase(old);
    table.set(s.subarray(from, from + L.folioSize), (m - 1) * L.folioSize);
  }
  s.set(table.subarray(0, size), L.oFolios);
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
