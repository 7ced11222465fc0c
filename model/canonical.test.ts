import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical.js';
import { B_CAN_MERGE, F_DIRTY, F_IN_CACHE, F_USER, F_UPTODATE, Layout, type State } from './state.js';
import { viewState } from './view.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 4 };
const L = new Layout(bounds);

type Part = 'page0' | 'page1' | 'user' | 'private';

/**
 * The same logical state, its folios allocated in `order`: file page 0 [1, 2]
 * (dirty), page 1 [2, 1], a user page [1, 1], a private pipe page [2, 0]
 * referenced by two pipe-0 slots and page 1's folio referenced by pipe 1.
 */
function build(order: readonly Part[]): State {
  const s = L.blank();
  L.setSize(s, 4);
  [1, 2, 2, 1].forEach((v, i) => {
    L.setDisk(s, i, v);
    L.setLogical(s, i, v);
  });
  const ids = {} as Record<Part, number>;
  for (const part of order) {
    switch (part) {
      case 'page0':
        ids.page0 = L.allocFolio(s, 1, F_UPTODATE | F_IN_CACHE | F_DIRTY, 0);
        L.setFolioCell(s, ids.page0, 0, 1);
        L.setFolioCell(s, ids.page0, 1, 2);
        L.setPageFolio(s, 0, ids.page0);
        break;
      case 'page1':
        ids.page1 = L.allocFolio(s, 1, F_UPTODATE | F_IN_CACHE, 1);
        L.setFolioCell(s, ids.page1, 0, 2);
        L.setFolioCell(s, ids.page1, 1, 1);
        L.setPageFolio(s, 1, ids.page1);
        break;
      case 'user':
        ids.user = L.allocFolio(s, 1, F_UPTODATE | F_USER, 0);
        L.setFolioCell(s, ids.user, 0, 1);
        L.setFolioCell(s, ids.user, 1, 1);
        L.setUserFolio(s, 0, ids.user);
        break;
      case 'private':
        ids.private = L.allocFolio(s, 1, F_UPTODATE, 0);
        L.setFolioCell(s, ids.private, 0, 2);
        break;
    }
  }
  // pipe 0: two buffers on the private page (cell 0, then cell 1); pipe 1: page 1's folio
  L.setSlot(s, 0, 0, ids.private, 0, 0, 1);
  L.setSlotFlags(s, 0, 0, B_CAN_MERGE);
  L.setSlotGhost(s, 0, 0, 0, 2);
  L.addRef(s, ids.private);
  L.setSlot(s, 0, 1, ids.private, 0, 1, 1);
  L.addRef(s, ids.private);
  L.setCount(s, 0, 2);
  L.setSlot(s, 1, 0, ids.page1, 0, 0, 2);
  L.setSlotGhost(s, 1, 0, 0, 2);
  L.setSlotGhost(s, 1, 0, 1, 1);
  L.addRef(s, ids.page1);
  L.setCount(s, 1, 1);
  return s;
}

const identity = (s: State) => Array.from(s.subarray(0, L.identityBytes));

describe('canonicalize', () => {
  it('two states that differ only in folio numbering encode to the same bytes', () => {
    const a = build(['page0', 'page1', 'user', 'private']);
    const b = build(['private', 'user', 'page1', 'page0']);
    expect(identity(a)).not.toEqual(identity(b));
    // same logical content before canonicalization (the view ignores numbering except ids)
    const strip = (s: State) => {
      const v = viewState(L, s);
      return {
        file: v.file,
        folios: v.folios
          .map(({ id: _id, ...rest }) => rest)
          .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      };
    };
    expect(strip(a)).toEqual(strip(b));
    canonicalize(L, a);
    canonicalize(L, b);
    expect(identity(a)).toEqual(identity(b));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('numbers folios by first reference: file pages, then user pages, then pipe slots', () => {
    const s = canonicalize(L, build(['private', 'user', 'page1', 'page0']));
    expect(L.pageFolio(s, 0)).toBe(0);
    expect(L.pageFolio(s, 1)).toBe(1);
    expect(L.userFolio(s, 0)).toBe(2);
    expect(L.slotFolio(s, 0, 0)).toBe(3);
    expect(L.slotFolio(s, 0, 1)).toBe(3);
    expect(L.slotFolio(s, 1, 0)).toBe(1);
    expect(L.folioRefs(s, 3)).toBe(2);
    expect(L.folioRefs(s, 1)).toBe(1);
    expect(L.folioCell(s, 0, 1)).toBe(2);
    expect(L.folioFlags(s, 0) & F_DIRTY).toBe(F_DIRTY);
    // records past the live ones are free (all zero)
    for (let f = 4; f < L.NF; f++) expect(L.folioPages(s, f)).toBe(0);
  });

  it('is idempotent, and already-canonical states are left as they are', () => {
    const s = canonicalize(L, build(['user', 'page0', 'private', 'page1']));
    const again = canonicalize(L, s.slice());
    expect(Array.from(again)).toEqual(Array.from(s));
    const inOrder = build(['page0', 'page1', 'user', 'private']);
    const copy = inOrder.slice();
    canonicalize(L, copy);
    expect(Array.from(copy)).toEqual(Array.from(inOrder));
  });

  it('a state whose live folios sit after a free record compacts to the same bytes', () => {
    const a = build(['page0', 'page1', 'user', 'private']);
    const rest = build(['page0', 'page1', 'user', 'private']);
    // move every record one along (record 0 left free) and repoint every reference
    const shifted = rest.slice();
    shifted.fill(0, L.oFolios, L.identityBytes);
    for (let f = 0; f < L.NF - 1; f++) {
      const from = L.folioBase(f);
      shifted.set(rest.subarray(from, from + L.folioSize), L.folioBase(f + 1));
    }
    for (let p = 0; p < L.P; p++) L.setPageFolio(shifted, p, L.pageFolio(rest, p) + 1);
    L.setUserFolio(shifted, 0, L.userFolio(rest, 0) + 1);
    for (const [pipe, slot] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ] as const)
      shifted[L.slotBase(pipe, slot)] = rest[L.slotBase(pipe, slot)]! + 1;
    expect(L.folioPages(shifted, 0)).toBe(0);
    expect(identity(shifted)).not.toEqual(identity(a));
    canonicalize(L, a);
    canonicalize(L, shifted);
    expect(identity(shifted)).toEqual(identity(a));
  });

  it('every allocation order gives the same bytes, whichever records move and whichever stay', () => {
    const parts: Part[] = ['page0', 'page1', 'user', 'private'];
    const orders = (rest: readonly Part[]): Part[][] =>
      rest.length === 0 ? [[]] : rest.flatMap((p) => orders(rest.filter((q) => q !== p)).map((o) => [p, ...o]));
    const expected = Array.from(build(parts));
    const all = orders(parts);
    expect(all).toHaveLength(24);
    for (const order of all) expect(Array.from(canonicalize(L, build(order))), order.join(' ')).toEqual(expected);
  });

  it('states with different contents stay different', () => {
    const a = canonicalize(L, build(['page0', 'page1', 'user', 'private']));
    const b = build(['private', 'user', 'page1', 'page0']);
    L.setFolioCell(b, L.userFolio(b, 0), 1, 2);
    canonicalize(L, b);
    expect(identity(a)).not.toEqual(identity(b));
  });
});
