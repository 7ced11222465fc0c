/**
 * `pipecheck run SCENARIO [--live]` end to end: `node dist/cli/main.js run ...`
 * as a subprocess, its exit codes (0 all agree or a dry run, 1 a
 * disagreement, 2 bad input naming the file) and the lines it prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { liveSkipReason } from '../test-support/live-oracle.js';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-run-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEED = 'examples/seed-reproducer.json';
const BACKUP = 'examples/backup-punch/backup-punch.scenario.json';

function pipecheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('pipecheck run without --live (the model only)', () => {
  it('backup-punch: 12 interleavings (4!/(1!·2!·1!)), one violates data-stability on the model; exit 0', () => {
    const r = pipecheck('run', BACKUP);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `pipecheck run ${BACKUP}: kernel linux, processes pid-5991 (1 step), pid-5992 (2 steps)`,
    );
    expect(r.stdout).toContain('interleavings: 12 (4!/(1!·2!·1!)), all of them run');
    expect(r.stdout).toContain('model only (linux variant, ext4 profile, Linux 6.18)');
    expect(r.stdout).toMatch(/\n12 +- +- +1 +-\n/);
    expect(r.stdout).toMatch(/\ndata-stability +1 +- +-\n/);
  });

  it('--max-traces below the count: a seeded sample, said so with the seed; --json is the typed result', () => {
    const r = pipecheck('run', BACKUP, '--max-traces', '4', '--seed', '9');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'interleavings: 12 (4!/(1!·2!·1!)); running a random sample of 4 (--max-traces 4), seed 9',
    );
    const j = pipecheck('run', BACKUP, '--max-traces', '4', '--seed', '9', '--json');
    expect(j.status).toBe(0);
    const parsed = JSON.parse(j.stdout) as { status: string; total: number; sampled: boolean; runs: unknown[] };
    expect(parsed).toMatchObject({ status: 'ran', total: 12, sampled: true, seed: 9 });
    expect(parsed.runs).toHaveLength(4);
  });

  it('a scenario with an environment: run says it ignores it', () => {
    const sc = JSON.parse(readFileSync(join(repo, SEED), 'utf8')) as Record<string, unknown>;
    const path = file('with-env.json', JSON.stringify({ ...sc, environment: { ops: ['write', 'evict'] } }));
    const r = pipecheck('run', path);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "note: run runs only the processes' interleavings; the environment's operations (write, evict) are ignored",
    );
  });
});

describe('pipecheck run: bad input is exit 2, naming the file', () => {
  it('a missing file, a file that is not JSON, an invalid scenario', () => {
    const missing = join(tmp, 'nope.json');
    const r1 = pipecheck('run', missing);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toBe(`pipecheck run: cannot read the scenario: no such file: ${missing}\n`);
    const notJson = file('bad.json', '{ nope');
    const r2 = pipecheck('run', notJson);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain(`pipecheck run: ${notJson}:1:3: the scenario is not JSON`);
    const invalid = file('invalid.json', JSON.stringify({ bounds: { pages: 0 } }));
    const r3 = pipecheck('run', invalid);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toContain(`${invalid}: invalid scenario`);
    expect(r3.stdout).toBe('');
  });

  it('a scenario without processes', () => {
    const env = file(
      'env.json',
      JSON.stringify({ bounds: { pages: 1, cells: 2, depth: 2 }, environment: { ops: ['write'] } }),
    );
    const r = pipecheck('run', env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`pipecheck run: ${env} has no processes: run interleaves the processes' programs`);
    expect(r.stdout).toBe('');
  });

  it('bad options: --fs without --live, --max-traces 0, no scenario', () => {
    const r1 = pipecheck('run', SEED, '--fs', tmp);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toBe('pipecheck run: --fs goes with --live\n');
    expect(pipecheck('run', SEED, '--max-traces', '0').status).toBe(2);
    expect(pipecheck('run').status).toBe(2);
  });
});

const skip = await liveSkipReason();

describe.skipIf(skip !== '')(`pipecheck run --live${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it("the seed's reproducer: agree, violated on the model and on the kernel; exit 0", () => {
    const r = pipecheck('run', SEED, '--live', '--out', join(tmp, 'cx'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n1 +1 +0 +1 +1\n/);
    expect(r.stdout).toContain(
      'data-stability: on the real kernel: the violation happens too (step 5: the reader saw [2, 0], expected [1, 0])',
    );
    expect(r.stdout).toContain('model and kernel agree on the interleaving');
  });

  it('backup-punch: all 12 interleavings agree; exit 0', () => {
    const r = pipecheck('run', BACKUP, '--live', '--out', join(tmp, 'cx'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n12 +12 +0 +1 +1\n/);
    expect(r.stdout).toContain('model and kernel agree on all 12 interleavings');
  });

  it('a disagreement (the copy variant against this kernel) is exit 1, with its trace', () => {
    const sc = JSON.parse(readFileSync(join(repo, SEED), 'utf8')) as Record<string, unknown>;
    const path = file('copy.json', JSON.stringify({ ...sc, kernel: 'copy' }));
    const r = pipecheck('run', path, '--live', '--out', join(tmp, 'cx'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'interleaving #1: model and kernel DISAGREE: step 5 pipe-read(len=2): model reads [1, 0], kernel reads [2, 0]',
    );
    expect(r.stdout).toMatch(
      /5\. wilcox +pipe-read\(len=2\) +model: read \[1, 0\] +kernel: read \[2, 0\] +<-- disagree/,
    );
    expect(r.stdout).toContain('model and kernel DISAGREE on 1 of 1 interleavings');
  });
});
