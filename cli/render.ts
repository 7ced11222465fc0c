/**
 * Human output: reads like the problem (the seed's "ftruncate, pwrite,
 * splice, pwrite, read: new"): numbered steps, what each changed, what the
 * reader expected and saw, then a summary and the command that finds it again.
 */
import type { Coverage } from '../checker/coverage.js';
import type { CheckReport, TraceReport } from '../checker/report.js';
import type { PartialOrderReduction, Reductions } from '../checker/reductions.js';
import type { Verdict } from '../checker/verdict.js';
import type { ProgressEvent } from '../explorer/result.js';
import { builtinById } from '../invariants/builtins.js';
import { boundsText } from '../model/bounds.js';
import { showCells } from '../model/cells.js';
import type { TraceStep } from '../model/scenario-model.js';
import { coversDefaultEnvironment, DEFAULT_ENVIRONMENT_OPS, formatStep, OP_NAMES } from '../model/step.js';

const nf = new Intl.NumberFormat('en-US');
export const num = (n: number): string => nf.format(n);

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `1 step`, `3 steps` */
export function stepsText(n: number): string {
  return `${n} step${n === 1 ? '' : 's'}`;
}

/** The free environment's operations as a heading says them. */
function environmentText(ops: readonly string[]): string {
  if (OP_NAMES.every((op) => ops.includes(op))) return 'every operation';
  return coversDefaultEnvironment(ops) && ops.length === DEFAULT_ENVIRONMENT_OPS.length
    ? 'the core operations'
    : ops.join(', ');
}

/** A progress line, TLC style, for stderr. */
export function progressLine(e: ProgressEvent, label?: string): string {
  const mib = (e.memoryBytes / (1 << 20)).toFixed(0);
  return (
    `progress${label === undefined ? '' : ` (${label})`}: depth ${e.depth + 1}, ` +
    `${num(e.statesDistinct)} distinct states, ${num(e.statesPerSecond)} states/s, ` +
    `queue ${num(e.queue)}, ${mib} MiB, ${seconds(e.elapsedMs)}`
  );
}

/** A left-aligned table; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd(),
  );
}

/**
 * Numbered steps: `2. env  write(off=0, len=1, value=2)   file reads [1, 1] -> [2, 1]`,
 * further changes on their own lines under the first.
 */
export function traceLines(
  trace: readonly TraceStep[],
  changes: readonly (readonly string[])[],
  indent = '  ',
  damagingStep?: number,
): string[] {
  const who = Math.max(...trace.map((s) => s.process.length), 3);
  const heads = trace.map(
    (s, i) => `${String(i + 1).padStart(String(trace.length).length)}. ${s.process.padEnd(who)}  ${formatStep(s)}`,
  );
  const width = Math.max(...heads.map((h) => h.length));
  const out: string[] = [];
  heads.forEach((h, i) => {
    const ch = changes[i] ?? [];
    if (ch.length === 0) {
      out.push(`${indent}${h}${' '.repeat(width - h.length)}   (no visible change)`);
      return;
    }
    ch.forEach((c, k) =>
      out.push(`${indent}${k === 0 ? h : ''.padEnd(h.length)}${' '.repeat(width - h.length)}   ${c}`),
    );
    if (i === damagingStep) out.push(`${indent}${''.padEnd(width)}   ${damageMark(trace, i)}`);
  });
  return out;
}

/** Under the step that changed data a reader later saw (counterexamples/damage.ts). */
const DAMAGE_MARK = '^ this step changed data already in the pipe';

/** DAMAGE_MARK, or its socket form when the next read after step `damaging` is the socket's peer's. */
function damageMark(trace: readonly TraceStep[], damaging: number): string {
  const read = trace.slice(damaging + 1).find((s) => s.op === 'pipe-read' || s.op === 'socket-read');
  return read?.op === 'socket-read' ? DAMAGE_MARK.replace(/the pipe$/, 'the socket') : DAMAGE_MARK;
}

function verdictText(id: string, v: Verdict, r: CheckReport): string {
  const f = [...r.violations, ...r.witnesses].find((x) => x.invariant === id);
  const length = f === undefined ? '? steps' : stepsText(f.length);
  switch (v) {
    case 'violated':
      return `VIOLATED in ${length}`;
    case 'witnessed':
      return `witnessed in ${length}`;
    case 'not witnessed':
      return 'NOT WITNESSED (the interesting state is unreachable within the bounds)';
    case 'unknown':
      return r.pluginErrors.some((e) => e.invariant === id) ? 'unknown (plugin error)' : 'unknown (search incomplete)';
    default:
      return 'holds';
  }
}

/** `of`: this finding's place among its invariant's findings (--all-violations), when there are several. */
export function findingLines(f: TraceReport, plugins: readonly string[], of?: { n: number; count: number }): string[] {
  const out: string[] = [];
  const what = f.kind === 'always' ? 'VIOLATED' : 'witnessed';
  const place = of && of.count > 1 ? ` (${of.n} of ${of.count})` : '';
  out.push(`${f.invariant} ${what} in ${stepsText(f.length)}${place}:`);
  out.push(...traceLines(f.trace, f.changes, '  ', f.damagingStep));
  const pad = ' '.repeat(String(f.length).length + 4);
  if (f.expected && f.observed && !f.message.includes('saw'))
    out.push(`  ${pad}the reader expected ${showCells(f.expected)} and saw ${showCells(f.observed)}`);
  out.push(`  ${pad}${f.message}`);
  if (f.replayError) out.push(`  warning: the trace does not replay: ${f.replayError}`);
  if (f.counterexample) {
    out.push(`  counterexample: ${f.counterexample}`);
    const withPlugins = builtinById(f.invariant) ? '' : plugins.map((p) => ` --plugin ${p}`).join('');
    out.push(`  replay it:      pipecheck replay ${f.counterexample}${withPlugins}`);
    if (f.html) out.push(`  html report:    ${f.html}`);
  }
  return out;
}

/** What a scenario file runs, for the heading: its processes and its environment. */
export function scenarioHeading(
  file: string | null,
  processes: readonly string[],
  environment: readonly string[],
): string {
  if (file === null) return `the default scenario (${environmentText(environment)})`;
  const parts = [
    processes.length > 0 ? `processes ${processes.join(', ')}` : '',
    environment.length > 0 ? `environment ${environment.join(', ')}` : '',
  ];
  return `${file} (${parts.filter(Boolean).join('; ') || 'no steps'})`;
}

function scenarioText(r: CheckReport): string {
  return scenarioHeading(r.scenario, r.processes, r.environment);
}

/** How far the search went, and why it stopped there. */
function coverageText(r: CheckReport): string {
  const checked =
    r.depthExplored === 0
      ? 'no trace checked to its end (stopped during the first step)'
      : r.depthExplored === 1
        ? 'every trace of 1 step checked'
        : `every trace of at most ${r.depthExplored} steps checked`;
  if (!r.complete) {
    const by = r.reason === 'max-states' ? '--max-states' : r.reason === 'timeout' ? '--timeout' : 'an interrupt';
    return `incomplete: stopped by ${by}; ${checked}`;
  }
  if (r.reason === 'state-space-exhausted') return `${checked} (the state space is exhausted)`;
  if (r.reason === 'all-properties-decided') return `every invariant decided, so the search stopped; ${checked}`;
  return checked;
}

/** The lines saying which reductions were on (--symmetry, --partial-order). */
export function reductionLines(r: Reductions | undefined): string[] {
  const out: string[] = [];
  if (r?.values.on) out.push(classesText(r.values.interchangeable));
  if (r?.partialOrder?.on) out.push(partialOrderText(r.partialOrder));
  return out;
}

/** The line saying that the search took ample sets (--partial-order), and what confirmed the shortest traces. */
export function partialOrderText(po: PartialOrderReduction): string {
  const line = 'partial order: independent steps of different processes taken in one order (--partial-order)';
  const c = po.confirm;
  if (c === undefined) return line;
  const all = c.complete ? '' : ' (stopped at a limit: a trace may not be a shortest)';
  const what = `${num(c.statesDistinct)} states, ${num(c.transitions)} transitions`;
  return `${line}; shortest traces confirmed by every interleaving to depth ${c.depth}: ${what}${all}`;
}

/** The line saying that the state counts are of classes (--symmetry). */
export function classesText(interchangeable: readonly number[]): string {
  return (
    `symmetry: states counted are classes of states equal up to a relabelling of the values ` +
    `${interchangeable.join(', ')} (--symmetry)`
  );
}

/**
 * `check --coverage`: a row per operation, a row per value of an argument
 * with few values (indented; none for an operation that never fired), and
 * the warning naming the operations that never fired.
 */
export function operationCoverageLines(c: Coverage): string[] {
  const rows: string[][] = [['operation', 'steps fired', 'transitions', 'new states']];
  for (const o of c.operations) {
    rows.push([o.op, `${num(o.stepsFired)} of ${num(o.steps)}`, num(o.transitions), num(o.newStates)]);
    // An operation that never fired has nothing to split.
    if (o.transitions === 0) continue;
    for (const [arg, values] of Object.entries(o.byArgument)) {
      for (const v of values) rows.push([`  ${arg}=${String(v.value)}`, '', num(v.transitions), num(v.newStates)]);
    }
  }
  const out = [
    'coverage: per operation, the transitions taken and the new states ' +
      '(the states first reached by one of its steps, in breadth-first order)',
    ...table(rows),
  ];
  if (c.neverFired.length > 0) {
    out.push(
      `warning: never fired within the bounds: ${c.neverFired.join(', ')} — ` +
        `a 'holds' says nothing about ${c.neverFired.length === 1 ? 'it' : 'them'}`,
    );
  }
  return out;
}

/** What a verdict is about, after a heading: `, file system ext4, Linux 6.18` (what is known of it). */
export function modelText(fs: string | undefined, release: string | undefined): string {
  return (fs === undefined ? '' : `, file system ${fs}`) + (release === undefined ? '' : `, Linux ${release}`);
}

export function renderCheck(r: CheckReport): string[] {
  const out: string[] = [];
  const choices =
    r.kernelChoices === undefined
      ? ''
      : r.kernelChoices.mode === 'explore'
        ? ', kernel choices explored'
        : ', measured kernel choices only';
  out.push(`pipecheck check: kernel ${r.kernel}, ${scenarioText(r)}${modelText(r.fs, r.release)}${choices}`);
  out.push(`bounds: ${boundsText(r.bounds)}`);
  out.push('');
  for (const list of [r.violations, r.witnesses]) {
    const seen = new Map<string, number>();
    for (const f of list) {
      const n = (seen.get(f.invariant) ?? 0) + 1;
      seen.set(f.invariant, n);
      const count = list.filter((x) => x.invariant === f.invariant).length;
      out.push(...findingLines(f, r.plugins, { n, count }), '');
    }
  }
  for (const e of r.pluginErrors) out.push(e.text, '');
  const verdicts = Object.entries(r.invariants).map(([id, v]) => [id, verdictText(id, v, r)]);
  out.push(...table([['invariant', 'result'], ...verdicts]));
  out.push('');
  const states = `states: ${num(r.statesDistinct)} distinct, ${num(r.transitions)} transitions`;
  out.push(`${states}; ${coverageText(r)}; ${seconds(r.elapsedMs)}`);
  out.push(...reductionLines(r.reductions));
  const { pagesCopied, pagesStolen } = r.cost;
  const copied = `${num(pagesCopied)} ${pagesCopied === 1 ? 'page' : 'pages'} copied`;
  out.push(`cost: at most ${copied} and ${num(pagesStolen)} stolen in any state reached`);
  if (r.coverage !== undefined) out.push('', ...operationCoverageLines(r.coverage), '');
  out.push(`find it again: ${r.command}`);
  return out;
}
