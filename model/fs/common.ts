/**
 * Hooks several profiles share that belong to no one file system: the
 * "nothing happens here" hooks, and reflink. A profile composes these with
 * the page-cache helpers of model/pagecache.ts and with the hooks of the
 * profile it builds on.
 */
import type { ModelContext } from '../context.js';
import type { Layout, State } from '../state.js';
import { zeroFileRange } from '../pagecache.js';

/** Zeroing part of an uncached page caches nothing (only a cached partial page is zeroed). */
export function leaveUncachedPage(): void {}

/** Invalidating blocks inside a large folio keeps their dirty state (iomap_invalidate_folio). */
export function keepDirtyBits(): void {}

/** Nothing happens to the page cache before this change of the size. */
export function nothingFirst(): void {}

/** copy_file_range never reflinks: it copies (do_splice_direct, a buffered write of the source's bytes). */
export function neverReflink(): number {
  return 0;
}

/**
 * copy_file_range reflinks (remap_file_range(REMAP_FILE_CAN_SHORTEN) shares
 * the source's blocks): with the destination offset on a 4 KiB block, the
 * length is rounded down to whole blocks (the call returns less; measured:
 * 6144 bytes asked, 4096 copied) after the destination's folios over the
 * range are written back and the page cache is truncated there
 * (truncate_inode_pages_range: a pipe keeps an order-0 folio with the old
 * data; a large folio the pipe holds has the range zeroed in place and
 * leaves the cache, so the pipe sees zeroes); an unaligned offset or less
 * than a block falls back to the copy (0). xfs with reflink=1 and btrfs.
 */
export function reflinkWholeBlocks(L: Layout, off: number, len: number): number {
  if (off % L.C !== 0) return 0;
  return Math.floor(len / L.C) * L.C;
}

/**
 * fallocate(ZERO_RANGE) as a punch of the range up to the end of the page
 * holding EOF (`size`): the folios wholly inside leave the page cache, the
 * partial ones are zeroed in place.
 */
export function zeroRangeInPlace(ctx: ModelContext, s: State, off: number, len: number, size: number): void {
  const { L } = ctx;
  zeroFileRange(ctx, s, off, Math.min(off + len, L.pagesInFile(size) * L.C));
}
