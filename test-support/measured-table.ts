/**
 * The README's measured table ("What a pipe reader sees after a splice of a
 * 4-page file"), as data: each row's steps and what the kernel's reads
 * returned on each file system (Linux 6.18). A page has 4 cells; 1 is old
 * data, 2 new, 0 zeroes, 3 pipe data.
 *
 * oracle/table.live.test.ts runs every row on the OS temp dir (ext4) and on
 * /dev/shm (tmpfs), oracle/conform-fs.test.ts on loop-mounted xfs, btrfs,
 * ext4 with 1 KiB blocks and a tmpfs mounted huge=always: the kernel's reads
 * must be the row's, and the model must agree with the kernel.
 * oracle/measured-table.test.ts checks the model alone against the rows
 * under every profile.
 */
import type { FsProfile } from '../model/fs/index.js';
import type { Step } from '../model/step.js';
import type { ConformCase } from '../oracle/compare.js';
import { allReads } from '../model/run-steps.js';

export type ProfileId = FsProfile['id'];

/** What each read step returned, in order. */
export type Reads = readonly (readonly number[])[];

export interface MeasuredRow {
  /** The README's "after the splice" cell (markdown). */
  readonly title: string;
  readonly steps: readonly Step[];
  /** The reads on every file system not named in `on`. */
  readonly reads: Reads;
  /** The reads where a file system differs from `reads`. */
  readonly on?: Partial<Record<ProfileId, Reads>>;
  /**
   * Other reads measured on another machine's kernel (a kernel choice the
   * model allows: model/choices.ts): on another build of 6.18.44, xfs takes
   * a large folio a punch, a zero range or a reflink covers in part out
   * whole, unzeroed, so the pipe keeps the old data (oracle/FINDINGS.md 17.2).
   */
  readonly alsoMeasured?: Partial<Record<ProfileId, Reads>>;
  /** Not a row of the README's table (checked all the same). */
  readonly notInReadme?: true;
}

const OLD = [1, 1, 1, 1];
const NEW = [2, 1, 1, 1];
const ZERO = [0, 0, 0, 0];
const NEW_PAGE = [2, 2, 2, 2];

export const MEASURED_ROWS: readonly MeasuredRow[] = [
  {
    title: '`pwrite` over the spliced bytes',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: 'store through `MAP_SHARED`',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'mmap-store', off: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: 'punch of cells 1-2 (sub-page)',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'fallocate-punch', off: 1, len: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 0, 0, 1]],
    on: { xfs: [ZERO] },
    alsoMeasured: { xfs: [OLD] },
  },
  {
    title: 'punch of exactly page 1',
    steps: [
      { op: 'splice', off: 4, len: 4 },
      { op: 'fallocate-punch', off: 4, len: 4 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [ZERO],
    on: { btrfs: [OLD], tmpfs: [OLD] },
    alsoMeasured: { xfs: [OLD] },
  },
  {
    title: '`ftruncate` to 0',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 0 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [OLD],
  },
  {
    title: '`ftruncate` to 1 cell',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 1 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 0, 0, 0]],
  },
  {
    title: '`vmsplice`, store to the user page',
    steps: [
      { op: 'vmsplice', page: 0, gift: false },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: '`vmsplice` with `SPLICE_F_GIFT`, store to the user page',
    steps: [
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
    notInReadme: true,
  },
  {
    title: '`tee`, then `pwrite` (both pipes)',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'tee', len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4, pipe: 0 },
      { op: 'pipe-read', len: 4, pipe: 1 },
    ],
    reads: [NEW, NEW],
  },
  {
    title: '`pwrite` outside the spliced range',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'write', off: 3, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 1]],
  },
  {
    title: '`write()` into the pipe after a splice',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-write', len: 1, value: 3 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 1, 3]],
  },
  {
    title: '`DONTNEED`, then `pwrite`',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'evict', page: 0 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  // The newer operations, measured on all six file systems.
  {
    title: '`vmsplice` of a `MAP_SHARED` page, `pwrite`',
    steps: [
      { op: 'vmsplice', page: 0, gift: false, source: 'file-shared' },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: '`sendfile`, `pwrite`, the peer reads',
    steps: [
      { op: 'sendfile', off: 0, len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'socket-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: '`O_DIRECT` `pwrite` of the page',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'direct-write', off: 0, len: 4, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [OLD],
    on: { btrfs: [NEW_PAGE], tmpfs: [NEW_PAGE], 'tmpfs-huge': [NEW_PAGE] },
  },
  {
    title: '`copy_file_range` of the page',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'copy-file-range', off: 0, len: 4, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_PAGE],
    on: { xfs: [ZERO], btrfs: [OLD] },
    alsoMeasured: { xfs: [OLD] },
  },
  {
    title: '`pwrite`, then `unlink`',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'unlink' },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW],
  },
  {
    title: '`ZERO_RANGE` of exactly page 1',
    steps: [
      { op: 'splice', off: 4, len: 4 },
      { op: 'fallocate-zero', off: 4, len: 4 },
      { op: 'pipe-read', len: 4 },
    ],
    // tmpfs refuses ZERO_RANGE (EOPNOTSUPP), huge pages or not: the pipe keeps the old data.
    reads: [ZERO],
    on: { btrfs: [OLD], tmpfs: [OLD], 'tmpfs-huge': [OLD] },
    alsoMeasured: { xfs: [OLD] },
  },
];

/** The reads `row` expects on the file system of profile `id`. */
export function readsOn(row: MeasuredRow, id: ProfileId): Reads {
  return row.on?.[id] ?? row.reads;
}

/** Whether a row's steps may change the file (the others must leave it as it was). */
export function writesFile(row: MeasuredRow): boolean {
  const writers = new Set([
    'write',
    'mmap-store',
    'fallocate-punch',
    'fallocate-zero',
    'truncate',
    'direct-write',
    'copy-file-range',
    'splice-out',
    'unlink',
  ]);
  return row.steps.some((s) => writers.has(s.op));
}

/**
 * The case for `row` under profile `fs`: a 4-page file of old data (1),
 * cached and clean, in the folios that file system builds for it: one
 * 4-page folio where a write makes large folios (ext4, ext4-1k, xfs),
 * order-0 pages on btrfs and tmpfs, and on tmpfs huge=always one folio of
 * all the model's pages (the kernel's PMD folio; compareCase counts it as
 * `folioPages` = `pages` = 4).
 */
export function measuredCase(row: MeasuredRow, fs: FsProfile): ConformCase {
  const pages = 4;
  const cells = 4;
  return {
    bounds: { pages, cells, values: 3, slots: 4, folioPages: pages, userPages: 1, depth: row.steps.length },
    initial: {
      file: new Array<number>(pages * cells).fill(1),
      cached: true,
      folios: fs.largeFolios ? [pages] : new Array<number>(pages).fill(1),
      user: [new Array<number>(cells).fill(1)],
    },
    steps: row.steps,
  };
}

/**
 * Every sequence of reads the model allows for `row` on `fs`, over the
 * kernel's choices (model/choices.ts), in the model's order (option 0, what
 * was measured on the machine the table was made on, first).
 */
export function allowedReads(row: MeasuredRow, fs: FsProfile): Reads[] {
  const c = measuredCase(row, fs);
  return allReads(c.steps, { fs, bounds: c.bounds, initial: c.initial });
}

/**
 * The README's cell for `row` on `fs`: each outcome the model allows (one
 * pipe's cells; a row that reads two pipes reads the same in both), `or`
 * between them, bold where it is not the ext4 column's.
 */
export function readmeCell(row: MeasuredRow, fs: FsProfile, ext4: FsProfile): string {
  const text = (f: FsProfile): string =>
    allowedReads(row, f)
      .map((r) => r[0]!.join(''))
      .join(' or ');
  const cell = text(fs);
  return fs.id === ext4.id || cell === text(ext4) ? cell : `**${cell}**`;
}
