/**
 * The committed example end to end: examples/backup-punch/backup-punch.strace
 * (a real log, recorded on Linux 6.18) imports to the committed scenario, and
 * checking that scenario finds what the program saw on the kernel: the
 * reader of the pipe gets zeros after the punch. The command line runs as a
 * subprocess (dist/ is built by test-support/global-setup.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../model/scenario.js';
import { mapCalls } from './map.js';
import { parseStraceLog } from './parse.js';
import { scenarioOf } from './scenario.js';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const LOG = 'examples/backup-punch/backup-punch.strace';
const SCENARIO = 'examples/backup-punch/backup-punch.scenario.json';
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-strace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pipecheck(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface CheckJson {
  readonly result: string;
  readonly invariants: Record<string, string>;
  readonly violations: { invariant: string; trace: { op: string; process: string }[] }[];
}

describe('import-strace on the committed backup-punch log', () => {
  const log = readFileSync(join(repo, LOG), 'utf8');
  const mapping = mapCalls(parseStraceLog(log).calls, { cells: 2 });
  const scenario = scenarioOf(mapping, LOG);

  it('maps the main thread, the backup thread and the punching thread; nothing on the file is left out', () => {
    expect(mapping.file?.path).toBe('/tmp/somefile');
    expect(mapping.notMapped).toEqual([]);
    const programs = scenario.processes!.map((p) => p.program);
    expect(programs).toEqual([
      [{ op: 'write', off: 0, len: 4, value: 1 }],
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'pipe-read', len: 2 },
      ],
      [{ op: 'fallocate-punch', off: 0, len: 2 }],
    ]);
    expect(scenario.processes!.map((p) => p.name)).toEqual(
      [...new Set(mapping.steps.map((s) => s.pid))].map((pid) => `pid-${pid}`),
    );
    expect(scenario.bounds).toEqual({ pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2, userPages: 0, depth: 4 });
    expect(scenario.initial).toEqual({ file: [], cached: true, folios: [], user: [] });
    // the dynamic loader, the thread stacks and the printf to stdout
    expect(mapping.counts.ignored).toBeGreaterThan(20);
    expect(() => parseScenario(scenario, LOG)).not.toThrow();
  });

  it('the committed scenario is what the command prints, and the summary on stderr counts the ignored calls', () => {
    const r = pipecheck('import-strace', LOG);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(repo, SCENARIO), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(scenario);
    expect(r.stderr).toMatch(/: the file \/tmp\/somefile \(opened at line 21\): 4 steps in 3 processes/);
    expect(r.stderr).toMatch(/4 mapped, 0 not mapped, .* \d+ ignored \(not on the file, a pipe or a socket\)/);
    expect(r.stderr).not.toMatch(/not mapped:/);
  });

  it('-o writes the file; --json prints a summary with the steps and their lines', () => {
    const out = join(tmp, 'bp.json');
    const r = pipecheck('import-strace', LOG, '-o', out, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(scenario);
    const summary = JSON.parse(r.stdout) as { output: string; steps: { line: number; op: string }[] };
    expect(summary.output).toBe(out);
    expect(summary.steps.map((s) => [s.line, s.op])).toEqual([
      [22, 'write'],
      [26, 'splice'],
      [27, 'fallocate-punch'],
      [28, 'pipe-read'],
    ]);
  });

  it('check finds the data-stability violation: splice, then the punch, then the read of zeros', () => {
    const out = join(tmp, 'cx');
    const r = pipecheck('check', SCENARIO, '--json', '--out', out);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as CheckJson;
    expect(report.invariants['data-stability']).toBe('violated');
    const trace = report.violations.find((v) => v.invariant === 'data-stability')!.trace.map((s) => s.op);
    const at = (op: string) => trace.indexOf(op);
    expect(at('splice')).toBeGreaterThanOrEqual(0);
    expect(at('splice')).toBeLessThan(at('fallocate-punch'));
    expect(at('fallocate-punch')).toBeLessThan(at('pipe-read'));
  });
});

describe('import-strace refuses what it cannot use (exit 2)', () => {
  it('an unreadable log', () => {
    const r = pipecheck('import-strace', join(tmp, 'missing.strace'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing\.strace/);
  });

  it('a log with no call on a regular file, naming the log', () => {
    const path = join(tmp, 'loader.strace');
    writeFileSync(path, '1  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3\n1  close(3) = 0\n');
    const r = pipecheck('import-strace', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path}: no regular file is spliced from or written in the log`);
    expect(r.stdout).toBe('');
  });

  it('a file with no mappable call: its line, and each call listed as LOG:LINE: not mapped', () => {
    const path = join(tmp, 'odd.strace');
    const lines = [
      '1  openat(AT_FDCWD, "/tmp/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      '1  write(3, "hello"..., 100) = 100',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const r = pipecheck('import-strace', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${path}:2: not mapped: length 100 is not a multiple of the cell size 2048: write(3, "hello"..., 100) = 100`,
    );
    expect(r.stderr).toContain(`${path}:1: the file /tmp/f, opened here, has no call that can be mapped`);
  });

  it('--cells 3', () => {
    const r = pipecheck('import-strace', LOG, '--cells', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cells 3: must be 1, 2, 4 or 8');
  });
});
