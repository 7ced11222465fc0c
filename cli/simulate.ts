/**
 * `pipecheck simulate [SCENARIO.json]`: random walks at bounds exhaustive
 * search cannot reach, on every core; each violation shrunk by fast-check to
 * a short trace and saved as a counterexample with its seed.
 *
 * Exit code: 1 a walk violated an invariant; else 2 a plugin threw; else 3:
 * nothing was found, which proves nothing (random search is not exhaustive),
 * also when a time limit or an interrupt stopped the walks.
 */
import { readJson } from '../checker/inputs.js';
import {
  buildSimulateReport,
  DEFAULT_SIMULATE_DEPTH,
  DEFAULT_SIMULATE_RUNS,
  type ShardReport,
  type SimulatedTraceReport,
  type SimulateJob,
  type SimulateReport,
} from '../checker/simulate.js';
import { checkOutputDir, outDirOf } from './outputs.js';
import { boundsText } from '../model/bounds.js';
import { commandLine, resolvedRelease, timeoutMs } from './check.js';
import { withInterrupt } from './explore-job.js';
import { EXIT, UsageError } from './exit.js';
import type { Shard } from '../explorer/shard.js';
import { CHUNK_RUNS } from '../explorer/simulate.js';
import { fsProfileOf, invariantRequest, scenarioOf } from './inputs.js';
import { INTERRUPTED, processIo, type Io } from './io.js';
import { workersOf, type CliOptions } from './options.js';
import { findingLines, modelText, num, scenarioHeading, seconds, stepsText, table } from './render.js';
import { runSimulation, SHARED_WORDS, type SimulateProgress } from './simulate-job.js';
import { writtenReport } from './written-report.js';

/** A seed from the clock, printed so that the run can be repeated. */
export function clockSeed(now: number = Date.now()): number {
  return now % 2 ** 31;
}

/** The depth walks go to: --depth, else the scenario file's bounds.depth, else DEFAULT_SIMULATE_DEPTH. */
export function walkDepth(file: string | undefined, opts: CliOptions): number {
  if (opts.depth !== undefined) return opts.depth;
  if (file === undefined) return DEFAULT_SIMULATE_DEPTH;
  const raw = readJson(file, 'scenario') as { bounds?: { depth?: unknown } } | null;
  const depth = raw?.bounds?.depth;
  return typeof depth === 'number' ? depth : DEFAULT_SIMULATE_DEPTH;
}

export function progressText(p: SimulateProgress): string {
  const found = `${p.violations} violation${p.violations === 1 ? '' : 's'} so far`;
  return (
    `progress: ${num(p.runsDone)} of ${num(p.runs)} runs, ${num(p.walksPerSecond)} walks/s, ` +
    `${found}, ${seconds(Math.round(p.elapsedMs))}`
  );
}

function verdictText(id: string, r: SimulateReport): string {
  const f = [...r.violations, ...r.witnesses].find((x) => x.invariant === id);
  switch (r.invariants[id]) {
    case 'violated':
      return `VIOLATED in ${stepsText(f?.length ?? 0)}`;
    case 'witnessed':
      return `witnessed in ${stepsText(f?.length ?? 0)}`;
    case 'unknown':
      return 'unknown (plugin error)';
    default:
      return `not found in ${num(r.runsDone)} walks`;
  }
}

/** How a finding's walk was found and shrunk. */
function foundByLine(f: SimulatedTraceReport): string {
  const s = f.simulation;
  const shrunk = s.unshrunkLength === undefined ? '' : `a walk of ${stepsText(s.unshrunkLength)}, `;
  return (
    `  found by:       ${shrunk}shrunk by fast-check to ${stepsText(f.length)} ` +
    `(chunk ${s.chunk}, fast-check seed ${s.fastCheckSeed}, path "${s.path}")`
  );
}

function stoppedText(r: SimulateReport): string {
  if (r.complete) return '';
  return r.reason === 'timeout'
    ? ' (stopped by --timeout)'
    : r.reason === 'aborted'
      ? ' (stopped by an interrupt)'
      : '';
}

export function renderSimulate(r: SimulateReport): string[] {
  const out: string[] = [];
  const heading = `${scenarioHeading(r.scenario, r.processes, r.environment)}${modelText(r.fs, r.release)}`;
  out.push(`pipecheck simulate: kernel ${r.kernel}, ${heading}`);
  out.push(`bounds: ${boundsText(r.bounds)}`);
  const workers = `${r.workers} worker${r.workers === 1 ? '' : 's'}`;
  out.push(`random walks: ${num(r.runs)} runs of at most ${stepsText(r.bounds.depth)}, seed ${r.seed}, ${workers}`);
  if (r.shard !== undefined) out.push(shardLine(r.shard));
  out.push('');
  for (const f of [...r.violations, ...r.witnesses]) out.push(...findingLines(f, r.plugins), foundByLine(f), '');
  for (const e of r.pluginErrors) out.push(e.text, '');
  const verdicts = Object.keys(r.invariants).map((id) => [id, verdictText(id, r)]);
  out.push(...table([['invariant', 'result'], ...verdicts]));
  out.push('');
  const rate = num(Math.round((r.runsDone * 1000) / Math.max(1, r.elapsedMs)));
  const first = r.firstViolationMs === null ? '' : `; first violation after ${seconds(r.firstViolationMs)}`;
  const runs = r.shard ? r.shard.endRun - r.shard.firstRun : r.runs;
  out.push(
    `walks: ${num(r.runsDone)} of ${num(runs)} runs${stoppedText(r)} (${num(r.walks)} walks with shrinking) ` +
      `in ${seconds(r.elapsedMs)}, ${rate} walks/s${first}`,
  );
  out.push(`find it again: ${r.command}`);
  if (r.result !== 'violated') {
    out.push(
      `nothing violated in ${num(r.runsDone)} random walks: random search proves nothing ` +
        `(pipecheck check searches every trace, at smaller bounds)`,
    );
  }
  return out;
}

/** `--shard I/N`, as the command line that finds it again says it (merge takes it off). */
export function shardFlag(shard: Shard): string {
  return `--shard ${shard.index}/${shard.count}`;
}

function shardLine(s: ShardReport): string {
  const which = `shard ${s.index} of ${s.count}`;
  if (s.endRun === s.firstRun) return `${which}: no runs (fewer chunks of ${CHUNK_RUNS} runs than shards)`;
  return (
    `${which}: runs ${num(s.firstRun)} to ${num(s.endRun - 1)} (chunks ${s.chunks[0]} to ${s.chunks[1] - 1} ` +
    `of ${CHUNK_RUNS} runs each); pipecheck merge combines the shards' --json reports`
  );
}

export function simulateExitCode(r: SimulateReport): number {
  if (r.result === 'violated') return EXIT.violated;
  if (r.result === 'error') return EXIT.usage;
  return EXIT.incomplete;
}

export async function simulateCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0];
  // Everything that can be wrong with the input is found before anything runs or is written.
  scenarioOf(file, opts);
  const effective: CliOptions = { ...opts, depth: walkDepth(file, opts) };
  const { scenario } = scenarioOf(file, effective, io.err);
  const invariants = invariantRequest(opts.invariant, opts, { file: file ?? null, ids: scenario.invariants });
  const fs = await fsProfileOf(opts, io.err, {
    file: file ?? null,
    fsProfile: scenario.fsProfile,
    release: scenario.release,
  });
  const runs = opts.runs ?? DEFAULT_SIMULATE_RUNS;
  if (opts.shard !== undefined && opts.seed === undefined) {
    throw new UsageError('--shard needs --seed S: every shard walks from the same seed (give them all one)');
  }
  const seed = opts.seed ?? clockSeed();
  const workers = workersOf(opts);
  const shard = opts.shard;
  const job: SimulateJob = { scenario, invariants, fs: fs.id, runs, seed, ...(shard ? { shard } : {}) };
  const outDir = outDirOf(opts.out, io.err);
  checkOutputDir('--out', outDir);
  if (!opts.json) io.err(`pipecheck simulate: seed ${seed} (repeat the run with --seed ${seed})`);
  const outcome = await withInterrupt(
    (interrupt) =>
      runSimulation(job, interrupt, {
        workers,
        timeoutMs: timeoutMs(opts),
        onProgress: (p) => io.err(progressText(p)),
      }),
    () => io.err(INTERRUPTED),
    Date.now,
    SHARED_WORDS,
  );
  const again = commandLine(file, resolvedRelease(effective, scenario), scenario.kernel, 'simulate');
  const command = `${again} --runs ${runs} --seed ${seed}${shard ? ` ${shardFlag(shard)}` : ''}`;
  const { report, writeError } = writtenReport(outDir, (write) =>
    buildSimulateReport({ job, file: file ?? null, outcome, fs, command, plugins: opts.plugin ?? [], write }),
  );
  if (opts.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of renderSimulate(report)) io.out(line);
  if (writeError !== undefined) {
    io.err(`pipecheck simulate: ${writeError}`);
    return EXIT.usage;
  }
  return simulateExitCode(report);
}
