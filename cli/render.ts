/**
 * Human output: reads like the problem (the seed's "ftruncate, pwrite,
 * splice, pwrite, read: new"): numbered steps, what each changed, what the
 * reader expected and saw, then a summary and the command that finds it again.
 */
import { builtinById } from '../invariants/builtins.js';
import type { ProgressEvent } from '../explorer/result.js';
import type { Bounds } from '../model/bounds.js';
import type { TraceStep } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import type { CheckReport, TraceReport, Verdict } from './report.js';

const nf = new Intl.NumberFormat('en-US');
export const num = (n: number): string => nf.format(n);

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function boundsText(b: Bounds): string {
  return `pages=${b.pages} cells=${b.cells} values=${b.values} slots=${b.slots} folioPages=${b.folioPages} userPages=${b.userPages} depth=${b.depth}`;
}

const cells = (c: readonly number[]): string => `[${c.join(', ')}]`;

/** A progress line, TLC style, for stderr. */
export function progressLine(e: ProgressEvent): string {
  const mib = (e.memoryBytes / (1 << 20)).toFixed(0);
  return `progress: depth ${e.depth + 1}, ${num(e.statesDistinct)} distinct states, ${num(e.statesPerSecond)} states/s, queue ${num(e.queue)}, ${mib} MiB, ${seconds(e.elapsedMs)}`;
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
  });
  return out;
}

function verdictText(id: string, v: Verdict, r: CheckReport): string {
  const f = [...r.violations, ...r.witnesses].find((x) => x.invariant === id);
  switch (v) {
    case 'violated':
      return `VIOLATED in ${f?.length ?? '?'} step${f?.length === 1 ? '' : 's'}`;
    case 'witnessed':
      return `witnessed in ${f?.length ?? '?'} step${f?.length === 1 ? '' : 's'}`;
    case 'not witnessed':
      return 'NOT WITNESSED (the interesting state is unreachable within the bounds)';
    case 'unknown':
      return r.pluginErrors.some((e) => e.invariant === id) ? 'unknown (plugin error)' : 'unknown (search incomplete)';
    default:
      return 'holds';
  }
}

function findingLines(f: TraceReport, plugins: readonly string[]): string[] {
  const out: string[] = [];
  const what = f.kind === 'always' ? 'VIOLATED' : 'witnessed';
  out.push(`${f.invariant} ${what} in ${f.length} step${f.length === 1 ? '' : 's'}:`);
  out.push(...traceLines(f.trace, f.changes));
  const pad = ' '.repeat(String(f.length).length + 4);
  if (f.expected && f.observed && !f.message.includes('saw'))
    out.push(`  ${pad}the reader expected ${cells(f.expected)} and saw ${cells(f.observed)}`);
  out.push(`  ${pad}${f.message}`);
  if (f.replayError) out.push(`  warning: the trace does not replay: ${f.replayError}`);
  if (f.counterexample) {
    out.push(`  counterexample: ${f.counterexample}`);
    const withPlugins = builtinById(f.invariant) ? '' : plugins.map((p) => ` --plugin ${p}`).join('');
    out.push(`  replay it:      pipecheck replay ${f.counterexample}${withPlugins}`);
  }
  return out;
}

export function renderCheck(r: CheckReport): string[] {
  const out: string[] = [];
  const scenario =
    r.scenario === null
      ? `the default scenario (${r.environment.length === 12 ? 'every operation' : r.environment.join(', ')})`
      : `${r.scenario} (${[r.processes.length > 0 ? `processes ${r.processes.join(', ')}` : '', r.environment.length > 0 ? `environment ${r.environment.join(', ')}` : ''].filter(Boolean).join('; ') || 'no steps'})`;
  out.push(`pipecheck check: kernel ${r.kernel}, ${scenario}`);
  out.push(`bounds: ${boundsText(r.bounds)}`);
  out.push('');
  for (const f of r.violations) out.push(...findingLines(f, r.plugins), '');
  for (const f of r.witnesses) out.push(...findingLines(f, r.plugins), '');
  for (const e of r.pluginErrors) out.push(e.text, '');
  out.push(
    ...table([['invariant', 'result'], ...Object.entries(r.invariants).map(([id, v]) => [id, verdictText(id, v, r)])]),
  );
  out.push('');
  const how = r.complete
    ? `every trace of at most ${r.depthExplored} steps checked${r.reason === 'state-space-exhausted' ? ' (the state space is exhausted)' : ''}`
    : `incomplete: stopped by ${r.reason === 'max-states' ? '--max-states' : r.reason === 'timeout' ? '--timeout' : 'an interrupt'}; every trace of at most ${r.depthExplored} steps checked`;
  out.push(
    `states: ${num(r.statesDistinct)} distinct, ${num(r.transitions)} transitions; ${how}; ${seconds(r.elapsedMs)}`,
  );
  out.push(
    `cost: at most ${num(r.cost.pagesCopied)} pages copied and ${num(r.cost.pagesStolen)} stolen in any state reached`,
  );
  out.push(`find it again: ${r.command}`);
  return out;
}
