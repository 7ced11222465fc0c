/**
 * The building blocks the kernel variants are made of: ways to put file data,
 * user pages and teed buffers into a pipe (by reference, by stealing, by
 * copying) and ways to change a folio in place (in place, or copy on write).
 * Each changes the state it is given.
 */
import type { ModelContext } from '../context.js';
import { removeFromCache } from '../pagecache.js';
import { freeSlots, privatePage, pushBuffer, readFromPipe, writeToPipe, type FlagsPolicy } from '../pipe.js';
import type { MemorySource } from '../ops/args.js';
import { memoryCells, memoryPage } from '../user-memory.js';
import {
  ANY_MAPPING,
  B_CAN_MERGE,
  B_GIFT,
  B_LRU,
  F_DIRTY,
  F_IN_CACHE,
  F_PRIVATE,
  F_USER,
  F_UPTODATE,
  SOCKET,
  type State,
} from '../state.js';

const MAIN = 0;
const SECOND = 1;

/**
 * Zero copy: buffers referencing the page-cache folios, at the head of
 * `queue` (pipe 0, or the socket for sendfile): one per page touched, or on
 * a profile whose splices make a buffer per folio (`spliceBufferSpan`), one
 * per folio touched. A hole the profile puts in as zeros (tmpfs) is the zero
 * page per page, or zeros packed into fresh pages (`spliceHoleFill`). The
 * socket's queue takes a buffer per page part either way.
 */
export function spliceByReference(
  ctx: ModelContext,
  s: State,
  off: number,
  len: number,
  flags: FlagsPolicy,
  queue: number,
): number {
  const { L, fs } = ctx;
  // A stream socket has no slots: its queue is counted in the parts of pages sendfile sent (the
  // oracle's accounting of it), whatever buffers the task's internal pipe held on the way.
  const span = queue === SOCKET ? 'page' : fs.spliceBufferSpan;
  const fill = queue === SOCKET ? 'zero-page' : fs.spliceHoleFill;
  let pos = off;
  // The read is asked for at most a page per free slot (filemap_splice_read; 6.1: do_splice_to).
  const end = Math.min(off + len, off + Math.max(1, freeSlots(L, s, queue)) * L.C);
  const lastPage = Math.floor((end - 1) / L.C);
  // The buffer of zeros the last hole went into, while this splice may append to it (6.1).
  let zeros = -1;
  while (pos < end) {
    const page = Math.floor(pos / L.C);
    const pageEnd = Math.min(end, (page + 1) * L.C);
    // Room for another buffer, or in the buffer of zeros the last hole went into.
    if (zeros < 0 && freeSlots(L, s, queue) === 0) break;
    // After the first page of the call f_ra.prev_pos is where this splice got to: a miss is sequential.
    const f = fs.spliceReadPage(ctx, s, page, lastPage, pos > off);
    if (f < 0) {
      const filled = spliceZeros(L, s, queue, pos, pageEnd - pos, flags, fill, zeros);
      pos += filled.cells;
      zeros = filled.slot;
      if (pos < pageEnd) break;
      continue;
    }
    if (freeSlots(L, s, queue) === 0) break;
    zeros = -1;
    const folioEnd = (L.folioIndex(s, f) + L.folioPages(s, f)) * L.C;
    const stop = span === 'folio' ? Math.min(end, folioEnd) : pageEnd;
    pushBuffer(L, s, queue, f, page - L.folioIndex(s, f), pos % L.C, stop - pos, flags);
    pos = stop;
  }
  return pos - off;
}

/**
 * Zeros for cells `pos` .. `pos + n` of a hole: the zero page at the page's
 * offset (splice_zeropage_into_pipe), or appended to `zeros` (the slot of
 * the last buffer of zeros this splice made, -1: none) while its page has
 * room and then fresh pages from offset 0 (6.1's iov_iter_zero). Returns the
 * cells put in (fewer when the queue filled) and the slot to append to next.
 */
function spliceZeros(
  L: ModelContext['L'],
  s: State,
  queue: number,
  pos: number,
  n: number,
  flags: FlagsPolicy,
  fill: 'zero-page' | 'anonymous-pages',
  zeros: number,
): { readonly cells: number; readonly slot: number } {
  if (fill === 'zero-page') {
    if (freeSlots(L, s, queue) === 0) return { cells: 0, slot: -1 };
    pushBuffer(L, s, queue, privatePage(L, s, []), 0, pos % L.C, n, flags);
    return { cells: n, slot: -1 };
  }
  let done = 0;
  let slot = zeros;
  while (done < n) {
    if (slot >= 0) {
      const used = L.slotOffset(s, queue, slot) + L.slotLen(s, queue, slot);
      const take = Math.min(L.C - used, n - done);
      for (let i = 0; i < take; i++) L.setSlotGhost(s, queue, slot, L.slotLen(s, queue, slot) + i, 0);
      L.setSlotOffsetLen(s, queue, slot, L.slotOffset(s, queue, slot), L.slotLen(s, queue, slot) + take);
      done += take;
      if (used + take < L.C) continue;
      slot = -1;
      continue;
    }
    if (freeSlots(L, s, queue) === 0) break;
    const take = Math.min(L.C, n - done);
    slot = pushBuffer(L, s, queue, privatePage(L, s, []), 0, 0, take, flags);
    done += take;
  }
  return { cells: done, slot };
}

/** Whether nobody but the page cache uses the folio: clean, unmapped, no pipe references. */
export function stealable(ctx: ModelContext, s: State, f: number): boolean {
  const { L } = ctx;
  const flags = L.folioFlags(s, f);
  return (flags & F_IN_CACHE) !== 0 && (flags & (F_DIRTY | ANY_MAPPING)) === 0 && L.folioRefs(s, f) === 0;
}

/**
 * Howells' RFC: steal each folio the range touches if nobody else uses it
 * (it leaves the page cache; the disk still has the data), else copy the
 * spliced part of each page into a private page.
 */
export function spliceStealOrCopy(ctx: ModelContext, s: State, off: number, len: number, queue: number): number {
  const { L } = ctx;
  let pos = off;
  const end = off + len;
  while (pos < end && freeSlots(L, s, queue) > 0) {
    const missed = Math.floor(pos / L.C);
    const f = ctx.fs.loadPage(ctx, s, missed, missed, false);
    const first = L.folioIndex(s, f);
    const folioEnd = Math.min(end, (first + L.folioPages(s, f)) * L.C);
    const steal = stealable(ctx, s, f);
    while (pos < folioEnd && freeSlots(L, s, queue) > 0) {
      const page = Math.floor(pos / L.C);
      const part = Math.min(L.C - (pos % L.C), folioEnd - pos);
      if (steal) {
        pushBuffer(L, s, queue, f, page - first, pos % L.C, part, { set: B_LRU });
      } else {
        const cells = new Array<number>(L.C).fill(0);
        for (let i = 0; i < part; i++)
          cells[(pos % L.C) + i] = L.folioCell(s, f, (page - first) * L.C + (pos % L.C) + i);
        pushBuffer(L, s, queue, privatePage(L, s, cells), 0, pos % L.C, part, { set: 0 });
        L.addCopied(s, 1);
      }
      pos += part;
    }
    if (steal) {
      // The whole folio leaves the page cache, however few of its pages the pipe took.
      L.addStolen(s, L.folioPages(s, f));
      removeFromCache(L, s, f);
    }
  }
  return pos - off;
}

/** Torvalds' "wrappers around read/write": copy_splice_read packs the data into fresh pages. */
export function spliceByCopy(ctx: ModelContext, s: State, off: number, len: number, queue: number): number {
  const { L } = ctx;
  let pos = off;
  const end = off + len;
  while (pos < end && freeSlots(L, s, queue) > 0) {
    const part = Math.min(L.C, end - pos);
    const cells: number[] = [];
    let page = -1;
    let f = -1;
    for (let i = 0; i < part; i++) {
      if (Math.floor((pos + i) / L.C) !== page) {
        page = Math.floor((pos + i) / L.C);
        f = ctx.fs.loadPage(ctx, s, page, page, false);
      }
      cells.push(L.folioCell(s, f, (page - L.folioIndex(s, f)) * L.C + ((pos + i) % L.C)));
    }
    pushBuffer(L, s, queue, privatePage(L, s, cells), 0, 0, part, { set: 0 });
    L.addCopied(s, 1);
    pos += part;
  }
  return pos - off;
}

/**
 * vmsplice by reference: the page the user memory resolves to goes into the
 * pipe (GIFT recorded): the user page itself, or the page-cache or private
 * page a mapping of the file maps (`memoryPage`). An anonymous page not
 * populated puts the shared zero page there, which nothing ever changes (a
 * folio only the pipe references, in the model).
 */
export function vmspliceByReference(
  ctx: ModelContext,
  s: State,
  page: number,
  gift: boolean,
  source: MemorySource,
): boolean {
  const { L } = ctx;
  if (freeSlots(L, s, MAIN) === 0) return false;
  const m = memoryPage(ctx, s, page, source);
  const f = m.folio >= 0 ? m.folio : privatePage(L, s, memoryCells(L, s, m));
  pushBuffer(L, s, MAIN, f, m.page, 0, L.C, { set: gift ? B_GIFT : 0 });
  return true;
}

/**
 * Howells' RFC: with SPLICE_F_GIFT and a whole unshared anonymous page,
 * steal it (the process's page is replaced by a fresh zero page); else copy
 * it. A page of a mapping of the file is shared with the page cache (or, a
 * private copy, stands for the file's data in the mapping): copied.
 */
export function vmspliceStealOrCopy(
  ctx: ModelContext,
  s: State,
  page: number,
  gift: boolean,
  source: MemorySource,
): boolean {
  const { L } = ctx;
  if (freeSlots(L, s, MAIN) === 0) return false;
  const m = memoryPage(ctx, s, page, source);
  // A page not populated maps the shared zero page: never unshared, so it is copied.
  if (source === 'anon' && m.folio >= 0 && gift && L.folioRefs(s, m.folio) === 0) {
    pushBuffer(L, s, MAIN, m.folio, 0, 0, L.C, { set: B_LRU });
    L.setFolioFlags(s, m.folio, L.folioFlags(s, m.folio) & ~F_USER);
    L.setUserFolio(s, page, L.allocFolio(s, 1, F_UPTODATE | F_USER, page));
    L.addStolen(s, 1);
    return true;
  }
  pushBuffer(L, s, MAIN, privatePage(L, s, memoryCells(L, s, m)), 0, 0, L.C, { set: 0 });
  L.addCopied(s, 1);
  return true;
}

/** vmsplice as writev(): the page's cells are written into the pipe like pipe-write. */
export function vmspliceByWrite(ctx: ModelContext, s: State, page: number, source: MemorySource): boolean {
  const { L } = ctx;
  if (!writeToPipe(L, s, MAIN, memoryCells(L, s, memoryPage(ctx, s, page, source)))) return false;
  L.addCopied(s, 1);
  return true;
}

/**
 * Put `take` cells of pipe 0's buffer in `slot` at the head of pipe 1, as a
 * reference to the same folio (with `flags`) or as a private copy; the new
 * buffer's ghost is the original's. Returns pipe 1's slot.
 */
function duplicateIntoSecond(
  ctx: ModelContext,
  s: State,
  slot: number,
  take: number,
  how: 'reference' | 'copy',
  flags: number,
): number {
  const { L } = ctx;
  const f = L.slotFolio(s, MAIN, slot);
  const page = L.slotPage(s, MAIN, slot);
  const offset = L.slotOffset(s, MAIN, slot);
  let out: number;
  if (how === 'reference') {
    out = pushBuffer(L, s, SECOND, f, page, offset, take, { set: flags });
  } else {
    const cells = new Array<number>(Math.max(L.C, offset + take)).fill(0);
    for (let c = 0; c < take; c++) cells[offset + c] = L.folioCell(s, f, page * L.C + offset + c);
    out = pushBuffer(L, s, SECOND, privatePage(L, s, cells), 0, offset, take, { set: 0 });
    L.addCopied(s, 1);
  }
  for (let c = 0; c < take; c++) L.setSlotGhost(s, SECOND, out, c, L.slotGhost(s, MAIN, slot, c));
  return out;
}

/**
 * tee (link_pipe): duplicate the oldest buffers of the main pipe, up to `len`
 * cells, into the second pipe, by reference or as private copies. The
 * duplicate's ghost is the original's: what the data was when it first
 * entered a pipe. CAN_MERGE and GIFT are not inherited.
 */
export function teeBuffers(ctx: ModelContext, s: State, len: number, how: 'reference' | 'copy'): number {
  const { L } = ctx;
  let teed = 0;
  const count = L.count(s, MAIN);
  for (let i = 0; i < count && teed < len && freeSlots(L, s, SECOND) > 0; i++) {
    const slot = L.slotAt(s, MAIN, i);
    const take = Math.min(L.slotLen(s, MAIN, slot), len - teed);
    duplicateIntoSecond(ctx, s, slot, take, how, L.slotFlags(s, MAIN, slot) & ~(B_CAN_MERGE | B_GIFT));
    teed += take;
  }
  return teed;
}

/**
 * splice(pipe 0 -> pipe 1) of up to `len` cells (splice_pipe_to_pipe): the
 * oldest buffers move, folio references and ghosts with them; a buffer moved
 * in part is split, the part moved becoming its own buffer (a second
 * reference, GIFT and CAN_MERGE cleared). `copy` packs what moves into
 * private pages instead (Torvalds' wrappers around read/write). Returns the
 * cells moved (0: pipe 0 empty or pipe 1 full).
 */
export function moveBuffers(ctx: ModelContext, s: State, len: number, how: 'reference' | 'copy'): number {
  const { L } = ctx;
  let moved = 0;
  while (moved < len && L.count(s, MAIN) > 0 && freeSlots(L, s, SECOND) > 0) {
    const slot = L.tail(s, MAIN);
    const whole = L.slotLen(s, MAIN, slot) <= len - moved;
    const take = Math.min(L.slotLen(s, MAIN, slot), len - moved);
    const flags = L.slotFlags(s, MAIN, slot) & (whole ? ~0 : ~(B_CAN_MERGE | B_GIFT));
    duplicateIntoSecond(ctx, s, slot, take, how, flags);
    // What moved leaves pipe 0 (its reference with it, when the whole buffer went).
    readFromPipe(L, s, MAIN, take);
    moved += take;
  }
  return moved;
}

/** Change folios in place, shared or not (mainline). */
export function changeInPlace(_ctx: ModelContext, _s: State, f: number): number {
  return f;
}

/**
 * Copy on write: a folio a pipe shares is read-only; the first in-place
 * change gives the page cache (or the process) a private copy, and the pipe
 * keeps the old folio with the data it had.
 */
export function copyOnWriteShared(ctx: ModelContext, s: State, f: number): number {
  const { L } = ctx;
  const flags = L.folioFlags(s, f);
  if (L.folioRefs(s, f) === 0 || (flags & (F_IN_CACHE | F_USER | F_PRIVATE)) === 0) return f;
  const pages = L.folioPages(s, f);
  const index = L.folioIndex(s, f);
  const g = L.allocFolio(s, pages, flags, index);
  for (let i = 0; i < pages * L.C; i++) L.setFolioCell(s, g, i, L.folioCell(s, f, i));
  if (flags & F_IN_CACHE) for (let p = index; p < index + pages; p++) L.setPageFolio(s, p, g);
  if (flags & F_USER) L.setUserFolio(s, index, g);
  if (flags & F_PRIVATE) L.setPrivateFolio(s, index, g);
  if (L.tracksCellDirty) L.setFolioDirtyCells(s, g, L.folioDirtyCells(s, f));
  else L.setFolioDirtyPages(s, g, L.folioDirtyPages(s, f));
  L.setFolioFlags(s, f, flags & ~(F_IN_CACHE | F_USER | F_PRIVATE | ANY_MAPPING | F_DIRTY));
  L.setFolioDirtyPages(s, f, 0);
  L.setFolioIndex(s, f, 0);
  L.addCopied(s, pages);
  return g;
}
