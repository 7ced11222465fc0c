/**
 * `pipecheck merge`: the `simulate --shard I/N --json` reports of one
 * simulation combined into the report one run of it gives (explorer/shard.ts):
 * per invariant the shortest finding of any shard, ties to the lowest chunk
 * (as one run keeps, chunk by chunk), listed in the invariants' order; per
 * invariant the plugin error of the lowest chunk; the counts summed. The
 * reports must be the N shards of one simulation (same scenario, bounds,
 * invariants, seed, runs and N), each once; else an InputError names the
 * file and the field.
 *
 * @public
 */
import { z } from 'zod';
import { capProblems, fieldPath } from '../model/field-path.js';
import { InputError } from './errors.js';
import type { SimulatedTraceReport, SimulateReport, SimulateVerdict } from './simulate.js';

/** What merge reads of a simulate --json report (the rest is passed through as it is). */
const finding = z.looseObject({
  invariant: z.string(),
  kind: z.enum(['always', 'sometimes']),
  length: z.number().int().nonnegative(),
  simulation: z.looseObject({ chunk: z.number().int().nonnegative() }),
});
const SimulateReportSchema = z.looseObject({
  result: z.enum(['violated', 'nothing-found', 'error']),
  complete: z.boolean(),
  reason: z.enum(['runs-done', 'timeout', 'aborted']),
  kernel: z.string(),
  fs: z.string().optional(),
  release: z.string().optional(),
  bounds: z.record(z.string(), z.number()),
  scenario: z.string().nullable(),
  environment: z.array(z.string()),
  processes: z.array(z.string()),
  seed: z.number().int(),
  runs: z.number().int().positive(),
  shard: z
    .looseObject({ index: z.number().int().positive(), count: z.number().int().positive() })
    .refine((s) => s.index <= s.count, 'index past count')
    .optional(),
  runsDone: z.number().int().nonnegative(),
  walks: z.number().int().nonnegative(),
  workers: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  firstViolationMs: z.number().nonnegative().nullable(),
  invariants: z.record(z.string(), z.enum(['violated', 'witnessed', 'not found', 'unknown'])),
  violations: z.array(finding),
  witnesses: z.array(finding),
  pluginErrors: z.array(z.looseObject({ invariant: z.string() })),
  command: z.string(),
  plugins: z.array(z.string()),
});

/** One shard's report and the file it came from. */
export interface ShardInput {
  readonly file: string;
  readonly report: SimulateReport;
}

/** A simulate --json report from `text` (read from `file`); an InputError naming the file and the fields. */
export function parseSimulateReport(text: string, file: string): SimulateReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message}); merge takes simulate --json reports`);
  }
  const r = SimulateReportSchema.safeParse(raw);
  if (!r.success) {
    const problems = capProblems(r.error.issues.map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`));
    throw new InputError(`${file}: not a simulate --json report:\n  ${problems.join('\n  ')}`);
  }
  // The document as written (zod's copy puts the fields it knows first): merge keeps the fields' order.
  return raw as SimulateReport;
}

/** The command line without its trailing `--shard I/N` (simulate appends it last). */
export function unshardedCommand(command: string): string {
  return command.replace(/ --shard \d+\/\d+$/, '');
}

/** What every shard of one simulation says alike, by field name. */
function identity(r: SimulateReport): Record<string, unknown> {
  return {
    kernel: r.kernel,
    fs: r.fs,
    release: r.release,
    bounds: r.bounds,
    scenario: r.scenario,
    environment: r.environment,
    processes: r.processes,
    seed: r.seed,
    runs: r.runs,
    'shard.count': r.shard?.count ?? 1,
    invariants: Object.keys(r.invariants),
    plugins: r.plugins,
    command: unshardedCommand(r.command),
  };
}

/** The shards in index order, checked to be the N shards of one simulation, each once. */
function orderedShards(inputs: readonly ShardInput[]): ShardInput[] {
  if (inputs.length === 0) throw new InputError('no report given');
  const first = inputs[0]!;
  const want = identity(first.report);
  for (const input of inputs.slice(1)) {
    const have = identity(input.report);
    for (const field of Object.keys(want)) {
      if (JSON.stringify(have[field]) !== JSON.stringify(want[field])) {
        throw new InputError(
          `${input.file}: ${field} is ${JSON.stringify(have[field])} where ${first.file} has ` +
            `${JSON.stringify(want[field])}: not shards of one simulation`,
        );
      }
    }
  }
  const count = first.report.shard?.count ?? 1;
  const byIndex = new Map<number, ShardInput>();
  for (const input of inputs) {
    const index = input.report.shard?.index ?? 1;
    const seen = byIndex.get(index);
    if (seen !== undefined) {
      throw new InputError(`${input.file}: shard ${index}/${count} given twice (${seen.file} is it too)`);
    }
    byIndex.set(index, input);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new InputError(`shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing (give all ${count})`);
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
}

/** Per invariant, the shortest finding (ties: the lowest chunk), in the order of `ids`. */
export function shortestFindings(
  lists: readonly (readonly SimulatedTraceReport[])[],
  ids: readonly string[],
): SimulatedTraceReport[] {
  const best = new Map<string, SimulatedTraceReport>();
  for (const list of lists) {
    for (const f of list) {
      const kept = best.get(f.invariant);
      const better =
        kept === undefined ||
        f.length < kept.length ||
        (f.length === kept.length && (f.simulation.chunk ?? 0) < (kept.simulation.chunk ?? 0));
      if (better) best.set(f.invariant, f);
    }
  }
  return ids.flatMap((id) => best.get(id) ?? []);
}

/** The shards' reports combined into the report of the whole simulation. */
export function mergeSimulateReports(inputs: readonly ShardInput[]): SimulateReport {
  const shards = orderedShards(inputs).map((s) => s.report);
  const base = shards[0]!;
  const ids = Object.keys(base.invariants);
  const violations = shortestFindings(
    shards.map((s) => s.violations),
    ids,
  );
  const witnesses = shortestFindings(
    shards.map((s) => s.witnesses),
    ids,
  );
  // Each shard lists its errors in chunk order, and the shards' chunks follow one another.
  const pluginErrors = shards
    .flatMap((s) => s.pluginErrors)
    .filter((e, i, all) => all.findIndex((x) => x.invariant === e.invariant) === i);
  const invariants: Record<string, SimulateVerdict> = {};
  for (const id of ids) {
    const found = [...violations, ...witnesses].find((f) => f.invariant === id);
    invariants[id] = found
      ? found.kind === 'always'
        ? 'violated'
        : 'witnessed'
      : pluginErrors.some((e) => e.invariant === id)
        ? 'unknown'
        : 'not found';
  }
  const stopped = shards.find((s) => s.reason !== 'runs-done');
  const firsts = shards.flatMap((s) => (s.firstViolationMs === null ? [] : [s.firstViolationMs]));
  const { shard: _shard, ...rest } = base;
  return {
    ...rest,
    result: violations.length > 0 ? 'violated' : pluginErrors.length > 0 ? 'error' : 'nothing-found',
    complete: shards.every((s) => s.complete),
    reason: stopped?.reason ?? 'runs-done',
    runsDone: shards.reduce((n, s) => n + s.runsDone, 0),
    walks: shards.reduce((n, s) => n + s.walks, 0),
    workers: shards.reduce((n, s) => n + s.workers, 0),
    // The shards ran side by side: the merged run took as long as the longest.
    elapsedMs: Math.max(...shards.map((s) => s.elapsedMs)),
    firstViolationMs: firsts.length === 0 ? null : Math.min(...firsts),
    invariants,
    violations,
    witnesses,
    pluginErrors,
    command: unshardedCommand(base.command),
  };
}
