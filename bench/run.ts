/**
 * `npm run bench`: exhaustive runs of fixed scenarios under kernel `copy`
 * (no invariant is violated there, so nothing stops the search early) at
 * growing depth, with every built-in invariant checked on every step, as
 * `pipecheck check` does. Prints distinct states, transitions, transitions
 * and distinct states per second, bytes per visited state and wall time, the
 * median of `--reps` runs each; `--json` prints the same as one document.
 *
 *   npm run bench -- [--reps 3] [--max-depth 5] [--json]
 *
 * A benchmark, not a test: the machines are shared and noisy, so compare
 * figures from one run only.
 */
import { explore } from '../explorer/bfs.js';
import { BUILTIN_INVARIANTS } from '../invariants/builtins.js';
import { toProperties } from '../invariants/property.js';
import { parseScenario, type ScenarioInput } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';

interface BenchCase {
  readonly name: string;
  readonly scenario: ScenarioInput;
  readonly depths: readonly number[];
}

const CASES: readonly BenchCase[] = [
  {
    name: 'every-op (pages 2, cells 2, values 2, slots 2, folioPages 1, userPages 1)',
    scenario: { kernel: 'copy', bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 } },
    depths: [3, 4, 5],
  },
  {
    name: 'splice-punch-truncate (pages 2, cells 2, folioPages 2, slots 2)',
    scenario: {
      kernel: 'copy',
      bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 0 },
      environment: { ops: ['write', 'splice', 'fallocate-punch', 'truncate', 'pipe-read', 'writeback', 'evict'] },
    },
    depths: [4, 5, 6],
  },
];

interface Row {
  readonly case: string;
  readonly depth: number;
  readonly statesDistinct: number;
  readonly transitions: number;
  readonly transitionsPerSecond: number;
  readonly statesPerSecond: number;
  readonly bytesPerState: number;
  readonly wallMs: number;
  readonly reps: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function runOnce(c: BenchCase, depth: number): { states: number; transitions: number; ms: number; bytes: number } {
  const scenario = parseScenario({ ...c.scenario, bounds: { ...c.scenario.bounds, depth } }, c.name);
  const model = new ScenarioModel(scenario);
  const t0 = performance.now();
  const r = explore(model, toProperties(model, BUILTIN_INVARIANTS), { maxDepth: depth, minimize: false });
  const ms = performance.now() - t0;
  if (r.status !== 'holds')
    throw new Error(`bench ${c.name} depth ${depth}: expected holds under copy, got ${r.status}`);
  return {
    states: r.statistics.statesDistinct,
    transitions: r.statistics.transitions,
    ms,
    bytes: r.statistics.memoryBytes,
  };
}

function main(): void {
  const reps = arg('--reps', 3);
  const maxDepth = arg('--max-depth', 6);
  const json = process.argv.includes('--json');
  const rows: Row[] = [];
  for (const c of CASES) {
    for (const depth of c.depths.filter((d) => d <= maxDepth)) {
      const runs = Array.from({ length: reps }, () => runOnce(c, depth));
      const ms = median(runs.map((r) => r.ms));
      const first = runs[0]!;
      const row: Row = {
        case: c.name,
        depth,
        statesDistinct: first.states,
        transitions: first.transitions,
        transitionsPerSecond: Math.round(median(runs.map((r) => r.transitions / (r.ms / 1000)))),
        statesPerSecond: Math.round(median(runs.map((r) => r.states / (r.ms / 1000)))),
        bytesPerState: Math.round((median(runs.map((r) => r.bytes)) / first.states) * 10) / 10,
        wallMs: Math.round(ms),
        reps,
      };
      rows.push(row);
      if (!json) {
        if (depth === c.depths.filter((d) => d <= maxDepth)[0]) process.stdout.write(`${row.case}\n`);
        const n = (x: number): string => x.toLocaleString('en');
        process.stdout.write(
          `  depth ${depth}: ${n(row.statesDistinct)} states, ${n(row.transitions)} transitions, ` +
            `${n(row.transitionsPerSecond)} transitions/s, ${n(row.statesPerSecond)} states/s, ` +
            `${row.bytesPerState} bytes/state, ${(row.wallMs / 1000).toFixed(2)} s (median of ${reps})\n`,
        );
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
}

main();
