/**
 * `pipecheck check [SCENARIO.json]`: explore, report the shortest violation
 * of each invariant, write a counterexample file for each.
 *
 * Exit code (see report.ts `exitCodeOf`): 1 a violation; else 3 a limit
 * stopped the search; else 2 a plugin threw (reported as "plugin error in
 * <id> at step N (<step>): <message>", never as a violation); else 0.
 */
import { writeCounterexample } from '../counterexamples/file.js';
import type { ExploreEvent } from '../explorer/result.js';
import { runJob, withInterrupt, type ExploreJob } from './explore-job.js';
import { UsageError } from './exit.js';
import { resolveFsProfile, resolveInvariants, resolveScenario } from './inputs.js';
import { BOUND_OPTIONS, flagOf, type CliOptions } from './options.js';
import { progressLine, renderCheck } from './render.js';
import { buildReport, type CheckReport } from './report.js';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Progress lines (stderr) from the explorer's events. */
export function progressPrinter(io: Io): (e: ExploreEvent) => void {
  return (e) => {
    if (e.type === 'progress') io.err(progressLine(e));
  };
}

/** The command line that finds the same thing again (without --invariant: the report adds it). */
export function commandLine(file: string | undefined, opts: CliOptions, kernel: string): string {
  const parts = ['pipecheck check'];
  if (file !== undefined) parts.push(quote(file));
  parts.push('--kernel', kernel);
  if (opts.ops) parts.push('--ops', opts.ops.join(','));
  if (opts.fsProfile) parts.push('--fs-profile', opts.fsProfile);
  for (const k of BOUND_OPTIONS) if (opts[k] !== undefined) parts.push(flagOf(k), String(opts[k]));
  for (const p of opts.plugin ?? []) parts.push('--plugin', quote(p));
  return parts.join(' ');
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
  const { scenario } = resolveScenario(file, opts);
  const { invariants, sources } = await resolveInvariants(opts.invariant, opts.plugin, scenario.invariants);
  if (invariants.length === 0) throw new UsageError('no invariant to check');
  const fs = resolveFsProfile(opts.fsProfile);
  const job: ExploreJob = {
    scenario,
    invariants: sources,
    maxStates: opts.maxStates,
    timeoutMs: timeoutMs(opts),
    fs: fs.id,
  };
  const outDir = opts.out ?? 'counterexamples';
  const done = await withInterrupt(
    (interrupt) => runJob(job, invariants, interrupt, progressPrinter(io)),
    () => io.err('interrupted: stopping the search (press ^C again to quit at once)'),
  );
  let report: CheckReport;
  try {
    report = buildReport({
      scenario,
      file: file ?? null,
      invariants,
      job: done,
      invariantIds: opts.invariant,
      fs,
      command: commandLine(file, opts, scenario.kernel),
      plugins: opts.plugin ?? [],
      write: (cx) => writeCounterexample(outDir, cx),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== undefined && err.syscall !== undefined)
      throw new UsageError(`--out ${outDir}: cannot write the counterexample: ${err.message}`);
    throw e;
  }
  if (opts.json) io.out(JSON.stringify(jsonOf(report), null, 2));
  else for (const line of renderCheck(report)) io.out(line);
  return report.exitCode;
}

/** The --json document: the report, minus what only the human output needs. */
export function jsonOf(r: CheckReport): unknown {
  const { exitCode: _exit, ...rest } = r;
  return rest;
}
