/**
 * The command line as the end-to-end tests run it: dist/cli/main.js (built by
 * global-setup.ts) in the repository, and a scratch folder of fresh output
 * directories removed after the file's tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/**
 * How long a test lets a command run before it calls it hung: long enough
 * that no slow or busy machine reaches it (the commands the tests run take
 * seconds), short enough that a real hang ends within CI's time.
 */
export const HANG_MS = 10 * 60_000;

export const repo = fileURLToPath(new URL('..', import.meta.url));
export const main = join(repo, 'dist', 'cli', 'main.js');

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `pipecheck(...args)` with a time limit, and `freshDir()` under a scratch folder named after `label`. */
export function cliRunner(label: string, timeoutMs = HANG_MS) {
  const tmp = mkdtempSync(join(tmpdir(), `pipecheck-${label}-`));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  return {
    tmp,
    pipecheck(...args: string[]): Run {
      const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: timeoutMs });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    freshDir: (): string => join(tmp, `out-${n++}`),
  };
}
