/**
 * `--workers N` gives what one worker gives, byte for byte: the same runs
 * with --workers 1 (one thread) and --workers 2 (worker threads) print the
 * same --json document but elapsedMs (and the --out directory in the
 * counterexample paths), and write byte-identical counterexample files.
 * Several kernels, a violated and a holding case, --all-violations,
 * --max-states, plugins (one that throws after a while), matrix. Runs are
 * small; dist/ is built by test-support/global-setup.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The CLI, with worker threads started at once: these searches are small enough to end on one thread first
 * (on the main thread, cli/explore-job.ts mainProbeMs; in the worker, cli/explore-worker.ts probeStates), which
 * would leave the worker and the multi-thread search untested.
 */
function pipecheck(
  args: readonly string[],
  probeStates = '0',
  mainProbeMs = '0',
  env: Readonly<Record<string, string>> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', spy, main, ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: HANG_MS,
    env: { ...process.env, PIPECHECK_PROBE_STATES: probeStates, PIPECHECK_MAIN_PROBE_MS: mainProbeMs, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Preloaded: says on stderr when a worker thread starts (Worker of node:worker_threads, wrapped). */
const spy = join(tmp, 'spy.mjs');
writeFileSync(
  spy,
  [
    "import { createRequire, syncBuiltinESMExports } from 'node:module';",
    "const threads = createRequire(import.meta.url)('node:worker_threads');",
    'const Worker = threads.Worker;',
    'threads.Worker = class extends Worker {',
    "  constructor(...a) { process.stderr.write('a worker thread started\\n'); super(...a); }",
    '};',
    'syncBuiltinESMExports();',
    '',
  ].join('\n'),
);
const STARTED = 'a worker thread started';

let n = 0;

/**
 * Run `args` on `workers` workers into a fresh out directory: the run, its JSON document with elapsedMs and the
 * out directory blanked, and the files written there.
 */
function blankedRun(
  args: readonly string[],
  workers: string,
  probeStates = '0',
  mainProbeMs = '0',
  env: Readonly<Record<string, string>> = {},
): { r: ReturnType<typeof pipecheck>; doc: string; files: Map<string, string> } {
  const out = join(tmp, `out-${n++}`);
  const r = pipecheck([...args, '--json', '--out', out, '--workers', workers], probeStates, mainProbeMs, env);
  expect(r.stderr).not.toMatch(/Error|error:/);
  const doc = r.stdout
    .replace(/"elapsedMs": \d+/g, '"elapsedMs": 0')
    .split(out)
    .join('OUT');
  const names = existsSync(out) ? readdirSync(out).sort() : [];
  return { r, doc, files: new Map(names.map((f) => [f, readFileSync(join(out, f), 'utf8')])) };
}

/** Run `args` with 1 and with 2 workers (blankedRun). */
function withWorkers(
  args: readonly string[],
  probeStates = '0',
): Array<{ status: number | null; doc: string; files: Map<string, string> }> {
  return ['1', '2'].map((workers) => {
    const { r, doc, files } = blankedRun(args, workers, probeStates);
    return { status: r.status, doc, files };
  });
}

function expectSame(
  args: readonly string[],
  probeStates = '0',
): { status: number | null; doc: Record<string, unknown> } {
  const [one, two] = withWorkers(args, probeStates);
  expect(two!.status).toBe(one!.status);
  expect(two!.doc).toBe(one!.doc);
  expect([...two!.files.keys()]).toEqual([...one!.files.keys()]);
  for (const [name, text] of one!.files) expect(two!.files.get(name)).toBe(text);
  return { status: one!.status, doc: JSON.parse(one!.doc) as Record<string, unknown> };
}

const SMALL = ['--pages', '1', '--depth', '3'];

describe('check --workers 2 is check --workers 1', () => {
  it('on linux, where data-stability is violated (the search stops once every invariant is decided)', () => {
    const r = expectSame(['check', '--kernel', 'linux', '--depth', '3']);
    expect(r.status).toBe(1);
    expect(JSON.stringify(r.doc)).toContain('data-stability');
  });

  it('when the one-thread probe ends first, and when the workers take over from it', () => {
    // 10,000 states: the linux search is decided within them; the copy one is not, so the workers start.
    expect(expectSame(['check', '--kernel', 'linux', '--depth', '3'], '10000').status).toBe(1);
    expect(expectSame(['check', '--kernel', 'copy', '--depth', '3'], '10000').status).toBe(0);
  });

  it('with --coverage: the same transitions and new states per operation', () => {
    const r = expectSame(['check', '--kernel', 'linux', '--coverage', ...SMALL]);
    expect(r.status).toBe(1);
    const coverage = r.doc.coverage as { operations: Array<{ newStates: number }> };
    const found = coverage.operations.reduce((a, o) => a + o.newStates, 0);
    expect(found).toBe((r.doc.statesDistinct as number) - 1);
  });

  it('on copy, where everything holds to the depth bound', () => {
    const r = expectSame(['check', '--kernel', 'copy', ...SMALL]);
    expect(r.status).toBe(0);
  });

  it('on howells-rfc and cow with --all-violations', () => {
    expectSame(['check', '--kernel', 'howells-rfc', '--all-violations', ...SMALL]);
    expectSame(['check', '--kernel', 'cow', '--all-violations', '--depth', '4', '--pages', '1']);
  });

  it('with --max-states (exit 3 at the same state)', () => {
    const r = expectSame(['check', '--kernel', 'copy', '--depth', '4', '--max-states', '20000']);
    expect(r.status).toBe(3);
  });

  it('with plugins, one of which throws deep in the search', () => {
    const thrower = join(tmp, 'thrower.js');
    writeFileSync(
      thrower,
      [
        "import { defineInvariant } from 'pipecheck';",
        'export default defineInvariant({ id: "thrower", description: "throws on a late read",',
        '  check({ observed, depth }) { if (observed && depth >= 2) throw new Error("late"); } });',
        '',
      ].join('\n'),
    );
    const r = expectSame([
      'check',
      '--kernel',
      'dirty-pipe',
      ...SMALL,
      '--plugin',
      join(repo, 'examples', 'no-zero-read.ts'),
      '--plugin',
      thrower,
    ]);
    expect(JSON.stringify(r.doc)).toContain('thrower');
  });

  it('with a plugin that keeps a history: on one worker, said on stderr', () => {
    const args = [
      'check',
      '--kernel',
      'linux',
      ...SMALL,
      '--plugin',
      join(repo, 'examples', 'snapshot-consistency.ts'),
    ];
    const r = pipecheck([...args, '--json', '--out', join(tmp, 'history'), '--workers', '2']);
    expect(JSON.parse(r.stdout)).toHaveProperty('violations');
    expect(r.stderr).toContain('keeps a history');
    expect(r.stderr).toContain('one worker');
  });

  it('matrix over two kernels', () => {
    const [one, two] = ['1', '2'].map((w) =>
      pipecheck(['matrix', '--kernels', 'linux,copy', ...SMALL, '--json', '--workers', w]),
    );
    expect(two!.status).toBe(one!.status);
    const blank = (s: string): string => s.replace(/"elapsedMs": \d+/g, '"elapsedMs": 0');
    expect(blank(two!.stdout)).toBe(blank(one!.stdout));
  });

  it('--workers 0 or junk is a usage error (exit 2)', () => {
    for (const bad of ['0', 'two']) {
      const r = pipecheck(['check', '--workers', bad]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('--workers');
    }
  });
});

describe('a search the main thread ends first (cli/explore-job.ts runJobs) is the one the worker gives', () => {
  /** `args` run in the worker and on the main thread: the --json document (elapsedMs blanked) and the files. */
  function both(args: readonly string[]): void {
    const [worker, here] = ['0', '60000'].map((mainProbeMs) => {
      const out = join(tmp, `out-${n++}`);
      const r = pipecheck([...args, '--json', ...(args[0] === 'check' ? ['--out', out] : [])], '100000', mainProbeMs);
      const names = existsSync(out) ? readdirSync(out).sort() : [];
      const doc = r.stdout
        .replace(/"elapsedMs": \d+/g, '"elapsedMs": 0')
        .split(out)
        .join('OUT');
      return { r, doc, files: names.map((f) => [f, readFileSync(join(out, f), 'utf8')]) };
    });
    expect(worker!.r.stderr).toContain(STARTED);
    expect(here!.r.stderr).not.toContain(STARTED);
    expect(here!.r.status).toBe(worker!.r.status);
    expect(here!.doc).toBe(worker!.doc);
    expect(here!.files).toEqual(worker!.files);
  }

  it('check: a violation, a holding search, --max-states, --workers 2', () => {
    both(['check', '--invariant', 'data-stability']);
    both(['check', '--kernel', 'copy', ...SMALL]);
    both(['check', '--kernel', 'copy', '--depth', '4', '--max-states', '2000']);
    both(['check', '--kernel', 'linux', '--depth', '3', '--workers', '2']);
  });

  it('matrix over two kernels', () => {
    both(['matrix', '--kernels', 'linux,copy', ...SMALL]);
  });

  it('with a plugin, the search runs in the worker', () => {
    const r = pipecheck(
      ['check', ...SMALL, '--plugin', join(repo, 'examples', 'no-zero-read.ts'), '--json', '--out', join(tmp, 'p')],
      '100000',
      '60000',
    );
    expect(r.stderr).toContain(STARTED);
  });
});

describe('a search the probes hand on (cli/handover.ts) ends as one never probed, on 1 and 2 workers', () => {
  /**
   * `args` with no probe (the reference, one worker), and with budgets small enough that the probes stop inside
   * the search and hand it on: the main thread's probe to the worker, the worker's probe to the workers. The
   * --json documents (elapsedMs blanked) and the counterexample files are the same; the profile says what was
   * handed on.
   */
  function handedOn(args: readonly string[]): void {
    const run = (workers: string, probeStates: string, mainProbeMs: string) =>
      blankedRun(args, workers, probeStates, mainProbeMs, { PIPECHECK_PARALLEL_PROFILE: '1' });
    const reference = run('1', '0', '0');
    expect(reference.r.stderr).not.toContain('hands on');
    const probed = [
      // The main thread's probe hands on to the worker, which goes on on one thread...
      run('1', '0', '40'),
      // ... or to the worker's probe, which hands on to the workers.
      run('2', '3000', '40'),
      // The worker's probe alone hands on to the workers.
      run('2', '3000', '0'),
    ];
    for (const p of probed) {
      expect(p.r.stderr).toMatch(/hands on the start of level [1-9]/);
      expect(p.r.status).toBe(reference.r.status);
      expect(p.doc).toBe(reference.doc);
      expect(p.files).toEqual(reference.files);
    }
    expect(probed[2]!.r.stderr).toContain('worker probe stopped');
    expect(probed[2]!.r.stderr).toContain('parallel profile');
  }

  it('copy, holding to the depth bound, with --coverage', () => {
    handedOn(['check', '--kernel', 'copy', '--depth', '4', '--coverage']);
  });

  it('linux, violated; cow with --all-violations', () => {
    handedOn(['check', '--kernel', 'linux', '--depth', '4']);
    handedOn(['check', '--kernel', 'cow', '--all-violations', '--depth', '4', '--pages', '1']);
  });

  it('--all-violations whose findings are made shortest past the main probe budget: as in the worker', () => {
    // Minimizing stops at the probe's budget; a search it cut there is run again in the worker, never kept half done.
    const args = ['check', '--pages', '1', '--depth', '3', '--invariant', 'data-stability', '--all-violations'];
    const reference = blankedRun(args, '1');
    expect(reference.r.status).toBe(1);
    for (const budget of ['50', '100', '200']) {
      const probed = blankedRun(args, '1', '0', budget);
      expect(probed.r.status).toBe(reference.r.status);
      expect(probed.doc).toBe(reference.doc);
      expect(probed.files).toEqual(reference.files);
    }
  });

  it('with --max-states past the probe budget (exit 3 at the same state)', () => {
    handedOn(['check', '--kernel', 'copy', '--depth', '4', '--max-states', '20000']);
  });
});
