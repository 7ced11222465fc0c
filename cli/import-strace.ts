/**
 * `pipecheck import-strace LOG [-o SCENARIO.json] [--file PATH] [--cells N] [--json]`:
 * an `strace -f` log of a real program (stderr or `-o FILE` style) as a
 * scenario: one process per thread, its calls on one regular file and its
 * pipes as steps (strace/map.ts). Every call on the file or a pipe that the
 * model cannot express is listed on stderr as `LOG:LINE: not mapped: REASON:
 * CALL`, never dropped; calls on anything else are counted as ignored.
 *
 * The scenario goes to stdout, or with -o to a file (atomically). `--json`
 * prints one summary document on stdout instead (with the scenario in it when
 * there is no -o). Exit 0; 2 for an unreadable log, bad options, or a log
 * with no mappable call on a regular file.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../counterexamples/file.js';
import { isPowerOfTwo } from '../model/bounds.js';
import { parseScenario, type ScenarioInput } from '../model/scenario.js';
import { mapCalls, type NotMapped, type StraceMapping } from '../strace/map.js';
import { parseStraceLog, type ParseProblem } from '../strace/parse.js';
import { plural, processesOf, scenarioOf } from '../strace/scenario.js';
import { EXIT, UsageError } from './exit.js';
import { processIo, type Io } from './io.js';
import { checkOutputFile } from './outputs.js';
import type { CliOptions } from './options.js';

const DEFAULT_CELLS = 2;
const FILE_OPS = new Set(['write', 'truncate', 'fallocate-punch', 'splice', 'writeback', 'evict']);

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function cellsOption(opts: CliOptions): number {
  const cells = opts.cells ?? DEFAULT_CELLS;
  if (!isPowerOfTwo(cells) || cells > 8) throw new UsageError(`--cells ${cells}: must be 1, 2, 4 or 8`);
  return cells;
}

/** JSON on one line, spaced as the examples are: `{ "op": "splice", "off": 0, "len": 2 }`. */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(v);
}

/** The scenario as a file: one key per line, one step per line. */
export function scenarioText(sc: ScenarioInput): string {
  const lines = Object.entries(sc).map(([k, v]) => {
    if (k !== 'processes' || !Array.isArray(v)) return `  ${JSON.stringify(k)}: ${inline(v)}`;
    const procs = (v as { name: string; program: unknown[] }[]).map((p) => {
      const steps = p.program.map((st) => `      ${inline(st)}`).join(',\n');
      return `    { "name": ${JSON.stringify(p.name)}, "program": [\n${steps} ] }`;
    });
    return `  "processes": [\n${procs.join(',\n')}\n  ]`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** `LOG:LINE: not mapped: REASON: CALL`, in line order, for calls and unreadable lines alike. */
function notMappedLines(log: string, notMapped: readonly NotMapped[], problems: readonly ParseProblem[]): string[] {
  return [...notMapped, ...problems]
    .sort((a, b) => a.line - b.line)
    .map((n) => `${log}:${n.line}: not mapped: ${n.reason}: ${n.text}`);
}

/** The summary line on stderr: the file, the steps per process, and what became of every call. */
function summaryLine(log: string, m: StraceMapping, parseProblems: number): string {
  const processes = processesOf(m);
  const perProcess = processes.map((p) => `${p.name} ${p.program.length}`).join(', ');
  const c = m.counts;
  const where = `the file ${m.file?.path} (opened at line ${m.file?.line})`;
  const steps = `${plural(m.steps.length, 'step')} in ${plural(processes.length, 'process')} (${perProcess})`;
  return (
    `import-strace: ${log}: ${where}: ${steps}; calls: ${c.mapped} mapped, ${c.notMapped + parseProblems} ` +
    `not mapped, ${c.failed} failed (no effect), ${c.none} without effect on the model, ${c.ignored} ignored ` +
    '(not on the file, a pipe or a socket)'
  );
}

/** Why the mapping gives no scenario (exit 2), or undefined. */
function unusable(log: string, m: StraceMapping, opts: CliOptions): string | undefined {
  if (!m.file) {
    return opts.file !== undefined
      ? `${log}: --file ${opts.file}: the log never opens it`
      : `${log}: no regular file is spliced from or written in the log (name one with --file PATH)`;
  }
  if (!m.steps.some((s) => FILE_OPS.has(s.step.op))) {
    return `${log}:${m.file.line}: the file ${m.file.path}, opened here, has no call that can be mapped`;
  }
  return undefined;
}

export async function importStraceCommand(
  args: readonly string[],
  opts: CliOptions,
  io: Io = processIo,
): Promise<number> {
  const log = args[0]!;
  const cells = cellsOption(opts);
  if (opts.output !== undefined) checkOutputFile('-o', opts.output);
  const parsed = parseStraceLog(readLog(log));
  const mapping = mapCalls(parsed.calls, { cells, file: opts.file });
  for (const line of notMappedLines(log, mapping.notMapped, parsed.problems)) io.err(line);
  const problem = unusable(log, mapping, opts);
  if (problem) throw new UsageError(problem);
  for (const note of mapping.notes) io.err(`${log}: note: ${note}`);
  const scenario = scenarioOf(mapping, log);
  // A scenario the strict schema refuses is this command's bug, not the user's input: an internal error.
  parseScenario(scenario, `the scenario imported from ${log}`);
  io.err(summaryLine(log, mapping, parsed.problems.length));
  if (opts.output !== undefined) {
    try {
      writeFileAtomic(opts.output, scenarioText(scenario));
    } catch (e) {
      throw new UsageError(`cannot write ${opts.output}: ${(e as Error).message}`);
    }
  }
  if (opts.output !== undefined && !opts.json) {
    const steps = `${plural(mapping.steps.length, 'step')} in ${plural(processesOf(mapping).length, 'process')}`;
    io.out(`wrote ${opts.output} (${steps})`);
  }
  if (opts.json) io.out(JSON.stringify(summaryJson(log, mapping, parsed.problems, scenario, opts.output)));
  else if (opts.output === undefined) io.out(scenarioText(scenario).trimEnd());
  return EXIT.ok;
}

function summaryJson(
  log: string,
  m: StraceMapping,
  problems: readonly ParseProblem[],
  scenario: ScenarioInput,
  output: string | undefined,
): unknown {
  const notMapped = [...m.notMapped, ...problems]
    .sort((a, b) => a.line - b.line)
    .map((n) => ({ line: n.line, reason: n.reason, call: n.text }));
  return {
    log,
    file: m.file,
    cells: m.cells,
    steps: m.steps.map((s) => ({ line: s.line, pid: s.pid ?? null, ...s.step })),
    counts: { ...m.counts, notMapped: notMapped.length },
    notMapped,
    notes: m.notes,
    ...(output === undefined ? { scenario } : { output }),
  };
}
