/**
 * `npm run bench`: fixed questions, each measured `--reps` times (medians),
 * all in one run so that ratios compare figures from the same machine load:
 *
 * - side-by-side: issue 9's question, SPIN's operations at the default bounds
 *   under kernel `copy` to depth 6, asked of SPIN (bench/spin/pipe.pml, when
 *   spin and gcc are installed), of the command line and of the library; the
 *   ratios pipecheck / SPIN of wall time;
 * - default-depth-6: `pipecheck check --kernel copy --depth 6`, every operation;
 * - classic: `pipecheck check --invariant data-stability` (kernel linux), the
 *   wall time to the shortest classic counterexample;
 * - shortest-vs-spin: the classic question on SPIN's operations, asked of
 *   the command line and of SPIN's `pan -i` (shortest-trail search);
 * - workers: the side-by-side question at depth 5 on 1 and on 2 workers;
 * - symmetry: every operation with 3 values at depth 4, --symmetry off and on;
 * - simulate: random walks at pages 4, folioPages 4, depth 12 to the
 *   partial-folio punch (time to the first violation, seeds 1..reps);
 * - throughput: the engine (explore(), no property, one thread) and the bare
 *   loop (bench/bare-loop.ts) on the side-by-side question's model, depth 5;
 * - every-op, splice-punch-truncate: library runs at growing depth.
 *
 * Every pipecheck row has its bytes per visited state; `memory` in the
 * document is the largest of those past a million states.
 *
 *   npm run bench -- [--reps 3] [--only side-by-side,classic] [--quick] [--max-depth 6] [--json]
 *
 * --quick: depth 2 everywhere and one rep (a smoke test; `bench/run.test.ts`).
 * A benchmark, not a test: the machines are shared and noisy, so compare
 * figures from one run only. A new row is a new entry in CASES.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioInput } from '../model/scenario.js';
import {
  measureCli,
  measureLibrary,
  measureSimulate,
  measureSpin,
  measureThroughput,
  type Measurement,
  type Row,
  type Skip,
} from './measure.js';
import { aimsOf, formatAims, type Aim } from './aims.js';

export type { Row, Skip } from './measure.js';
import { spinUnavailable, spinVersion } from './spin.js';

export interface BenchOptions {
  readonly reps: number;
  readonly quick: boolean;
  readonly maxDepth: number;
  /** Groups to run; undefined: all. */
  readonly only: ReadonlySet<string> | undefined;
  readonly json: boolean;
}

export interface Ratio {
  readonly name: string;
  /** numerator / denominator, of wall time (of transitions/s where the name says so). */
  readonly value: number;
}

/** What a case adds to the document. */
interface CaseResult {
  readonly rows: Row[];
  readonly ratios?: Ratio[];
  readonly skipped?: Skip[];
}

interface BenchCase {
  readonly group: string;
  /** Takes minutes at full depth. */
  readonly deep: boolean;
  run(o: BenchOptions): CaseResult;
}

export const SPIN_OPS = [
  'write',
  'mmap-store',
  'fallocate-punch',
  'truncate',
  'splice',
  'vmsplice',
  'user-store',
  'pipe-write',
  'pipe-read',
  'writeback',
  'evict',
] as const;

const DEFAULT_BOUNDS = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };

/** The side-by-side question's scenario (its depth given apart). */
const SPIN_SCENARIO: ScenarioInput = { kernel: 'copy', bounds: DEFAULT_BOUNDS, environment: { ops: [...SPIN_OPS] } };

function row(group: string, name: string, depth: number, m: Measurement, variant?: string): Row {
  const seconds = Math.max(m.wallMs, 1) / 1000;
  return {
    group,
    case: name,
    ...(variant !== undefined ? { variant } : {}),
    depth,
    ...m,
    transitionsPerSecond: Math.round(m.transitions / seconds),
    statesPerSecond: Math.round(m.statesDistinct / seconds),
  };
}

function ratio(name: string, numerator: Measurement, denominator: Measurement): Ratio {
  return { name, value: Math.round((numerator.wallMs / Math.max(denominator.wallMs, 1)) * 100) / 100 };
}

/** The depth a case runs at: its own, 2 in --quick mode, never past --max-depth. */
function depthFor(o: BenchOptions, depth: number): number {
  return Math.min(o.quick ? 2 : depth, o.maxDepth);
}

const sideBySide: BenchCase = {
  group: 'side-by-side',
  deep: true,
  run(o) {
    const depth = depthFor(o, 6);
    const name = `SPIN's ops, default bounds, kernel copy, depth ${depth}`;
    const cli = measureCli(['--kernel', 'copy', '--depth', String(depth), '--ops', SPIN_OPS.join(',')], o.reps);
    const library = measureLibrary(SPIN_SCENARIO, depth, o.reps);
    const rows = [row(this.group, name, depth, cli), row(this.group, name, depth, library)];
    const missing = spinUnavailable();
    if (missing) return { rows, skipped: [{ group: this.group, reason: `SPIN skipped: ${missing}` }] };
    const spin = measureSpin({ depth }, o.reps);
    return {
      rows: [row(this.group, name, depth, spin), ...rows],
      ratios: [
        ratio('side-by-side: pipecheck-cli / spin', cli, spin),
        ratio('side-by-side: library / spin', library, spin),
      ],
    };
  },
};

const defaultDepth6: BenchCase = {
  group: 'default-depth-6',
  deep: true,
  run(o) {
    const depth = depthFor(o, 6);
    const m = measureCli(['--kernel', 'copy', '--depth', String(depth)], o.reps);
    return { rows: [row(this.group, `every op, default bounds, kernel copy, depth ${depth}`, depth, m)] };
  },
};

const classic: BenchCase = {
  group: 'classic',
  deep: false,
  run(o) {
    // The classic violation has 3 steps; --quick bounds the search there.
    const args = ['--invariant', 'data-stability', ...(o.quick ? ['--depth', '3'] : [])];
    const m = measureCli(args, o.reps);
    const name = `pipecheck check ${args.join(' ')} (kernel linux): to the shortest counterexample`;
    return { rows: [row(this.group, name, m.violationSteps ?? 0, m)] };
  },
};

const spinQuestion = (depth: number): string[] => [
  '--kernel',
  'copy',
  '--depth',
  String(depth),
  '--ops',
  SPIN_OPS.join(','),
];

/** The side-by-side question at depth 5 on one worker and on two: the speed-up (one's time / two's). */
const workers: BenchCase = {
  group: 'workers',
  deep: true,
  run(o) {
    const depth = depthFor(o, 5);
    const name = `SPIN's ops, default bounds, kernel copy, depth ${depth}: --workers 1, then 2`;
    const one = measureCli([...spinQuestion(depth), '--workers', '1'], o.reps);
    const two = measureCli([...spinQuestion(depth), '--workers', '2'], o.reps);
    return {
      rows: [row(this.group, name, depth, one, 'workers 1'), row(this.group, name, depth, two, 'workers 2')],
      ratios: [ratio('workers: 1 worker / 2 workers (speed-up)', one, two)],
    };
  },
};

/**
 * The shortest data-stability counterexample, asked of pipecheck and of SPIN
 * `pan -i` (issue 22). pipe.pml models SPIN's eleven operations, not the
 * classic question's fifteen (no tee, append, user-unmap, user-dontneed), so
 * the question both are asked is the classic one restricted to those eleven:
 * kernel linux, default bounds, data-stability only, depth 4 (the CLI's
 * default without a scenario; 3 with --quick, the violation's length).
 * pipecheck: `pipecheck check --invariant data-stability --kernel linux --ops
 * ...`, the process's wall time. SPIN: pipe.pml -DLINUX -DNO_FILE_INTEGRITY,
 * pan compiled -DREACH and run -i (spin and gcc not timed), with 2^20 hash
 * slots (enough for its 23,000 states; 2^24 would cost SPIN time allocating).
 */
const shortestVsSpin: BenchCase = {
  group: 'shortest-vs-spin',
  deep: false,
  run(o) {
    const depth = o.quick ? 3 : 4;
    const name = `kernel linux, SPIN's ops, default bounds, data-stability, depth ${depth}: shortest counterexample`;
    const args = ['--invariant', 'data-stability', '--kernel', 'linux', '--ops', SPIN_OPS.join(',')];
    const cli = row(this.group, name, depth, measureCli([...args, '--depth', String(depth)], o.reps));
    const missing = spinUnavailable();
    if (missing) return { rows: [cli], skipped: [{ group: this.group, reason: `SPIN skipped: ${missing}` }] };
    const spin = measureSpin({ depth, linux: true, iterative: true, omit: 'file-integrity' }, o.reps, 20);
    return {
      rows: [row(this.group, name, depth, spin, 'pan -i'), cli],
      ratios: [ratio('shortest-vs-spin: pipecheck-cli / spin pan -i', cli, spin)],
    };
  },
};

/**
 * Engine throughput on one thread: explore() with no property against the
 * bare loop (bench/bare-loop.ts) on the side-by-side question's model, depth
 * 5; the ratio is of transitions/s (both take the same transitions).
 */
const throughput: BenchCase = {
  group: 'throughput',
  deep: true,
  run(o) {
    const depth = depthFor(o, 5);
    const name = `SPIN's ops, default bounds, kernel copy, depth ${depth}, no property: the engine and the bare loop`;
    const { engine, bare } = measureThroughput(SPIN_SCENARIO, depth, o.reps);
    const rows = [row(this.group, name, depth, engine), row(this.group, name, depth, bare)];
    const value = rows[0]!.transitionsPerSecond / Math.max(rows[1]!.transitionsPerSecond, 1);
    return {
      rows,
      ratios: [{ name: 'throughput: engine / bare loop (transitions/s)', value: Math.round(value * 100) / 100 }],
    };
  },
};

/** Value symmetry off and on, where it merges states: the default bounds with 3 values, depth 4. */
const symmetry: BenchCase = {
  group: 'symmetry',
  deep: true,
  run(o) {
    const depth = depthFor(o, 4);
    const args = ['--kernel', 'copy', '--values', '3', '--depth', String(depth)];
    const name = `every op, default bounds but values 3, kernel copy, depth ${depth}: --symmetry off, then on`;
    const off = measureCli(args, o.reps);
    const on = measureCli([...args, '--symmetry'], o.reps);
    return {
      rows: [row(this.group, name, depth, off, 'symmetry off'), row(this.group, name, depth, on, 'symmetry on')],
      ratios: [ratio('symmetry: off / on (speed-up)', off, on)],
    };
  },
};

/** simulate at pages 4, folioPages 4, depth 12: the partial-folio punch, found by random walks. */
const simulate: BenchCase = {
  group: 'simulate',
  deep: false,
  run(o) {
    const ops = 'splice,fallocate-punch,pipe-read,truncate,writeback,evict';
    const args = ['--pages', '4', '--folio-pages', '4', '--depth', '12', '--ops', ops];
    const runs = o.quick ? ['--runs', '500'] : [];
    const m = measureSimulate([...args, ...runs], o.reps);
    const name = `pipecheck simulate ${args.join(' ')} (kernel linux), seeds 1..${o.reps}`;
    return { rows: [row(this.group, name, 12, m)] };
  },
};

function libraryCase(group: string, name: string, scenario: ScenarioInput, depths: readonly number[]): BenchCase {
  return {
    group,
    deep: false,
    run(o) {
      const chosen = o.quick ? [2] : depths.filter((d) => d <= o.maxDepth);
      return { rows: chosen.map((d) => row(group, name, d, measureLibrary(scenario, d, o.reps))) };
    },
  };
}

export const CASES: readonly BenchCase[] = [
  sideBySide,
  defaultDepth6,
  classic,
  shortestVsSpin,
  workers,
  symmetry,
  simulate,
  throughput,
  libraryCase(
    'every-op',
    'every-op (pages 2, cells 2, values 2, slots 2, folioPages 1, userPages 1)',
    { kernel: 'copy', bounds: DEFAULT_BOUNDS },
    [3, 4, 5],
  ),
  libraryCase(
    'splice-punch-truncate',
    'splice-punch-truncate (pages 2, cells 2, folioPages 2, slots 2)',
    {
      kernel: 'copy',
      bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 0 },
      environment: { ops: ['write', 'splice', 'fallocate-punch', 'truncate', 'pipe-read', 'writeback', 'evict'] },
    },
    [4, 5, 6],
  ),
];

export interface BenchDocument {
  readonly node: string;
  readonly spin: string | null;
  readonly options: { readonly reps: number; readonly quick: boolean; readonly only: string[] | null };
  readonly rows: Row[];
  readonly ratios: Ratio[];
  readonly skipped: Skip[];
  /** The largest bytes per visited state among pipecheck rows past a million states (null: none got there). */
  readonly memory: { readonly worstBytesPerStatePastMillion: number | null };
  /** Issue 22's aims, each beside its figure (bench/aims.ts). */
  readonly aims: Aim[];
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string, fallback: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
    return n;
  };
  const quick = argv.includes('--quick');
  const only = value('--only');
  const groups = new Set(CASES.map((c) => c.group));
  const chosen = only?.split(',').filter((g) => g.length > 0);
  for (const g of chosen ?? [])
    if (!groups.has(g)) throw new Error(`--only: unknown case ${g} (cases: ${[...groups].join(', ')})`);
  return {
    reps: number('--reps', quick ? 1 : 3),
    quick,
    maxDepth: number('--max-depth', 6),
    only: chosen ? new Set(chosen) : undefined,
    json: argv.includes('--json'),
  };
}

export function runBench(o: BenchOptions, onRow: (r: Row) => void = () => {}): BenchDocument {
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  const skipped: Skip[] = [];
  for (const c of CASES) {
    if (o.only && !o.only.has(c.group)) continue;
    const r = c.run(o);
    r.rows.forEach(onRow);
    rows.push(...r.rows);
    ratios.push(...(r.ratios ?? []));
    skipped.push(...(r.skipped ?? []));
  }
  const pastMillion = rows
    .filter((r) => r.tool !== 'spin' && r.statesDistinct >= 1_000_000 && r.bytesPerState !== undefined)
    .map((r) => r.bytesPerState!);
  const options = { reps: o.reps, quick: o.quick, only: o.only ? [...o.only] : null };
  return {
    node: process.version,
    spin: spinUnavailable() ? null : spinVersion(),
    options,
    rows,
    ratios,
    skipped,
    memory: { worstBytesPerStatePastMillion: pastMillion.length > 0 ? Math.max(...pastMillion) : null },
    aims: aimsOf({ options, rows, skipped }),
  };
}

const n = (x: number): string => x.toLocaleString('en');

/** One row as a line: the tool's figures (the case is printed above it once). */
function formatRow(r: Row): string {
  if (r.tool === 'pipecheck-simulate') {
    const first =
      r.firstViolationMs !== undefined
        ? `first violation at ${(r.firstViolationMs / 1000).toFixed(2)} s`
        : 'no violation';
    const found = r.violationSteps !== undefined ? ` (${r.violationSteps} steps after shrinking)` : '';
    const wall = `${(r.wallMs / 1000).toFixed(2)} s in all (median of ${r.reps})`;
    return `  ${r.tool}: ${n(r.walks ?? 0)} walks, ${first}${found}, ${wall}`;
  }
  const verdict = r.violationSteps !== undefined ? `, violation in ${r.violationSteps} steps` : '';
  const bytes = r.bytesPerState !== undefined ? `, ${r.bytesPerState} bytes/state` : '';
  const figures = `${n(r.statesDistinct)} states, ${n(r.transitions)} transitions`;
  const speed = `${n(r.transitionsPerSecond)} transitions/s${bytes}${verdict}`;
  return `  ${r.tool}: ${figures}, ${speed}, ${(r.wallMs / 1000).toFixed(2)} s (median of ${r.reps})`;
}

function formatSummary(d: BenchDocument): string {
  const worst = d.memory.worstBytesPerStatePastMillion;
  const lines = [
    ...d.ratios.map((r) => `ratio ${r.name}: ${r.value}`),
    ...d.skipped.map((s) => `[${s.group}] ${s.reason}`),
    worst === null
      ? 'memory: no pipecheck run got past a million states'
      : `memory: at most ${worst} bytes per visited state in the pipecheck runs past a million states`,
    formatAims(d.aims),
  ];
  return lines.join('\n');
}

function main(): void {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
  let lastCase = '';
  const doc = runBench(o, (r) => {
    if (o.json) return;
    if (r.case !== lastCase) process.stdout.write(`[${r.group}] ${r.case}\n`);
    lastCase = r.case;
    process.stdout.write(`${formatRow(r)}\n`);
  });
  if (o.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(doc)}\n`);
}

// Run when executed (`node dist/bench/run.js`), not when a test imports it.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
