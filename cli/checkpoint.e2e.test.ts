/**
 * `check --checkpoint DIR` and `--resume DIR` end to end (dist/cli/main.js):
 * a search stopped by a limit or by SIGINT, resumed, prints the report the
 * search never stopped prints (--json, byte for byte but the elapsed time);
 * a checkpoint of another search, or a damaged one, is refused with exit 2
 * naming the file and the field.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, main, repo } from '../test-support/cli-run.js';

const { pipecheck, freshDir, tmp } = cliRunner('checkpoint');

/** Kernel linux at depth 4 with coverage: a violation in 3 steps (kept across the stop), 374,670 states. */
const SEARCH = ['check', '--depth', '4', '--coverage', '--json', '--workers', '1'];
/** Save at every level start. */
const OFTEN = ['--checkpoint-every', '0.001'];

/** The --json report without what a resumed search cannot give alike (the time) nor where files went. */
function comparable(stdout: string, out: string): string {
  return stdout
    .split(out)
    .join('OUT')
    .split('\n')
    .filter((l) => !l.includes('"elapsedMs"'))
    .join('\n');
}

describe('check --checkpoint and --resume', () => {
  const wholeOut = join(tmp, 'whole');
  const whole = pipecheck(...SEARCH, '--out', wholeOut);

  it('a search stopped by --max-states, resumed, reports what the search never stopped reports', () => {
    expect(whole.status).toBe(1);
    const dir = freshDir();
    const stopped = pipecheck(...SEARCH, ...OFTEN, '--out', freshDir(), '--checkpoint', dir, '--max-states', '60000');
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/checkpoint: every trace of at most 3 steps checked \([\d,]+ states\), saved to/);
    expect(stopped.stderr).toContain(`go on from where it stopped with --resume ${dir}`);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ complete: false, reason: 'max-states' });
    const out = join(tmp, 'resumed');
    const resumed = pipecheck(...SEARCH, '--out', out, '--resume', dir);
    expect(resumed.stderr).not.toContain('go on from');
    expect(resumed.status).toBe(1);
    expect(comparable(resumed.stdout, out)).toBe(comparable(whole.stdout, wholeOut));
  });

  it('a search stopped by SIGINT writes the level it was in, exits 3, and resumes to the same report', async () => {
    const dir = freshDir();
    const args = [main, ...SEARCH, '--kernel', 'copy', ...OFTEN, '--out', freshDir(), '--checkpoint', dir];
    const child = spawn(process.execPath, args, { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Inside the last level (the longest): the checkpoint is its start.
        if (stderr.includes('at most 3 steps checked') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ complete: false, reason: 'aborted' });
    expect(existsSync(join(dir, 'pipecheck.checkpoint'))).toBe(true);
    const copyOut = freshDir();
    const copy = pipecheck(...SEARCH, '--kernel', 'copy', '--out', copyOut);
    const out = freshDir();
    const resumed = pipecheck(...SEARCH, '--kernel', 'copy', '--out', out, '--resume', dir);
    expect(resumed.status).toBe(copy.status);
    expect(comparable(resumed.stdout, out)).toBe(comparable(copy.stdout, copyOut));
  });

  it('refuses, with exit 2 naming the file and the field, a checkpoint of other options or a damaged one', () => {
    const dir = freshDir();
    expect(pipecheck(...SEARCH, '--out', freshDir(), '--checkpoint', dir, '--max-states', '20000').status).toBe(3);
    const file = join(dir, 'pipecheck.checkpoint');
    const other = pipecheck(...SEARCH, '--depth', '5', '--out', freshDir(), '--resume', dir);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain(`${file} is of another search (key.scenario.bounds.depth: the checkpoint has 4`);
    const symmetry = pipecheck(...SEARCH, '--symmetry', '--out', freshDir(), '--resume', dir);
    expect(symmetry.status).toBe(2);
    expect(symmetry.stderr).toContain('key.symmetry: the checkpoint has false, this run true');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, bytes);
    const damaged = pipecheck(...SEARCH, '--out', freshDir(), '--resume', dir);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toContain(`${file}: payload: its SHA-256 is not the header's payloadSha256`);
    writeFileSync(file, '{"not": "a checkpoint"}');
    const garbage = pipecheck(...SEARCH, '--out', freshDir(), '--resume', dir);
    expect(garbage.status).toBe(2);
    expect(garbage.stderr).toContain(`${file}: format: not a checkpoint`);
    const none = pipecheck(...SEARCH, '--out', freshDir(), '--resume', join(tmp, 'nowhere'));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--resume .*nowhere: cannot read .*pipecheck\.checkpoint \(no checkpoint there\)/);
  });

  it('on two workers: stopped by --max-states, resumed on two workers or on one, the report never stopped', () => {
    const two = SEARCH.map((a, i) => (SEARCH[i - 1] === '--workers' ? '2' : a));
    const dir = freshDir();
    const stopped = pipecheck(...two, ...OFTEN, '--out', freshDir(), '--checkpoint', dir, '--max-states', '60000');
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/checkpoint: every trace of at most 3 steps checked \([\d,]+ states\), saved to/);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ complete: false, reason: 'max-states' });
    for (const args of [two, SEARCH]) {
      const out = freshDir();
      const resumed = pipecheck(...args, '--out', out, '--resume', dir);
      expect(resumed.status).toBe(1);
      expect(comparable(resumed.stdout, out)).toBe(comparable(whole.stdout, wholeOut));
    }
  });

  it('--graph is refused', () => {
    const graph = pipecheck('check', '--graph', join(tmp, 'g.dot'), '--resume', freshDir(), '--out', freshDir());
    expect(graph.status).toBe(2);
    expect(graph.stderr).toContain('--resume and --graph do not go together');
  });
});
