import { describe, expect, it } from 'vitest';
import { FS_PROFILES } from '../model/folio-policy.js';
import { runModelSide } from './compare.js';
import { MEASURED_ROWS, measuredCase, readsOn } from './measured-table.js';

// The README's measured table on the model alone, every column: what the
// kernel's reads returned (oracle/measured-table.ts) is what the model reads
// under that file system's profile. The live tests (table.live.test.ts,
// conform-fs.test.ts) check the same rows against the kernel.

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
