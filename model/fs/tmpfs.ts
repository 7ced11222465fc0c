/**
 * tmpfs mounted huge=never. Measured on Linux 6.18 (oracle/FINDINGS.md):
 *
 * - Writes make order-0 folios; a load or fault caches only the page asked
 *   for (no readahead).
 * - A file lives only in the page cache: posix_fadvise(DONTNEED) never
 *   drops anything, and a cold file cannot be built (unbuildableOnTmpfs).
 * - A large folio partly inside a punch or truncate splits, dirty or not
 *   (no buffer heads); one a pipe holds is zeroed in place
 *   (splitUnlessPipeHeld).
 * - Zeroing touches only a partial page that is cached
 *   (shmem_get_partial_folio); nothing is zeroed before the size grows, and
 *   ftruncate to a larger size does not touch the page cache
 *   (shmem_setattr: only a shrink does).
 * - splice of a hole (an uncached page) puts a reference to the shared zero
 *   page in the pipe and caches nothing (shmem_file_splice_read ->
 *   splice_zeropage_into_pipe): a later write to that page of the file does
 *   not reach the pipe (spliceHoleAsZeroPage).
 * - fallocate(PUNCH_HOLE) zeroes what it is asked to, up to the end of the
 *   page holding EOF (punchInPlace); no ZERO_RANGE, COLLAPSE_RANGE or
 *   INSERT_RANGE (EOPNOTSUPP).
 * - O_DIRECT opens, but shmem has no direct I/O: a write through the page
 *   cache, the pipe sees the new data (alwaysBuffered). copy_file_range is a
 *   splice-based copy (neverReflink).
 */
import type { ModelContext } from '../context.js';
import {
  createOrder0Folio,
  forgetInvalidatedDirt,
  loadOrder0Page,
  splitUnlessPipeHeld,
  zeroFileRange,
} from '../pagecache.js';
import type { State } from '../state.js';
import { leaveUncachedPage, neverReflink, nothingFirst, zeroRangeInPlace } from './common.js';
import { ext4BeforeShift } from './ext4.js';
import { defineFs, type DirectWriteMode, type InitialShape, type ProbedFacts, type Recognition } from './profile.js';

/** posix_fadvise(DONTNEED) never drops anything. */
export function neverEvict(): void {}

/** splice: a hole goes into the pipe as the zero page (-1); nothing is cached (splice_zeropage_into_pipe). */
export function spliceHoleAsZeroPage(ctx: ModelContext, s: State, page: number): number {
  if (ctx.L.pageFolio(s, page) < 0) return -1;
  return loadOrder0Page(ctx, s, page);
}

/** fallocate(PUNCH_HOLE): the range is zeroed up to the end of the page holding EOF, no further. */
export function punchInPlace(ctx: ModelContext, s: State, off: number, len: number): void {
  const { L } = ctx;
  L.setBlocks(s, Math.ceil(off / L.C), Math.floor((off + len) / L.C), false);
  zeroFileRange(ctx, s, off, Math.min(off + len, L.pagesInFile(L.size(s)) * L.C));
}

/** O_DIRECT is a buffered write (shmem has no direct I/O). */
export function alwaysBuffered(): DirectWriteMode {
  return 'buffered';
}

/** tmpfs keeps a file only in the page cache: why a cold initial file cannot be built (undefined: it can). */
export function coldFileRefused(id: string, initial: InitialShape): string | undefined {
  if (!initial.cached && initial.file.length > 0)
    return `${id} keeps a file only in the page cache: a cold file ("cached": false) cannot be built there`;
  return undefined;
}

/** tmpfs (huge=never) builds a file only in the page cache and only in order-0 folios. */
export function unbuildableOnTmpfs(initial: InitialShape): string | undefined {
  const cold = coldFileRefused('tmpfs', initial);
  if (cold !== undefined || !initial.cached) return cold;
  const big = initial.folios.find((n) => n > 1);
  return big === undefined ? undefined : `tmpfs (huge=never) builds order-0 folios only; got a folio of ${big} pages`;
}

/**
 * A tmpfs directory: it never evicts, and only /proc/kpageflags tells
 * huge=never (order-0 folios: this profile) from huge=always (tmpfs-huge).
 */
export function recogniseTmpfs(p: ProbedFacts, huge: boolean): Recognition | undefined {
  if (p.fsType !== 'tmpfs') return undefined;
  if (p.evictable) return { ok: false, refuse: 'a tmpfs that evicts' };
  if (p.largeFolios === null)
    return { ok: false, refuse: 'cannot tell huge=never from huge=always (is /proc/kpageflags readable? needs root)' };
  if (p.largeFolios !== huge) return undefined;
  return { ok: true, note: huge ? '(huge pages)' : '(huge=never)' };
}

/** A tmpfs directory mounted huge=never (order-0 folios). */
function recogniseHugeNeverTmpfs(p: ProbedFacts) {
  return recogniseTmpfs(p, false);
}

export const TMPFS = defineFs({
  id: 'tmpfs',
  description: 'tmpfs, huge=never (order-0 folios, nothing is ever evicted)',
  fsType: 'tmpfs',
  blockBytes: 4096,
  directWriteAlign: 0,
  fallocateModes: [],
  largeFolios: false,
  pmdFolios: false,
  holesMatter: false,
  dirtyPerBlock: false,
  conform: { coldFiles: false, layouts: ['pages'] },
  recognise: recogniseHugeNeverTmpfs,
  unbuildableInitial: unbuildableOnTmpfs,
  writeFolio: createOrder0Folio,
  loadPage: loadOrder0Page,
  faultPage: loadOrder0Page,
  spliceReadPage: spliceHoleAsZeroPage,
  spliceBufferSpan: 'page',
  spliceHoleFill: 'zero-page',
  evict: neverEvict,
  zeroUncachedPartialPage: leaveUncachedPage,
  invalidateBlocks: forgetInvalidatedDirt,
  partlyTruncatedLargeFolio: splitUnlessPipeHeld,
  punch: punchInPlace,
  zeroRange: zeroRangeInPlace,
  extendPastEof: nothingFirst,
  grow: nothingFirst,
  beforeShrink: nothingFirst,
  directWriteMode: alwaysBuffered,
  beforeRangeTruncate: nothingFirst,
  beforeCollapseChecks: nothingFirst,
  reflinkCells: neverReflink,
  // Not reached: tmpfs refuses COLLAPSE_RANGE and INSERT_RANGE.
  beforeShift: ext4BeforeShift,
});
