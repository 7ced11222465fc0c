import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judgeSteps, type JudgeStepsOptions, type Step } from 'pipecheck';
import noZeroRead from './no-zero-read.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The plugin's message at each step (judgeSteps runs the steps on the model, as the checker would). */
function judge(steps: Step[], opts: JudgeStepsOptions): (string | undefined)[] {
  return judgeSteps(noZeroRead, steps, { ...opts, process: 'backup' });
}

// Whitlock's backup: splice a page, punch a hole over it, read the pipe.
const backup: Step[] = [
  { op: 'splice', off: 0, len: 2 },
  { op: 'fallocate-punch', off: 0, len: 2 },
  { op: 'pipe-read', len: 2 },
];

describe('the no-zero-read example plugin', () => {
  it('fires when a punch zeroes a spliced large folio in place (linux, 2-page folios)', () => {
    const got = judge(backup, {
      kernel: 'linux',
      bounds: { pages: 2, cells: 2, folioPages: 2 },
      initial: { folios: [2] },
    });
    expect(got.slice(0, 2)).toEqual([undefined, undefined]);
    expect(got[2]).toBe("backup's read of pipe 0 got a zero at cell 0 where 1 entered the pipe");
  });

  it('stays quiet when the punch removes an order-0 folio (the pipe keeps the old page)', () => {
    expect(judge(backup, { kernel: 'linux', bounds: { pages: 2, cells: 2, folioPages: 1 } })).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('stays quiet on kernel copy', () => {
    const got = judge(backup, {
      kernel: 'copy',
      bounds: { pages: 2, cells: 2, folioPages: 2 },
      initial: { folios: [2] },
    });
    expect(got).toEqual([undefined, undefined, undefined]);
  });

  it('is found by `pipecheck check --plugin` (exit 1) and holds on copy (exit 0)', () => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-plugin-'));
    try {
      const run = (kernel: string) =>
        spawnSync(
          process.execPath,
          [
            'dist/cli/main.js',
            'check',
            '--kernel',
            kernel,
            '--plugin',
            'examples/no-zero-read.ts',
            '--invariant',
            'no-zero-read',
            '--ops',
            'splice,fallocate-punch,pipe-read',
            '--folio-pages',
            '2',
            '--depth',
            '3',
            '--out',
            out,
          ],
          { cwd: repo, encoding: 'utf8' },
        );
      const linux = run('linux');
      expect(linux.stderr).toBe('');
      expect(linux.status).toBe(1);
      expect(linux.stdout).toContain('no-zero-read VIOLATED in 3 steps');
      expect(linux.stdout).toMatch(/3\. env {2}pipe-read\(len=1, pipe=0\)/);
      expect(readdirSync(out)).toEqual([expect.stringMatching(/^linux--no-zero-read--[0-9a-f]{8}\.json$/)]);
      const copy = run('copy');
      expect(copy.status).toBe(0);
      expect(copy.stdout).toMatch(/no-zero-read +holds/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
