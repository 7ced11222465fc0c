/**
 * The model's state: one flat byte array with a fixed layout computed from the
 * bounds. The bytes are the state: operations copy them and change the copy,
 * the explorer hashes them as they are (after `canonicalize`). A readable view
 * for people and tests is in `view.ts`.
 *
 * Layout (one byte a field unless said):
 *
 * | field | bytes |
 * | --- | --- |
 * | file size, in cells | 1 |
 * | program counter of each scenario process | processes |
 * | (feature fileState) the splicing fd's position in cells, file flags | 2 |
 * | (feature diskExtents) bit i: file page i has blocks (not a hole) | 1 |
 * | per file page: the folio caching it, plus one (0: not cached) | P |
 * | disk contents per cell (0: zero or hole) | P * C |
 * | ghost: what the file logically holds by POSIX rules | P * C |
 * | per user page: the folio backing it, plus one | U |
 * | (feature privateMapping) per file page: its MAP_PRIVATE copy, plus one | P |
 * | pipe 0 (main), pipe 1 (tee target), (feature socket) the socket: tail, count, S slots | Q * (2 + S * (5 + C)) |
 * | folio table: NF records of pages, flags, index, pipe refs, dirty pages, cells, | NF * (5 + F * C (+ 4)) |
 * | (feature cellDirty) dirty cells | |
 * | history variables: the number of each invariant history's value (model/history.ts) | 4 * H |
 * | (not part of the identity) pages copied, pages stolen | 2 + 2 |
 *
 * A pipe slot is: folio plus one, page within the folio, offset and length in
 * cells within that page, flags (persist after the slot empties, as in the
 * kernel's ring), and the ghost cells the buffer held when it entered the pipe.
 *
 * @public
 */
import type { Bounds } from './bounds.js';

export type State = Uint8Array;

/** Folio flags. */
export const F_DIRTY = 1;
export const F_UPTODATE = 2;
/** A user mapping (mmap MAP_SHARED) maps it. */
export const F_MAPPED = 4;
/** It is in the file's page cache, at `index`. */
export const F_IN_CACHE = 8;
/** It backs user page `index` of the process. */
export const F_USER = 16;
/** It is the process's private copy of file page `index` (a store through a MAP_PRIVATE mapping). */
export const F_PRIVATE = 32;
/**
 * It stands for a PMD-size folio (tmpfs huge=always) that runs on past the
 * model's pages: no range the model can name but one to the end of the file
 * covers it whole. Its pieces lose the flag when it splits.
 */
export const F_PMD = 64;
/**
 * A mapping of the file maps it, by read faults only (vmsplice from the
 * mapping): it counts as mapped (DONTNEED keeps it) but its page tables
 * hold no dirty state, so a punch treats it as an unmapped folio does
 * (measured on ext4: vmsplice, pwrite, punch of the page drops the folio, as
 * after splice; after a store through the mapping it stays). A store
 * through the mapping turns it into F_MAPPED.
 */
export const F_MAPPED_READ = 128;
/** Mapped by a user mapping, written through it or only read (F_MAPPED | F_MAPPED_READ). */
export const ANY_MAPPING = F_MAPPED | F_MAPPED_READ;

/** Pipe buffer flags (the kernel's PIPE_BUF_FLAG_*). */
export const B_CAN_MERGE = 1;
export const B_GIFT = 2;
export const B_LRU = 4;

/** The pipes every layout has: pipe 0 (main) and pipe 1 (the tee target). */
export const PIPES = 2;
/** The stream socket's send queue, after the pipes, in layouts with the `socket` feature. */
export const SOCKET = 2;

/** A buffer queue as messages name it: `pipe 0`, `pipe 1`, `the socket`. */
export function queueName(queue: number): string {
  return queue === SOCKET ? 'the socket' : `pipe ${queue}`;
}

/**
 * Parts of the state only some scenarios need, so that the others keep
 * their states small (the search hashes and copies every byte). Operations
 * declare what they need (`needs` in their descriptor); a scenario's model
 * has what its operations need.
 */
export interface LayoutFeatures {
  /** A stream socket's queue of buffers (sendfile, socket-read): queue `SOCKET`, after the pipes. */
  readonly socket: boolean;
  /** Per file page, the process's private copy made by a store through a MAP_PRIVATE mapping. */
  readonly privateMapping: boolean;
  /** The splicing fd's file position (fpos-write), whether the file was unlinked or had blocks reflinked. */
  readonly fileState: boolean;
  /**
   * Which file pages have blocks on disk or reserved for dirty data (an extent,
   * written, delalloc or unwritten), as against holes: file systems whose
   * profile says holes matter (`extentsMatter` in model/fs/profile.ts) need it.
   */
  readonly diskExtents: boolean;
  /**
   * Per folio, which cells are dirty, not only which pages: where a block is
   * a cell of a page or less than that, but more than half a cell (ext4 with
   * 1 KiB blocks), so that invalidating whole blocks inside a page can leave
   * it clean (block_invalidate_folio).
   */
  readonly cellDirty: boolean;
  /**
   * A pipe buffer may hold up to a folio's cells, across its pages, not only
   * a page's (`spanningBuffersMatter` in model/fs/profile.ts: Linux 6.1's
   * splice makes a buffer per folio): each slot has room for that many
   * ghost cells.
   */
  readonly spanningBuffers: boolean;
}

export type LayoutFeature = keyof LayoutFeatures;

export const NO_FEATURES: LayoutFeatures = {
  socket: false,
  privateMapping: false,
  fileState: false,
  diskExtents: false,
  cellDirty: false,
  spanningBuffers: false,
};

/** The features a set of needs asks for. */
export function featuresOf(needs: Iterable<LayoutFeature>): LayoutFeatures {
  const out = { ...NO_FEATURES };
  for (const n of needs) out[n] = true;
  return out;
}

/** File-state flags (the `fileState` feature). */
export const FILE_UNLINKED = 1;
/**
 * Blocks were reflinked into the file (copy-file-range on xfs or btrfs): xfs
 * sets XFS_DIFLAG2_REFLINK and clears it only when a truncate leaves no
 * extents (see xfsDirectWriteMode in model/fs/xfs.ts).
 */
export const FILE_REFLINKED = 2;

/**
 * Copies of states are carved out of shared slabs. A state is about a hundred
 * bytes, and V8 keeps the backing store of a typed array longer than 64 bytes
 * off its heap: `slice()` then costs about half a microsecond to allocate and
 * collect, more than the rest of a typical step, and the search copies a
 * state on every step. A view into a slab costs a tenth of that. Distinct
 * copies never overlap, so no copy shares mutable bytes with another; a slab
 * is collected once no state in it is alive.
 */
const SLAB_BYTES = 16384;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A copy of `s` that shares no bytes with it (what every operation changes). */
export function copyState(s: State): State {
  const n = s.length;
  if (slabUsed + n > slab.byteLength) {
    slab = new ArrayBuffer(Math.max(SLAB_BYTES, n));
    slabUsed = 0;
  }
  const copy = new Uint8Array(slab, slabUsed, n);
  slabUsed += n;
  copy.set(s);
  return copy;
}

/**
 * Set bytes [from, to) of `s` to `v`. A loop rather than `fill()`: the ranges
 * are a few bytes (cells of a page or a folio), where the builtin's call
 * overhead costs more than the stores, and the operations fill on most steps.
 */
function fillBytes(s: State, v: number, from: number, to: number): void {
  for (let i = from; i < to; i++) s[i] = v;
}

/** Bytes of a pipe, from `pipeBase(pipe)`: the ring's tail slot, the buffers queued, then the slots. */
export const PIPE_FIELD = { tail: 0, count: 1, slots: 2 } as const;

/**
 * Bytes of a ring slot, from `slotBase(pipe, slot)`: the folio it references
 * plus one (0: none), the page within the folio, offset and length in cells
 * within that page, the buffer flags, then the ghost cells (what the buffer
 * held when it entered the pipe).
 */
export const SLOT_FIELD = { folio: 0, page: 1, offset: 2, len: 3, flags: 4, ghost: 5 } as const;

/**
 * Bytes of a folio record, from `folioBase(f)`: its pages (0: a free record),
 * flags, index (first file page or user page), pipe references, dirty-page
 * mask, then its cells (`F * C` of them).
 */
export const FOLIO_FIELD = { pages: 0, flags: 1, index: 2, refs: 3, dirtyPages: 4, cells: 5 } as const;

// The accessors below write these offsets as literals, each line naming its
// field: a load from a constant object or module binding on every access
// costs the search about 5% (state.test.ts checks that the two agree).

export class Layout {
  /** Pages the file may span (bounds.pages). */
  readonly P: number;
  /** Cells per page (bounds.cells). */
  readonly C: number;
  /** Slots in each pipe's ring (bounds.slots). */
  readonly S: number;
  /** Pages of the largest folio (bounds.folioPages). */
  readonly F: number;
  /** User pages (bounds.userPages). */
  readonly U: number;
  /** Folio records in the table: P + U + Q * S (+ P private copies), as many as can be live at once. */
  readonly NF: number;
  /** Buffer queues: the two pipes, and the socket with that feature (Q). */
  readonly queues: number;
  /** Folio references of user memory from `oUserFolio` on: the U user pages, then the P private copies. */
  readonly userRefs: number;
  /** Scenario processes (one program counter each). */
  readonly processes: number;
  /** History variables (model/history.ts), 4 bytes each. */
  readonly histories: number;

  readonly oSize = 0;
  readonly oPc = 1;
  /** The file state (fd position, flags); -1 without the fileState feature. */
  readonly oFileState: number;
  /** The pages with blocks, one bit each; -1 without the diskExtents feature. */
  readonly oExtents: number;
  readonly oPageFolio: number;
  readonly oDisk: number;
  readonly oLogical: number;
  readonly oUserFolio: number;
  /** Per file page its private copy plus one; -1 without the privateMapping feature. */
  readonly oPrivateFolio: number;
  readonly oPipes: number;
  /** Ghost cells a slot has room for: a page's, or a folio's with the spanningBuffers feature. */
  readonly slotCells: number;
  readonly slotSize: number;
  readonly pipeSize: number;
  readonly oFolios: number;
  readonly folioSize: number;
  /** Offset in a folio record of its dirty-cell mask (4 bytes), or -1 without the cellDirty feature. */
  readonly oDirtyCells: number;
  readonly oHistory: number;
  /** Bytes that identify a state; what follows is statistics. */
  readonly identityBytes: number;
  readonly oCopied: number;
  readonly oStolen: number;
  readonly totalBytes: number;
  /**
   * Set by every setter that moves a folio reference (page cache, user
   * memory, pipe slots) or allocates or frees a folio record: only then can
   * the canonical numbering fall out of order. The scenario model resets it
   * before a step and canonicalizes after one only when it is set.
   * @internal
   */
  numberingTouched = true;

  constructor(
    readonly bounds: Bounds,
    processes = 0,
    histories = 0,
    readonly features: LayoutFeatures = NO_FEATURES,
  ) {
    this.P = bounds.pages;
    this.C = bounds.cells;
    this.S = bounds.slots;
    this.F = bounds.folioPages;
    this.U = bounds.userPages;
    // Page-cache folios are at most P, user pages U, and every other live
    // folio is referenced by at least one of the 2 * S pipe slots.
    // Private copies are at most P more.
    this.queues = features.socket ? PIPES + 1 : PIPES;
    this.NF = this.P + this.U + this.queues * this.S + (features.privateMapping ? this.P : 0);
    this.processes = processes;
    this.histories = histories;
    const afterPcs = this.oPc + processes;
    this.oFileState = features.fileState ? afterPcs : -1;
    const afterFileState = afterPcs + (features.fileState ? 2 : 0);
    this.oExtents = features.diskExtents ? afterFileState : -1;
    this.oPageFolio = afterFileState + (features.diskExtents ? 1 : 0);
    this.oDisk = this.oPageFolio + this.P;
    this.oLogical = this.oDisk + this.P * this.C;
    this.oUserFolio = this.oLogical + this.P * this.C;
    this.oPrivateFolio = features.privateMapping ? this.oUserFolio + this.U : -1;
    this.userRefs = this.U + (features.privateMapping ? this.P : 0);
    this.oPipes = this.oUserFolio + this.U + (features.privateMapping ? this.P : 0);
    this.slotCells = features.spanningBuffers ? this.F * this.C : this.C;
    this.slotSize = SLOT_FIELD.ghost + this.slotCells;
    this.pipeSize = PIPE_FIELD.slots + this.S * this.slotSize;
    this.oFolios = this.oPipes + this.queues * this.pipeSize;
    if (features.cellDirty && this.F * this.C > 32)
      throw new Error('model bug: cellDirty needs at most 32 cells a folio');
    this.oDirtyCells = features.cellDirty ? FOLIO_FIELD.cells + this.F * this.C : -1;
    this.folioSize = FOLIO_FIELD.cells + this.F * this.C + (features.cellDirty ? 4 : 0);
    this.oHistory = this.oFolios + this.NF * this.folioSize;
    this.identityBytes = this.oHistory + 4 * histories;
    this.oCopied = this.identityBytes;
    this.oStolen = this.oCopied + 2;
    this.totalBytes = this.oStolen + 2;
  }

  blank(): State {
    return new Uint8Array(this.totalBytes);
  }

  // --- file -------------------------------------------------------------

  size(s: State): number {
    return s[this.oSize]!;
  }
  setSize(s: State, cells: number): void {
    s[this.oSize] = cells;
  }
  pc(s: State, process: number): number {
    return s[this.oPc + process]!;
  }
  setPc(s: State, process: number, pc: number): void {
    s[this.oPc + process] = pc;
  }
  /** The folio caching file page `page`, or -1. */
  pageFolio(s: State, page: number): number {
    return s[this.oPageFolio + page]! - 1;
  }
  setPageFolio(s: State, page: number, folio: number): void {
    this.numberingTouched = true;
    s[this.oPageFolio + page] = folio + 1;
  }
  disk(s: State, cell: number): number {
    return s[this.oDisk + cell]!;
  }
  setDisk(s: State, cell: number, v: number): void {
    s[this.oDisk + cell] = v;
  }
  logical(s: State, cell: number): number {
    return s[this.oLogical + cell]!;
  }
  setLogical(s: State, cell: number, v: number): void {
    s[this.oLogical + cell] = v;
  }
  /** Set ghost cells [from, to) of the file to `v`. */
  fillLogical(s: State, from: number, to: number, v: number): void {
    fillBytes(s, v, this.oLogical + from, this.oLogical + to);
  }
  /** The splicing fd's file position, in cells (0 without the fileState feature). */
  filePos(s: State): number {
    return this.oFileState < 0 ? 0 : s[this.oFileState]!;
  }
  setFilePos(s: State, cells: number): void {
    if (this.oFileState < 0)
      throw new Error('model bug: the layout has no file state (an op without needs: fileState)');
    s[this.oFileState] = cells;
  }
  /** File flags (FILE_UNLINKED); 0 without the fileState feature. */
  fileFlags(s: State): number {
    return this.oFileState < 0 ? 0 : s[this.oFileState + 1]!;
  }
  setFileFlags(s: State, flags: number): void {
    if (this.oFileState < 0)
      throw new Error('model bug: the layout has no file state (an op without needs: fileState)');
    s[this.oFileState + 1] = flags;
  }
  /** Whether the layout tells holes from blocks (the diskExtents feature). */
  get tracksExtents(): boolean {
    return this.oExtents >= 0;
  }
  /** Whether file page `page` has blocks (an extent: written, delalloc or unwritten); true without diskExtents. */
  hasBlocks(s: State, page: number): boolean {
    return this.oExtents < 0 || (s[this.oExtents]! & (1 << page)) !== 0;
  }
  /** Mark file pages [from, to) as having blocks or as holes (no-op without diskExtents). */
  setBlocks(s: State, from: number, to: number, on: boolean): void {
    if (this.oExtents < 0 || to <= from) return;
    const bits = ((1 << to) - 1) & ~((1 << from) - 1);
    s[this.oExtents] = on ? s[this.oExtents]! | bits : s[this.oExtents]! & ~bits;
  }
  /** Dirty pages of a cached folio have blocks: written data, or delalloc space reserved for it. */
  private dirtyHaveBlocks(s: State, b: number, mask: number): void {
    if (this.oExtents < 0 || mask === 0 || (s[b + 1]! & F_IN_CACHE) === 0) return; // FOLIO_FIELD.flags
    s[this.oExtents] = s[this.oExtents]! | (mask << s[b + 2]!); // FOLIO_FIELD.index
  }
  /** Whether the file was unlinked and every fd but the pipes' closed: no file operation can run. */
  unlinked(s: State): boolean {
    return (this.fileFlags(s) & FILE_UNLINKED) !== 0;
  }
  /** Pages that hold at least one cell of a file of `size` cells. */
  pagesInFile(size: number): number {
    return Math.ceil(size / this.C);
  }

  // --- user memory --------------------------------------------------------

  userFolio(s: State, page: number): number {
    return s[this.oUserFolio + page]! - 1;
  }
  setUserFolio(s: State, page: number, folio: number): void {
    this.numberingTouched = true;
    s[this.oUserFolio + page] = folio + 1;
  }

  /**
   * The process's private copy of file page `page` (a store through a
   * MAP_PRIVATE mapping made it), or -1: none, or no privateMapping feature.
   */
  privateFolio(s: State, page: number): number {
    return this.oPrivateFolio < 0 ? -1 : s[this.oPrivateFolio + page]! - 1;
  }
  setPrivateFolio(s: State, page: number, folio: number): void {
    if (this.oPrivateFolio < 0) throw new Error('model bug: the layout has no private mapping (needs: privateMapping)');
    this.numberingTouched = true;
    s[this.oPrivateFolio + page] = folio + 1;
  }

  // --- pipes --------------------------------------------------------------

  pipeBase(pipe: number): number {
    return this.oPipes + pipe * this.pipeSize;
  }
  tail(s: State, pipe: number): number {
    return s[this.pipeBase(pipe) + 0]!; // PIPE_FIELD.tail
  }
  count(s: State, pipe: number): number {
    return s[this.pipeBase(pipe) + 1]!; // PIPE_FIELD.count
  }
  setTail(s: State, pipe: number, tail: number): void {
    s[this.pipeBase(pipe) + 0] = tail; // PIPE_FIELD.tail
  }
  setCount(s: State, pipe: number, count: number): void {
    s[this.pipeBase(pipe) + 1] = count; // PIPE_FIELD.count
  }
  /** Byte offset of ring slot `slot` (0..S-1, an array index, not a queue position). */
  slotBase(pipe: number, slot: number): number {
    return this.pipeBase(pipe) + 2 + slot * this.slotSize; // PIPE_FIELD.slots
  }
  /** The ring slot holding queue position `i` (0 = the oldest buffer). */
  slotAt(s: State, pipe: number, i: number): number {
    return (this.tail(s, pipe) + i) % this.S;
  }
  /** The ring slot the next buffer goes into. */
  headSlot(s: State, pipe: number): number {
    return (this.tail(s, pipe) + this.count(s, pipe)) % this.S;
  }
  slotFolio(s: State, pipe: number, slot: number): number {
    return s[this.slotBase(pipe, slot) + 0]! - 1; // SLOT_FIELD.folio
  }
  slotPage(s: State, pipe: number, slot: number): number {
    return s[this.slotBase(pipe, slot) + 1]!; // SLOT_FIELD.page
  }
  slotOffset(s: State, pipe: number, slot: number): number {
    return s[this.slotBase(pipe, slot) + 2]!; // SLOT_FIELD.offset
  }
  slotLen(s: State, pipe: number, slot: number): number {
    return s[this.slotBase(pipe, slot) + 3]!; // SLOT_FIELD.len
  }
  slotFlags(s: State, pipe: number, slot: number): number {
    return s[this.slotBase(pipe, slot) + 4]!; // SLOT_FIELD.flags
  }
  setSlotFlags(s: State, pipe: number, slot: number, flags: number): void {
    s[this.slotBase(pipe, slot) + 4] = flags; // SLOT_FIELD.flags
  }
  /** Byte offset of a slot's first ghost cell (its slotCells ghost cells are contiguous). */
  slotGhostBase(pipe: number, slot: number): number {
    return this.slotBase(pipe, slot) + 5; // SLOT_FIELD.ghost
  }
  slotGhost(s: State, pipe: number, slot: number, i: number): number {
    return s[this.slotGhostBase(pipe, slot) + i]!;
  }
  setSlotGhost(s: State, pipe: number, slot: number, i: number, v: number): void {
    s[this.slotGhostBase(pipe, slot) + i] = v;
  }
  /** Fill a slot (flags are left as they are: callers decide). */
  setSlot(s: State, pipe: number, slot: number, folio: number, page: number, offset: number, len: number): void {
    this.numberingTouched = true;
    const b = this.slotBase(pipe, slot);
    s[b + 0] = folio + 1; // SLOT_FIELD.folio
    s[b + 1] = page; // SLOT_FIELD.page
    s[b + 2] = offset; // SLOT_FIELD.offset
    s[b + 3] = len; // SLOT_FIELD.len
  }
  setSlotOffsetLen(s: State, pipe: number, slot: number, offset: number, len: number): void {
    const b = this.slotBase(pipe, slot);
    s[b + 2] = offset; // SLOT_FIELD.offset
    s[b + 3] = len; // SLOT_FIELD.len
  }
  /** Empty a slot: reference and ghost go, flags stay (the kernel does not clear them). */
  clearSlot(s: State, pipe: number, slot: number): void {
    this.numberingTouched = true;
    const b = this.slotBase(pipe, slot);
    s[b + 0] = 0; // SLOT_FIELD.folio
    s[b + 1] = 0; // SLOT_FIELD.page
    s[b + 2] = 0; // SLOT_FIELD.offset
    s[b + 3] = 0; // SLOT_FIELD.len
    fillBytes(s, 0, b + 5, b + 5 + this.slotCells); // SLOT_FIELD.ghost
  }
  /** Cells held in a pipe. */
  pipeCells(s: State, pipe: number): number {
    let n = 0;
    const count = this.count(s, pipe);
    for (let i = 0; i < count; i++) n += this.slotLen(s, pipe, this.slotAt(s, pipe, i));
    return n;
  }

  // --- folios ---------------------------------------------------------------

  folioBase(f: number): number {
    return this.oFolios + f * this.folioSize;
  }
  /** Pages of folio `f`; 0 when the record is free. */
  folioPages(s: State, f: number): number {
    return s[this.folioBase(f) + 0]!; // FOLIO_FIELD.pages
  }
  /** Shrink a folio record to its first `pages` pages (a split; the caller moves the rest). */
  setFolioPages(s: State, f: number, pages: number): void {
    s[this.folioBase(f) + 0] = pages; // FOLIO_FIELD.pages
  }
  folioFlags(s: State, f: number): number {
    return s[this.folioBase(f) + 1]!; // FOLIO_FIELD.flags
  }
  setFolioFlags(s: State, f: number, flags: number): void {
    s[this.folioBase(f) + 1] = flags; // FOLIO_FIELD.flags
  }
  /** First file page (when in the page cache) or user page (when a user page). */
  folioIndex(s: State, f: number): number {
    return s[this.folioBase(f) + 2]!; // FOLIO_FIELD.index
  }
  setFolioIndex(s: State, f: number, index: number): void {
    s[this.folioBase(f) + 2] = index; // FOLIO_FIELD.index
  }
  folioRefs(s: State, f: number): number {
    return s[this.folioBase(f) + 3]!; // FOLIO_FIELD.refs
  }
  setFolioRefs(s: State, f: number, refs: number): void {
    s[this.folioBase(f) + 3] = refs; // FOLIO_FIELD.refs
  }
  /**
   * Which of the folio's pages are dirty (bit i: page i of the folio); the
   * folio's F_DIRTY flag says whether any is. Per page because ext4 tracks
   * dirtiness per block: a punch that discards the only dirty blocks leaves
   * a clean folio (measured by `pipecheck conform`).
   */
  folioDirtyPages(s: State, f: number): number {
    return s[this.folioBase(f) + 4]!; // FOLIO_FIELD.dirtyPages
  }
  setFolioDirtyPages(s: State, f: number, mask: number): void {
    const b = this.folioBase(f);
    if (this.oDirtyCells >= 0) {
      // Pages that stay dirty keep their dirty cells; pages newly dirty are dirty throughout.
      const old = s[b + 4]!; // FOLIO_FIELD.dirtyPages
      const cells = (this.readDirtyCells(s, b) & this.cellsOfPages(mask)) | this.cellsOfPages(mask & ~old);
      this.writeDirtyCells(s, b, cells);
    }
    this.setDirtyPagesOnly(s, b, mask);
  }
  private setDirtyPagesOnly(s: State, b: number, mask: number): void {
    const flags = s[b + 1]!; // FOLIO_FIELD.flags
    s[b + 4] = mask; // FOLIO_FIELD.dirtyPages
    s[b + 1] = mask === 0 ? flags & ~F_DIRTY : flags | F_DIRTY; // FOLIO_FIELD.flags
    this.dirtyHaveBlocks(s, b, mask);
  }
  /** Whether the layout tracks dirty cells (the cellDirty feature). */
  get tracksCellDirty(): boolean {
    return this.oDirtyCells >= 0;
  }
  /** Which cells of the folio are dirty (bit i: cell i from its first page); needs cellDirty. */
  folioDirtyCells(s: State, f: number): number {
    if (this.oDirtyCells < 0) throw new Error('model bug: the layout has no dirty cells (feature cellDirty)');
    return this.readDirtyCells(s, this.folioBase(f));
  }
  /** Set the folio's dirty cells; its dirty pages are the pages with a dirty cell. Needs cellDirty. */
  setFolioDirtyCells(s: State, f: number, cells: number): void {
    if (this.oDirtyCells < 0) throw new Error('model bug: the layout has no dirty cells (feature cellDirty)');
    const b = this.folioBase(f);
    this.writeDirtyCells(s, b, cells);
    let pages = 0;
    const pageMask = (1 << this.C) - 1;
    for (let p = 0; p < this.F; p++) if ((cells >>> (p * this.C)) & pageMask) pages |= 1 << p;
    this.setDirtyPagesOnly(s, b, pages);
  }
  private readDirtyCells(s: State, b: number): number {
    const o = b + this.oDirtyCells;
    return (s[o]! | (s[o + 1]! << 8) | (s[o + 2]! << 16) | (s[o + 3]! << 24)) >>> 0;
  }
  private writeDirtyCells(s: State, b: number, cells: number): void {
    const o = b + this.oDirtyCells;
    s[o] = cells & 255;
    s[o + 1] = (cells >>> 8) & 255;
    s[o + 2] = (cells >>> 16) & 255;
    s[o + 3] = (cells >>> 24) & 255;
  }
  /** The cells of the pages in `pages` (bit i: page i of a folio), as a cell mask. */
  private cellsOfPages(pages: number): number {
    let cells = 0;
    const pageMask = (1 << this.C) - 1;
    for (let p = 0; p < this.F; p++) if (pages & (1 << p)) cells |= pageMask << (p * this.C);
    return cells >>> 0;
  }
  /** Cell `i` of the folio, counted from its first page. */
  folioCell(s: State, f: number, i: number): number {
    return s[this.folioBase(f) + 5 + i]!; // FOLIO_FIELD.cells
  }
  setFolioCell(s: State, f: number, i: number, v: number): void {
    s[this.folioBase(f) + 5 + i] = v; // FOLIO_FIELD.cells
  }
  /** Set `n` cells of the folio from cell `i` on to `v` (its cells are contiguous). */
  fillFolioCells(s: State, f: number, i: number, n: number, v: number): void {
    const from = this.folioBase(f) + 5 + i; // FOLIO_FIELD.cells
    fillBytes(s, v, from, from + n);
  }

  /** A free folio record, set up; throws if the table is full (a model bug). */
  allocFolio(s: State, pages: number, flags: number, index: number): number {
    for (let f = 0; f < this.NF; f++) {
      const b = this.folioBase(f);
      // A free record has no pages (FOLIO_FIELD.pages).
      if (s[b + 0] === 0) {
        this.numberingTouched = true;
        s[b + 0] = pages; // FOLIO_FIELD.pages
        s[b + 1] = flags; // FOLIO_FIELD.flags
        s[b + 2] = index; // FOLIO_FIELD.index
        s[b + 3] = 0; // FOLIO_FIELD.refs
        fillBytes(s, 0, b + 4, b + this.folioSize); // FOLIO_FIELD.dirtyPages
        if (flags & F_DIRTY) s[b + 4] = (1 << pages) - 1; // FOLIO_FIELD.dirtyPages
        if (flags & F_DIRTY && this.oDirtyCells >= 0) this.writeDirtyCells(s, b, this.cellsOfPages(s[b + 4]!));
        this.dirtyHaveBlocks(s, b, s[b + 4]!);
        return f;
      }
    }
    throw new Error(`model bug: folio table full (${this.NF} records)`);
  }

  /** Free the folio if nothing refers to it any more (page cache, user memory, pipes). */
  releaseIfUnused(s: State, f: number): void {
    const b = this.folioBase(f);
    // No pipe references (FOLIO_FIELD.refs), neither cached nor user memory (FOLIO_FIELD.flags).
    if (s[b + 3] === 0 && (s[b + 1]! & (F_IN_CACHE | F_USER | F_PRIVATE)) === 0) {
      this.numberingTouched = true;
      fillBytes(s, 0, b, b + this.folioSize);
    }
  }

  addRef(s: State, f: number): void {
    s[this.folioBase(f) + 3]! += 1; // FOLIO_FIELD.refs
  }
  dropRef(s: State, f: number): void {
    s[this.folioBase(f) + 3]! -= 1; // FOLIO_FIELD.refs
    this.releaseIfUnused(s, f);
  }

  // --- history variables ------------------------------------------------------

  historyId(s: State, k: number): number {
    const o = this.oHistory + 4 * k;
    return (s[o]! | (s[o + 1]! << 8) | (s[o + 2]! << 16) | (s[o + 3]! << 24)) >>> 0;
  }
  setHistoryId(s: State, k: number, id: number): void {
    const o = this.oHistory + 4 * k;
    s[o] = id & 0xff;
    s[o + 1] = (id >>> 8) & 0xff;
    s[o + 2] = (id >>> 16) & 0xff;
    s[o + 3] = id >>> 24;
  }

  // --- statistics -------------------------------------------------------------

  pagesCopied(s: State): number {
    return s[this.oCopied]! | (s[this.oCopied + 1]! << 8);
  }
  pagesStolen(s: State): number {
    return s[this.oStolen]! | (s[this.oStolen + 1]! << 8);
  }
  addCopied(s: State, n: number): void {
    const v = Math.min(0xffff, this.pagesCopied(s) + n);
    s[this.oCopied] = v & 0xff;
    s[this.oCopied + 1] = v >> 8;
  }
  addStolen(s: State, n: number): void {
    const v = Math.min(0xffff, this.pagesStolen(s) + n);
    s[this.oStolen] = v & 0xff;
    s[this.oStolen + 1] = v >> 8;
  }
}
