/**
 * export-test of a counterexample found by a plugin (issue 23): the test
 * needs the plugin (`--plugin`), loads it with the package's plugin loader,
 * and passes under vitest even when the plugin lives outside any project
 * (its `import ... from 'pipecheck'` resolved by that loader). The CLI runs
 * from dist/ (built by the global setup), as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, HANG_MS, repo } from '../test-support/cli-run.js';
import { SKIP_BUILD } from '../test-support/global-setup.js';

// Limits for a hang only: a busy machine must not fail these tests.
const LIMIT = HANG_MS;
const { pipecheck, tmp: outside } = cliRunner('plugin-export', LIMIT);
const inside = join(repo, `.e2e-plugin-export-${process.pid}`);
afterAll(() => rmSync(inside, { recursive: true, force: true }));

describe('export-test of a plugin counterexample', () => {
  const plugin = join(outside, 'no-zero-read.ts');
  let cx = '';
  beforeAll(() => {
    copyFileSync(join(repo, 'examples', 'no-zero-read.ts'), plugin);
    mkdirSync(inside, { recursive: true });
    const r = pipecheck(
      ...['check', '--plugin', plugin, '--invariant', 'no-zero-read', '--ops', 'splice,fallocate-punch,pipe-read'],
      ...['--folio-pages', '2', '--depth', '3', '--workers', '1', '--out', inside],
    );
    expect(r.status, r.stderr).toBe(1);
    cx = join(
      inside,
      readdirSync(inside).find((f) => f.endsWith('.json'))!,
    );
  }, LIMIT);

  it('without --plugin: exit 2, saying so and naming the plugin it was found with', () => {
    const r = pipecheck('export-test', cx);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invariant no-zero-read is not built in: pass the plugin that defines it');
    expect(r.stderr).toContain(`it was found with --plugin ${plugin}`);
  });

  it('a --plugin that does not define the invariant: exit 2', () => {
    const other = join(outside, 'other.ts');
    copyFileSync(join(repo, 'examples', 'snapshot-consistency.ts'), other);
    const r = pipecheck('export-test', cx, '--plugin', other);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invariant no-zero-read is defined by none of the plugins given (--plugin)');
  });

  it('with --plugin: a test that loads the plugin and passes under vitest', { timeout: LIMIT }, () => {
    const test = join(inside, 'plugin.test.ts');
    const r = pipecheck('export-test', cx, '-o', test, '--plugin', plugin);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(test, 'utf8');
    expect(text).toContain("import { replay, resolveInvariants } from 'pipecheck';");
    expect(text).toContain('no-zero-read.ts');
    const vitest = join(repo, 'node_modules', 'vitest', 'vitest.mjs');
    const v = spawnSync(process.execPath, [vitest, 'run', test, '--reporter=dot'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: LIMIT,
      env: { ...process.env, [SKIP_BUILD]: '1' },
    });
    expect(v.stdout + v.stderr).toMatch(/1 passed/);
    expect(v.status).toBe(0);
  });
});
