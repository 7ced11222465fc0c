/**
 * Disagreements `pipecheck conform` found, each its shrunk trace with what
 * the kernel's reads returned. oracle/fs-regressions.test.ts replays them on
 * the model (everywhere) and the ext4 ones on the OS temp dir when it is
 * ext4; oracle/conform-fs.test.ts runs the others on a fresh loop mount of
 * their file system (root only), so a fix stays checked against the kernel
 * it was measured on.
 */
import type { FsProfile } from '../model/fs/index.js';
import type { ConformCase } from '../oracle/compare.js';

export interface FsRegression {
  readonly profile: FsProfile['id'];
  /** What the kernel does that the model once did not. */
  readonly title: string;
  readonly case: ConformCase;
  /** What each read returned on the kernel (Linux 6.18), in order. */
  readonly reads: readonly (readonly number[])[];
  /**
   * The kernel's reads come from a kernel choice other than option 0
   * (model/choices.ts): the model allows them without reading them first.
   */
  readonly byChoice?: true;
}

const bounds = (pages: number, cells: number, slots: number, folioPages: number) => ({
  pages,
  cells,
  values: 1,
  slots,
  folioPages,
  userPages: 1,
  depth: 8,
});

export const FS_REGRESSIONS: readonly FsRegression[] = [
  {
    profile: 'tmpfs-huge',
    title:
      'a punch of a whole page inside a PMD folio a pipe holds zeroes it in place: the folio stays ' +
      'cached, and a later write reaches the pipe',
    case: {
      bounds: bounds(1, 2, 1, 1),
      initial: { file: [0, 0], cached: true, folios: [1], user: [[0, 0]] },
      steps: [
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'write', off: 0, len: 2, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'tmpfs-huge',
    title:
      'ftruncate to the same size splits the PMD folio past EOF: the page is a folio of its own, a punch ' +
      'drops it, and the socket peer reads the data stored before',
    case: {
      bounds: bounds(1, 4, 1, 1),
      initial: { file: [0, 0, 0, 0], cached: true, folios: [1], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'truncate', size: 4 },
        { op: 'mmap-store', off: 0, value: 1 },
        { op: 'sendfile', off: 0, len: 1 },
        { op: 'fallocate-punch', off: 0, len: 4 },
        { op: 'truncate', size: 0 },
        { op: 'socket-read', len: 4 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'tmpfs-huge',
    title:
      'a sub-page punch splits an unreferenced PMD folio at its edges: the page the socket then ' +
      'references is a folio of its own, and a later punch of it leaves the peer the zeroes it got',
    case: {
      bounds: bounds(4, 2, 1, 4),
      initial: { file: [0, 0, 0, 0, 0, 0, 0, 0], cached: true, folios: [4], user: [[0, 0]] },
      steps: [
        { op: 'fallocate-punch', off: 0, len: 1 },
        { op: 'sendfile', off: 4, len: 1 },
        { op: 'write', off: 1, len: 4, value: 1 },
        { op: 'fallocate-punch', off: 4, len: 2 },
        { op: 'socket-read', len: 2 },
      ],
    },
    reads: [[0]],
  },
  {
    profile: 'ext4-1k',
    title:
      'each 1 KiB block is dirty of its own: a punch of the one written cell leaves the pipe-held ' +
      'large folio clean, truncate drops it, and a later append does not reach the socket',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [0, 0, 0], cached: true, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'sendfile', off: 0, len: 2 },
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'fallocate-punch', off: 0, len: 1 },
        { op: 'truncate', size: 1 },
        { op: 'append', len: 1, value: 1 },
        { op: 'socket-read', len: 2 },
      ],
    },
    reads: [[0, 0]],
  },
  {
    profile: 'ext4-1k',
    title:
      'a punch of whole 1 KiB blocks inside a cached page frees them without dirtying the page: ' +
      'after writeback and eviction the file reads the zeroes',
    case: {
      bounds: bounds(2, 4, 1, 2),
      initial: { file: [0, 0, 0, 1], cached: true, folios: [1], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'fallocate-punch', off: 1, len: 3 },
        { op: 'evict', page: 0 },
        { op: 'write', off: 4, len: 4, value: 1 },
      ],
    },
    reads: [],
  },
  {
    profile: 'btrfs',
    title:
      'a punch over holes only does nothing, not even to the page cache (find_first_non_hole): the ' +
      'hole spliced from the cache stays cached, and a later write reaches the pipe',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [], cached: false, folios: [], user: [[0, 0]] },
      steps: [
        { op: 'truncate', size: 1 },
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'btrfs',
    title:
      'after zeroing the first partial page, a punch skips the holes that follow again: a spliced ' +
      'hole page stays cached, and a later write reaches the pipe',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [0, 0, 0], cached: false, folios: [1, 1], user: [[0, 0]] },
      steps: [
        { op: 'fallocate-punch', off: 1, len: 3 },
        { op: 'splice', off: 2, len: 1, move: true },
        { op: 'fallocate-punch', off: 1, len: 3 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'btrfs',
    title:
      'a ZERO_RANGE that starts at or past EOF leaves the page cache alone: the EOF page a pipe holds ' +
      'stays cached, and a later write reaches the pipe',
    case: {
      bounds: { ...bounds(1, 2, 1, 1), depth: 5 },
      initial: { file: [0], cached: false, folios: [1], user: [[0, 0]] },
      steps: [
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'vmsplice', page: 0, gift: false, source: 'file-shared' },
        { op: 'fallocate-zero', off: 1, len: 1 },
        { op: 'fpos-write', len: 1, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1, 0]],
  },
  {
    profile: 'xfs',
    title:
      'a collapse flushes the collapsed range (xfs_flush_unmap_range): a pipe-held large folio reaching ' +
      'past it is taken out whole here, unzeroed, so the pipe keeps the write it saw (a kernel choice)',
    case: {
      bounds: { ...bounds(2, 2, 1, 2), depth: 4 },
      initial: { file: [0, 0, 0], cached: true, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'vmsplice', page: 0, gift: false, source: 'file-private' },
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'fallocate-collapse', off: 0, len: 2 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1, 0]],
    byChoice: true,
  },
  {
    profile: 'xfs',
    title:
      'a reflink that starts past EOF flushes and unmaps from the old EOF on (xfs_reflink_remap_prep): ' +
      'the partial EOF page a pipe holds leaves the cache with its old data, and later writes miss the pipe',
    case: {
      bounds: { ...bounds(4, 2, 1, 4), depth: 6 },
      initial: { file: [0, 0, 0], cached: false, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'vmsplice', page: 1, gift: true, source: 'file-private' },
        { op: 'copy-file-range', off: 4, len: 2, value: 1 },
        { op: 'write', off: 0, len: 2, value: 1 },
        { op: 'write', off: 2, len: 2, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[0, 0]],
  },
  {
    profile: 'xfs',
    title:
      "a write's folios stop where blocks meet a hole, not at EOF: over a punched file one write " +
      'makes one 2-page folio, which a later sub-page punch zeroes in place under the pipe',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [0], cached: false, folios: [1], user: [[0, 0]] },
      steps: [
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'fallocate-punch', off: 0, len: 1 },
        { op: 'truncate', size: 0 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[0]],
  },
  {
    profile: 'xfs',
    title:
      'ftruncate to the same size zeroes the EOF block tail first (xfs_truncate_page): the pipe-held ' +
      'large folio is dirty, stays cached, and a later write reaches the pipe',
    case: {
      bounds: bounds(2, 4, 1, 2),
      initial: { file: [0, 0, 0, 0, 0], cached: true, folios: [2], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'truncate', size: 5 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'pipe-read', len: 4, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'xfs',
    title:
      'a truncate at a page boundary inside a dirty pipe-held large folio keeps its dirty state ' +
      '(iomap_invalidate_folio): the folio stays cached, and a later write reaches the pipe',
    case: {
      bounds: bounds(2, 4, 1, 2),
      initial: { file: [0, 0, 0, 0, 0], cached: true, folios: [2], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'append', len: 1, value: 1 },
        { op: 'truncate', size: 4 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'pipe-read', len: 4, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'xfs',
    title:
      'a punch that runs past EOF drops every page of the unclipped range (xfs_flush_unmap_range): a ' +
      'pipe-held large folio straddling EOF leaves the cache whole, with its old data',
    case: {
      bounds: bounds(2, 4, 1, 2),
      initial: { file: [1, 0, 0, 0, 0], cached: true, folios: [2], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'truncate', size: 1 },
        { op: 'fallocate-punch', off: 0, len: 5 },
        { op: 'pipe-read', len: 4, pipe: 0 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'ext4',
    title:
      'a zero range past EOF is not rounded out to the EOF page as a punch is: the page partly inside ' +
      'is zeroed in place, and the socket peer reads the zeroes',
    case: {
      bounds: bounds(1, 4, 1, 1),
      initial: { file: [], cached: false, folios: [], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'sendfile', off: 0, len: 1 },
        { op: 'fallocate-zero', off: 0, len: 2 },
        { op: 'socket-read', len: 4 },
      ],
    },
    reads: [[0]],
  },
  {
    profile: 'xfs',
    title:
      'an unaligned direct write to a file with reflinked blocks is a buffered write ' +
      '(xfs_file_dio_write_unaligned: -ENOTBLK): the pipe-held folio stays cached and sees it',
    case: {
      bounds: { ...bounds(1, 2, 1, 1), values: 2 },
      initial: { file: [], cached: false, folios: [], user: [[0, 0]] },
      steps: [
        { op: 'copy-file-range', off: 0, len: 2, value: 1 },
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'direct-write', off: 0, len: 1, value: 1 },
        { op: 'copy-file-range', off: 0, len: 1, value: 2 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[2]],
  },
  {
    profile: 'xfs',
    title:
      'a reflink past EOF marks the file too: an unaligned direct write over a hole the pipe holds ' +
      'is buffered, and the pipe reads it',
    case: {
      bounds: bounds(4, 2, 1, 4),
      initial: { file: [], cached: false, folios: [], user: [[0, 0]] },
      steps: [
        { op: 'copy-file-range', off: 4, len: 2, value: 1 },
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'direct-write', off: 0, len: 1, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[1]],
  },

  {
    profile: 'ext4',
    title:
      'vmsplice from a shared mapping only read-maps the page: a punch of a page the pwrite dirtied ' +
      'drops the large folio as after splice (the pipe keeps it zeroed), so a later write misses the pipe',
    case: {
      bounds: bounds(4, 2, 1, 4),
      initial: { file: [0, 0, 0], cached: true, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'vmsplice', page: 0, gift: false, source: 'file-shared' },
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'fallocate-zero', off: 0, len: 2 },
        { op: 'fpos-write', len: 1, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[0, 0]],
  },
  {
    profile: 'ext4-1k',
    title:
      "a collapse drops the MAP_PRIVATE mapping's copies from the offset's page on (truncate_pagecache, " +
      'even_cows): vmsplice from the mapping then takes the page cache',
    case: {
      bounds: bounds(1, 4, 1, 1),
      initial: { file: [], cached: false, folios: [], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'fallocate-zero', off: 0, len: 1 },
        { op: 'mmap-private-store', off: 0, value: 1 },
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'fallocate-collapse', off: 0, len: 1 },
        { op: 'vmsplice', page: 0, gift: false, source: 'file-private' },
        { op: 'pipe-read', len: 4, pipe: 0 },
      ],
    },
    reads: [[1, 1, 1, 0]],
  },
  {
    profile: 'xfs',
    title:
      "an insert keeps the MAP_PRIVATE mapping's copies (truncate_pagecache_range): vmsplice from the " +
      'mapping takes the copy, not the shifted data',
    case: {
      bounds: { ...bounds(4, 2, 2, 1), values: 3 },
      initial: { file: [1, 1, 1, 1, 1, 1], cached: true, folios: [1, 1, 1], user: [[0, 0]] },
      steps: [
        { op: 'mmap-private-store', off: 0, value: 2 },
        { op: 'mmap-private-store', off: 2, value: 2 },
        { op: 'write', off: 2, len: 4, value: 3 },
        { op: 'fallocate-insert', off: 2, len: 2 },
        { op: 'vmsplice', page: 1, gift: false, source: 'file-private' },
        { op: 'vmsplice', page: 0, gift: false, source: 'file-private' },
        { op: 'pipe-read', len: 4, pipe: 0 },
      ],
    },
    reads: [[2, 1, 2, 1]],
  },
  {
    profile: 'ext4',
    title:
      'a zero range whose partial end block reaches past EOF zeroes it in place first, dirtying the large ' +
      'folio, which then stays: the socket still references the cached folio, and a later write reaches the peer',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [0, 1, 0], cached: true, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'sendfile', off: 0, len: 1 },
        { op: 'fallocate-zero', off: 3, len: 1 },
        { op: 'fpos-write', len: 1, value: 1 },
        { op: 'writeback', page: 0 },
        { op: 'socket-read', len: 2 },
      ],
    },
    reads: [[1]],
  },
  {
    profile: 'ext4',
    title:
      'the zeroed edge past EOF is on an uncached page: nothing is created for it, and the page the ' +
      'socket holds, wholly inside the range, leaves the cache with its old data',
    case: {
      bounds: { ...bounds(3, 4, 1, 2), depth: 6 },
      initial: { file: [0, 0, 0, 1], cached: false, folios: [1], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'sendfile', off: 0, len: 4 },
        { op: 'fallocate-zero', off: 0, len: 5 },
        { op: 'socket-read', len: 4 },
      ],
    },
    reads: [[0, 0, 0, 1]],
  },
  {
    profile: 'ext4-1k',
    title:
      'with 1 KiB blocks a zero range has no partial edge: one that starts at EOF truncates the page ' +
      'cache like any other, dropping the large folio the socket holds, so the peer reads the old data',
    case: {
      bounds: bounds(2, 2, 1, 2),
      initial: { file: [0, 1, 0], cached: true, folios: [2], user: [[0, 0]] },
      steps: [
        { op: 'sendfile', off: 0, len: 1 },
        { op: 'fallocate-zero', off: 3, len: 1 },
        { op: 'fpos-write', len: 1, value: 1 },
        { op: 'socket-read', len: 2 },
      ],
    },
    reads: [[0]],
  },
  {
    profile: 'btrfs',
    title:
      'a zero range with a partial edge over a hole rounds it out to the block, which is preallocated: the ' +
      'page leaves the cache, the pipe keeps it, and a later write misses the pipe',
    case: {
      bounds: { ...bounds(1, 2, 1, 1), depth: 6 },
      initial: { file: [], cached: false, folios: [], user: [[0, 0]] },
      steps: [
        { op: 'truncate', size: 1 },
        { op: 'splice', off: 0, len: 1, move: false },
        { op: 'fallocate-zero', off: 0, len: 1 },
        { op: 'write', off: 0, len: 1, value: 1 },
        { op: 'pipe-read', len: 2, pipe: 0 },
      ],
    },
    reads: [[0]],
  },
];
