/**
 * The file-system profiles on Linux 6.1 (Debian 12's LTS kernel): each is
 * the 6.18 profile (model/fs/ID.ts) with what differs on 6.1 replaced.
 * Everything not named here is the 6.18 profile's, measured on 6.18 and
 * assumed unchanged: it was not measured on 6.1.
 *
 * From the v6.1 sources (the functions named were read in 6.1.y trees, except
 * where it says otherwise):
 *
 * - ext4 (and ext4 with 1 KiB blocks) has no large folios for regular files:
 *   its mapping never gets mapping_set_large_folios on 6.1 (that came with
 *   ext4_set_inode_mapping_order, 6.16), so readahead falls back to order 0
 *   (page_cache_ra_order: `if (!mapping_large_folio_support(mapping) ||
 *   ra->size < 4) goto fallback`) and a buffered write gets an order-0 page
 *   (ext4_write_begin, ext4_da_write_begin: grab_cache_page_write_begin; not
 *   read here, but measured below). A large initial folio cannot be built.
 * - xfs sets large folios on the mapping (xfs_inode_alloc and
 *   xfs_reinit_inode: mapping_set_large_folios, since 5.19), so readahead
 *   may make large folios, but a buffered write into uncached pages makes
 *   order-0 folios: iomap_write_iter writes at most a page at a time
 *   (`bytes = min(PAGE_SIZE - offset, count)`) and iomap_write_begin gets
 *   the folio with __filemap_get_folio(FGP_CREAT), order 0 (large folios in
 *   the iomap buffered write path came in 6.6). The model's readahead makes
 *   order-0 folios on 6.18 too, so only a large initial folio stands for one
 *   readahead made.
 * - btrfs has no large folios on either release.
 * - tmpfs huge=always: a write allocates the PMD folio only when no page of
 *   its 2 MiB range is in the page cache (shmem_alloc_hugefolio:
 *   `xa_find(..., hindex, hindex + HPAGE_PMD_NR - 1, XA_PRESENT)` fails the
 *   huge allocation), else an order-0 folio; there are no mTHP sizes
 *   between (shmem_suitable_orders came in 6.11). Pieces of a split PMD
 *   folio past the model's pages are not tracked (as on 6.18), so the model
 *   takes the range to be free when its own pages are.
 * - A large folio a punch or truncate covers in part that can split splits
 *   into order-0 folios (truncate_inode_partial_folio: split_folio, which is
 *   split_huge_page_to_list; the buddy split at the range's edges,
 *   try_folio_split, came in 6.15): the fate `split-to-pages`. A dirty one
 *   that cannot split stays, a clean one that cannot is dropped, as on 6.18.
 *
 * Measured on Debian 12's 6.1.0-57 cloud kernel under qemu (oracle/FINDINGS.md
 * section 18; folio shapes from pagemap and kpageflags), each as the model
 * now gives it (model/fs/linux-6.1.test.ts):
 *
 * - 16 and 64 KiB pwrites into an empty file make order-0 folios only on
 *   ext4, xfs, btrfs and tmpfs; tmpfs huge=always makes the PMD folio.
 * - xfs: sequential 4 KiB preads of a cold 64 KiB file make 4-page folios
 *   (readahead); a punch of a page of one, or of 200 bytes inside a page,
 *   splits that folio into order-0 folios (1 . 1 1, then 1 1 1 1).
 * - tmpfs huge=always: 16 KiB written (the PMD folio), pages 2-3 punched:
 *   1 1 . . ; then 8 KiB written at page 2: 1 1 1 1 (order 0).
 * - The seed thread's punch case (16 KiB of 'A', splice 4 KiB from offset 0,
 *   punch [0, 4096), read the pipe): 'A', the old data, on ext4, tmpfs, xfs
 *   and btrfs, where 6.18 gives zeros on ext4 (its 4-page folio is zeroed
 *   in place); a pwrite of 'N' after the splice reaches the pipe on both
 *   releases and every file system.
 */
import type { ModelContext } from '../context.js';
import {
  createLargestFreeFolio,
  readaheadLoadPage,
  createOrder0Folio,
  faultWholeFile,
  splitCleanDropPipeHeld,
  splitUnlessPipeHeld,
} from '../pagecache.js';
import type { Layout, State } from '../state.js';
import { BTRFS } from './btrfs.js';
import { EXT4 } from './ext4.js';
import { EXT4_1K } from './ext4-1k.js';
import {
  defineFs,
  expectFacts,
  type DirectWriteMode,
  type FsProfile,
  type InitialShape,
  type LargeFolioFate,
  type ProbedFacts,
} from './profile.js';
import { TMPFS } from './tmpfs.js';
import { TMPFS_HUGE } from './tmpfs-huge.js';
import { PAGE_BYTES } from './units.js';
import { flushUnmapCells, XFS } from './xfs.js';

/** A fate as 6.1 has it: a split is into order-0 folios (split_folio). */
function toPages(fate: LargeFolioFate): LargeFolioFate {
  return fate === 'split' ? 'split-to-pages' : fate;
}

/** ext4, xfs: as splitCleanDropPipeHeld, but a split is into order-0 folios. */
export function splitToPagesCleanDropPipeHeld(L: Layout, s: State, f: number, dirty: boolean): LargeFolioFate {
  return toPages(splitCleanDropPipeHeld(L, s, f, dirty));
}

/** tmpfs, btrfs: as splitUnlessPipeHeld, but a split is into order-0 folios. */
export function splitToPagesUnlessPipeHeld(L: Layout, s: State, f: number): LargeFolioFate {
  return toPages(splitUnlessPipeHeld(L, s, f));
}

/** ext4 on 6.1 builds order-0 folios only (no large folios for regular files). */
export function order0OnlyOnExt4(initial: InitialShape): string | undefined {
  const big = initial.cached ? initial.folios.find((n) => n > 1) : undefined;
  return big === undefined
    ? undefined
    : `ext4 on Linux 6.1 has no large folios (order-0 folios only); got a folio of ${big} pages ` +
        '(give 1-page folios, or bounds.folioPages 1 for the default ones)';
}

/** ext4 with 4 KiB blocks on 6.1: order-0 folios only. */
function recogniseExt4On61(p: ProbedFacts) {
  if (p.fsType !== 'ext4' || p.blockSize === 1024) return undefined;
  if (p.blockSize !== null && p.blockSize !== PAGE_BYTES)
    return { ok: false as const, refuse: 'ext4 profiles exist for 4096- and 1024-byte blocks only' };
  return expectFacts(p, 'ext4', false, true);
}

/** ext4 with 1 KiB blocks on 6.1: order-0 folios only. */
function recogniseExt4With1kBlocksOn61(p: ProbedFacts) {
  if (p.fsType !== 'ext4' || p.blockSize !== 1024) return undefined;
  return expectFacts(p, 'ext4-1k', false, true);
}

/** xfs on 6.1: a write makes order-0 folios (what the probe sees). */
function recogniseXfsOn61(p: ProbedFacts) {
  return p.fsType === 'xfs' ? expectFacts(p, 'xfs', false, true) : undefined;
}

/**
 * tmpfs huge=always on 6.1: a write into uncached page `floor(pos / C)`
 * makes the PMD folio (as 6.18 does into a free range: createLargestFreeFolio)
 * when no page of the model is cached, else an order-0 folio
 * (shmem_alloc_hugefolio fails when its 2 MiB range has a page).
 */
export function pmdOrOrder0Folio(ctx: ModelContext, s: State, pos: number): number {
  const { L } = ctx;
  for (let p = 0; p < L.P; p++) if (L.pageFolio(s, p) >= 0) return createOrder0Folio(ctx, s, pos);
  return createLargestFreeFolio(ctx, s, pos);
}

/** What both ext4 profiles are on 6.1: order-0 folios only, and a partly truncated large folio splits to pages. */
const EXT4_ON_6_1 = {
  largeFolios: false,
  conform: { coldFiles: true, layouts: ['pages'] },
  unbuildableInitial: order0OnlyOnExt4,
  writeFolio: createOrder0Folio,
  // No large folios in an ext4 mapping on 6.1: readahead reads order-0 folios.
  loadPage: readaheadLoadPage,
  faultPage: faultWholeFile,
  spliceReadPage: readaheadLoadPage,
  spliceBufferSpan: 'folio',
  partlyTruncatedLargeFolio: splitToPagesCleanDropPipeHeld,
} as const satisfies Partial<FsProfile>;

const EXT4_6_1 = defineFs({
  ...EXT4,
  ...EXT4_ON_6_1,
  description: 'ext4 on Linux 6.1 (order-0 folios only: no large folios for regular files)',
  recognise: recogniseExt4On61,
});

const EXT4_1K_6_1 = defineFs({
  ...EXT4_1K,
  ...EXT4_ON_6_1,
  description: 'ext4 with 1 KiB blocks on Linux 6.1 (order-0 folios only)',
  recognise: recogniseExt4With1kBlocksOn61,
});

const XFS_6_1 = defineFs({
  ...XFS,
  description: 'xfs on Linux 6.1 (writes make order-0 folios; readahead may make large ones)',
  largeFolios: false,
  conform: { coldFiles: true, layouts: ['pages'] },
  recognise: recogniseXfsOn61,
  writeFolio: createOrder0Folio,
  partlyTruncatedLargeFolio: splitToPagesCleanDropPipeHeld,
  // xfs_file_fallocate flushes and unmaps a collapse's range before it checks it (measured under
  // qemu: a collapse of one cell, EINVAL, takes the pipe-held page out of the cache, so a later
  // truncate misses the pipe; conform --vm 6.1, xfs, seed 83101). 6.18 checks first.
  beforeCollapseChecks: flushUnmapCells,
  // generic_file_splice_read through ITER_PIPE: a buffer per folio (measured under qemu: with one
  // pipe slot free, splice of cells 1-2 of a readahead folio moves both; conform --vm 6.1, xfs,
  // seeds 84203 and 84409).
  spliceBufferSpan: 'folio',
});

/**
 * btrfs O_DIRECT on 6.1: an aligned write invalidates the range's folios
 * and goes to disk even where a pipe holds a folio (the pipe keeps the old
 * data; measured under qemu: conform --vm 6.1, btrfs, seed 83101: vmsplice
 * of a shared mapping's page, a direct write of it, the pipe reads the old
 * data, where 6.18 falls back to a buffered write); a misaligned one falls
 * back to a buffered write as on 6.18 (btrfs_direct_write; source reading).
 */
export function btrfsDirectWriteOn61(
  _ctx: ModelContext,
  _s: State,
  _firstPage: number,
  _lastPage: number,
  aligned: boolean,
): DirectWriteMode {
  return aligned ? 'invalidate' : 'buffered-then-drop';
}

/**
 * tmpfs on 6.1 has no O_DIRECT: the open fails with EINVAL (shmem gained
 * direct I/O in 6.6; measured under qemu: conform --vm 6.1, tmpfs).
 */
export function noDirectIo(): DirectWriteMode {
  return 'refused';
}

/**
 * shmem_file_read_iter on 6.1 zero-fills a hole into the splice's ITER_PIPE
 * (iov_iter_zero: fresh pages, packed), where 6.18 puts the zero page in
 * (measured under qemu: with one pipe slot free, a splice of cells 1-2 of a
 * hole moves both; conform --vm 6.1, tmpfs, seed 84203). Cached pages go in
 * a buffer per page on both (copy_page_to_iter of the page, not the folio).
 */
const SHMEM_HOLES_ON_6_1 = 'anonymous-pages';

const BTRFS_6_1 = defineFs({
  ...BTRFS,
  description: 'btrfs on Linux 6.1 (as on 6.18: order-0 folios; O_DIRECT invalidates what a pipe holds)',
  partlyTruncatedLargeFolio: splitToPagesUnlessPipeHeld,
  directWriteMode: btrfsDirectWriteOn61,
  spliceBufferSpan: 'folio',
});

const TMPFS_6_1 = defineFs({
  ...TMPFS,
  description: 'tmpfs, huge=never, on Linux 6.1 (as on 6.18: order-0 folios; no O_DIRECT)',
  partlyTruncatedLargeFolio: splitToPagesUnlessPipeHeld,
  directWriteMode: noDirectIo,
  spliceHoleFill: SHMEM_HOLES_ON_6_1,
});

const TMPFS_HUGE_6_1 = defineFs({
  ...TMPFS_HUGE,
  description:
    'tmpfs, huge=always, on Linux 6.1 (the PMD folio only when its range is free, else order 0; no O_DIRECT)',
  writeFolio: pmdOrOrder0Folio,
  partlyTruncatedLargeFolio: splitToPagesUnlessPipeHeld,
  directWriteMode: noDirectIo,
  spliceHoleFill: SHMEM_HOLES_ON_6_1,
});

/** Every profile on Linux 6.1, in the order of model/fs/index.ts's list, by id. */
export const LINUX_6_1_PROFILES: readonly FsProfile[] = [
  EXT4_6_1,
  EXT4_1K_6_1,
  XFS_6_1,
  BTRFS_6_1,
  TMPFS_6_1,
  TMPFS_HUGE_6_1,
];
