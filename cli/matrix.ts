/**
 * `pipecheck matrix [SCENARIO.json] [--kernels a,b] [--releases a,b] [--invariants a,b] [bounds options]`:
 * kernel x invariant over a scenario (default: every operation), with the pages each kernel
 * copied and stole. One exploration per kernel (per kernel and release with `--releases`),
 * with every invariant.
 *
 * Exit code as `check`: 1 if any kernel violates any invariant (the usual
 * case: linux does), else 3 if a limit cut a search short, else 2 if a plugin
 * threw, else 0. Matrix writes no counterexample files (`check` does).
 */
import { checkKernel, checkRelease, type ScenarioInput } from '../checker/inputs.js';
import { matrixRow, type MatrixRow } from '../checker/matrix.js';
import { reductionNote } from '../checker/reductions.js';
import type { InvariantVerdict } from '../checker/verdict.js';
import { boundsText } from '../model/bounds.js';
import { DEFAULT_RELEASE, type KernelRelease } from '../model/fs/index.js';
import { KERNEL_IDS, type KernelId } from '../model/kernels/index.js';
import { timeoutMs } from './check.js';
import { runJobs, withInterrupt } from './explore-job.js';
import { EXIT, exitCodeOf, UsageError, type ExitCode } from './exit.js';
import { checkInitialForProfile } from '../checker/inputs.js';
import { fsProfileOf, invariantRequest, releaseOption, scenarioOf } from './inputs.js';
import { INTERRUPTED, processIo, progressPrinter, type Io } from './io.js';
import { workersOf, type CliOptions } from './options.js';
import { modelText, reductionLines, num, scenarioHeading, seconds, table } from './render.js';

function cellText(c: InvariantVerdict): string {
  if (c.verdict === 'violated') return `VIOLATED (${c.length})`;
  if (c.verdict === 'witnessed') return `witnessed (${c.length})`;
  return c.verdict;
}

/** Which exit code wins when kernels end differently: a violation, then a limit, then a plugin error. */
const RANK: Record<ExitCode, number> = { 0: 0, 2: 1, 3: 2, 1: 3 };

/**
 * The releases to compare: `--releases` (each checked; `auto` maps the
 * running kernel's), else `--release`, else the scenario's, else 6.18.
 */
export function matrixReleases(opts: CliOptions, base: ScenarioInput, err: (line: string) => void): KernelRelease[] {
  if (opts.releases !== undefined && opts.release !== undefined)
    throw new UsageError('--release and --releases: give one of them (--releases a,b compares releases side by side)');
  if (opts.releases === undefined) return [base.scenario.release ?? DEFAULT_RELEASE];
  const out: KernelRelease[] = [];
  for (const given of opts.releases) {
    const id = releaseOption(given, err, '--releases')!;
    checkRelease(id, '--releases');
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** One exploration: a kernel on a release. */
interface Cell {
  readonly kernel: KernelId;
  readonly release: KernelRelease;
}

export async function matrixCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0];
  const kernels = (opts.kernels ?? [...KERNEL_IDS]) as KernelId[];
  for (const k of kernels) checkKernel(k, '--kernels');
  const base = scenarioOf(
    file,
    { ...opts, kernel: undefined, ...(opts.releases ? { release: undefined } : {}) },
    io.err,
  );
  const releases = matrixReleases(opts, base, io.err);
  const fs = await fsProfileOf(opts, io.err, {
    file: file ?? null,
    fsProfile: base.scenario.fsProfile,
    release: releases[0],
  });
  for (const release of releases)
    checkInitialForProfile({ ...base.scenario, release }, fs, file ?? 'the default scenario');
  const invariants = invariantRequest(
    opts.invariants,
    opts,
    { file: file ?? null, ids: base.scenario.invariants },
    '--invariants',
  );
  const cells: Cell[] = releases.flatMap((release) => kernels.map((kernel) => ({ kernel, release })));
  const jobs = cells.map(({ kernel, release }) => ({
    scenario: { ...base.scenario, kernel, release },
    invariants,
    maxStates: opts.maxStates,
    timeoutMs: timeoutMs(opts),
    fs: fs.id,
    symmetry: opts.symmetry,
    partialOrder: opts.partialOrder,
    workers: workersOf(opts),
  }));
  const sideBySide = releases.length > 1;
  const label = (c: Cell): string => `kernel ${c.kernel}${sideBySide ? ` on Linux ${c.release}` : ''}`;
  const done = await withInterrupt(
    (interrupt) =>
      runJobs(
        jobs,
        interrupt,
        progressPrinter(io, (job) => label(cells[job]!)),
      ),
    () => io.err(INTERRUPTED),
  );
  const rows: MatrixRow[] = [];
  let exit = EXIT.ok as ExitCode;
  done.forEach((job, i) => {
    const cell = cells[i]!;
    rows.push(matrixRow(cell.kernel, job, cell.release));
    const code = exitCodeOf(job.result);
    if (RANK[code] > RANK[exit]) exit = code;
    for (const e of job.result.propertyErrors)
      io.err(`plugin error in ${e.propertyId} on ${label(cell)} at step ${e.trace.length}: ${e.message}`);
  });
  const reductions = done[0]?.reductions;
  if (reductions && reductionNote(reductions) !== undefined) io.err(reductionNote(reductions)!);
  if (rows.length < cells.length && RANK[EXIT.incomplete] > RANK[exit]) exit = EXIT.incomplete;
  const b = base.scenario.bounds;
  if (opts.json) {
    const result =
      exit === EXIT.violated
        ? 'violated'
        : exit === EXIT.incomplete
          ? 'incomplete'
          : exit === EXIT.usage
            ? 'error'
            : 'holds';
    const environment = base.scenario.environment;
    const doc = {
      scenario: file ?? null,
      bounds: b,
      environment,
      fs: fs.id,
      releases,
      kernels: rows,
      result,
      reductions,
    };
    io.out(JSON.stringify(doc, null, 2));
    return exit;
  }
  const procs = base.scenario.processes.map((p) => p.name);
  const about = modelText(fs.id, releases.join(' and '));
  io.out(
    `pipecheck matrix: ${scenarioHeading(file ?? null, procs, base.scenario.environment)}${about}, ${boundsText(b)}`,
  );
  io.out('');
  for (const line of matrixTable(rows, done[0]?.invariants.map((i) => i.id) ?? [], sideBySide)) io.out(line);
  io.out('');
  const elapsed = seconds(rows.reduce((a, r) => a + r.elapsedMs, 0));
  io.out(
    `VIOLATED (n): the shortest violation has n steps; ` +
      `cost: the most pages copied and stolen in any state reached; ${elapsed}`,
  );
  for (const line of reductionLines(reductions)) io.out(line);
  if (rows.length < cells.length)
    io.out(`interrupted after ${rows.length} of ${cells.length} ${sideBySide ? 'explorations' : 'kernels'}`);
  return exit;
}

/** The matrix as a table: a row per kernel (per kernel and release, the release column, when `sideBySide`). */
export function matrixTable(rows: readonly MatrixRow[], ids: readonly string[], sideBySide: boolean): string[] {
  const header = [
    'kernel',
    ...(sideBySide ? ['release'] : []),
    ...ids,
    'pages copied',
    'pages stolen',
    'states',
    'depth',
  ];
  const body = rows.map((r) => [
    r.kernel,
    ...(sideBySide ? [r.release] : []),
    ...ids.map((id) => cellText(r.invariants[id]!)),
    num(r.pagesCopied),
    num(r.pagesStolen),
    num(r.statesDistinct),
    `${r.depthExplored}${r.complete ? '' : ' (incomplete)'}`,
  ]);
  return table([header, ...body]);
}
