/**
 * `pipecheck check [SCENARIO.json]`: explore, report the shortest violation
 * of each invariant, write a counterexample file for each.
 *
 * Exit code (exit.ts `exitCodeOf`): 1 a violation; else 3 a limit stopped
 * the search; else 2 a plugin threw (reported as "plugin error in <id> at
 * step N (<step>): <message>", never as a violation); else 0.
 */
import type { ExploreJob } from '../checker/explore.js';
import { buildReport, type CheckReport } from '../checker/report.js';
import { reductionNote } from '../checker/reductions.js';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { HtmlReportsWritten } from '../report/index.js';
import { BOUND_NAMES } from '../model/bounds.js';
import type { ExploreEvent } from '../explorer/result.js';
import { checkpointJobOf, checkpointLine } from './checkpoint.js';
import { runJobs, withInterrupt } from './explore-job.js';
import { EXIT, exitCodeOf } from './exit.js';
import { checkOutputDir, checkOutputFile, outDirOf } from './outputs.js';
import { graphDot, type StateGraph } from '../checker/graph.js';
import { writeFileAtomic } from '../counterexamples/file.js';
import { checkInitialForProfile } from '../checker/inputs.js';
import { fsProfileOf, invariantRequest, scenarioOf } from './inputs.js';
import { INTERRUPTED, processIo, progressPrinter, type Io } from './io.js';
import { flagOf, workersOf, type CliOptions } from './options.js';
import { renderCheck } from './render.js';
import { writtenReport } from './written-report.js';

/** The command line that finds the same thing again (without --invariant: the report adds it). */
export function commandLine(file: string | undefined, opts: CliOptions, kernel: string, command = 'check'): string {
  const parts = [`pipecheck ${command}`];
  if (file !== undefined) parts.push(quote(file));
  parts.push('--kernel', kernel);
  if (opts.ops) parts.push('--ops', opts.ops.join(','));
  if (opts.fsProfile) parts.push('--fs-profile', opts.fsProfile);
  if (opts.fsProfile === 'auto' && opts.fs !== undefined) parts.push('--fs', quote(opts.fs));
  if (opts.kernelChoices) parts.push('--kernel-choices', opts.kernelChoices);
  if (opts.release !== undefined) parts.push('--release', opts.release);
  for (const k of BOUND_NAMES) if (opts[k] !== undefined) parts.push(flagOf(k), String(opts[k]));
  for (const p of opts.plugin ?? []) parts.push('--plugin', quote(p));
  if (opts.allViolations) parts.push('--all-violations');
  if (opts.symmetry) parts.push('--symmetry');
  if (opts.partialOrder) parts.push('--partial-order');
  return parts.join(' ');
}

/** The options with `--release auto` replaced by the release it chose (the scenario's now), for commandLine. */
export function resolvedRelease(opts: CliOptions, scenario: { readonly release?: string | undefined }): CliOptions {
  return opts.release === 'auto' ? { ...opts, release: scenario.release } : opts;
}

function quote(s: string): string {
  return /^[\w./@:+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function timeoutMs(opts: CliOptions): number | undefined {
  return opts.timeout === undefined ? undefined : opts.timeout * 1000;
}

export async function checkCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0];
  // Everything that can be wrong with the input is found before anything runs or is written.
  const { scenario } = scenarioOf(file, opts, io.err);
  const invariants = invariantRequest(opts.invariant, opts, { file: file ?? null, ids: scenario.invariants });
  const fs = await fsProfileOf(opts, io.err, {
    file: file ?? null,
    fsProfile: scenario.fsProfile,
    release: scenario.release,
  });
  checkInitialForProfile(scenario, fs, file ?? 'the default scenario');
  const search: ExploreJob = {
    scenario,
    invariants,
    maxStates: opts.maxStates,
    timeoutMs: timeoutMs(opts),
    fs: fs.id,
    allViolations: opts.allViolations,
    symmetry: opts.symmetry,
    partialOrder: opts.partialOrder,
    // The graph is collected on one thread (checker/graph.ts).
    workers: opts.graph === undefined ? workersOf(opts) : 1,
    coverage: opts.coverage,
    ...(opts.graph === undefined ? {} : { graph: true }),
  };
  const checkpoint = checkpointJobOf(opts, search);
  const job: ExploreJob = checkpoint === undefined ? search : { ...search, checkpoint };
  const progress = progressPrinter(io);
  const onEvent = (e: ExploreEvent, index: number): void =>
    e.type === 'checkpoint' && checkpoint !== undefined
      ? io.err(checkpointLine(e, checkpoint.dir))
      : progress(e, index);
  const outDir = outDirOf(opts.out, io.err);
  checkOutputDir('--out', outDir);
  if (opts.graph !== undefined) checkOutputFile('--graph', opts.graph);
  if (opts.html !== undefined) checkOutputDir('--html', opts.html, 'reports');
  const [done] = await withInterrupt(
    (interrupt) => runJobs([job], interrupt, onEvent),
    () => io.err(INTERRUPTED),
  );
  if (done === undefined) throw new Error('the exploration ended without a result');
  const note = reductionNote(done.reductions);
  if (note !== undefined) io.err(note);
  if (checkpoint !== undefined && !done.result.complete) {
    io.err(`go on from where it stopped with --resume ${checkpoint.dir}`);
  }
  // Counterexamples are written all together or not at all, after the report is built.
  const written = writtenReport(outDir, (write) =>
    buildReport({
      scenario,
      file: file ?? null,
      job: done,
      invariantIds: opts.invariant,
      fs,
      command: commandLine(file, resolvedRelease(opts, scenario), scenario.kernel),
      plugins: opts.plugin ?? [],
      write,
    }),
  );
  let report: CheckReport = written.report;
  let writeError = written.writeError;
  const pending = written.written;
  if (opts.html !== undefined && writeError === undefined) {
    try {
      // The HTML report's modules load only for --html.
      const { writeHtmlReports } = await import('../report/index.js');
      report = withHtmlReports(report, writeHtmlReports(opts.html, report, pending));
    } catch (e) {
      writeError = `--html ${opts.html}: cannot write the reports (${(e as Error).message}); none was written`;
    }
  }
  if (opts.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of renderCheck(report)) io.out(line);
  if (writeError === undefined && opts.graph !== undefined) writeError = writeGraph(opts.graph, done.graph, io);
  if (writeError !== undefined) {
    io.err(`pipecheck check: ${writeError}`);
    return EXIT.usage;
  }
  return exitCodeOf(done.result);
}

/** `--graph FILE`: the graph written (said on stderr), or why not (then nothing is written). */
function writeGraph(file: string, graph: StateGraph | undefined, io: Io): string | undefined {
  if (graph === undefined) return `--graph ${file}: the search returned no graph; none was written`;
  if (graph.kind === 'too-large') {
    return (
      `--graph ${file}: the state graph has more than ${graph.cap} states, too many to draw; none was written ` +
      '(lower the bounds: --depth, --pages, --values, or fewer --ops)'
    );
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, graphDot(graph));
  } catch (e) {
    return `--graph ${file}: cannot write the graph (${(e as Error).message}); none was written`;
  }
  io.err(`graph: ${graph.nodes.length} states, ${graph.edges.length} transitions written to ${file}`);
  return undefined;
}

/** The report with each violation's HTML page (matched by invariant: one page per violation). */
function withHtmlReports(report: CheckReport, written: HtmlReportsWritten): CheckReport {
  return {
    ...report,
    violations: report.violations.map((v) => {
      const name = v.counterexample === undefined ? undefined : basename(v.counterexample).replace(/\.json$/, '.html');
      const html = written.files.find((f) => basename(f) === name);
      return html === undefined ? v : { ...v, html };
    }),
  };
}
