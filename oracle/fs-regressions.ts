/**
 * The disagreements `pipecheck conform` found on the loop-mounted file
 * systems (xfs, btrfs, ext4 with 1 KiB blocks), each its shrunk trace with
 * what the kernel's reads returned. oracle/fs-regressions.test.ts replays
 * them on the model (everywhere); oracle/conform-fs.test.ts runs them on the
 * live kernel on a fresh loop mount of that file system (root only), so a
 * fix stays checked against the kernel it was measured on.
 */
import type { FsProfile } from '../model/folio-policy.js';
import type { ConformCase } from './compare.js';

export interface FsRegression {
  readonly profile: FsProfile['id'];
  /** What the kernel does that the model once did not. */
  readonly title: string;
  readonly case: ConformCase;
  /** What each read returned on the kernel (Linux 6.18), in order. */
  readonly reads: readonly (readonly number[])[];
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
];
