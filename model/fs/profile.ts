/**
 * What a file system's page cache does where file systems differ, as hooks
 * the operations call (one module per profile under model/fs/, listed in
 * model/fs/index.ts). The operations and model/pagecache.ts hold what every
 * file system shares; a profile composes the helpers of model/pagecache.ts
 * (and of the profiles it builds on: xfs on ext4, tmpfs-huge on tmpfs) into
 * its hooks. Every hook gets the model context, whose `release` says which
 * Linux release is modelled (model/fs/release.ts). Hooks are called per
 * transition: they are plain functions, defined once per module.
 */
import type { ModelContext } from '../context.js';
import type { Layout, State } from '../state.js';

/** fallocate modes beyond PUNCH_HOLE: ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE. */
export type FallocateMode = 'zero' | 'collapse' | 'insert';

/**
 * What becomes of a large folio a truncation covers in part (see
 * FsProfile.partlyTruncatedLargeFolio): `split` at the range's edges, the
 * buddy way (try_folio_split, Linux 6.15 on); `split-to-pages` into order-0
 * folios (split_folio, before 6.15); `drop` it from the page cache; `keep` it
 * whole.
 */
export type LargeFolioFate = 'split' | 'split-to-pages' | 'drop' | 'keep';

/**
 * How an O_DIRECT write goes (see FsProfile.directWriteMode): `invalidate`
 * writes back and drops the range's folios, then writes the disk;
 * `buffered` is a write through the page cache; `buffered-then-drop` is one,
 * then the range is written back and its clean, unmapped, unreferenced
 * order-0 folios leave the cache; `refused`: the O_DIRECT open fails with
 * EINVAL (tmpfs before 6.6), nothing is written.
 */
export type DirectWriteMode = 'invalidate' | 'buffered' | 'buffered-then-drop' | 'refused';

/** What the oracle's probe of a directory found (oracle/compare.ts's FsProbe has these fields). */
export interface ProbedFacts {
  /** The file-system type statfs reports (`ext4`, `xfs`, `btrfs`, `tmpfs`). */
  readonly fsType: string;
  /** The block size in bytes, null when unknown. */
  readonly blockSize: number | null;
  /** Whether a write made a folio larger than a page (null: /proc/kpageflags unreadable). */
  readonly largeFolios: boolean | null;
  /** Whether posix_fadvise(DONTNEED) dropped a page. */
  readonly evictable: boolean;
}

/**
 * A profile's answer to a probe: `ok` (it describes the directory; `note`
 * is added to the reason given), or `refuse` (the directory is of this
 * profile's type, but what was measured does not fit).
 */
export type Recognition =
  { readonly ok: true; readonly note?: string } | { readonly ok: false; readonly refuse: string };

/** The initial file a scenario asks for (model/scenario.ts). */
export interface InitialShape {
  readonly cached: boolean;
  readonly folios: readonly number[];
  readonly file: readonly unknown[];
}

/** What `pipecheck conform`'s random cases may ask of a profile (oracle/conform.ts rawCaseArb). */
export interface ConformHints {
  /** The page counts a case may have; undefined: any from 1 to 4. */
  readonly pageCounts?: readonly number[];
  /** Whether a cold (uncached) initial file can be built. */
  readonly coldFiles: boolean;
  /** The folio shapes an initial file can be built with: one large folio, order 0, a mix, or one PMD folio. */
  readonly layouts: readonly ('big' | 'pages' | 'mixed' | 'one')[];
}

/**
 * A file system's page-cache behaviour, measured on Linux 6.18
 * (oracle/FINDINGS.md); `folioPages` (a bound) caps every folio size.
 *
 * @public
 */
export interface FsProfile<Id extends string = string> {
  /** Lower-case words joined by dashes, as `--fs-profile` and counterexample files spell it. */
  readonly id: Id;
  /** One line: what it is. */
  readonly description: string;
  /** The file-system type the probe of a directory reports for it (statfs). */
  readonly fsType: string;
  /**
   * The file system's block size in bytes: COLLAPSE_RANGE and INSERT_RANGE
   * fail with EINVAL unless offset and length are multiples of it (a cell is
   * `PAGE_BYTES / cells` bytes). Measured on 6.18: 4096 on ext4 and xfs as
   * made here, 1024 on ext4 -b 1024 (btrfs and tmpfs refuse both modes first).
   */
  readonly blockBytes: number;
  /**
   * The alignment in bytes O_DIRECT needs of the offset and length (the
   * device's logical block size: 512 on the loop devices and the disk here,
   * xfs sectsz=512); a misaligned write fails with EINVAL. 0: none (btrfs
   * falls back to a buffered write, tmpfs does not do direct I/O). A cell is
   * 512 bytes or more, so on 6.18 here no direct-write fails (measured:
   * 512-byte writes succeed on ext4, ext4-1k and xfs, 100-byte ones fail
   * with EINVAL there and succeed on btrfs and tmpfs).
   */
  readonly directWriteAlign: number;
  /**
   * The fallocate modes beyond PUNCH_HOLE it supports; any other fails with
   * EOPNOTSUPP. Measured on 6.18: ext4 and xfs take ZERO_RANGE,
   * COLLAPSE_RANGE and INSERT_RANGE, btrfs only ZERO_RANGE, tmpfs none of them.
   */
  readonly fallocateModes: readonly FallocateMode[];
  /**
   * Whether a write can make a folio larger than a page (what the probe must
   * see, and how a written file is cached).
   */
  readonly largeFolios: boolean;
  /**
   * Whether the model's largest folio stands for the PMD folio (tmpfs
   * huge=always: `folioPages` = `pages`), which runs on past the model's pages.
   */
  readonly pmdFolios: boolean;
  /**
   * Whether the file system behaves differently over holes than over blocks,
   * so that the model must know which pages have blocks (the layout's
   * diskExtents feature); elsewhere the model takes an all-zero page for a hole.
   */
  readonly holesMatter: boolean;
  /**
   * A block is a cell of the model's page or less (1 KiB blocks: 2 or 4
   * cells a page), and each block is dirty or clean of its own (buffer
   * heads): the layout's cellDirty feature (see dirtyCellsMatter).
   */
  readonly dirtyPerBlock: boolean;
  /** What `pipecheck conform` may draw for it. */
  readonly conform: ConformHints;
  /** Whether it describes a probed directory: undefined when the directory is not of its kind. */
  readonly recognise: (p: ProbedFacts) => Recognition | undefined;
  /** Why it cannot build the initial page cache a scenario asks for (undefined: it can). */
  readonly unbuildableInitial: (initial: InitialShape) => string | undefined;
  /**
   * The folio a write creates at uncached cell `pos` with `cellsLeft` cells
   * still to write: put into the cache, filled from disk; returns it.
   */
  readonly writeFolio: (ctx: ModelContext, s: State, pos: number, cellsLeft: number) => number;
  /**
   * Make file page `page` cached for a read or splice whose request ends at
   * page `lastPage` (`sequential`: a miss after the first page of a splice
   * call); returns the folio caching it.
   */
  readonly loadPage: (ctx: ModelContext, s: State, page: number, lastPage: number, sequential: boolean) => number;
  /** Make file page `page` cached for a fault through a mapping; returns the folio caching it. */
  readonly faultPage: (ctx: ModelContext, s: State, page: number) => number;
  /** As loadPage, for splice: -1 when the page goes into the pipe as the shared zero page (nothing cached). */
  readonly spliceReadPage: (ctx: ModelContext, s: State, page: number, lastPage: number, sequential: boolean) => number;
  /**
   * How much of the file one pipe buffer of a splice (or sendfile) may
   * hold: `page`, a buffer per page (6.18: filemap_splice_read, and shmem's
   * read on every release), or `folio` (6.1's generic_file_splice_read
   * through ITER_PIPE: copy_page_to_iter_pipe makes one buffer of what the
   * read copies from one folio, across its pages; measured under qemu).
   */
  readonly spliceBufferSpan: 'page' | 'folio';
  /**
   * What a splice of a hole (spliceReadPage gives -1: tmpfs) puts in the
   * pipe: `zero-page`, a buffer per page referencing the zero page at the
   * page's offset (6.18: splice_zeropage_into_pipe), or `anonymous-pages`
   * (6.1: iov_iter_zero into ITER_PIPE fills fresh pages from offset 0 and
   * appends the next hole's zeros to the last one's page while it has room;
   * measured under qemu).
   */
  readonly spliceHoleFill: 'zero-page' | 'anonymous-pages';
  /** posix_fadvise(DONTNEED) of a page cached by folio `f`. */
  readonly evict: (L: Layout, s: State, f: number) => void;
  /** Zeroing cells [start, end) of uncached page `page` in a truncation of the page cache. */
  readonly zeroUncachedPartialPage: (ctx: ModelContext, s: State, page: number, start: number, end: number) => void;
  /**
   * Cells [zStart, zEnd) of unmapped large folio `f` are invalidated (a
   * truncate or punch that leaves the rest of the folio): what becomes of
   * their dirty state.
   */
  readonly invalidateBlocks: (L: Layout, s: State, f: number, zStart: number, zEnd: number) => void;
  /** What becomes of cached large folio `f` (`dirty` or not) that a truncation covers in part. */
  readonly partlyTruncatedLargeFolio: (L: Layout, s: State, f: number, dirty: boolean) => LargeFolioFate;
  /** fallocate(PUNCH_HOLE | KEEP_SIZE) of cells [off, off + len): the page cache, the disk and the blocks. */
  readonly punch: (ctx: ModelContext, s: State, off: number, len: number) => void;
  /** fallocate(ZERO_RANGE) of cells [off, off + len) on a file of `size` cells: the page cache and the disk. */
  readonly zeroRange: (ctx: ModelContext, s: State, off: number, len: number, size: number) => void;
  /** Before a write or copy starting on a page past the one holding EOF (`oldSize`) grows the file. */
  readonly extendPastEof: (ctx: ModelContext, s: State, oldSize: number) => void;
  /** ftruncate from `oldSize` up to `size`: the page cache. */
  readonly grow: (ctx: ModelContext, s: State, oldSize: number, size: number) => void;
  /** Before the page cache is truncated at a new, smaller or equal, size `size` (ftruncate, COLLAPSE_RANGE). */
  readonly beforeShrink: (ctx: ModelContext, s: State, size: number) => void;
  /**
   * How pwrite on an O_DIRECT fd writes cells over pages [firstPage,
   * lastPage] of `s` (`aligned`: on whole pages).
   */
  readonly directWriteMode: (
    ctx: ModelContext,
    s: State,
    firstPage: number,
    lastPage: number,
    aligned: boolean,
  ) => DirectWriteMode;
  /**
   * Before a reflink truncates the page cache over the copied range, whose
   * pages, with those from the old EOF's page on when it starts past EOF,
   * are [firstPage, lastPage]: what the file system takes out of the cache
   * first (xfs_flush_unmap_range writes back and drops the folios wholly
   * inside, and may take a large folio partly inside out whole: a kernel
   * choice). Nothing elsewhere.
   */
  readonly beforeRangeTruncate: (ctx: ModelContext, s: State, firstPage: number, lastPage: number) => void;
  /**
   * What happens to the page cache before COLLAPSE_RANGE of `len` cells at
   * `off` checks its alignment and extent (so even one that then fails with
   * EINVAL does it): nothing on 6.18; xfs on 6.1 flushes and unmaps the
   * range first (xfs_file_fallocate: xfs_flush_unmap_range before the checks).
   */
  readonly beforeCollapseChecks: (ctx: ModelContext, s: State, off: number, len: number) => void;
  /** The cells copy_file_range of `len` cells at `off` shares by reflink, or 0: it copies instead. */
  readonly reflinkCells: (L: Layout, off: number, len: number) => number;
  /**
   * The page cache and disk before COLLAPSE_RANGE (`collapse`) or INSERT_RANGE
   * shifts the extents at cell `off` by `len`: what is dropped is written
   * back first, so the disk holds the data that shifts; the caller shifts it.
   */
  readonly beforeShift: (ctx: ModelContext, s: State, off: number, len: number, collapse: boolean) => void;
}

/** A file-system profile, with its id as a literal type (the list in model/fs/index.ts derives `FsId` from it). */
export function defineFs<const Id extends string>(profile: FsProfile<Id>): FsProfile<Id> {
  return profile;
}

/**
 * Whether the model tracks dirty cells under `fs` (the layout's cellDirty
 * feature): where blocks are smaller than pages and a cell is whole blocks
 * (at most 4 cells a page with 1 KiB blocks) and a folio has at most 32 cells.
 */
export function dirtyCellsMatter(
  fs: FsProfile,
  bounds: { readonly cells: number; readonly folioPages: number },
): boolean {
  return fs.dirtyPerBlock && bounds.cells <= 4 && bounds.cells * bounds.folioPages <= 32;
}

/**
 * Whether a pipe buffer may hold more than a page under `fs` and `bounds`
 * (the layout's spanningBuffers feature): where splices make a buffer per
 * folio and folios may be larger than a page.
 */
export function spanningBuffersMatter(fs: FsProfile, bounds: { readonly folioPages: number }): boolean {
  return fs.spliceBufferSpan === 'folio' && bounds.folioPages > 1;
}

/** Whether the model must know which pages have blocks under `fs` (the layout's diskExtents feature). */
export function extentsMatter(fs: FsProfile): boolean {
  return fs.holesMatter;
}

/**
 * The recognition of a probed directory of the profile's type: what the
 * probe measured must be what the profile describes (large folios or order
 * 0, eviction).
 */
export function expectFacts(p: ProbedFacts, id: string, large: boolean, evictable: boolean): Recognition {
  if (p.largeFolios !== null && p.largeFolios !== large)
    return { ok: false, refuse: `the ${id} profile expects ${large ? 'large folios' : 'order-0 folios only'}` };
  if (p.evictable !== evictable) return { ok: false, refuse: `the ${id} profile expects a page cache that evicts` };
  return { ok: true };
}

/** Every initial page cache can be built (a file system that evicts builds a cold file by dropping it). */
export function anyInitial(): undefined {
  return undefined;
}
