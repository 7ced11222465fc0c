/**
 * The example fresh: build backup-punch.c, trace it with strace exactly as
 * README.md says, import the log and check the scenario. Where the program's
 * reader saw something other than what it spliced, the model must find the
 * data-stability violation, and where it did not, the model must not (on
 * ext4 a punch zeroes the large folio in place; on tmpfs it drops a small
 * folio and the pipe keeps the old data). Skipped, with the reason, where gcc
 * or strace is missing or strace cannot trace; no root needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../../test-support/cli-run.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const main = join(here, '..', '..', 'dist', 'cli', 'main.js');
const TRACE = 'trace=%file,%desc,splice,vmsplice,tee,sendfile,copy_file_range,fallocate,mmap,munmap,madvise';
const dir = mkdtempSync(join(tmpdir(), 'pipecheck-backup-punch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Why the tools are not there, or undefined. */
function missingTool(): string | undefined {
  if (spawnSync('gcc', ['--version']).status !== 0) return 'needs gcc (apt-get install gcc)';
  if (spawnSync('strace', ['-V']).status !== 0) return 'needs strace (apt-get install strace)';
  return undefined;
}

/** The check's file-system profile for the temp dir's file system, if the model has one. */
function fsProfile(path: string): string | undefined {
  const type = statfsSync(path).type;
  if (type === 0xef53) return 'ext4';
  if (type === 0x01021994) return 'tmpfs';
  return undefined;
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Violation {
  readonly invariant: string;
  readonly trace: { readonly op: string }[];
}

function build(): string | undefined {
  const missing = missingTool();
  if (missing) return missing;
  const cc = run('gcc', ['-O2', '-Wall', '-pthread', '-o', 'backup-punch', join(here, 'backup-punch.c')]);
  return cc.status === 0 ? undefined : `gcc failed: ${cc.stderr}`;
}

let built: { problem: string | undefined } | undefined;
/** Build once, on first use: why the program cannot be built and traced, or undefined. */
function buildProblem(): string | undefined {
  built ??= { problem: build() };
  return built.problem;
}

describe.each(['punch', 'pwrite'])('backup-punch %s, traced fresh on this kernel', (mode) => {
  it('the model agrees with what the program saw', (ctx) => {
    const problem = buildProblem();
    if (problem) return ctx.skip(problem);
    const log = `${mode}.strace`;
    const traced = run('strace', ['-f', '-o', log, '-e', TRACE, './backup-punch', join(dir, `file-${mode}`), mode]);
    if (traced.status !== 0 && traced.status !== 1) return ctx.skip(`strace cannot trace here: ${traced.stderr}`);
    const sawChange = !traced.stdout.startsWith('saw what was spliced');
    if (mode === 'pwrite') expect(traced.stdout).toBe("saw new data ('B')\n");

    const imported = run(process.execPath, [main, 'import-strace', log, '-o', `${mode}.json`, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout) as { notMapped: unknown[]; steps: { op: string }[] };
    expect(summary.notMapped).toEqual([]);
    const changeOp = mode === 'punch' ? 'fallocate-punch' : 'write';
    expect(summary.steps.map((s) => s.op)).toEqual(['write', 'splice', changeOp, 'pipe-read']);

    const profile = fsProfile(dir);
    if (!profile) return ctx.skip(`the model has no profile of the file system of ${dir}`);
    const args = ['check', `${mode}.json`, '--json', '--out', 'cx', '--fs-profile', profile];
    const checked = run(process.execPath, [main, ...args, '--invariant', 'data-stability']);
    const report = JSON.parse(checked.stdout) as { violations: Violation[] };
    const violation = report.violations.find((v) => v.invariant === 'data-stability');
    expect(violation !== undefined, `program: ${traced.stdout}`).toBe(sawChange);
    if (violation) {
      const ops = violation.trace.map((s) => s.op);
      expect(ops.indexOf('splice')).toBeLessThan(ops.lastIndexOf(changeOp));
      expect(ops.lastIndexOf(changeOp)).toBeLessThan(ops.indexOf('pipe-read'));
    }
    expect(readFileSync(join(dir, log), 'utf8')).toContain('splice(');
  });
});
