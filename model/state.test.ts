import { describe, expect, it } from 'vitest';
import {
  B_CAN_MERGE,
  F_DIRTY,
  F_UPTODATE,
  FILE_UNLINKED,
  FOLIO_FIELD,
  featuresOf,
  Layout,
  PIPE_FIELD,
  SLOT_FIELD,
} from './state.js';

const L = new Layout({ pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1, depth: 1 }, 1);

/** The one byte that differs between two states, as an offset. */
function changed(a: Uint8Array, b: Uint8Array): number[] {
  return [...a.keys()].filter((i) => a[i] !== b[i]);
}

/** What `write` changes, as byte offsets: the accessors must write where the field tables say. */
function offsetsWritten(write: (s: Uint8Array) => void): number[] {
  const s = L.blank();
  const before = s.slice();
  write(s);
  return changed(before, s);
}

describe('the byte layout', () => {
  it('the pipe accessors write at the offsets PIPE_FIELD and SLOT_FIELD name', () => {
    const pipe = 1;
    const slot = 1;
    const p = L.pipeBase(pipe);
    const o = L.slotBase(pipe, slot);
    expect(o).toBe(p + PIPE_FIELD.slots + slot * L.slotSize);
    expect(offsetsWritten((s) => L.setTail(s, pipe, 1))).toEqual([p + PIPE_FIELD.tail]);
    expect(offsetsWritten((s) => L.setCount(s, pipe, 1))).toEqual([p + PIPE_FIELD.count]);
    expect(offsetsWritten((s) => L.setSlot(s, pipe, slot, 2, 3, 4, 5))).toEqual([
      o + SLOT_FIELD.folio,
      o + SLOT_FIELD.page,
      o + SLOT_FIELD.offset,
      o + SLOT_FIELD.len,
    ]);
    expect(offsetsWritten((s) => L.setSlotFlags(s, pipe, slot, B_CAN_MERGE))).toEqual([o + SLOT_FIELD.flags]);
    expect(offsetsWritten((s) => L.setSlotGhost(s, pipe, slot, 1, 7))).toEqual([o + SLOT_FIELD.ghost + 1]);
    const s = L.blank();
    L.setSlot(s, pipe, slot, 2, 3, 4, 5);
    expect([L.slotFolio(s, pipe, slot), L.slotPage(s, pipe, slot), L.slotOffset(s, pipe, slot)]).toEqual([2, 3, 4]);
    expect(L.slotLen(s, pipe, slot)).toBe(5);
  });

  it('the folio accessors write at the offsets FOLIO_FIELD names', () => {
    const f = 3;
    const b = L.folioBase(f);
    expect(offsetsWritten((s) => L.setFolioPages(s, f, 2))).toEqual([b + FOLIO_FIELD.pages]);
    expect(offsetsWritten((s) => L.setFolioFlags(s, f, F_UPTODATE))).toEqual([b + FOLIO_FIELD.flags]);
    expect(offsetsWritten((s) => L.setFolioIndex(s, f, 1))).toEqual([b + FOLIO_FIELD.index]);
    expect(offsetsWritten((s) => L.setFolioRefs(s, f, 1))).toEqual([b + FOLIO_FIELD.refs]);
    expect(offsetsWritten((s) => L.addRef(s, f))).toEqual([b + FOLIO_FIELD.refs]);
    expect(offsetsWritten((s) => L.setFolioDirtyPages(s, f, 2))).toEqual([
      b + FOLIO_FIELD.flags,
      b + FOLIO_FIELD.dirtyPages,
    ]);
    expect(offsetsWritten((s) => L.setFolioCell(s, f, 3, 1))).toEqual([b + FOLIO_FIELD.cells + 3]);
    expect(offsetsWritten((s) => L.fillFolioCells(s, f, 1, 2, 1))).toEqual([
      b + FOLIO_FIELD.cells + 1,
      b + FOLIO_FIELD.cells + 2,
    ]);
    const s = L.blank();
    const g = L.allocFolio(s, 2, F_DIRTY, 1);
    const at = L.folioBase(g);
    expect([s[at + FOLIO_FIELD.pages], s[at + FOLIO_FIELD.index], s[at + FOLIO_FIELD.dirtyPages]]).toEqual([2, 1, 3]);
    expect(L.folioFlags(s, g) & F_DIRTY).toBe(F_DIRTY);
    expect(L.folioSize).toBe(FOLIO_FIELD.cells + L.F * L.C);
    expect(L.slotSize).toBe(SLOT_FIELD.ghost + L.C);
  });
});

describe('layout features', () => {
  const b = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1, depth: 1 };
  it('a layout without features has no socket, no private copies and no file state, and reads their defaults', () => {
    const s = L.blank();
    expect(L.queues).toBe(2);
    expect([L.filePos(s), L.fileFlags(s), L.privateFolio(s, 0)]).toEqual([0, 0, -1]);
    expect(() => L.setFilePos(s, 1)).toThrow(/no file state/);
    expect(() => L.setPrivateFolio(s, 0, 1)).toThrow(/no private mapping/);
  });
  it('each feature adds its own bytes, and the accessors write only those', () => {
    const all = new Layout(b, 1, 0, featuresOf(['socket', 'privateMapping', 'fileState']));
    expect(all.queues).toBe(3);
    expect(all.NF).toBe(L.NF + all.S + all.P);
    expect(all.totalBytes - L.totalBytes).toBe(2 + all.P + all.pipeSize + (all.S + all.P) * all.folioSize);
    const s = all.blank();
    const before = s.slice();
    all.setFilePos(s, 3);
    all.setFileFlags(s, FILE_UNLINKED);
    all.setPrivateFolio(s, 1, 4);
    expect(changed(before, s)).toEqual([all.oFileState, all.oFileState + 1, all.oPrivateFolio + 1]);
    expect([all.filePos(s), all.unlinked(s), all.privateFolio(s, 1)]).toEqual([3, true, 4]);
    expect(all.oPrivateFolio).toBe(all.oUserFolio + all.U);
    expect(all.userRefs).toBe(all.U + all.P);
  });
});
