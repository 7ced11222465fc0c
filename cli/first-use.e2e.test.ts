/**
 * What a new user met on first use (issue 10's list), each through the
 * command line: the defaults, the wording, matrix on a scenario file, and
 * honest results where nothing was checked or a plugin failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-first-use-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pipecheck(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Whitlock's safe pattern: a whole-folio punch after the splice, then the read. */
const wholeFolioPunch = {
  bounds: { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 0, depth: 3 },
  processes: [
    {
      name: 'backup',
      program: [
        { op: 'splice', off: 0, len: 2 },
        { op: 'fallocate-punch', off: 0, len: 2 },
        { op: 'pipe-read', len: 2 },
      ],
    },
  ],
};

describe('first use', () => {
  it('page-ownership is on request: a safe pattern on linux holds (exit 0), and asking for it still works', () => {
    const scenario = file('punch.json', wholeFolioPunch);
    const r = pipecheck('check', scenario, '--out', join(tmp, 'a'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('page-ownership');
    const asked = pipecheck('check', scenario, '--invariant', 'page-ownership', '--out', join(tmp, 'b'));
    expect(asked.status).toBe(1);
    expect(asked.stdout).toContain('page-ownership VIOLATED in 1 step');
    expect(pipecheck('list', 'invariants').stdout).toMatch(/page-ownership +always +on request/);
  });

  it('--depth 0 (or bounds.depth 0) is refused: it would check nothing, yet say "holds"', () => {
    const r = pipecheck('check', '--depth', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('depth 0 takes no step, so nothing would be checked: the smallest depth is 1');
    const f = file('depth0.json', { bounds: { depth: 0 } });
    const s = pipecheck('check', f);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain(`${f}: invalid scenario`);
    expect(s.stderr).toContain('bounds.depth: depth 0 takes no step');
  });

  it('a plugin that throws makes --json say "result": "error", matching exit 2, not "holds"', () => {
    const plugin = join(tmp, 'thrower.js');
    writeFileSync(
      plugin,
      "import { defineInvariant } from 'pipecheck';\n" +
        "export default defineInvariant({ id: 'thrower', description: 'x', check() { throw new Error('no'); } });\n",
    );
    const r = pipecheck('check', '--kernel', 'copy', '--pages', '1', '--depth', '2', '--plugin', plugin, '--json');
    expect(r.status).toBe(2);
    expect((JSON.parse(r.stdout) as { result: string }).result).toBe('error');
  });

  it('matrix takes a scenario file, and names it', () => {
    const scenario = file('matrix.json', wholeFolioPunch);
    const r = pipecheck('matrix', scenario, '--kernels', 'linux,copy', '--json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { scenario: string; kernels: { kernel: string; depthExplored: number }[] };
    expect(doc.scenario).toBe(scenario);
    expect(doc.kernels.map((k) => k.kernel)).toEqual(['linux', 'copy']);
    const human = pipecheck('matrix', scenario, '--kernels', 'linux');
    expect(human.stdout).toContain(`pipecheck matrix: ${scenario} (processes backup)`);
  });

  it('matrix progress lines name the kernel they are about', () => {
    // Progress is printed every 3 s: a search long enough to print one on each of two kernels.
    const r = pipecheck('matrix', '--kernels', 'copy,move', '--depth', '5', '--timeout', '8');
    expect(r.stderr).toMatch(/^progress \(kernel copy\): depth/m);
  });

  it('marks the step that changed the data the reader saw, and --html DIR writes a page per violation', () => {
    const seed = join(repo, 'examples', 'seed-reproducer.json');
    const html = join(tmp, 'html');
    const r = pipecheck('check', seed, '--out', join(tmp, 'cx'), '--html', html);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    const mark = lines.findIndex((l) => l.includes('^ this step changed data already in the pipe'));
    // Under step 4 (the second write) and its changes, before step 5 (the read).
    expect(
      lines
        .slice(0, mark)
        .reverse()
        .find((l) => /^ +\d\. /.test(l)),
    ).toMatch(/4\. wilcox +write\(off=0, len=1/);
    const page = /html report: +(\S+)/.exec(r.stdout)?.[1];
    expect(page).toMatch(/linux--data-stability--[0-9a-f]+\.html$/);
    expect(readFileSync(page!, 'utf8')).toContain('this step changed data already in the pipe');
    const bad = pipecheck('check', seed, '--out', join(tmp, 'cx'), '--html', '/proc/version/x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--html /proc/version/x: cannot write reports there');
  });

  it('--all-violations shows every violating step at the shortest depth, each with its own file and page', () => {
    const out = join(tmp, 'all');
    const args = ['check', '--pages', '1', '--depth', '3', '--invariant', 'data-stability', '--out', out];
    const r = pipecheck(...args, '--all-violations', '--html', join(tmp, 'all-html'), '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      violations: { invariant: string; length: number; trace: { op: string }[] }[];
    };
    const v = doc.violations as { invariant: string; length: number; trace: { op: string }[]; html: string }[];
    expect(v.length).toBeGreaterThan(3);
    expect(v.every((x) => x.invariant === 'data-stability' && x.length === 3)).toBe(true);
    // The changing steps differ: write, mmap-store, fallocate-punch, truncate (after splice) and user-store
    // (after vmsplice) each break it.
    expect(new Set(v.map((x) => x.trace[1]!.op))).toEqual(
      new Set(['write', 'mmap-store', 'fallocate-punch', 'truncate', 'user-store']),
    );
    expect(new Set(v.map((x) => x.html)).size).toBe(v.length);
    const human = pipecheck(...args, '--all-violations');
    expect(human.stdout).toContain(`data-stability VIOLATED in 3 steps (1 of ${v.length}):`);
    expect(pipecheck(...args).stdout).toContain('data-stability VIOLATED in 3 steps:');
  });

  it('a history plugin (examples/snapshot-consistency.ts) sees what one step cannot; a failing one: exit 2', () => {
    const scenario = file('snapshot.json', {
      kernel: 'copy',
      bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 0, depth: 4 },
      processes: [
        {
          name: 'backup',
          program: [
            { op: 'splice', off: 0, len: 2 },
            { op: 'splice', off: 2, len: 2 },
            { op: 'pipe-read', len: 4 },
          ],
        },
      ],
      environment: { ops: [{ op: 'write', off: 2, len: 2, value: 2 }] },
    });
    const plugin = join(repo, 'examples', 'snapshot-consistency.ts');
    const r = pipecheck('check', scenario, '--plugin', plugin, '--out', join(tmp, 'snap'));
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('snapshot-consistency VIOLATED in 4 steps');
    expect(r.stdout).toContain('when the backup began (cell 2 differs)');
    expect(r.stdout).toMatch(/data-stability +holds/);
    const broken = join(tmp, 'broken-history.js');
    writeFileSync(
      broken,
      "import { defineInvariant } from 'pipecheck';\n" +
        'export default defineInvariant({ id: "broken-history", description: "x", ' +
        'history: { initial: 0, next(h) { if (h > 0) throw new Error("no more"); return h + 1; } }, ' +
        'check() { return undefined; } });\n',
    );
    const b = pipecheck('check', scenario, '--plugin', broken, '--out', join(tmp, 'snap2'));
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('plugin error in broken-history: its history.next failed: no more');
  });

  it('counts read as English: "1 page", "2 pages", never "1 pages" or "page(s)"', () => {
    const r = pipecheck('check', '--kernel', 'copy', '--pages', '1', '--depth', '2', '--invariant', 'witness-copy');
    expect(r.stdout).toMatch(/cost: at most 1 page copied and 0 stolen/);
    expect(r.stdout).toContain('1 page copied');
    expect(r.stdout).not.toMatch(/\b1 pages\b|page\(s\)/);
  });
});
