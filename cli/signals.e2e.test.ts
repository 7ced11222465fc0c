/**
 * How the checker ends when it is interrupted the ways a terminal and npx
 * interrupt it: one Ctrl-C delivered twice (by the terminal to the process
 * group, and forwarded by `npm exec`), and a parent that goes away (npx's
 * `sh -c` killed) while the search runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Kernel copy at depth 7 runs for minutes: long enough to be interrupted. */
const LONG = ['check', '--kernel', 'copy', '--depth', '7'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe('interrupts as a terminal and npx deliver them', () => {
  it('one Ctrl-C delivered twice within moments is one interrupt: a clean stop, exit 3, not 130', async () => {
    const child = spawn(process.execPath, [main, ...LONG, '--out', join(tmp, 'a')], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('progress:') && !child.killed) {
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 50);
        }
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(3);
    expect(stdout).toContain('incomplete: stopped by an interrupt');
  });

  it('a search whose parent process dies stops as if interrupted, instead of running on orphaned', async () => {
    const log = join(tmp, 'orphan.out');
    // The shell stands for npx's `sh -c`; it is killed, the checker is left behind.
    const sh = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${main}" ${LONG.join(' ')} --out "${tmp}/b" > "${log}" 2>&1`],
      {
        cwd: repo,
      },
    );
    let checker: number | undefined;
    await until(() => {
      const kids = readFileSync(`/proc/${sh.pid}/task/${sh.pid}/children`, 'utf8').trim();
      checker = kids ? Number(kids.split(' ')[0]) : undefined;
      return checker !== undefined && readFileSync(log, 'utf8').includes('progress:');
    }, 20_000);
    expect(checker).toBeDefined();
    sh.kill('SIGKILL');
    expect(await until(() => !alive(checker!), 15_000)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('incomplete: stopped by an interrupt');
  });
});
