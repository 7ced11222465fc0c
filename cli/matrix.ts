/**
 * `pipecheck matrix [--kernels a,b] [--invariants a,b] [bounds options]`:
 * kernel x invariant over the default scenario, with the pages each kernel
 * copied and stole. One exploration per kernel, with every invariant.
 *
 * Exit code as `check`: 1 if any kernel violates any invariant (the usual
 * case: linux does), else 3 if a limit cut a search short, else 2 if a plugin
 * threw, else 0. Matrix writes no counterexample files (`check` does).
 */
import { KERNEL_IDS, type KernelId } from '../model/context.js';
import { processIo, progressPrinter, timeoutMs, type Io } from './check.js';
import { runJob, withInterrupt, type JobResult } from './explore-job.js';
import { EXIT, type ExitCode } from './exit.js';
import { checkKernel, resolveFsProfile, resolveInvariants, resolveScenario } from './inputs.js';
import type { CliOptions } from './options.js';
import { boundsText, num, seconds, table } from './render.js';
import { exitCodeOf } from './report.js';

type Cell = {
  readonly verdict: 'holds' | 'violated' | 'unknown' | 'witnessed' | 'not witnessed';
  readonly length?: number;
};

interface MatrixRow {
  readonly kernel: KernelId;
  readonly invariants: Record<string, Cell>;
  readonly pagesCopied: number;
  readonly pagesStolen: number;
  readonly statesDistinct: number;
  readonly depthExplored: number;
  readonly complete: boolean;
  readonly elapsedMs: number;
}

function cellText(c: Cell): string {
  if (c.verdict === 'violated') return `VIOLATED (${c.length})`;
  if (c.verdict === 'witnessed') return `witnessed (${c.length})`;
  return c.verdict;
}

const RANK: Record<ExitCode, number> = { 0: 0, 2: 1, 3: 2, 1: 3 };

export async function matrixCommand(_args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const kernels = (opts.kernels ?? [...KERNEL_IDS]) as KernelId[];
  for (const k of kernels) checkKernel(k, '--kernels');
  const fs = resolveFsProfile(opts.fsProfile);
  const base = resolveScenario(undefined, { ...opts, kernel: undefined });
  const { invariants, sources } = await resolveInvariants(opts.invariants, opts.plugin);
  const rows: MatrixRow[] = [];
  let exit = EXIT.ok as ExitCode;
  await withInterrupt(
    async (interrupt) => {
      for (const kernel of kernels) {
        if (Atomics.load(interrupt.flag, 0) !== 0) break;
        const scenario = { ...base.scenario, kernel };
        const job = { scenario, invariants: sources, maxStates: opts.maxStates, timeoutMs: timeoutMs(opts), fs: fs.id };
        const { result, cost }: JobResult = await runJob(job, invariants, interrupt, progressPrinter(io));
        const cells: Record<string, Cell> = {};
        for (const inv of invariants) {
          const f = result.violations.find((v) => v.propertyId === inv.id);
          if (f) cells[inv.id] = { verdict: f.kind === 'always' ? 'violated' : 'witnessed', length: f.length };
          else if (!result.complete || result.propertyErrors.some((e) => e.propertyId === inv.id))
            cells[inv.id] = { verdict: 'unknown' };
          else cells[inv.id] = { verdict: inv.kind === 'always' ? 'holds' : 'not witnessed' };
        }
        const s = result.statistics;
        rows.push({
          kernel,
          invariants: cells,
          ...cost,
          statesDistinct: s.statesDistinct,
          depthExplored: s.depthExplored,
          complete: result.complete,
          elapsedMs: s.elapsedMs,
        });
        const code = exitCodeOf(result);
        if (RANK[code] > RANK[exit]) exit = code;
        for (const e of result.propertyErrors)
          io.err(`plugin error in ${e.propertyId} on kernel ${kernel} at step ${e.trace.length}: ${e.message}`);
      }
    },
    () => io.err('interrupted: stopping the search (press ^C again to quit at once)'),
  );
  if (rows.length < kernels.length && RANK[EXIT.incomplete] > RANK[exit]) exit = EXIT.incomplete;
  const b = base.scenario.bounds;
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          bounds: b,
          environment: base.scenario.environment,
          kernels: rows,
          result: exit === EXIT.violated ? 'violated' : exit === EXIT.incomplete ? 'incomplete' : 'holds',
        },
        null,
        2,
      ),
    );
    return exit;
  }
  io.out(
    `pipecheck matrix: the default scenario (${base.scenario.environment.length === 12 ? 'every operation' : base.scenario.environment.join(', ')}), ${boundsText(b)}`,
  );
  io.out('');
  const ids = invariants.map((i) => i.id);
  const header = ['kernel', ...ids, 'pages copied', 'pages stolen', 'states', 'depth'];
  const body = rows.map((r) => [
    r.kernel,
    ...ids.map((id) => cellText(r.invariants[id]!)),
    num(r.pagesCopied),
    num(r.pagesStolen),
    num(r.statesDistinct),
    `${r.depthExplored}${r.complete ? '' : ' (incomplete)'}`,
  ]);
  for (const line of table([header, ...body])) io.out(line);
  io.out('');
  io.out(
    `VIOLATED (n): the shortest violation has n steps; cost: the most pages copied and stolen in any state reached; ${seconds(rows.reduce((a, r) => a + r.elapsedMs, 0))}`,
  );
  if (rows.length < kernels.length) io.out(`interrupted after ${rows.length} of ${kernels.length} kernels`);
  return exit;
}
