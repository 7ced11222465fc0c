/**
 * How the page cache of a file system behaves where the seed thread's kernel
 * variants do not differ: how large the folios are that a write or a load
 * creates, when a large folio splits, and what evict drops. Measured on
 * Linux 6.18 (oracle/FINDINGS.md); `folioPages` (a bound) caps every size.
 *
 * @public
 */
export interface FsProfile {
  readonly id: 'ext4' | 'tmpfs';
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
}

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
};

export const FS_PROFILES: readonly FsProfile[] = [EXT4, TMPFS];

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
