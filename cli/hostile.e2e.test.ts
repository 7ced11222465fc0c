/**
 * The inputs and events that crashed, hung or lost results (issue 11), each
 * fed to the command line as a subprocess: plugins that misbehave, signals,
 * output directories that cannot take the files. Every run must end with
 * exit 0-3, a clear message, and nothing half-written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TIGHT = ['--ops', 'splice,write,pipe-read', '--pages', '1', '--depth', '3'];
let n = 0;
const freshDir = (): string => join(tmp, `out-${n++}`);

function pipecheck(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: HANG_MS,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A plugin file whose check (or top level) is `body`. */
function plugin(name: string, check: string, top = ''): string {
  const path = join(tmp, `${name}.js`);
  writeFileSync(
    path,
    [
      "import { defineInvariant } from 'pipecheck';",
      top,
      `export default defineInvariant({ id: '${name}', description: 'hostile', check({ step, after }) { ${check} } });`,
      '',
    ].join('\n'),
  );
  return path;
}

describe('plugins that misbehave are plugin errors (exit 2), never crashes or violations', () => {
  it.each([
    ['returns 42', 'return 42;', /check returned 42 \(number\)/],
    ['returns an object', 'return {};', /check returned \{\} \(object\)/],
    ['returns an empty string', "return '';", /check returned an empty string/],
    ['returns false', 'return false;', /check returned false \(boolean\)/],
    ['returns a Symbol', "return Symbol('s');", /check returned Symbol\(s\) \(symbol\)/],
    ['throws a string', "throw 'boom';", /: boom$/m],
    ['calls process.exit(0)', 'process.exit(0);', /the plugin called process\.exit\(0\), which a plugin may not do/],
  ])('a check that %s', (_what, body, message) => {
    const name = `p${n++}`;
    const p = plugin(name, body);
    const out = freshDir();
    const r = pipecheck(['check', ...TIGHT, '--plugin', p, '--invariant', name, '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/plugin error in p\d+ at step 1 /);
    expect(r.stdout).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a syntax error the transpiler would repair, and one it would not, are refused with file:line', () => {
    const repaired = join(tmp, 'repaired.ts');
    writeFileSync(
      repaired,
      "import { defineInvariant } from 'pipecheck';\n" +
        "export default defineInvariant({ id: 'r', description: 'x', check() { return undefined; } }\n",
    );
    const r = pipecheck(['check', ...TIGHT, '--plugin', repaired]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${repaired}:3: syntax error: ')' expected.`);
    const broken = plugin('broken', 'return undefined;', 'let = = 3;');
    const b = pipecheck(['check', ...TIGHT, '--plugin', broken]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain(`${broken}:2: syntax error:`);
  });

  it('a plugin cannot change the state the search goes on from', () => {
    const p = plugin('mutator', 'if (after.bytes) after.bytes.fill(0); after.view().file.push(9); return undefined;');
    const json = (args: string[]) => JSON.parse(pipecheck([...args, '--json', '--out', freshDir()]).stdout);
    const alone = json(['check', ...TIGHT, '--invariant', 'pipe-fifo']);
    const r = pipecheck(['check', ...TIGHT, '--invariant', 'pipe-fifo', '--plugin', p, '--json', '--out', freshDir()]);
    const doc = JSON.parse(r.stdout);
    // view() is frozen: pushing to it throws, which is the plugin's error; the search is untouched.
    expect(doc.pluginErrors[0].message).toMatch(/not extensible|read only|object is not extensible/i);
    expect(doc.statesDistinct).toBe(alone.statesDistinct);
  });

  it('a check that never returns is stopped after --timeout and named (exit 2)', () => {
    const p = plugin('hang', "if (step.op === 'pipe-read') for (;;) {} return undefined;");
    const r = pipecheck(['check', ...TIGHT, '--plugin', p, '--invariant', 'hang', '--timeout', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`plugin error in hang (${p}): its check did not return in time`);
  });

  it('a check that never returns is stopped 2 s after one Ctrl-C, and named (exit 2)', async () => {
    // It loops on the first step it sees, so it is looping well before the signal.
    const p = plugin('hangs', 'for (;;) {}');
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      // One worker: the timing above is the one-thread search's (worker threads take longer to start).
      const args = ['check', ...TIGHT, '--plugin', p, '--invariant', 'hangs', '--workers', '1'];
      const child = spawn(process.execPath, [main, ...args], {
        cwd: repo,
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      // Loading the plugin and starting the worker take about a second; then the check loops.
      setTimeout(() => child.kill('SIGINT'), 4000);
      child.on('close', (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`plugin error in hangs (${p}): its check did not return in time`);
  }, 60_000);

  it('a plugin that never finishes loading is stopped after --timeout and named (exit 2)', () => {
    const p = plugin('loadhang', 'return undefined;', 'for (;;) {}');
    const r = pipecheck(['check', ...TIGHT, '--plugin', p, '--timeout', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}: the plugin did not finish loading in time`);
  });

  it("a plugin's top-level code runs once per command with --workers 1, check and matrix alike", () => {
    const log = join(tmp, 'loads.log');
    const p = plugin(
      'once',
      'return undefined;',
      "import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.LOADS, 'x');",
    );
    pipecheck(['check', ...TIGHT, '--plugin', p, '--out', freshDir(), '--workers', '1'], { LOADS: log });
    expect(readFileSync(log, 'utf8')).toBe('x');
    pipecheck(['matrix', ...TIGHT, '--kernels', 'linux,copy,cow', '--plugin', p, '--workers', '1'], { LOADS: log });
    expect(readFileSync(log, 'utf8')).toBe('xx');
    // With worker threads each thread loads it too (code cannot be shared between threads). A search this
    // small would end on one thread before the workers start: PIPECHECK_PROBE_STATES=0 starts them at once.
    pipecheck(['check', ...TIGHT, '--plugin', p, '--out', freshDir(), '--workers', '2'], {
      LOADS: log,
      PIPECHECK_PROBE_STATES: '0',
    });
    expect(readFileSync(log, 'utf8')).toBe('xxxxx');
  });
});

/** Start a long search, send `signal` once it is under way, and collect what it says. */
function signalled(
  signal: NodeJS.Signals,
  args: readonly string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: repo });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      // The first progress line: the search runs. Once: a second signal quits at once.
      if (!sent && err.includes('progress:')) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('signals and output targets', () => {
  it('SIGTERM stops the search as SIGINT does: the summary, the violations found, their files', async () => {
    const out = freshDir();
    // One worker: the first progress line must come after the depth-3 violation (worker threads start later).
    const r = await signalled('SIGTERM', ['check', '--depth', '7', '--out', out, '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('incomplete: stopped by an interrupt');
    expect(r.out).toContain('data-stability VIOLATED in 3 steps');
    expect(readdirSync(out).some((f) => f.startsWith('linux--data-stability--'))).toBe(true);
  }, 60_000);

  it('a stale temporary file left by a killed run is removed by the next run', () => {
    const out = freshDir();
    mkdirSync(out);
    const stale = join(out, 'linux--data-stability--deadbeef.json.999999999.tmp');
    writeFileSync(stale, '{');
    expect(pipecheck(['check', ...TIGHT, '--out', out]).status).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(out).every((f) => f.endsWith('.json'))).toBe(true);
  });

  it('--out naming a file is refused before the search, exit 2, nothing written', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const r = pipecheck(['check', ...TIGHT, '--out', join(file, 'sub')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${join(file, 'sub')}: cannot write counterexamples there: ${file} is a file`);
    expect(r.stdout).toBe('');
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)(
    'a full disk: the report is printed, no counterexample is left, exit 2' +
      (root ? '' : ' (skipped: mounting a tmpfs needs root)'),
    () => {
      const mnt = join(tmp, 'tiny');
      mkdirSync(mnt);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', mnt]).status === 0;
      if (!mounted) return expect.unreachable('mount -t tmpfs failed');
      try {
        // Full: no counterexample file fits.
        writeFileSync(join(mnt, 'fill'), Buffer.alloc(8192));
        const out = join(mnt, 'cx');
        const r = pipecheck(['check', '--depth', '3', '--out', out]);
        expect(r.status).toBe(2);
        expect(r.stdout).toContain('data-stability VIOLATED in 3 steps');
        expect(r.stdout).not.toContain('counterexample:');
        expect(r.stderr).toMatch(/cannot write the counterexamples \(ENOSPC.*\); none was written/);
        expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      } finally {
        spawnSync('umount', [mnt]);
      }
    },
  );
});

describe('replay --live of a trace that does not fit its bounds', () => {
  it('is refused with the step and the field, exit 2 (it crashed with exit 70)', () => {
    const cx = JSON.parse(readFileSync(join(repo, 'counterexamples', 'classic', 'write.json'), 'utf8'));
    cx.trace[1].value = 200;
    const file = join(tmp, 'bad-value.json');
    writeFileSync(file, JSON.stringify(cx));
    const r = pipecheck(['replay', file, '--live']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--live: (error: trace\[1\]\.value: 200 is out of range 0\.\.2|unavailable)/);
  });
});
