import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FS_PROFILES } from '../model/fs/index.js';
import { runModelSide } from './compare.js';
import { MEASURED_ROWS, measuredCase, readsOn, type ProfileId } from './measured-table.js';

// The README's measured table on the model alone, every column: what the
// kernel's reads returned (oracle/measured-table.ts) is what the model reads
// under that file system's profile. The live tests (table.live.test.ts,
// conform-fs.test.ts) check the same rows against the kernel; the README's
// table must show them.

describe('README measured table on the model', () => {
  for (const fs of FS_PROFILES) {
    it.each(MEASURED_ROWS)(`${fs.id}: $title`, (row) => {
      const m = runModelSide(measuredCase(row, fs), fs);
      expect(m.steps.flatMap((s) => (s.read ? [s.read] : []))).toEqual(readsOn(row, fs.id));
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

  it.each(MEASURED_ROWS.filter((r) => !r.notInReadme))('$title: every cell is what was measured', (row) => {
    const line = table.slice(2).find((l) => cells(l)[0] === row.title);
    expect(line).toBeDefined();
    const got = cells(line!).slice(1);
    const ext4 = readsOn(row, 'ext4')[0]!.join('');
    header.slice(1).forEach((col, i) => {
      const reads = readsOn(row, columns[col]!).map((r) => r.join(''));
      // One value per cell: a row with several reads (tee: both pipes) reads the same in each.
      expect(new Set(reads).size, `${row.title}, ${col}`).toBe(1);
      // Bold: differs from the ext4 column.
      expect(got[i], `${row.title}, ${col}`).toBe(reads[0] === ext4 ? reads[0] : `**${reads[0]}**`);
    });
  });
});
