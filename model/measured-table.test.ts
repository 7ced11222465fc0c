import { describe, expect, it } from 'vitest';
import { reads, runSteps, type RunStepsOptions } from './run-steps.js';
import type { Step } from './step.js';
import { TMPFS } from './fs/index.js';

// The "Measured on a live Linux 6.18 kernel" table of semantics.md, replayed
// on the linux variant (ext4 column). Each row: fill a file, splice a range
// into a pipe, mutate, read the pipe. A page has 4 cells; value 1 is "old",
// 2 is "new", 0 is zeroes.
const bounds = { pages: 2, cells: 4, values: 2, slots: 4, folioPages: 1, userPages: 1 };
const oldFile = { file: [1, 1, 1, 1, 1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1, 1, 1]] };
const opts: RunStepsOptions = { kernel: 'linux', bounds, initial: oldFile };

const OLD = [1, 1, 1, 1];
const NEW_FIRST = [2, 1, 1, 1];

interface Row {
  readonly row: string;
  readonly steps: Step[];
  readonly reads: number[][];
  readonly opts?: RunStepsOptions;
}

const rows: Row[] = [
  {
    row: '`pwrite` over the spliced bytes: new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_FIRST],
  },
  {
    row: 'store through `MAP_SHARED` mapping: new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'mmap-store', off: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_FIRST],
  },
  {
    row: '`fallocate` punch of a sub-page range: zeroes',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'fallocate-punch', off: 1, len: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 0, 0, 1]],
  },
  {
    row: '`ftruncate` to 0: old',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 0 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [OLD],
  },
  {
    row: '`ftruncate` to 1 byte: tail zeroed',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'truncate', size: 1 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [[1, 0, 0, 0]],
  },
  {
    row: '`vmsplice` then store to the user page (no GIFT): new',
    steps: [
      { op: 'vmsplice', page: 0, gift: false },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_FIRST],
  },
  {
    row: '`vmsplice` then store to the user page (GIFT): new',
    steps: [
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_FIRST],
  },
  {
    row: '`tee` to a second pipe, then `pwrite`: both pipes new',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'tee', len: 4 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4, pipe: 0 },
      { op: 'pipe-read', len: 4, pipe: 1 },
    ],
    reads: [NEW_FIRST, NEW_FIRST],
  },
  {
    row: '`pwrite` outside the spliced range, same page: old',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'write', off: 2, len: 2, value: 2 },
      { op: 'pipe-read', len: 2 },
    ],
    reads: [[1, 1]],
  },
  {
    row: '`write()` into the pipe after a splice: appended',
    steps: [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-write', len: 2, value: 2 },
      { op: 'pipe-read', len: 16 },
    ],
    reads: [[1, 1, 2, 2]],
  },
  {
    row: '`posix_fadvise(DONTNEED)` then `pwrite`: new (not evicted)',
    steps: [
      { op: 'splice', off: 0, len: 4 },
      { op: 'evict', page: 0 },
      { op: 'write', off: 0, len: 1, value: 2 },
      { op: 'pipe-read', len: 4 },
    ],
    reads: [NEW_FIRST],
  },
];

describe('the measured table (Linux 6.18, ext4) replays on the linux variant', () => {
  it.each(rows)('$row', ({ steps, reads: want, opts: o }) => {
    const run = runSteps(steps, o ?? opts);
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual(want);
  });

  it('`write()` into the pipe after a splice: the file is untouched and the write is a new buffer', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-write', len: 2, value: 2 },
      ],
      opts,
    );
    expect(run.final.file).toEqual(oldFile.file);
    expect(run.final.folios.filter((f) => f.cachesPage !== null).flatMap((f) => f.cells)).toEqual(oldFile.file);
    expect(run.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('`posix_fadvise(DONTNEED)` of a spliced page: the folio stays in the cache', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 4 },
        { op: 'evict', page: 0 },
      ],
      opts,
    );
    expect(run.final.pageCache[0]).not.toBeNull();
    expect(run.final.pipes[0]!.buffers[0]!.folio).toBe(run.final.pageCache[0]);
  });

  it('`ftruncate` to 0: the file is empty while the pipe keeps the old data', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 4 },
        { op: 'truncate', size: 0 },
      ],
      opts,
    );
    expect(run.final.file).toEqual([]);
    expect(run.final.pipes[0]!.buffers[0]!.cells).toEqual(OLD);
  });

  // fallocate punch of exactly one page (page 1) of a 4-page file.
  const punchBounds = { pages: 4, cells: 2, values: 2, slots: 2, folioPages: 4, userPages: 0 };
  const punchOne: Step[] = [
    { op: 'splice', off: 2, len: 2 },
    { op: 'fallocate-punch', off: 2, len: 2 },
    { op: 'pipe-read', len: 2 },
  ];
  const fourPages = (folios: number[]) => ({ file: [1, 1, 1, 1, 1, 1, 1, 1], cached: true, folios, user: [] });

  it(
    '`fallocate` punch of exactly one page of a 4-page file: zeroes when the page is part of a large ' + 'folio (ext4)',
    () => {
      const run = runSteps(punchOne, { kernel: 'linux', bounds: punchBounds, initial: fourPages([4]) });
      expect(run.completed).toBe(true);
      expect(reads(run)).toEqual([[0, 0]]);
      expect(run.final.file).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
    },
  );

  it('`fallocate` punch of exactly one page of a 4-page file: old when the page is its own folio (tmpfs)', () => {
    const run = runSteps(punchOne, { kernel: 'linux', bounds: punchBounds, initial: fourPages([1, 1, 1, 1]) });
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual([[1, 1]]);
    expect(run.final.file).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
  });

  it(
    'the ext4 case from scratch: a 4-page pwrite makes one large folio (by-length), so the punch ' + 'zeroes in place',
    () => {
      const run = runSteps([{ op: 'write', off: 0, len: 8, value: 1 }, ...punchOne], {
        kernel: 'linux',
        bounds: punchBounds,
        initial: { file: [], cached: true, folios: [], user: [] },
      });
      expect(run.completed).toBe(true);
      expect(reads(run)).toEqual([[0, 0]]);
      // and with an order-0 write policy (tmpfs without huge pages) the pipe keeps the old page
      const tmpfs = runSteps([{ op: 'write', off: 0, len: 8, value: 1 }, ...punchOne], {
        kernel: 'linux',
        bounds: punchBounds,
        initial: { file: [], cached: true, folios: [], user: [] },
        fs: TMPFS,
      });
      expect(reads(tmpfs)).toEqual([[1, 1]]);
    },
  );
});
