/**
 * How the page cache of a file system behaves where the seed thread's kernel
 * variants do not differ: how large the folios are that a write or a load
 * creates, when a large folio splits, and what evict drops. Measured on
 * Linux 6.18 (oracle/FINDINGS.md); `folioPages` (a bound) caps every size.
 *
 * @public
 */
export interface FsProfile {
  readonly id: 'ext4' | 'ext4-1k' | 'xfs' | 'btrfs' | 'tmpfs';
  readonly description: string;
  /**
   * `by-length`: a write into uncached pages creates a folio whose order comes
   * from the bytes still to write (`__filemap_get_folio(..., fgf_set_order(len))`),
   * lowered until it is aligned and covers no cached page. `order-0`: one page each.
   */
  readonly writeFolios: 'by-length' | 'order-0';
  /**
   * Cold loads are order 0; with readahead, a miss at page 0 (or a sequential
   * one) brings in 4 * roundup_pow2(request) pages, a miss after cached pages
   * may bring in more than the request (context readahead; see loadPage), and a
   * fault (mmap) brings in the whole file; else only the page.
   */
  readonly readahead: boolean;
  /** A dirty large folio partly inside a punch or truncate splits (tmpfs: no buffer heads) or never does (ext4). */
  readonly dirtyLargeFoliosSplit: boolean;
  /** A clean large folio that cannot split (a pipe holds it) leaves the page cache after zeroing (ext4). */
  readonly pipeHeldCleanDropped: boolean;
  /** posix_fadvise(DONTNEED) drops clean unreferenced order-0 folios (ext4), or never drops anything (tmpfs). */
  readonly evictDrops: boolean;
  /**
   * Zeroing part of an uncached page (a punch or truncate that does not end on
   * a page boundary) creates an order-0 folio for it and zeroes its block
   * through it (__ext4_block_zero_page_range: __filemap_get_folio(FGP_CREAT),
   * read the buffer, zero, mark it dirty) without marking the folio uptodate:
   * mincore does not count it and readahead skips it, but a later read, fault
   * or write uses it as it is (measured on 6.18, ext4). tmpfs zeroes only a
   * partial page that is cached (shmem_get_partial_folio).
   */
  readonly partialZeroCreatesFolio: boolean;
  /**
   * splice of a hole (an uncached page) puts a reference to the shared zero
   * page in the pipe and caches nothing (shmem_file_splice_read ->
   * splice_zeropage_into_pipe): a later write to that page of the file does
   * not reach the pipe. ext4 reads holes into the page cache like data.
   */
  readonly spliceHoleZeroPage: boolean;
  /**
   * Before the size grows past a partial last page (ftruncate up, a write that
   * starts on a later page), the rest of that page's block is zeroed through
   * the page cache: the folio is dirtied, or created not uptodate as for
   * `partialZeroCreatesFolio` (measured on 6.18, ext4). tmpfs does not.
   */
  readonly extendZeroesEofBlock: boolean;
  /**
   * fallocate(PUNCH_HOLE) at or past EOF does nothing, and a punch that runs
   * past EOF is extended to the end of the page holding EOF, so that page is
   * punched whole (ext4_punch_hole). tmpfs zeroes what it is asked to, up to
   * the end of the page holding EOF.
   */
  readonly punchExtendsToEofPage: boolean;
  /**
   * fallocate(PUNCH_HOLE) first writes back and drops from the page cache
   * every folio the range touches, rounded out to whole pages
   * (xfs_flush_unmap_range: filemap_write_and_wait_range, then
   * truncate_pagecache_range), so a pipe keeps the old folio even when the
   * punch covers only part of its page; the parts of blocks inside the range
   * are then zeroed through fresh uptodate folios (xfs_zero_range ->
   * iomap_zero_range). Measured on 6.18, xfs. ext4, btrfs and tmpfs zero
   * partial pages in place.
   */
  readonly punchDropsTouchedPages: boolean;
  /**
   * Zeroing part of an uncached page (punch, truncate, size growth) reads
   * the page into the cache uptodate and dirties it (btrfs_truncate_block);
   * with `partialZeroCreatesFolio` false and this false, nothing is cached.
   */
  readonly partialZeroLoadsPage: boolean;
  /**
   * A shrink that leaves a partial EOF block zeroes that block's tail
   * through the page cache before the page cache is truncated
   * (xfs_setattr_size -> xfs_truncate_page): the page is dirty by then.
   */
  readonly shrinkZeroesEofBlockFirst: boolean;
  /**
   * A write's folios never span the old EOF: iomap (xfs) writes one
   * mapping at a time, and the blocks before EOF are one extent, those after
   * it another (xfs_buffered_write_iomap_begin returns the existing extent),
   * so __iomap_get_folio's order is capped by the extent's length. Measured
   * on 6.18: a cold 2048-byte file, then one 8192-byte pwrite at 0 -> folios
   * 1 1 on xfs, 2 on ext4.
   */
  readonly writeFoliosStopAtEof: boolean;
  /**
   * Invalidating whole blocks inside a large folio (a truncate or punch that
   * leaves the rest of the folio) forgets their dirty state: ext4's
   * block_invalidate_folio clears the buffers, so a folio whose only dirty
   * blocks went is clean and drops or splits as a clean one. iomap (xfs)
   * keeps the per-block dirty bits unless the whole folio goes
   * (iomap_invalidate_folio), so the folio stays dirty and cached. Measured
   * on 6.18, xfs: conform seed 1 (append into a pipe-held 2-page folio,
   * truncate at the page boundary, write: the pipe sees the write).
   */
  readonly partialInvalidateCleans: boolean;
  /**
   * The fallocate modes beyond PUNCH_HOLE it supports; any other fails with
   * EOPNOTSUPP. Measured on 6.18: ext4 and xfs take ZERO_RANGE,
   * COLLAPSE_RANGE and INSERT_RANGE, btrfs only ZERO_RANGE, tmpfs none of them.
   */
  readonly fallocateModes: readonly FallocateMode[];
  /**
   * The file system's block size in bytes: COLLAPSE_RANGE and INSERT_RANGE
   * fail with EINVAL unless offset and length are multiples of it (a cell is
   * `PAGE_BYTES / cells` bytes). Measured on 6.18: 4096 on ext4 and xfs as
   * made here, 1024 on ext4 -b 1024 (btrfs and tmpfs refuse both modes first).
   */
  readonly blockBytes: number;
  /**
   * What COLLAPSE_RANGE and INSERT_RANGE do to the page cache before the
   * extents shift (what they drop is written back first, so the disk holds
   * the data that shifts). `from-offset-page` (ext4): write back and truncate
   * the page cache from the page holding the offset to EOF
   * (ext4_collapse_range, ext4_insert_range: filemap_write_and_wait_range,
   * then truncate_pagecache(inode, round_down(offset, PAGE_SIZE))); a
   * pipe-held large folio straddling that page is zeroed from there on and
   * dropped. `range-then-block-before` (xfs): a collapse first flushes and
   * drops the collapsed range alone (xfs_flush_unmap_range(offset, len): a
   * pipe-held large folio is zeroed only there), then both modes drop
   * everything from the block before the offset to EOF (xfs_prepare_shift
   * takes offset - blocksize, to stabilize the boundary block), so the page
   * before the offset leaves the cache too. Measured on 6.18 (splice, then
   * collapse or insert, then write and read the pipe).
   */
  readonly shiftInvalidates: 'from-offset-page' | 'range-then-block-before';
}

/** fallocate modes beyond PUNCH_HOLE: ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE. */
export type FallocateMode = 'zero' | 'collapse' | 'insert';

export const EXT4: FsProfile = {
  id: 'ext4',
  description: 'ext4 (large folios by write length, readahead, dirty large folios never split)',
  writeFolios: 'by-length',
  readahead: true,
  dirtyLargeFoliosSplit: false,
  pipeHeldCleanDropped: true,
  evictDrops: true,
  partialZeroCreatesFolio: true,
  spliceHoleZeroPage: false,
  extendZeroesEofBlock: true,
  punchExtendsToEofPage: true,
  punchDropsTouchedPages: false,
  partialZeroLoadsPage: false,
  shrinkZeroesEofBlockFirst: false,
  writeFoliosStopAtEof: false,
  partialInvalidateCleans: true,
  fallocateModes: ['zero', 'collapse', 'insert'],
  blockBytes: 4096,
  shiftInvalidates: 'from-offset-page',
};

/**
 * ext4 with 1 KiB blocks: a cell (1 or 2 KiB) is always whole blocks, so no
 * zeroing is ever of part of a block: ext4_zero_partial_blocks and the EOF
 * block's tail zeroing have nothing to do, and no folio is created for a
 * partly zeroed uncached page (measured on 6.18, mkfs.ext4 -b 1024).
 */
export const EXT4_1K: FsProfile = {
  ...EXT4,
  id: 'ext4-1k',
  description: 'ext4 with 1 KiB blocks (as ext4, but every cell is whole blocks: no partial-block zeroing)',
  partialZeroCreatesFolio: false,
  extendZeroesEofBlock: false,
  blockBytes: 1024,
  shiftInvalidates: 'from-offset-page',
};

export const XFS: FsProfile = {
  ...EXT4,
  id: 'xfs',
  description: 'xfs (like ext4, but a punch writes back and drops every page it touches)',
  punchDropsTouchedPages: true,
  partialZeroCreatesFolio: false,
  partialZeroLoadsPage: true,
  shrinkZeroesEofBlockFirst: true,
  writeFoliosStopAtEof: true,
  partialInvalidateCleans: false,
  blockBytes: 4096,
  shiftInvalidates: 'range-then-block-before',
};

export const BTRFS: FsProfile = {
  ...EXT4,
  id: 'btrfs',
  description: 'btrfs (order-0 folios, readahead, partial zeroing reads the page in)',
  writeFolios: 'order-0',
  dirtyLargeFoliosSplit: true,
  pipeHeldCleanDropped: false,
  partialZeroCreatesFolio: false,
  partialZeroLoadsPage: true,
  // btrfs_punch_hole zeroes the partial EOF block in place (btrfs_truncate_block), as asked.
  punchExtendsToEofPage: false,
  fallocateModes: ['zero'],
  // Not consulted: btrfs refuses COLLAPSE_RANGE and INSERT_RANGE before any check.
  blockBytes: 4096,
  shiftInvalidates: 'from-offset-page',
};

export const TMPFS: FsProfile = {
  id: 'tmpfs',
  description: 'tmpfs, huge=never (order-0 folios, nothing is ever evicted)',
  writeFolios: 'order-0',
  readahead: false,
  dirtyLargeFoliosSplit: true,
  pipeHeldCleanDropped: false,
  evictDrops: false,
  partialZeroCreatesFolio: false,
  spliceHoleZeroPage: true,
  extendZeroesEofBlock: false,
  punchExtendsToEofPage: false,
  punchDropsTouchedPages: false,
  partialZeroLoadsPage: false,
  shrinkZeroesEofBlockFirst: false,
  writeFoliosStopAtEof: false,
  partialInvalidateCleans: true,
  fallocateModes: [],
  blockBytes: 4096,
  shiftInvalidates: 'from-offset-page',
};

export const FS_PROFILES: readonly FsProfile[] = [EXT4, EXT4_1K, XFS, BTRFS, TMPFS];

/** The profiles' ids, as `--fs-profile` and counterexample files spell them. */
export const FS_PROFILE_IDS = FS_PROFILES.map((p) => p.id) as readonly FsProfile['id'][];

export const DEFAULT_FS: FsProfile = EXT4;

export function fsProfileById(id: string): FsProfile | undefined {
  return FS_PROFILES.find((p) => p.id === id);
}

/** Bytes a page has; a cell is `PAGE_BYTES / cells` of them. */
export const PAGE_BYTES = 4096;

/** floor(log2(n)) for n >= 1. */
export function log2floor(n: number): number {
  return 31 - Math.clz32(n);
}

/** Count of trailing zero bits (n > 0). */
export function ctz(n: number): number {
  return 31 - Math.clz32(n & -n);
}

/**
 * Why file system `fs` cannot build the initial page cache a scenario asks
 * for (undefined: it can). tmpfs keeps a file only in the page cache (no
 * cold file) and, with huge=never, only in order-0 folios.
 */
export function unbuildableInitial(
  fs: FsProfile,
  initial: { readonly cached: boolean; readonly folios: readonly number[]; readonly file: readonly unknown[] },
): string | undefined {
  if (fs.evictDrops) return undefined;
  if (!initial.cached && initial.file.length > 0)
    return `${fs.id} keeps a file only in the page cache: a cold file ("cached": false) cannot be built there`;
  if (!initial.cached) return undefined;
  const big = initial.folios.find((n) => n > 1);
  return big === undefined
    ? undefined
    : `${fs.id} (huge=never) builds order-0 folios only; got a folio of ${big} pages`;
}
