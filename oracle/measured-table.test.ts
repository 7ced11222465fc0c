import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXT4, FS_PROFILES, fsProfileById, TMPFS } from '../model/fs/index.js';
import { reads, runSteps, type RunStepsOptions } from '../model/run-steps.js';
import type { Step } from '../model/step.js';
import { runModelSide } from './compare.js';
import {
  allowedReads,
  MEASURED_ROWS,
  measuredCase,
  readmeCell,
  readsOn,
  type ProfileId,
} from '../test-support/measured-table.js';

// The README's measured table on the model alone, every column: what the
// kernel's reads returned (test-support/measured-table.ts) is what the model reads
// under that file system's profile. The live tests (table.live.test.ts,
// conform-fs.test.ts) check the same rows against the kernel; the README's
// table must show them.

describe('README measured table on the model', () => {
  for (const fs of FS_PROFILES) {
    it.each(MEASURED_ROWS)(`${fs.id}: $title`, (row) => {
      // Option 0 at every kernel choice is what was measured where the table was made.
      const m = runModelSide(measuredCase(row, fs), fs);
      expect(m.steps.flatMap((s) => (s.read ? [s.read] : []))).toEqual(readsOn(row, fs.id));
      // What another machine's kernel did is one of the outcomes the model allows.
      const also = row.alsoMeasured?.[fs.id];
      if (also) expect(allowedReads(row, fs)).toContainEqual(also);
    });
  }

  it('starts from the folios each file system builds for a 4-page write', () => {
    const folios = Object.fromEntries(
      FS_PROFILES.map((fs) => [fs.id, measuredCase(MEASURED_ROWS[0]!, fs).initial.folios]),
    );
    expect(folios).toEqual({
      ext4: [4],
      'ext4-1k': [4],
      xfs: [4],
      btrfs: [1, 1, 1, 1],
      tmpfs: [1, 1, 1, 1],
      'tmpfs-huge': [4],
    });
  });

  it('names only profiles that exist, and only where they differ from the default', () => {
    const ids = new Set<string>(FS_PROFILES.map((p) => p.id));
    for (const row of MEASURED_ROWS)
      for (const [id, reads] of Object.entries(row.on ?? {})) {
        expect(ids.has(id), `${row.title}: ${id}`).toBe(true);
        expect(reads, `${row.title}: ${id}`).not.toEqual(row.reads);
      }
  });
});

describe("the README's measured table", () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const start = readme.indexOf('| after the splice');
  const lines = readme.slice(start).split('\n');
  const table = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('|')),
  );
  const cells = (l: string): string[] =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const header = cells(table[0]!);
  const columns: Record<string, ProfileId> = {
    ext4: 'ext4',
    'ext4 1 KiB': 'ext4-1k',
    xfs: 'xfs',
    btrfs: 'btrfs',
    tmpfs: 'tmpfs',
    'tmpfs huge': 'tmpfs-huge',
  };

  it('has a column per profile and a row per measured row, in order', () => {
    expect(start).toBeGreaterThan(0);
    expect(header.slice(1)).toEqual(Object.keys(columns));
    expect(table.slice(2).map((l) => cells(l)[0])).toEqual(
      MEASURED_ROWS.filter((r) => !r.notInReadme).map((r) => r.title),
    );
  });

  it.each(MEASURED_ROWS.filter((r) => !r.notInReadme))(
    '$title: every cell is what the model allows, what was measured first',
    (row) => {
      const line = table.slice(2).find((l) => cells(l)[0] === row.title);
      expect(line).toBeDefined();
      const got = cells(line!).slice(1);
      header.slice(1).forEach((col, i) => {
        const fs = fsProfileById(columns[col]!)!;
        // One value per read: a row with several reads (tee: both pipes) reads the same in each.
        for (const reads of allowedReads(row, fs))
          expect(new Set(reads.map((r) => r.join(''))).size, `${row.title}, ${col}`).toBe(1);
        expect(allowedReads(row, fs)[0], `${row.title}, ${col}`).toEqual(readsOn(row, fs.id));
        // Bold: differs from the ext4 column.
        expect(got[i], `${row.title}, ${col}`).toBe(readmeCell(row, fs, EXT4));
      });
    },
  );
});

// What the rows' reads do not show: the state each mutation leaves (the
// file, the page cache, the pipe's buffers), on the linux variant.
describe('the measured rows, beyond the reads', () => {
  const bounds = { pages: 2, cells: 4, values: 2, slots: 4, folioPages: 1, userPages: 1 };
  const oldFile = { file: [1, 1, 1, 1, 1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1, 1, 1]] };
  const opts: RunStepsOptions = { kernel: 'linux', bounds, initial: oldFile };
  const OLD = [1, 1, 1, 1];

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
