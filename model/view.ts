/**
 * A readable view of a state, for people (replay, counterexamples), plugins
 * and tests. Building one allocates: the explorer never does it per step.
 *
 * @public
 */
import { userCells } from './user-memory.js';
import { fileContents } from './pagecache.js';
import { bufferCells } from './pipe.js';
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
  type Layout,
  type State,
} from './state.js';

export interface FolioView {
  /** Its number in the canonical encoding. */
  readonly id: number;
  readonly pages: number;
  readonly cells: readonly number[];
  readonly dirty: boolean;
  readonly uptodate: boolean;
  /** A MAP_SHARED mapping maps it. */
  readonly mapped: boolean;
  /** The first file page it caches, or null when it is not in the page cache. */
  readonly cachesPage: number | null;
  /** The user page it backs, or null. */
  readonly userPage: number | null;
  /** The file page it is the process's MAP_PRIVATE copy of, or null. */
  readonly privatePage: number | null;
  /** References from pipe buffers. */
  readonly pipeRefs: number;
}

export interface BufferView {
  readonly slot: number;
  readonly folio: number;
  readonly page: number;
  readonly offset: number;
  readonly len: number;
  readonly flags: readonly string[];
  /** What a reader would get from it now. */
  readonly cells: readonly number[];
  /** What it held when it entered the pipe. */
  readonly ghost: readonly number[];
}

export interface PipeView {
  readonly buffers: readonly BufferView[];
  /** Flags of every ring slot, empty ones included (they persist). */
  readonly slotFlags: readonly (readonly string[])[];
}

export interface StateView {
  readonly size: number;
  /** The file as read() returns it. */
  readonly file: readonly number[];
  /** What the file holds by POSIX rules (ghost). */
  readonly logical: readonly number[];
  /** Disk contents, every page of the bounds. */
  readonly disk: readonly number[];
  /** Per file page whether it has blocks (not a hole), where the layout tracks it (diskExtents); else absent. */
  readonly blocks?: readonly boolean[];
  /** Per file page: the folio caching it, or null. */
  readonly pageCache: readonly (number | null)[];
  readonly folios: readonly FolioView[];
  /** Per user page: its cells (zeros for a page not populated since it was mapped or zapped). */
  readonly user: readonly (readonly number[])[];
  /**
   * Per file page: the cells of the process's MAP_PRIVATE copy (a store through that mapping made
   * it), or null; empty in a layout without the privateMapping feature.
   */
  readonly privateCopies: readonly (readonly number[] | null)[];
  /** The file was unlinked and its fds closed (`unlink`): nothing can change it any more. */
  readonly unlinked: boolean;
  readonly pipes: readonly PipeView[];
  readonly processPcs: readonly number[];
  readonly cost: { readonly pagesCopied: number; readonly pagesStolen: number };
}

export function bufferFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & B_CAN_MERGE) out.push('CAN_MERGE');
  if (flags & B_GIFT) out.push('GIFT');
  if (flags & B_LRU) out.push('LRU');
  return out;
}

export function viewState(L: Layout, s: State): StateView {
  const size = L.size(s);
  const folios: FolioView[] = [];
  for (let f = 0; f < L.NF; f++) {
    const pages = L.folioPages(s, f);
    if (pages === 0) continue;
    const flags = L.folioFlags(s, f);
    const cells: number[] = [];
    for (let i = 0; i < pages * L.C; i++) cells.push(L.folioCell(s, f, i));
    folios.push({
      id: f,
      pages,
      cells,
      dirty: (flags & F_DIRTY) !== 0,
      uptodate: (flags & F_UPTODATE) !== 0,
      mapped: (flags & ANY_MAPPING) !== 0,
      cachesPage: flags & F_IN_CACHE ? L.folioIndex(s, f) : null,
      userPage: flags & F_USER ? L.folioIndex(s, f) : null,
      privatePage: flags & F_PRIVATE ? L.folioIndex(s, f) : null,
      pipeRefs: L.folioRefs(s, f),
    });
  }
  const pipes: PipeView[] = [];
  for (let p = 0; p < L.queues; p++) {
    const buffers: BufferView[] = [];
    for (let i = 0; i < L.count(s, p); i++) {
      const slot = L.slotAt(s, p, i);
      const ghost: number[] = [];
      for (let c = 0; c < L.slotLen(s, p, slot); c++) ghost.push(L.slotGhost(s, p, slot, c));
      buffers.push({
        slot,
        folio: L.slotFolio(s, p, slot),
        page: L.slotPage(s, p, slot),
        offset: L.slotOffset(s, p, slot),
        len: L.slotLen(s, p, slot),
        flags: bufferFlagNames(L.slotFlags(s, p, slot)),
        cells: bufferCells(L, s, p, slot),
        ghost,
      });
    }
    const slotFlags: string[][] = [];
    for (let slot = 0; slot < L.S; slot++) slotFlags.push(bufferFlagNames(L.slotFlags(s, p, slot)));
    pipes.push({ buffers, slotFlags });
  }
  const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
  return {
    size,
    file: fileContents(L, s),
    logical: range(size, (i) => L.logical(s, i)),
    disk: range(L.P * L.C, (i) => L.disk(s, i)),
    ...(L.tracksExtents ? { blocks: Array.from({ length: L.P }, (_, p) => L.hasBlocks(s, p)) } : {}),
    pageCache: range(L.P, (p) => L.pageFolio(s, p)).map((f) => (f < 0 ? null : f)),
    folios,
    user: Array.from({ length: L.U }, (_, u) => userCells(L, s, u)),
    privateCopies: L.features.privateMapping
      ? range(L.P, (p) => L.privateFolio(s, p)).map((f) => (f < 0 ? null : range(L.C, (i) => L.folioCell(s, f, i))))
      : [],
    unlinked: L.unlinked(s),
    pipes,
    processPcs: range(L.processes, (i) => L.pc(s, i)),
    cost: { pagesCopied: L.pagesCopied(s), pagesStolen: L.pagesStolen(s) },
  };
}

/** The folio caching file page `page` in a view, if any. */
export function cachedFolio(v: StateView, page: number): FolioView | undefined {
  const id = v.pageCache[page];
  return id === null || id === undefined ? undefined : v.folios.find((f) => f.id === id);
}
