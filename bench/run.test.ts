/**
 * The bench in its quickest mode (--quick: depth 2, one rep), run as `npm run
 * bench` runs it: the document's shape and that its figures are numbers. Not
 * a timed test: no figure is compared with a time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchDocument } from './run.js';
import { CASES } from './run.js';
import { spinUnavailable } from './spin.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bench = fileURLToPath(new URL('../dist/bench/run.js', import.meta.url));

function runBench(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bench, ...args], { cwd: repo, encoding: 'utf8', timeout: 240_000 });
}

const isNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);

describe('npm run bench -- --quick --json', () => {
  it('prints one document with a row per tool and case, every figure a number', { timeout: 300_000 }, () => {
    const r = runBench(['--quick', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as BenchDocument;
    expect(doc.options).toEqual({ reps: 1, quick: true, only: null });
    expect(new Set(doc.rows.map((row) => row.group))).toEqual(new Set(CASES.map((c) => c.group)));
    for (const row of doc.rows) {
      for (const key of ['depth', 'statesDistinct', 'transitions', 'wallMs', 'reps', 'transitionsPerSecond'] as const)
        expect(isNumber(row[key]), `${row.group} ${row.tool} ${key}`).toBe(true);
      if (row.tool === 'pipecheck-simulate') {
        // Random walks count walks, not states.
        expect(row.walks).toBeGreaterThan(0);
        continue;
      }
      expect(row.statesDistinct).toBeGreaterThan(0);
      if (row.tool !== 'spin' && row.tool !== 'bare-loop') expect(isNumber(row.bytesPerState)).toBe(true);
    }
    // The classic counterexample is found, and has the shortest length pipecheck reports.
    const classic = doc.rows.find((row) => row.group === 'classic')!;
    expect(classic.result).toBe('violated');
    expect(isNumber(classic.violationSteps)).toBe(true);
    // Side by side and pan -i: SPIN's rows and the ratios when spin is installed, else a reason it was skipped.
    const tools = (group: string): string[] => doc.rows.filter((row) => row.group === group).map((row) => row.tool);
    const shortest = doc.rows.filter((row) => row.group === 'shortest-vs-spin');
    if (spinUnavailable()) {
      expect(tools('side-by-side')).toEqual(['pipecheck-cli', 'pipecheck-library']);
      expect(tools('shortest-vs-spin')).toEqual(['pipecheck-cli']);
      expect(doc.skipped.map((s) => s.group)).toEqual(['side-by-side', 'shortest-vs-spin']);
    } else {
      expect(tools('side-by-side')).toEqual(['spin', 'pipecheck-cli', 'pipecheck-library']);
      expect(doc.ratios.filter((x) => x.name.startsWith('side-by-side'))).toHaveLength(2);
      expect(tools('shortest-vs-spin')).toEqual(['spin', 'pipecheck-cli']);
      for (const x of doc.ratios) expect(isNumber(x.value) && x.value > 0).toBe(true);
    }
    // Both find the classic violation on SPIN's operations, at its shortest length (3 steps).
    for (const row of shortest) {
      expect(row.result, row.tool).toBe('violated');
      expect(row.violationSteps, row.tool).toBe(3);
    }
    // The engine and the bare loop take the same steps.
    const [engine, bare] = doc.rows.filter((row) => row.group === 'throughput');
    expect([engine!.tool, bare!.tool]).toEqual(['pipecheck-engine', 'bare-loop']);
    expect([bare!.statesDistinct, bare!.transitions]).toEqual([engine!.statesDistinct, engine!.transitions]);
    // Every aim judged (SPIN's only when spin is installed), each at --quick's smaller question, saying so.
    expect(doc.aims).toHaveLength(4);
    for (const aim of doc.aims) {
      const spinAim = aim.figure.includes('SPIN');
      if (spinAim && spinUnavailable()) {
        expect([aim.measured, aim.met]).toEqual([null, null]);
        expect(aim.note).toMatch(/SPIN skipped/);
        continue;
      }
      expect(isNumber(aim.measured)).toBe(true);
      expect(typeof aim.met).toBe('boolean');
      expect(aim.note).toMatch(/^measured at depth [23]; the aim's question is at depth [456]$/);
    }
    // Each reduction's row pair, with its ratio; simulate finds the partial-folio punch even in 500 walks.
    for (const name of ['workers: 1 worker / 2 workers (speed-up)', 'symmetry: off / on (speed-up)'])
      expect(doc.ratios.map((x) => x.name)).toContain(name);
    const simulate = doc.rows.find((row) => row.group === 'simulate')!;
    expect(simulate.result).toBe('violated');
    expect(simulate.violationSteps).toBe(3);
    const worst = doc.memory.worstBytesPerStatePastMillion;
    expect(worst === null || isNumber(worst)).toBe(true);
  });

  it('runs only the cases --only names', () => {
    const r = runBench(['--quick', '--json', '--only', 'every-op']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as BenchDocument;
    expect(doc.rows.map((row) => row.group)).toEqual(['every-op']);
    // No aim is measured then, each saying why.
    expect(doc.aims.map((a) => [a.met, a.note?.startsWith('--only left')])).toEqual(Array(4).fill([null, true]));
  });

  it('ends its text with the aims table: a figure per line, measured beside its aim', () => {
    const r = runBench(['--quick', '--only', 'throughput']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const header = lines.findIndex((l) => /^aims \(issue 22\)\s+measured\s+aim\s+verdict$/.test(l));
    expect(header).toBeGreaterThan(0);
    const table = lines.slice(header + 1);
    expect(table).toHaveLength(4);
    expect(table[3]).toMatch(
      /^throughput: engine \/ bare loop, transitions\/s\s+\d+\.\d\d\s+at least 0\.5\s+(met|NOT met) \(/,
    );
    for (const line of table.slice(0, 3))
      expect(line).toMatch(/\s-\s+at (most|least) [\d.]+\s+not measured \(--only left/);
  });

  it('rejects an unknown case with exit 2, naming the option', () => {
    const r = runBench(['--only', 'no-such-case']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--only: unknown case no-such-case/);
  });
});
