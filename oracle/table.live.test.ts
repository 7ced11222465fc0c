import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXT4, TMPFS, type FsProfile } from '../model/folio-policy.js';
import type { Step } from '../model/step.js';
import { compareCase, profileForDir, type ConformCase } from './compare.js';
import { oracleAvailable } from './kernel.js';

// The "Measured on a live Linux 6.18 kernel" table of semantics.md, each row
// run on the live kernel (OS temp dir = ext4 here, and /dev/shm = tmpfs) and
// on the model with the matching FS profile: the kernel's reads must be the
// table's, and the model must agree with the kernel on every step, read and
// the final file. A page has 4 cells; 1 is old data, 2 new, 3 pipe data.

const avail = oracleAvailable();
const tmpProfile = avail.ok ? await profileForDir(tmpdir()) : undefined;
const tmpExt4 = tmpProfile?.ok === true && tmpProfile.profile.id === 'ext4';
const shm = '/dev/shm';
const shmOk = ((): boolean => {
  try {
    accessSync(shm, constants.W_OK);
    return statSync(shm).isDirectory();
  } catch {
    return false;
  }
})();

const OLD = [1, 1, 1, 1];
const NEW = [2, 1, 1, 1];

interface Row {
  readonly row: string;
  readonly steps: Step[];
  /** Reads on ext4 (one 4-page folio) and on tmpfs (order-0 pages). */
  readonly ext4: number[][];
  readonly tmpfs?: number[][];
}

const rows: Row[] = [
  {
    row: 'pwrite over the spliced bytes: new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [NEW],
  },
  {
    row: 'store through MAP_SHARED: new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'mmap-store', off: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [NEW],
  },
  {
    row: 'punch of a sub-page range: zeroes',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'fallocate-punch', off: 1, len: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [[1, 0, 0, 1]],
  },
  {
    row: 'punch of exactly one page of a 4-page file: zeroes on ext4 (large folio), old on tmpfs',
    steps: [
      { op: 'splice', off: 4, len: 4 },
      { op: 'fallocate-punch', off: 4, len: 4 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [[0, 0, 0, 0]],
    tmpfs: [OLD],
  },
  {
    row: 'ftruncate to 0: old',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 0 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [OLD],
  },
  {
    row: 'ftruncate to 1 cell: tail zeroed',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 1 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [[1, 0, 0, 0]],
  },
  {
    row: 'vmsplice then store to the user page: new',
    steps: [
      { op: 'vmsplice', page: 0, gift: false },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [NEW],
  },
  {
    row: 'vmsplice (GIFT) then store to the user page: new',
    steps: [
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [NEW],
  },
  {
    row: 'tee to a second pipe, then pwrite: both pipes new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'tee', len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4, pipe: 0 },
      { op: 'pipe-read', len: 4, pipe: 1 },
    ],
    ext4: [NEW, NEW],
  },
  {
    row: 'pwrite outside the spliced range, same page: old',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'write', off: 3, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [[1, 1]],
  },
  {
    row: 'write() into the pipe after a splice: appended, file untouched',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-write', len: 1, value: 3 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [[1, 1, 3]],
  },
  {
    row: 'fadvise(DONTNEED) then pwrite: new (not evicted)',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'evict', page: 0 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    ext4: [NEW],
  },
];

function rowCase(r: Row, fs: FsProfile): ConformCase {
  return {
    bounds: { pages: 4, cells: 4, values: 3, slots: 4, folioPages: 4, userPages: 1, depth: r.steps.length },
    // ext4: one 4-page folio, as one pwrite of the file makes; tmpfs: order-0 pages.
    initial: {
      file: new Array<number>(16).fill(1),
      cached: true,
      folios: fs.id === 'ext4' ? [4] : [1, 1, 1, 1],
      user: [[1, 1, 1, 1]],
    },
    steps: r.steps,
  };
}

async function check(r: Row, fs: FsProfile, dir: string): Promise<void> {
  const c = rowCase(r, fs);
  const res = await compareCase(c, fs, { dir, checkFolios: true });
  if (res.status !== 'compared') throw new Error(`${res.status}: ${res.message}`);
  const kernelReads = res.steps.flatMap((s) => (s.kernel.read ? [s.kernel.read] : []));
  expect(kernelReads).toEqual(fs.id === 'ext4' ? r.ext4 : (r.tmpfs ?? r.ext4));
  expect(res.disagreement).toBeUndefined();
  // Nothing done to a pipe changes the file: only the rows that write it change it.
  if (
    !r.steps.some((s) => s.op === 'write' || s.op === 'mmap-store' || s.op === 'fallocate-punch' || s.op === 'truncate')
  ) {
    expect(res.kernel.file).toEqual(c.initial.file);
  }
}

/** Why a table is skipped, or nothing. */
function skipped(fsMissing: string | false): string {
  if (!avail.ok) return ` (skipped: ${avail.reason})`;
  return fsMissing ? ` (skipped: ${fsMissing})` : '';
}

describe.skipIf(!avail.ok || !tmpExt4)(
  `semantics.md table, live on ${tmpdir()} (ext4 profile)` +
    skipped(!tmpExt4 && 'the OS temp dir is not on an FS with large folios'),
  () => {
    it.each(rows)('$row', async (r) => check(r, EXT4, tmpdir()));
  },
);

describe.skipIf(!avail.ok || !shmOk)(
  `semantics.md table, live on /dev/shm (tmpfs profile)${skipped(!shmOk && '/dev/shm is absent or not writable')}`,
  () => {
    it.each(rows)('$row', async (r) => check(r, TMPFS, shm));
  },
);
