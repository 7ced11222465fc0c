/**
 * How the page cache of a file system behaves where the seed thread's kernel
 * variants do not differ: how large the folios are that a write or a load
 * creates, when a large folio splits, and what evict drops. Measured on
 * Linux 6.18 (oracle/FINDINGS.md); `folioPages` (a bound) caps every size.
 *
 * @public
 */
export interface FsProfile {
  readonly id: 'ext4' | 'ext4-1k' | 'xfs' | 'btrfs' | 'tmpfs' | 'tmpfs-huge';
  readonly description: string;
  /**
   * `by-length`: a write into uncached pages creates a folio whose order comes
   * from the bytes still to write (`__filemap_get_folio(..., fgf_set_order(len))`),
   * lowered until it is aligned and covers no cached page. `order-0`: one page each.
   * `largest-free`: whatever the length, the largest aligned folio around the
   * page that covers no cached page, up to the bounds' `folioPages`, which
   * stands for the PMD size (tmpfs huge=always, shmem_suitable_orders:
   * measured on 6.18, a 1-page pwrite into an empty file makes a 512-page
   * folio; with page 1 cached, a pwrite at page 2 makes a 2-page one).
   */
  readonly writeFolios: 'by-length' | 'order-0' | 'largest-free';
  /**
   * ftruncate to a larger size truncates the page cache at the new size too
   * (ext4_setattr, truncate_setsize), so a large folio straddling it may split
   * (see splitAtGrownEof). shmem_setattr does not: only a shrink touches the
   * cache (measured on 6.18, tmpfs huge=always).
   */
  readonly growTruncatesPageCache: boolean;
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
   * fallocate(ZERO_RANGE): a partial edge block of the range that reaches
   * past EOF is zeroed in place through the page cache first, dirtying its
   * folio, before the page cache over the range is truncated (ext4); a
   * dirty large folio then neither splits nor leaves the cache. Otherwise
   * the page cache is treated as a punch of the range, up to the end of the
   * EOF page, treats it (ext4 1 KiB: a range that starts at EOF drops a
   * pipe-held large folio it reaches into, as conform measured).
   * Measured on 6.18, ext4, a 2-page folio (1 KiB cells), page 0 spliced:
   * a file of 5 or 6 cells zeroed at 4-6, 0-6, 4-7, 5-7 or 6-8 keeps the
   * folio whole, so a later write reaches the pipe, spliced or not; zeroed at
   * 4-8 or 1-8 (no partial edge past EOF), or anywhere inside EOF, it is
   * dropped (split when no pipe holds it). A cold one-page file, page 0 sent
   * to a socket, zeroed at 0-5: page 0 leaves the cache with its old data.
   */
  readonly zeroRangeEdgePastEofFirst: boolean;
  /**
   * fallocate(ZERO_RANGE): a partial edge block over a hole is rounded out
   * to the whole block, which gets a preallocated extent, so its page leaves
   * the page cache (a pipe keeps the old one); one over written data is
   * zeroed in place (btrfs_zero_range: btrfs_zero_range_check_range_boundary,
   * then btrfs_truncate_block or btrfs_punch_hole_lock_range). Needs
   * diskExtents. Measured on 6.18, btrfs: an empty file truncated to 1, 2 or
   * 4 cells, cell 0 spliced, zero of cell 0, write at 0: the pipe keeps
   * zeroes; the same over written data: the pipe sees the write.
   */
  readonly zeroRangeRoundsHolesOut: boolean;
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
   * A write's folios never span the end of an extent: iomap (xfs) writes one
   * mapping at a time, and xfs_buffered_write_iomap_begin returns the
   * existing extent at the write's offset (blocks, delalloc or unwritten),
   * or for a hole a delalloc reservation up to the next extent, so
   * __iomap_get_folio's order is capped where blocks meet a hole. Measured on
   * 6.18: a cold 2048-byte file, then one 8192-byte pwrite at 0 -> folios 1 1
   * on xfs, 2 on ext4; the same after punching the file's only block -> 2
   * (conform, xfs, seed 3).
   */
  readonly writeFoliosStopAtExtentEnd: boolean;
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
   * fallocate(PUNCH_HOLE) starts at the first block of the range that is not
   * a hole, and does nothing at all, not even to the page cache, when the
   * whole range is holes (btrfs_punch_hole -> find_first_non_hole, after
   * writing back the range's dirty pages). Measured on 6.18, btrfs: a cold
   * empty file, ftruncate to 1 cell, splice it, punch 2 cells, pwrite 1 at
   * 0: the pipe reads the new value (conform, btrfs, seed 1).
   */
  readonly punchSkipsHoles: boolean;
  /**
   * A block is a cell of the model's page or less (1 KiB blocks: 2 or 4
   * cells a page), and each block is dirty or clean of its own (buffer
   * heads): invalidating the blocks a punch or truncate covers inside a page
   * leaves the page clean when no other block of it was dirty
   * (block_invalidate_folio). Measured on 6.18, ext4 with 1 KiB blocks
   * (conform seed 3): write 1 cell, punch it, truncate: the pipe-held large
   * folio is clean and leaves the cache, so a later append does not reach
   * the socket.
   */
  readonly dirtyPerBlock: boolean;
  /**
   * The fallocate modes beyond PUNCH_HOLE it supports; any other fails with
   * EOPNOTSUPP. Measured on 6.18: ext4 and xfs take ZERO_RANGE,
   * COLLAPSE_RANGE and INSERT_RANGE, btrfs only ZERO_RANGE, tmpfs none of them.
   */
  readonly fallocateModes: readonly FallocateMode[];
  /**
   * pwrite on an O_DIRECT fd (measured on 6.18: splice a page, direct-write
   * over it, read the pipe). `invalidate` (ext4, xfs: iomap_dio_rw ->
   * kiocb_invalidate_pages): every folio the range touches is written back
   * and leaves the page cache, a large one whole and a pipe-held one too
   * (invalidate_inode_pages2_range does not look at extra references), then
   * the data goes to disk: the pipe keeps the old data. `buffered` (tmpfs:
   * O_DIRECT opens, but shmem has no direct I/O): a write through the page
   * cache, the pipe sees the new data. `btrfs`: a write not aligned to the
   * 4 KiB sector, or over a folio that cannot be invalidated (a pipe holds
   * it: lock_extent_direct still finds a page, -ENOTBLK), falls back to a
   * buffered write, then writes the range back and drops the clean,
   * unmapped, unreferenced folios of it (btrfs_direct_write ->
   * invalidate_mapping_pages): the pipe sees the new data; an aligned one
   * over folios nobody else holds goes to disk as `invalidate` does.
   */
  readonly directWrite: 'invalidate' | 'buffered' | 'btrfs';
  /**
   * A direct write not aligned to the 4 KiB block, on a file that had blocks
   * reflinked into it (XFS_DIFLAG2_REFLINK; a truncate to 0 clears it), is a
   * buffered write: xfs_file_dio_write_unaligned returns -ENOTBLK before
   * anything is invalidated ("can't unshare a partial block"), so the pipe
   * sees the new data. Measured on 6.18, xfs: conform seeds 1 and 2
   * (copy-file-range of a page, splice, a one-cell direct-write: the pipe
   * reads the write). ext4, btrfs and tmpfs: false.
   */
  readonly reflinkedUnalignedDirectWriteBuffered: boolean;
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
   * copy_file_range from another file of the same file system. `copy`
   * (ext4, tmpfs): a splice-based copy (do_splice_direct), a buffered write
   * of the source's bytes: the pipe sees the new data. `reflink` (xfs with
   * reflink=1, btrfs): remap_file_range(REMAP_FILE_CAN_SHORTEN) shares the
   * source's blocks: with the destination offset on a 4 KiB block, the length
   * is rounded down to whole blocks (the call returns less; measured: 6144
   * bytes asked, 4096 copied) after the destination's folios over the range
   * are written back and the page cache is truncated there
   * (truncate_inode_pages_range: a pipe keeps an order-0 folio with the old
   * data; a large folio the pipe holds has the range zeroed in place and
   * leaves the cache, so the pipe sees zeroes); an unaligned offset or less
   * than a block falls back to the copy.
   */
  readonly copyFileRange: 'copy' | 'reflink';
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
   * collapse or insert, then write and read the pipe). A MAP_PRIVATE
   * mapping's copies go with ext4's truncate_pagecache (even_cows) from the
   * offset's page on; xfs's truncate_pagecache_range keeps them (measured:
   * copies of pages 0, 1 and 3, collapse or insert at page 1: ext4 keeps
   * page 0's copy only, xfs all three, but for a copy a collapse leaves past
   * EOF).
   */
  readonly shiftInvalidates: 'from-offset-page' | 'range-then-block-before';
}

/** fallocate modes beyond PUNCH_HOLE: ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE. */
export type FallocateMode = 'zero' | 'collapse' | 'insert';

export const EXT4: FsProfile = {
  id: 'ext4',
  description: 'ext4 (large folios by write length, readahead, dirty large folios never split)',
  writeFolios: 'by-length',
  growTruncatesPageCache: true,
  readahead: true,
  dirtyLargeFoliosSplit: false,
  pipeHeldCleanDropped: true,
  evictDrops: true,
  partialZeroCreatesFolio: true,
  spliceHoleZeroPage: false,
  extendZeroesEofBlock: true,
  punchExtendsToEofPage: true,
  punchDropsTouchedPages: false,
  zeroRangeEdgePastEofFirst: true,
  zeroRangeRoundsHolesOut: false,
  partialZeroLoadsPage: false,
  shrinkZeroesEofBlockFirst: false,
  writeFoliosStopAtExtentEnd: false,
  partialInvalidateCleans: true,
  punchSkipsHoles: false,
  dirtyPerBlock: false,
  fallocateModes: ['zero', 'collapse', 'insert'],
  directWrite: 'invalidate',
  reflinkedUnalignedDirectWriteBuffered: false,
  directWriteAlign: 512,
  copyFileRange: 'copy',
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
  dirtyPerBlock: true,
  blockBytes: 1024,
  shiftInvalidates: 'from-offset-page',
};

export const XFS: FsProfile = {
  ...EXT4,
  zeroRangeEdgePastEofFirst: false,
  id: 'xfs',
  description: 'xfs (like ext4, but a punch writes back and drops every page it touches)',
  punchDropsTouchedPages: true,
  partialZeroCreatesFolio: false,
  partialZeroLoadsPage: true,
  shrinkZeroesEofBlockFirst: true,
  writeFoliosStopAtExtentEnd: true,
  partialInvalidateCleans: false,
  copyFileRange: 'reflink',
  reflinkedUnalignedDirectWriteBuffered: true,
  blockBytes: 4096,
  shiftInvalidates: 'range-then-block-before',
};

export const BTRFS: FsProfile = {
  ...EXT4,
  zeroRangeRoundsHolesOut: true,
  zeroRangeEdgePastEofFirst: false,
  id: 'btrfs',
  description: 'btrfs (order-0 folios, readahead, partial zeroing reads the page in)',
  writeFolios: 'order-0',
  dirtyLargeFoliosSplit: true,
  pipeHeldCleanDropped: false,
  partialZeroCreatesFolio: false,
  partialZeroLoadsPage: true,
  // btrfs_punch_hole zeroes the partial EOF block in place (btrfs_truncate_block), as asked.
  punchExtendsToEofPage: false,
  punchSkipsHoles: true,
  fallocateModes: ['zero'],
  directWrite: 'btrfs',
  reflinkedUnalignedDirectWriteBuffered: false,
  directWriteAlign: 0,
  copyFileRange: 'reflink',
  // Not consulted: btrfs refuses COLLAPSE_RANGE and INSERT_RANGE before any check.
  blockBytes: 4096,
  shiftInvalidates: 'from-offset-page',
};

export const TMPFS: FsProfile = {
  id: 'tmpfs',
  description: 'tmpfs, huge=never (order-0 folios, nothing is ever evicted)',
  writeFolios: 'order-0',
  growTruncatesPageCache: false,
  readahead: false,
  dirtyLargeFoliosSplit: true,
  pipeHeldCleanDropped: false,
  evictDrops: false,
  partialZeroCreatesFolio: false,
  spliceHoleZeroPage: true,
  extendZeroesEofBlock: false,
  punchExtendsToEofPage: false,
  punchDropsTouchedPages: false,
  // Not consulted: tmpfs refuses ZERO_RANGE.
  zeroRangeEdgePastEofFirst: false,
  zeroRangeRoundsHolesOut: false,
  partialZeroLoadsPage: false,
  shrinkZeroesEofBlockFirst: false,
  writeFoliosStopAtExtentEnd: false,
  partialInvalidateCleans: true,
  punchSkipsHoles: false,
  dirtyPerBlock: false,
  fallocateModes: [],
  directWrite: 'buffered',
  reflinkedUnalignedDirectWriteBuffered: false,
  directWriteAlign: 0,
  copyFileRange: 'copy',
  blockBytes: 4096,
  shiftInvalidates: 'from-offset-page',
};

/**
 * Whether the file system behaves differently over holes than over blocks
 * here, so that the model must know which pages have blocks (the layout's
 * diskExtents feature); elsewhere the model takes an all-zero page for a hole.
 */
export function extentsMatter(fs: FsProfile): boolean {
  return fs.writeFoliosStopAtExtentEnd || fs.punchSkipsHoles;
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
 * tmpfs mounted huge=always: a write into the file makes the largest folio
 * that fits (the model's `folioPages` stands for the 2 MiB PMD folio, so a
 * model of it needs `folioPages` = `pages`); faults through a small mapping
 * make order-0 folios, holes splice the zero page, and a folio a punch or
 * truncate covers in part splits at the range's edges, as on ext4, unless a
 * pipe holds it, when it is zeroed in place and stays whole (measured on
 * 6.18: a 512-page folio, punch of page 1 -> 1, hole, 1, 1 and larger
 * pieces past the model's pages).
 */
export const TMPFS_HUGE: FsProfile = {
  ...TMPFS,
  id: 'tmpfs-huge',
  description: 'tmpfs, huge=always (a write makes the largest folio that fits)',
  writeFolios: 'largest-free',
};

export const FS_PROFILES: readonly FsProfile[] = [EXT4, EXT4_1K, XFS, BTRFS, TMPFS, TMPFS_HUGE];

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
  if (fs.writeFolios === 'largest-free')
    return initial.folios.length <= 1
      ? undefined
      : `${fs.id} builds a written file in one folio; got ${initial.folios.length} folios`;
  const big = initial.folios.find((n) => n > 1);
  return big === undefined
    ? undefined
    : `${fs.id} (huge=never) builds order-0 folios only; got a folio of ${big} pages`;
}
