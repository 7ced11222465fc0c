/**
 * `pipecheck simulate` end to end: `node dist/cli/main.js simulate ...` as a
 * subprocess (dist/ is built by test-support/global-setup.ts).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, main, repo } from '../test-support/cli-run.js';

const { tmp, pipecheck, freshDir } = cliRunner('simulate');

/** Whitlock's punch at 4-page folios, walks of 12 steps. */
const PUNCH = ['--ops', 'splice,fallocate-punch,pipe-read', '--pages', '4', '--folio-pages', '4'];

/** The output without what depends on timing (elapsed times, rates, workers). */
function untimed(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('walks: ') && !l.startsWith('random walks: '))
    .join('\n');
}

describe('pipecheck simulate', () => {
  it('finds the partial-folio punch at pages 4, folioPages 4, depth 12, shrunk to 3 steps, and it replays', () => {
    const out = freshDir();
    const r = pipecheck('simulate', ...PUNCH, '--runs', '500', '--seed', '11', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('bounds: pages=4 cells=2 values=2 slots=2 folioPages=4 userPages=1 depth=12');
    expect(r.stdout).toContain('random walks: 500 runs of at most 12 steps, seed 11');
    expect(r.stdout).toContain('data-stability VIOLATED in 3 steps:');
    expect(r.stdout).toMatch(/1\. env {2}splice\(/);
    expect(r.stdout).toMatch(/2\. env {2}fallocate-punch\(/);
    expect(r.stdout).toContain('^ this step changed data already in the pipe');
    expect(r.stdout).toMatch(/expected \[1\] \(what entered the pipe\) but saw \[0\]/);
    expect(r.stdout).toMatch(/file-integrity +not found in 500 walks/);
    expect(r.stdout).toContain('--runs 500 --seed 11');
    expect(r.stderr).toContain('seed 11');
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    const cx = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as Record<string, unknown>;
    expect(cx['format']).toBe('pipecheck-counterexample/1');
    expect(cx['simulation']).toMatchObject({ seed: 11, runs: 500, depth: 12 });
    expect((cx['simulation'] as { path: string }).path).toMatch(/^\d+(:\d+)*$/);
    const replay = pipecheck('replay', join(out, files[0]!));
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain('reproduces: yes, at step 3');
  });

  it('finds nothing on kernel copy: exit 3, and says random search proves nothing', () => {
    const out = freshDir();
    const r = pipecheck('simulate', ...PUNCH, '--kernel', 'copy', '--runs', '300', '--seed', '1', '--out', out);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/data-stability +not found in 300 walks/);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/random search proves nothing/);
  });

  it('gives the same output for the same seed, on one worker or two', () => {
    const args = ['simulate', ...PUNCH, '--runs', '600', '--seed', '99', '--json'];
    const one = pipecheck(...args, '--workers', '1', '--out', freshDir());
    const two = pipecheck(...args, '--workers', '2', '--out', freshDir());
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    const strip = (s: string): unknown => {
      const {
        elapsedMs: _e,
        firstViolationMs: _f,
        workers: _w,
        violations,
        ...rest
      } = JSON.parse(s) as Record<string, unknown>;
      const vs = (violations as Record<string, unknown>[]).map(({ counterexample: _c, ...v }) => v);
      return { ...rest, violations: vs };
    };
    expect(strip(one.stdout)).toEqual(strip(two.stdout));
    const human = ['simulate', ...PUNCH, '--runs', '300', '--seed', '5'];
    const a = pipecheck(...human, '--workers', '1', '--out', join(tmp, 'same'));
    const b = pipecheck(...human, '--workers', '2', '--out', join(tmp, 'same'));
    expect(untimed(a.stdout)).toEqual(untimed(b.stdout));
  });

  it('takes the depth from the scenario file when --depth is not given', () => {
    const scenario = join(tmp, 'punch.json');
    const bounds = { pages: 4, cells: 2, values: 2, slots: 2, folioPages: 4, userPages: 0, depth: 5 };
    writeFileSync(
      scenario,
      JSON.stringify({ bounds, environment: { ops: ['splice', 'fallocate-punch', 'pipe-read'] } }),
    );
    const r = pipecheck('simulate', scenario, '--runs', '250', '--seed', '3', '--out', freshDir());
    expect(r.stdout).toContain('depth=5');
    expect(r.stdout).toContain('runs of at most 5 steps');
  });

  it.each([
    [['--runs', '0'], '--runs'],
    [['--workers', '0'], '--workers'],
    [['--depth', '0'], 'depth'],
    [['--seed', 'x'], '--seed'],
    [['--kernel', 'nope'], 'unknown kernel "nope"'],
    [['--invariant', 'nope'], 'unknown invariant "nope"'],
    [['--pages', '99'], 'pages'],
  ])('refuses bad options %j with exit 2', (bad, says) => {
    const r = pipecheck('simulate', ...PUNCH, '--runs', '10', ...bad, '--out', freshDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(says);
  });

  it('refuses an --out it cannot write, before any walk', () => {
    const blocker = join(tmp, 'blocker');
    writeFileSync(blocker, '');
    const r = pipecheck('simulate', ...PUNCH, '--runs', '10', '--out', join(blocker, 'sub'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
  });

  it('stops cleanly on Ctrl-C: exit 3 when nothing was found', async () => {
    const args = [main, 'simulate', ...PUNCH, '--kernel', 'copy', '--runs', '100000000', '--out', freshDir()];
    const child = spawn(process.execPath, args, { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('progress:') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(3);
    expect(stdout).toContain('(stopped by an interrupt)');
    expect(stdout).toMatch(/random search proves nothing/);
  }, 60_000);
});
