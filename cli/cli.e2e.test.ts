/**
 * The command line end to end: `node dist/cli/main.js ...` as a subprocess,
 * pinning exit codes and the lines users and scripts rely on. Runs are kept
 * small (depth <= 4, tight --ops). dist/ is built by test-support/global-setup.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, HANG_MS, main, repo } from '../test-support/cli-run.js';
import { SKIP_BUILD } from '../test-support/global-setup.js';

const { tmp, pipecheck, freshDir } = cliRunner('e2e');

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** A plugin file with one invariant, `id`, that declares nothing and always holds. */
function silentPlugin(id: string): string {
  const check = `export default defineInvariant({ id: '${id}', description: 'x', check() { return undefined; } });`;
  return file(`${id}.ts`, ["import { defineInvariant } from 'pipecheck';", check, ''].join('\n'));
}

const TIGHT = ['--ops', 'splice,write,pipe-read', '--pages', '1', '--depth', '3'];

describe('pipecheck check', () => {
  it('with no arguments finds the shortest data-stability violation on linux: splice, write, read (exit 1)', () => {
    const out = freshDir();
    const r = pipecheck('check', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('pipecheck check: kernel linux, the default scenario (the core operations)');
    expect(r.stdout).toContain('bounds: pages=2 cells=2 values=2 slots=2 folioPages=1 userPages=1 depth=4');
    expect(r.stdout).toContain('data-stability VIOLATED in 3 steps:');
    expect(r.stdout).toMatch(/1\. env {2}splice\(off=0, len=1, move=false\)/);
    expect(r.stdout).toMatch(/2\. env {2}write\(off=0, len=1, value=2\) +file reads \[1, 1, 1, 1\] -> \[2, 1, 1, 1\]/);
    expect(r.stdout).toMatch(/3\. env {2}pipe-read\(len=1, pipe=0\)/);
    expect(r.stdout).toContain('the reader of pipe 0 expected [1] (what entered the pipe) but saw [2]');
    expect(r.stdout).toMatch(/data-stability +VIOLATED in 3 steps/);
    expect(r.stdout).toMatch(/file-integrity +holds/);
    expect(r.stdout).toContain('every trace of at most 4 steps checked');
    expect(r.stdout).toContain('find it again: pipecheck check --kernel linux');
    const written = readdirSync(out).sort();
    expect(written).toContain(written.find((f) => /^linux--data-stability--[0-9a-f]{8}\.json$/.test(f)));
  });

  it('--json prints one JSON document with the interface fields', () => {
    const out = freshDir();
    const r = pipecheck('check', ...TIGHT, '--json', '--out', out);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      result: 'violated',
      kernel: 'linux',
      // What the verdict is about: the file-system profile and the Linux release the model describes.
      fs: 'ext4',
      release: '6.18',
      bounds: { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 3 },
      depthExplored: 3,
      invariants: {
        'data-stability': 'violated',
        'file-integrity': 'holds',
        'pipe-fifo': 'holds',
        'no-use-after-free': 'holds',
      },
      cost: { pagesCopied: 0, pagesStolen: 0 },
    });
    for (const k of ['statesDistinct', 'transitions', 'elapsedMs']) expect(typeof j[k]).toBe('number');
    const v = (
      j['violations'] as { invariant: string; length: number; trace: unknown[]; counterexample: string }[]
    ).find((x) => x.invariant === 'data-stability')!;
    expect(v.length).toBe(3);
    expect(v.trace).toEqual([
      { op: 'splice', off: 0, len: 1, move: false, process: 'env' },
      { op: 'write', off: 0, len: 1, value: 2, process: 'env' },
      { op: 'pipe-read', len: 1, pipe: 0, process: 'env' },
    ]);
    expect(existsSync(join(repo, v.counterexample)) || existsSync(v.counterexample)).toBe(true);
  });

  it('exits 0 when everything holds (kernel copy) and writes nothing', () => {
    const out = freshDir();
    const r = pipecheck('check', '--kernel', 'copy', ...TIGHT, '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/data-stability +holds/);
    expect(r.stdout).toMatch(/cost: at most [1-9]\d* pages copied and 0 stolen/);
    expect(existsSync(out)).toBe(false);
  });

  it('SIGINT stops a long search cleanly: exit 3 with what was covered', async () => {
    // Kernel copy at depth 6 runs for about a minute; interrupt it once it reports progress.
    const child = spawn(process.execPath, [main, 'check', '--kernel', 'copy', '--depth', '6', '--out', freshDir()], {
      cwd: repo,
    });
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
    expect(stderr).toContain('interrupted: stopping the search');
    expect(stdout).toContain('incomplete: stopped by an interrupt');
    expect(stdout).toMatch(/every trace of at most [1-5] steps checked/);
  });

  it('--timeout bounds minimization too: the largest bounds end, not minutes later (the spawn would time out)', () => {
    const big = ['--pages', '8', '--cells', '8', '--folio-pages', '8', '--user-pages', '4', '--slots', '8'];
    const r = pipecheck(
      'check',
      ...big,
      '--values',
      '15',
      '--depth',
      '64',
      '--timeout',
      '2',
      // A 1-step violation, found within the 2 s at these bounds, and one that holds, so the search runs to the limit.
      '--invariant',
      'page-ownership',
      '--invariant',
      'file-integrity',
      '--json',
      '--out',
      freshDir(),
    );
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { reason: string; violations: unknown[] };
    expect(doc.reason).toBe('timeout');
    expect(doc.violations.length).toBeGreaterThan(0);
  });

  it('--max-states 100 stops the search: exit 3, incomplete', () => {
    const r = pipecheck('check', '--invariant', 'data-stability', '--max-states', '100', '--out', freshDir());
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('incomplete: stopped by --max-states');
    expect(r.stdout).toMatch(/data-stability +unknown \(search incomplete\)/);
    const j = JSON.parse(
      pipecheck('check', '--invariant', 'data-stability', '--max-states', '100', '--json', '--out', freshDir()).stdout,
    ) as { result: string };
    expect(j.result).toBe('incomplete');
  });

  it('a malformed scenario exits 2 naming the file and the field, and writes nothing', () => {
    const bad = file(
      'bad-scenario.json',
      JSON.stringify({ bounds: { pages: 'two' }, environment: { ops: ['write', 'frobnicate'] } }),
    );
    const out = freshDir();
    const r = pipecheck('check', bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}: invalid scenario`);
    expect(r.stderr).toContain('bounds.pages');
    expect(r.stderr).toContain('environment.ops[1]');
    expect(existsSync(out)).toBe(false);
    const notJson = pipecheck('check', file('not-json.json', '{ "bounds": '), '--out', out);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('is not JSON');
  });

  it('bad usage exits 2 with the message: unknown option, bad number, unknown kernel, unknown invariant', () => {
    const unknown = pipecheck('check', '--frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
    const badNumber = pipecheck('check', '--depth', 'deep');
    expect(badNumber.status).toBe(2);
    expect(badNumber.stderr).toContain('expected an integer >= 1, got "deep"');
    const kernel = pipecheck('check', '--kernel', 'bsd');
    expect(kernel.status).toBe(2);
    expect(kernel.stderr).toContain('unknown kernel "bsd"');
    const inv = pipecheck('check', '--invariant', 'nope');
    expect(inv.status).toBe(2);
    expect(inv.stderr).toContain('unknown invariant "nope"');
    expect(pipecheck('replay').status).toBe(2);
    expect(pipecheck('frobnicate').status).toBe(2);
  });
});

describe('file-system profiles', () => {
  it('--fs-profile tmpfs is recorded in the counterexample; an unknown profile exits 2', () => {
    const out = freshDir();
    const r = pipecheck('check', ...TIGHT, '--fs-profile', 'tmpfs', '--invariant', 'data-stability', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('--fs-profile tmpfs');
    const [name] = readdirSync(out);
    expect(name).toMatch(/^linux--tmpfs--data-stability--[0-9a-f]{8}\.json$/);
    expect(JSON.parse(readFileSync(join(out, name!), 'utf8')).fs).toBe('tmpfs');
    const bad = pipecheck('check', '--fs-profile', 'zfs', '--out', freshDir());
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      'unknown file-system profile "zfs"; known: ext4, ext4-1k, xfs, btrfs, tmpfs, tmpfs-huge, auto',
    );
  });

  it('--fs-profile tmpfs refuses an initial page cache tmpfs cannot build (exit 2)', () => {
    const ops = ['--ops', 'splice,write,pipe-read', '--pages', '2', '--folio-pages', '2', '--depth', '2'];
    const r = pipecheck('check', ...ops, '--fs-profile', 'tmpfs', '--out', freshDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/initial\.folios: tmpfs \(huge=never\) builds order-0 folios only/);
  });

  it('a scenario\'s "fsProfile" picks the profile, --fs-profile overrides it, and a bad one names the field', () => {
    const scenario = (fsProfile: unknown) => ({
      fsProfile,
      bounds: { pages: 1, depth: 3 },
      environment: { ops: ['splice', 'write', 'pipe-read'] },
      invariants: ['data-stability'],
    });
    const path = file('fs-tmpfs.json', JSON.stringify(scenario('tmpfs')));
    const out = freshDir();
    const r = pipecheck('check', path, '--out', out);
    expect(r.status).toBe(1);
    expect(readdirSync(out)[0]).toMatch(/^linux--tmpfs--data-stability--[0-9a-f]{8}\.json$/);
    const over = freshDir();
    expect(pipecheck('check', path, '--fs-profile', 'xfs', '--out', over).status).toBe(1);
    expect(readdirSync(over)[0]).toMatch(/^linux--xfs--data-stability--/);
    const bad = file('fs-zfs.json', JSON.stringify(scenario('zfs')));
    const b = pipecheck('check', bad, '--out', freshDir());
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('fsProfile');
    expect(b.stderr).toContain('zfs');
  });

  const shm = existsSync('/dev/shm') && existsSync(join(repo, 'oracle', 'build', 'pipecheck-oracle'));
  it.skipIf(!shm)(
    `--fs-profile auto probes --fs and says what it chose${shm ? '' : ' (skipped: no /dev/shm or no oracle helper)'}`,
    () => {
      const r = pipecheck('check', ...TIGHT, '--fs-profile', 'auto', '--fs', '/dev/shm', '--out', freshDir());
      expect(r.stderr).toMatch(/--fs-profile auto: probed \/dev\/shm: tmpfs .* -> tmpfs profile/);
      expect(r.status).toBe(1);
      const none = pipecheck('check', '--fs-profile', 'auto', '--fs', join(repo, 'no-such-dir'), '--out', freshDir());
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/--fs-profile auto: probing .* failed/);
    },
  );
});

describe('determinism', () => {
  it('the same check twice writes the same counterexample files, byte for byte', () => {
    const a = freshDir();
    const b = freshDir();
    expect(pipecheck('check', ...TIGHT, '--out', a).status).toBe(1);
    expect(pipecheck('check', ...TIGHT, '--out', b).status).toBe(1);
    const names = readdirSync(a).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(b).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(b, n), 'utf8')).toBe(readFileSync(join(a, n), 'utf8'));
  });
});

describe('check --coverage', () => {
  // Nothing ever enters a pipe: pipe-read never fires.
  const NO_PIPE = ['--ops', 'write,truncate,pipe-read', '--pages', '1', '--depth', '3', '--kernel', 'copy'];

  it('prints the transitions and new states per operation and warns of one that never fired', () => {
    const r = pipecheck('check', ...NO_PIPE, '--coverage', '--out', freshDir());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('coverage: per operation, the transitions taken and the new states');
    expect(r.stdout).toMatch(/^operation +steps fired +transitions +new states$/m);
    expect(r.stdout).toMatch(/^write +\d+ of \d+ +[\d,]+ +[\d,]+$/m);
    expect(r.stdout).toMatch(/^ {2}value=1 +[\d,]+ +[\d,]+$/m);
    expect(r.stdout).toMatch(/^pipe-read +0 of \d+ +0 +0$/m);
    expect(r.stdout).toContain("warning: never fired within the bounds: pipe-read — a 'holds' says nothing about it");
    expect(r.stdout).toMatch(/\n\nfind it again: pipecheck check --kernel copy .*\n?$/);
  });

  it('adds a coverage field to --json, and nothing without the option', () => {
    const on = JSON.parse(pipecheck('check', ...NO_PIPE, '--coverage', '--json', '--out', freshDir()).stdout) as {
      coverage: { operations: Array<{ op: string; transitions: number; newStates: number }>; neverFired: string[] };
      statesDistinct: number;
      transitions: number;
    };
    expect(on.coverage.operations.map((o) => o.op)).toEqual(['write', 'truncate', 'pipe-read']);
    expect(on.coverage.neverFired).toEqual(['pipe-read']);
    expect(on.coverage.operations.reduce((a, o) => a + o.transitions, 0)).toBe(on.transitions);
    expect(on.coverage.operations.reduce((a, o) => a + o.newStates, 0)).toBe(on.statesDistinct - 1);
    const off = JSON.parse(pipecheck('check', ...NO_PIPE, '--json', '--out', freshDir()).stdout) as object;
    expect('coverage' in off).toBe(false);
    expect(Object.keys(off)).toEqual(Object.keys(on).filter((k) => k !== 'coverage'));
  });
});

describe('check --graph', () => {
  type Doc = { statesDistinct: number; transitions: number; violations: unknown[] };

  it('writes the graph in DOT: a node per state, an edge per transition, the violation red; --json unchanged', () => {
    const dot = join(freshDir(), 'graph.dot');
    const r = pipecheck('check', ...TIGHT, '--graph', dot, '--json', '--out', freshDir());
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    const plain = JSON.parse(pipecheck('check', ...TIGHT, '--json', '--out', freshDir()).stdout) as Doc;
    expect(Object.keys(doc)).toEqual(Object.keys(plain));
    expect(doc.statesDistinct).toBe(plain.statesDistinct);
    expect(doc.violations).toEqual(
      (plain.violations as { counterexample?: string }[]).map((v) => ({ ...v, counterexample: expect.any(String) })),
    );
    expect(r.stderr).toContain(`graph: ${doc.statesDistinct} states, ${doc.transitions} transitions written to ${dot}`);
    const text = readFileSync(dot, 'utf8');
    expect(text.startsWith('digraph "pipecheck" {')).toBe(true);
    expect(text.match(/^ {2}s\d+ \[/gm)).toHaveLength(doc.statesDistinct);
    expect(text.match(/ -> /g)).toHaveLength(doc.transitions);
    expect(text.match(/ -> .*color=red/g)).toHaveLength(3);
    expect(text).toMatch(
      / -> .*label="env pipe-read\(len=1, pipe=0\)", color=red, fontcolor=red, penwidth=3, style=bold\]/,
    );
  });

  it('gives the same DOT whatever --workers says (the graph is collected on one thread)', () => {
    const one = join(freshDir(), 'one.dot');
    const two = join(freshDir(), 'two.dot');
    expect(pipecheck('check', ...TIGHT, '--graph', one, '--workers', '1', '--out', freshDir()).status).toBe(1);
    expect(pipecheck('check', ...TIGHT, '--graph', two, '--workers', '2', '--out', freshDir()).status).toBe(1);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
  });

  it('refuses past 2000 states: the check runs and reports, nothing is written, exit 2', () => {
    const dot = join(freshDir(), 'big.dot');
    const r = pipecheck('check', '--depth', '4', '--graph', dot, '--out', freshDir());
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('data-stability VIOLATED in 3 steps:');
    expect(r.stderr).toContain(
      `pipecheck check: --graph ${dot}: the state graph has more than 2000 states, too many to draw; none was written`,
    );
    expect(existsSync(dot)).toBe(false);
  });

  it('refuses a path it cannot write before the search (exit 2, nothing written)', () => {
    const out = freshDir();
    const under = join(file('not-a-dir.txt', 'x'), 'graph.dot');
    const r = pipecheck('check', ...TIGHT, '--graph', under, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--graph ${under}: cannot write it:`);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

describe('check --symmetry', () => {
  const VALUES3 = [...TIGHT, '--values', '3'];
  type Doc = { statesDistinct: number; invariants: unknown; reductions: { values: { on: boolean; note?: string } } };

  it('keeps the verdicts with fewer states, says the counts are of classes, and reports it in --json', () => {
    const full = JSON.parse(pipecheck('check', ...VALUES3, '--json', '--out', freshDir()).stdout) as Doc;
    const r = pipecheck('check', ...VALUES3, '--symmetry', '--json', '--out', freshDir());
    expect(r.status).toBe(1);
    const reduced = JSON.parse(r.stdout) as Doc;
    expect(full.reductions.values.on).toBe(false);
    expect(reduced.reductions).toEqual({ values: { requested: true, on: true, interchangeable: [1, 2, 3] } });
    expect(reduced.invariants).toEqual(full.invariants);
    expect(reduced.statesDistinct).toBeLessThan(full.statesDistinct);
    const human = pipecheck('check', ...VALUES3, '--symmetry', '--out', freshDir());
    expect(human.stdout).toContain('symmetry: states counted are classes of states equal up to a relabelling');
    expect(human.stdout).toContain('find it again: pipecheck check --kernel linux --ops');
    expect(human.stdout).toMatch(/--symmetry$/m);
  });

  it('stays off with a note naming a plugin that does not declare valueSymmetric', () => {
    const p = silentPlugin('undeclared');
    const r = pipecheck('check', ...VALUES3, '--plugin', p, '--symmetry', '--json', '--out', freshDir());
    expect(r.stderr).toContain('--symmetry: off: invariant undeclared does not declare valueSymmetric: true');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.reductions.values.on).toBe(false);
    expect(doc.reductions.values.note).toContain('undeclared');
  });

  it('matrix --symmetry reports it, and the same verdicts', () => {
    const args = [...VALUES3, '--kernels', 'linux,copy', '--json'];
    type M = { kernels: { invariants: unknown }[]; reductions: { values: { on: boolean } } };
    const full = JSON.parse(pipecheck('matrix', ...args).stdout) as M;
    const reduced = JSON.parse(pipecheck('matrix', ...args, '--symmetry').stdout) as M;
    expect(reduced.reductions.values.on).toBe(true);
    expect(reduced.kernels.map((k) => k.invariants)).toEqual(full.kernels.map((k) => k.invariants));
  });
});

describe('check --partial-order', () => {
  const FOUR = join(repo, 'examples', 'four-threads', 'four-threads.scenario.json');
  const ORDER0 = [FOUR, '--folio-pages', '1'];
  type Violation = { invariant: string; length: number; trace: unknown };
  type Reduced = { on: boolean; note?: string; confirm?: { depth: number; statesDistinct: number } };
  type Doc = {
    statesDistinct: number;
    invariants: unknown;
    violations: Violation[];
    reductions: { values: unknown; partialOrder?: Reduced };
  };

  it('keeps the verdicts and the shortest traces with fewer states, on the 4-thread strace import', () => {
    const full = JSON.parse(pipecheck('check', ...ORDER0, '--json', '--out', freshDir()).stdout) as Doc;
    const r = pipecheck('check', ...ORDER0, '--partial-order', '--json', '--out', freshDir());
    expect(r.status).toBe(1);
    const reduced = JSON.parse(r.stdout) as Doc;
    expect(full.reductions.partialOrder).toBeUndefined();
    expect(reduced.reductions.partialOrder?.on).toBe(true);
    expect(reduced.reductions.partialOrder?.confirm?.depth).toBeGreaterThanOrEqual(5);
    expect(reduced.invariants).toEqual(full.invariants);
    expect(reduced.violations.map((v) => [v.invariant, v.length, v.trace])).toEqual(
      full.violations.map((v) => [v.invariant, v.length, v.trace]),
    );
    expect(reduced.statesDistinct).toBeLessThan(full.statesDistinct);
    const human = pipecheck('check', ...ORDER0, '--partial-order', '--out', freshDir());
    expect(human.stdout).toContain('partial order: independent steps of different processes taken in one order');
    expect(human.stdout).toContain('shortest traces confirmed by every interleaving to depth');
    expect(human.stdout).toMatch(/--partial-order$/m);
  });

  it('stays off with a note: no processes, or a plugin that does not declare commutes', () => {
    const env = pipecheck('check', ...TIGHT, '--partial-order', '--json', '--out', freshDir());
    expect(env.stderr).toContain('--partial-order: off: the scenario has fewer than two processes');
    const p = silentPlugin('no-commutes');
    const r = pipecheck('check', ...ORDER0, '--plugin', p, '--partial-order', '--json', '--out', freshDir());
    expect(r.stderr).toContain('--partial-order: off: invariant no-commutes does not declare commutes: true');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.reductions.partialOrder).toEqual({
      requested: true,
      on: false,
      note: 'off: invariant no-commutes does not declare commutes: true',
    });
  });

  it('matrix --partial-order reports it, and the same verdicts', () => {
    const args = [...ORDER0, '--kernels', 'linux,copy', '--json'];
    type M = { kernels: { invariants: unknown }[]; reductions: { partialOrder?: { on: boolean } } };
    const full = JSON.parse(pipecheck('matrix', ...args).stdout) as M;
    const reduced = JSON.parse(pipecheck('matrix', ...args, '--partial-order').stdout) as M;
    expect(reduced.reductions.partialOrder?.on).toBe(true);
    expect(reduced.kernels.map((k) => k.invariants)).toEqual(full.kernels.map((k) => k.invariants));
  });
});

describe('plugins', () => {
  it('a default export that is not defineInvariant(...) exits 2 with file:line', () => {
    const p = file(
      'not-an-invariant.ts',
      "import { defineInvariant } from 'pipecheck';\n\nconst x = 1;\nexport default { id: 'x' };\n",
    );
    const r = pipecheck('check', ...TIGHT, '--plugin', p, '--out', freshDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:4: the default export is`);
  });

  it('an id that clashes with a built-in exits 2', () => {
    const p = file(
      'clash.ts',
      [
        "import { defineInvariant } from 'pipecheck';",
        'export default defineInvariant({',
        "  id: 'data-stability',",
        "  description: 'mine',",
        '  check() { return undefined; },',
        '});',
        '',
      ].join('\n'),
    );
    const r = pipecheck('check', ...TIGHT, '--plugin', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:3: invariant id "data-stability" is already taken`);
  });

  it('a plugin that throws is reported as a plugin error, never a violation (exit 2 when nothing else decides)', () => {
    const p = file(
      'thrower.ts',
      [
        "import { defineInvariant } from 'pipecheck';",
        'export default defineInvariant({',
        "  id: 'thrower',",
        "  description: 'throws on a read',",
        "  check({ step }) { if (step.op === 'pipe-read') throw new Error('boom'); return undefined; },",
        '});',
        '',
      ].join('\n'),
    );
    const out = freshDir();
    const alone = pipecheck('check', ...TIGHT, '--plugin', p, '--invariant', 'thrower', '--out', out);
    expect(alone.status).toBe(2);
    expect(alone.stdout).toMatch(/plugin error in thrower at step 2 \(env pipe-read\(len=1, pipe=0\)\): boom/);
    expect(alone.stdout).toMatch(/thrower +unknown \(plugin error\)/);
    expect(existsSync(out)).toBe(false);
    const withBuiltins = pipecheck('check', ...TIGHT, '--plugin', p, '--json', '--out', out);
    expect(withBuiltins.status).toBe(1);
    const j = JSON.parse(withBuiltins.stdout) as {
      invariants: Record<string, string>;
      pluginErrors: { text: string }[];
    };
    expect(j.invariants['thrower']).toBe('unknown');
    expect(j.pluginErrors[0]?.text).toContain('plugin error in thrower at step 2');
  });
});

describe('replay, export-test, matrix, list', () => {
  const classic = join('counterexamples', 'classic', 'write.json');

  it('replay of a classic counterexample: exit 1 when it reproduces, 0 on kernel copy', () => {
    const r = pipecheck('replay', classic);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/2\. env {2}write\(off=0, len=1, value=2\) +file reads \[1, 1\] -> \[2, 1\]/);
    expect(r.stdout).toContain('the reader saw [2], expected [1]  <-- changed');
    expect(r.stdout).toContain('reproduces: yes, at step 3 (pipe-read(len=1, pipe=0)), as recorded');
    const copy = pipecheck('replay', classic, '--kernel', 'copy');
    expect(copy.status).toBe(0);
    expect(copy.stdout).toContain('reproduces: no');
    const json = JSON.parse(pipecheck('replay', classic, '--json').stdout) as { reproduced: boolean };
    expect(json.reproduced).toBe(true);
  });

  it('replay of a malformed counterexample exits 2 naming the field', () => {
    const cx = JSON.parse(readFileSync(join(repo, classic), 'utf8')) as Record<string, unknown>;
    const bad = file('bad-cx.json', JSON.stringify({ ...cx, kernel: 'bsd' }));
    const r = pipecheck('replay', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a valid counterexample`);
    expect(r.stderr).toContain('kernel');
  });

  // A second vitest (a process, its own workers) on a loaded machine can take minutes: no wall-clock limit
  // it could hit but a generous one for a hang. It skips the build: this run's global setup just built dist/.
  it('export-test writes a test that passes under vitest', { timeout: HANG_MS }, () => {
    const dir = join(repo, `.e2e-export-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      copyFileSync(join(repo, classic), join(dir, 'write.json'));
      const r = pipecheck('export-test', join(dir, 'write.json'));
      expect(r.status).toBe(0);
      const test = join(dir, 'write.test.ts');
      expect(r.stdout).toContain(`wrote ${test}`);
      const text = readFileSync(test, 'utf8');
      expect(text).toContain("import { replay } from 'pipecheck';");
      // The counterexample is inside the test: it passes without the JSON (usually not committed).
      expect(text).toContain('"format": "pipecheck-counterexample/1"');
      rmSync(join(dir, 'write.json'));
      expect(r.stdout).toContain(`run it: npx vitest run .e2e-export-${process.pid}/write.test.ts`);
      expect(text).toContain('expect(r.violation?.step).toBe(2);');
      const vitest = join(repo, 'node_modules', 'vitest', 'vitest.mjs');
      const v = spawnSync(process.execPath, [vitest, 'run', test, '--reporter=dot'], {
        cwd: repo,
        encoding: 'utf8',
        timeout: HANG_MS,
        env: { ...process.env, [SKIP_BUILD]: '1' },
      });
      expect(v.stdout + v.stderr).toMatch(/1 passed/);
      expect(v.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matrix prints every kernel against every invariant, with pages copied and stolen', () => {
    const r = pipecheck('matrix', ...TIGHT);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('kernel'))).toMatch(
      new RegExp(
        '^kernel +data-stability +file-integrity +pipe-fifo +no-use-after-free ' + '+pages copied +pages stolen',
      ),
    );
    for (const k of ['linux', 'dirty-pipe', 'howells-rfc', 'copy', 'move', 'cow']) {
      expect(lines.some((l) => l.startsWith(`${k} `))).toBe(true);
    }
    expect(lines.find((l) => l.startsWith('linux '))).toMatch(/^linux +VIOLATED \(3\)/);
    expect(lines.find((l) => l.startsWith('copy '))).toMatch(/^copy +holds/);
  });

  it('list kernels, ops and invariants', () => {
    const k = pipecheck('list', 'kernels');
    expect(k.status).toBe(0);
    for (const id of ['linux', 'dirty-pipe', 'howells-rfc', 'copy', 'move', 'cow'])
      expect(k.stdout).toMatch(new RegExp(`^${id} `, 'm'));
    expect(pipecheck('list', 'ops').stdout).toMatch(/^splice +off, len, move +splice\(file -> pipe\)/m);
    expect(pipecheck('list', 'invariants').stdout).toMatch(/^witness-steal +witness +on request/m);
    expect(pipecheck('list', 'everything').status).toBe(2);
  });
});
