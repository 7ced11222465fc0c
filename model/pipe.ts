/**
 * Pipe ring helpers shared by the operations and the kernel variants.
 */
import { B_CAN_MERGE, type Layout, type State } from './state.js';

/** What a pipe read let the reader see, and what the ghost says entered the pipe. */
export interface ReadObservation {
  readonly pipe: number;
  /** The cells the reader got, in order. */
  readonly observed: readonly number[];
  /** The cells those buffers held when they entered the pipe. */
  readonly expected: readonly number[];
}

export function freeSlots(L: Layout, s: State, pipe: number): number {
  return L.S - L.count(s, pipe);
}

/** What flags a new buffer gets: set exactly, or (Dirty Pipe) whatever the slot held before. */
export type FlagsPolicy = { readonly set: number } | 'keep-stale';

/**
 * Add a buffer at the head of `pipe` referencing `len` cells at `offset` of
 * page `page` of folio `f`; its ghost is what those cells hold now.
 * The caller has checked there is a free slot.
 */
export function pushBuffer(
  L: Layout,
  s: State,
  pipe: number,
  f: number,
  page: number,
  offset: number,
  len: number,
  flags: FlagsPolicy,
): number {
  const slot = L.headSlot(s, pipe);
  L.setSlot(s, pipe, slot, f, page, offset, len);
  if (flags !== 'keep-stale') L.setSlotFlags(s, pipe, slot, flags.set);
  for (let i = 0; i < len; i++) L.setSlotGhost(s, pipe, slot, i, L.folioCell(s, f, page * L.C + offset + i));
  L.addRef(s, f);
  L.setCount(s, pipe, L.count(s, pipe) + 1);
  return slot;
}

/**
 * A fresh private page (a pipe's own anonymous page) holding `cells` from
 * cell 0; pages enough for them where a buffer holds more than a page
 * (the spanningBuffers feature).
 */
export function privatePage(L: Layout, s: State, cells: readonly number[]): number {
  const f = L.allocFolio(s, Math.max(1, Math.ceil(cells.length / L.C)), 2 /* F_UPTODATE */, 0);
  for (let i = 0; i < cells.length; i++) L.setFolioCell(s, f, i, cells[i]!);
  return f;
}

/** The cells a buffer holds now (what a reader would get from it). */
export function bufferCells(L: Layout, s: State, pipe: number, slot: number): number[] {
  const f = L.slotFolio(s, pipe, slot);
  const base = L.slotPage(s, pipe, slot) * L.C + L.slotOffset(s, pipe, slot);
  const out: number[] = [];
  for (let i = 0; i < L.slotLen(s, pipe, slot); i++) out.push(L.folioCell(s, f, base + i));
  return out;
}

/**
 * Copy up to `len` cells out of `pipe`, oldest first, freeing the slots it
 * empties (their flags stay in the ring). Returns what the reader saw.
 */
export function readFromPipe(L: Layout, s: State, pipe: number, len: number): ReadObservation {
  const observed: number[] = [];
  const expected: number[] = [];
  let left = len;
  while (left > 0 && L.count(s, pipe) > 0) {
    const slot = L.tail(s, pipe);
    const f = L.slotFolio(s, pipe, slot);
    const off = L.slotOffset(s, pipe, slot);
    const blen = L.slotLen(s, pipe, slot);
    const base = L.slotPage(s, pipe, slot) * L.C + off;
    const take = Math.min(left, blen);
    for (let i = 0; i < take; i++) {
      observed.push(L.folioCell(s, f, base + i));
      expected.push(L.slotGhost(s, pipe, slot, i));
    }
    left -= take;
    if (take === blen) {
      L.clearSlot(s, pipe, slot);
      L.dropRef(s, f);
      L.setTail(s, pipe, (slot + 1) % L.S);
      L.setCount(s, pipe, L.count(s, pipe) - 1);
    } else {
      for (let i = 0; i < blen - take; i++) L.setSlotGhost(s, pipe, slot, i, L.slotGhost(s, pipe, slot, i + take));
      for (let i = blen - take; i < blen; i++) L.setSlotGhost(s, pipe, slot, i, 0);
      L.setSlotOffsetLen(s, pipe, slot, off + take, blen - take);
    }
  }
  return { pipe, observed, expected };
}

/**
 * pipe_write of `len` (at most a page) cells of value `value`: append to the
 * newest buffer if its slot has CAN_MERGE and the page has room (whatever
 * page that is), else fill a new slot with a fresh private page and set
 * CAN_MERGE. False when the pipe is full (O_NONBLOCK: EAGAIN).
 */
export function writeToPipe(L: Layout, s: State, pipe: number, cells: readonly number[]): boolean {
  const len = cells.length;
  const count = L.count(s, pipe);
  if (count > 0 && len < L.C) {
    const slot = (L.tail(s, pipe) + count - 1) % L.S;
    const off = L.slotOffset(s, pipe, slot);
    const blen = L.slotLen(s, pipe, slot);
    if (L.slotFlags(s, pipe, slot) & B_CAN_MERGE && off + blen + len <= L.C) {
      const f = L.slotFolio(s, pipe, slot);
      const base = L.slotPage(s, pipe, slot) * L.C + off + blen;
      for (let i = 0; i < len; i++) {
        L.setFolioCell(s, f, base + i, cells[i]!);
        L.setSlotGhost(s, pipe, slot, blen + i, cells[i]!);
      }
      L.setSlotOffsetLen(s, pipe, slot, off, blen + len);
      return true;
    }
  }
  if (freeSlots(L, s, pipe) === 0) return false;
  const f = privatePage(L, s, cells);
  pushBuffer(L, s, pipe, f, 0, 0, len, { set: B_CAN_MERGE });
  return true;
}
