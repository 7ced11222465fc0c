/**
 * Issue 22's aims for the bench's figures, each beside what this run
 * measured: met, not met, or not measured (and why). Pure: reads a bench
 * document, computes nothing from the clock.
 *
 * A figure measured on a smaller question than its aim's (--quick,
 * --max-depth) is still judged, with a note saying so: the verdict is about
 * the question measured, not the aim's.
 */
import type { Row, Skip } from './measure.js';

/** What the aims read of a bench document. */
export interface Measured {
  readonly options: { readonly reps: number; readonly quick: boolean; readonly only: string[] | null };
  readonly rows: readonly Row[];
  readonly skipped: readonly Skip[];
}

export interface Aim {
  /** The ratio measured, in words. */
  readonly figure: string;
  /** The question it is measured on (the aim's; the bench's rows say which it measured). */
  readonly question: string;
  /** The ratio, to two decimals; null when not measured. */
  readonly measured: number | null;
  readonly aim: { readonly direction: 'at-most' | 'at-least'; readonly value: number };
  /** null: not measured (`note` says why). */
  readonly met: boolean | null;
  /** Why the figure was not measured, or how the question measured differs from the aim's. */
  readonly note?: string;
}

interface AimSpec {
  readonly figure: string;
  readonly question: string;
  readonly group: string;
  readonly aim: Aim['aim'];
  /** The depth of the aim's question (a smaller one measured gets a note). */
  readonly depth: number;
  /** The two rows the ratio divides, numerator first. */
  readonly rows: readonly [(r: Row) => boolean, (r: Row) => boolean];
  /** The ratio of the two rows. */
  readonly of: (numerator: Row, denominator: Row) => number;
}

const tool =
  (t: Row['tool']) =>
  (r: Row): boolean =>
    r.tool === t;
const variant =
  (v: string) =>
  (r: Row): boolean =>
    r.variant === v;
const wallTime = (n: Row, d: Row): number => n.wallMs / Math.max(d.wallMs, 1);
const throughput = (n: Row, d: Row): number => n.transitionsPerSecond / Math.max(d.transitionsPerSecond, 1);

export const AIM_SPECS: readonly AimSpec[] = [
  {
    figure: 'side-by-side: pipecheck CLI / SPIN pan, wall time',
    question: "SPIN's 11 ops, default bounds, kernel copy, depth 6",
    group: 'side-by-side',
    aim: { direction: 'at-most', value: 0.5 },
    depth: 6,
    rows: [tool('pipecheck-cli'), tool('spin')],
    of: wallTime,
  },
  {
    figure: 'workers: --workers 1 / --workers 2, wall time',
    question: 'the side-by-side question at depth 5, pipecheck CLI',
    group: 'workers',
    aim: { direction: 'at-least', value: 1.85 },
    depth: 5,
    rows: [variant('workers 1'), variant('workers 2')],
    of: wallTime,
  },
  {
    figure: 'shortest counterexample: pipecheck CLI / SPIN pan -i, wall time',
    question: "data-stability, kernel linux, SPIN's 11 ops, default bounds, depth 4",
    group: 'shortest-vs-spin',
    aim: { direction: 'at-most', value: 1 },
    depth: 4,
    rows: [tool('pipecheck-cli'), tool('spin')],
    of: wallTime,
  },
  {
    figure: 'throughput: engine / bare loop, transitions/s',
    question: "the side-by-side question's model at depth 5, no property, one thread",
    group: 'throughput',
    aim: { direction: 'at-least', value: 0.5 },
    depth: 5,
    rows: [tool('pipecheck-engine'), tool('bare-loop')],
    of: throughput,
  },
];

/** Why a group has no rows to judge: not run, skipped (with the bench's reason), or a row missing. */
function notMeasured(doc: Measured, spec: AimSpec): string {
  if (doc.options.only !== null && !doc.options.only.includes(spec.group)) return `--only left ${spec.group} out`;
  const skipped = doc.skipped.filter((s) => s.group === spec.group).map((s) => s.reason);
  if (skipped.length > 0) return skipped.join('; ');
  return `${spec.group} has no row for one side of the ratio`;
}

export function aimOf(doc: Measured, spec: AimSpec): Aim {
  const base = { figure: spec.figure, question: spec.question, aim: spec.aim };
  const rows = doc.rows.filter((r) => r.group === spec.group);
  const numerator = rows.find(spec.rows[0]);
  const denominator = rows.find(spec.rows[1]);
  if (numerator === undefined || denominator === undefined)
    return { ...base, measured: null, met: null, note: notMeasured(doc, spec) };
  const measured = Math.round(spec.of(numerator, denominator) * 100) / 100;
  const met = spec.aim.direction === 'at-most' ? measured <= spec.aim.value : measured >= spec.aim.value;
  const depth = numerator.depth;
  const note =
    depth !== spec.depth ? `measured at depth ${depth}; the aim's question is at depth ${spec.depth}` : undefined;
  return { ...base, measured, met, ...(note !== undefined ? { note } : {}) };
}

/** Every aim, judged on `doc`. */
export function aimsOf(doc: Measured): Aim[] {
  return AIM_SPECS.map((spec) => aimOf(doc, spec));
}

const aimText = (a: Aim['aim']): string => `${a.direction === 'at-most' ? 'at most' : 'at least'} ${a.value}`;

function verdict(a: Aim): string {
  const said = a.met === null ? 'not measured' : a.met ? 'met' : 'NOT met';
  return a.note !== undefined ? `${said} (${a.note})` : said;
}

/** The aims as a table: figure, measured, aim, verdict (with its note). */
export function formatAims(aims: readonly Aim[]): string {
  const table = [
    ['aims (issue 22)', 'measured', 'aim', 'verdict'],
    ...aims.map((a) => [a.figure, a.measured === null ? '-' : a.measured.toFixed(2), aimText(a.aim), verdict(a)]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...table.map((r) => r[c]!.length)));
  return table.map((r) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ')).join('\n');
}
