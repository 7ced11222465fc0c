/**
 * A simulation of a scenario as a library: random walks (explorer/simulate.ts)
 * over the scenario's model with the invariants as properties, one chunk of
 * runs at a time (the command line runs chunks on worker threads), and the
 * report built from the merged chunks: the shortest shrunk trace of each
 * invariant, in the problem's words, with its counterexample.
 *
 * Random search proves nothing: an invariant no walk violated is "not
 * found", never "holds".
 *
 * @public
 */
import { counterexampleOf } from '../counterexamples/build.js';
import type { Counterexample } from '../counterexamples/format.js';
import {
  mergeChunks,
  mergeErrors,
  simulateChunk,
  type Chunk,
  type ChunkResult,
  type SimulationFinding,
} from '../explorer/simulate.js';
import { shardRange, type Shard } from '../explorer/shard.js';
import type { Invariant } from '../invariants/define.js';
import { HistoryError, scenarioModelFor, toProperties } from '../invariants/property.js';
import type { Bounds } from '../model/bounds.js';
import { entryText } from '../model/env-constraints.js';
import { DEFAULT_FS, fsProfileById, type FsProfile } from '../model/fs/index.js';
import type { KernelId } from '../model/kernels/index.js';
import type { ReadObservation } from '../model/pipe.js';
import type { Scenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import { InputError } from './errors.js';
import type { InvariantInfo } from './explore.js';
import type { InvariantRequest } from './inputs.js';
import { traceSteps, type PluginErrorReport, type TraceReport } from './report.js';

/** The depth a simulation walks when neither the command line nor the scenario file says. */
export const DEFAULT_SIMULATE_DEPTH = 12;
/** Walks a simulation takes by default. */
export const DEFAULT_SIMULATE_RUNS = 10_000;

/** Everything a simulation needs, as plain data (it crosses to worker threads). Walks go to `bounds.depth`. */
export interface SimulateJob {
  readonly scenario: Scenario;
  readonly invariants: InvariantRequest;
  /** The file-system profile's id (default ext4). */
  readonly fs?: FsProfile['id'] | undefined;
  readonly runs: number;
  readonly seed: number;
  /** Take only this shard's chunks of the runs (explorer/shard.ts). */
  readonly shard?: Shard | undefined;
}

export interface ChunkHooks {
  readonly signal?: AbortSignal | undefined;
  readonly onRun?: (() => void) | undefined;
  readonly onFailure?: ((invariant: string) => void) | undefined;
}

/** The scenario's model and its invariants as properties, made once per thread and reused for every chunk. */
export interface SimulationModel {
  readonly model: ScenarioModel;
  readonly properties: ReturnType<typeof toProperties>;
}

export function simulationModel(job: SimulateJob, invariants: readonly Invariant[]): SimulationModel {
  const model = scenarioModelFor(job.scenario, fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS, invariants);
  return { model, properties: toProperties(model, invariants) };
}

/** Run one chunk of the simulation here, synchronously; a history that fails is the plugin's error (exit 2). */
export function simulateScenarioChunk(
  sim: SimulationModel,
  job: SimulateJob,
  chunk: Chunk,
  hooks: ChunkHooks = {},
): ChunkResult<ReadObservation> {
  try {
    return simulateChunk(sim.model, sim.properties, chunk, { maxDepth: job.scenario.bounds.depth, ...hooks });
  } catch (e) {
    if (e instanceof HistoryError) throw new InputError(e.message);
    throw e;
  }
}

/** What a simulation ended with: the chunks that ran, merged, and how the run went. */
export interface SimulationOutcome {
  readonly invariants: readonly InvariantInfo[];
  readonly chunks: readonly ChunkResult<ReadObservation>[];
  /** Runs taken (fewer than asked when stopped). */
  readonly runsDone: number;
  /** Walks taken, shrinking included. */
  readonly walks: number;
  readonly workers: number;
  readonly elapsedMs: number;
  /** When a walk first failed, before shrinking (null: none did). */
  readonly firstViolationMs: number | null;
  /** Why it stopped before its runs were done, if it did. */
  readonly stopped: 'timeout' | 'aborted' | null;
}

export type SimulateVerdict = 'violated' | 'witnessed' | 'not found' | 'unknown';

/** A finding as the report gives it: the trace in the problem's words, and how the walk was found. */
export interface SimulatedTraceReport extends TraceReport {
  readonly simulation: NonNullable<Counterexample['simulation']>;
}

export interface SimulateReport {
  /** violated: a walk violated an invariant; error: a plugin threw and nothing was violated; else nothing-found. */
  readonly result: 'violated' | 'nothing-found' | 'error';
  /** Whether every run asked for was taken. */
  readonly complete: boolean;
  readonly reason: 'runs-done' | 'timeout' | 'aborted';
  readonly kernel: KernelId;
  /** The file-system profile the model followed (`ext4`, `tmpfs-huge`, ...). */
  readonly fs?: string;
  /** The Linux release whose page cache the model describes (model/fs/release.ts). */
  readonly release?: string;
  readonly bounds: Bounds;
  readonly scenario: string | null;
  readonly environment: readonly string[];
  readonly processes: readonly string[];
  readonly seed: number;
  /** The simulation's runs (all shards'). */
  readonly runs: number;
  /** With --shard: which shard this is, and its chunks and runs (the runs `firstRun .. endRun - 1`). */
  readonly shard?: ShardReport;
  readonly runsDone: number;
  readonly walks: number;
  readonly workers: number;
  readonly elapsedMs: number;
  readonly firstViolationMs: number | null;
  /** Per invariant: violated (witnessed) by a walk, not found by any, or unknown (its plugin threw). */
  readonly invariants: Record<string, SimulateVerdict>;
  readonly violations: SimulatedTraceReport[];
  readonly witnesses: SimulatedTraceReport[];
  readonly pluginErrors: PluginErrorReport[];
  /** The command line that takes the same walks again. */
  readonly command: string;
  readonly plugins: readonly string[];
}

export interface ShardReport extends Shard {
  /** Chunks `chunks[0] .. chunks[1] - 1`. */
  readonly chunks: readonly [number, number];
  readonly firstRun: number;
  readonly endRun: number;
}

/** The runs `job` takes: all of them, or its shard's. */
export function runsOf(job: Pick<SimulateJob, 'runs' | 'shard'>): number {
  const r = shardRange(job.runs, job.shard);
  return r.endRun - r.firstRun;
}

function shardReport(job: SimulateJob): { shard?: ShardReport } {
  if (job.shard === undefined) return {};
  const r = shardRange(job.runs, job.shard);
  return { shard: { ...job.shard, chunks: [r.first, r.end], firstRun: r.firstRun, endRun: r.endRun } };
}

export interface SimulateReportInput {
  readonly job: SimulateJob;
  readonly file: string | null;
  readonly outcome: SimulationOutcome;
  readonly fs?: FsProfile | undefined;
  readonly command: string;
  readonly plugins: readonly string[];
  /** Writes a counterexample, returns its path (null: do not write). */
  readonly write: ((cx: Counterexample) => string) | null;
}

function simulationOf(job: SimulateJob, f: SimulationFinding): NonNullable<Counterexample['simulation']> {
  return {
    seed: job.seed,
    runs: job.runs,
    depth: job.scenario.bounds.depth,
    chunk: f.chunk,
    fastCheckSeed: f.fastCheckSeed,
    path: f.path,
    choices: [...f.choices],
    unshrunkLength: f.unshrunkLength,
  };
}

export function buildSimulateReport(input: SimulateReportInput): SimulateReport {
  const { job, outcome } = input;
  const { scenario } = job;
  const model = new ScenarioModel(scenario, input.fs ?? DEFAULT_FS);
  const ids = outcome.invariants.map((i) => i.id);
  const findings = mergeChunks(outcome.chunks, ids);
  const errors = mergeErrors(outcome.chunks);
  const violations: SimulatedTraceReport[] = [];
  const witnesses: SimulatedTraceReport[] = [];
  for (const f of findings) {
    const { steps, changes, damagingStep, error } = traceSteps(model, f.trace, 0);
    const obs = f.observed;
    const simulation = simulationOf(job, f);
    const replayError = f.replayError ?? error;
    const base: SimulatedTraceReport = {
      invariant: f.propertyId,
      kind: f.kind,
      length: f.length,
      trace: steps,
      changes,
      ...(damagingStep === undefined || f.kind !== 'always' ? {} : { damagingStep }),
      message: f.message,
      ...(obs ? { expected: obs.expected, observed: obs.observed } : {}),
      ...(replayError ? { replayError } : {}),
      simulation,
    };
    if (f.kind === 'sometimes') {
      witnesses.push(base);
      continue;
    }
    let counterexample: string | undefined;
    if (input.write && replayError === undefined) {
      const cx = counterexampleOf({
        scenario,
        invariant: f.propertyId,
        fs: model.fs.id,
        release: model.ctx.release,
        trace: steps,
        message: f.message,
        expected: obs?.expected,
        observed: obs?.observed,
        // No elapsed time: the same run writes the same file, byte for byte.
        stats: { walks: outcome.walks },
        command: `${input.command} --invariant ${f.propertyId}`,
        simulation,
      });
      counterexample = input.write(cx);
    }
    violations.push(counterexample === undefined ? base : { ...base, counterexample });
  }
  const pluginErrors = errors.map((e): PluginErrorReport => {
    const { steps } = traceSteps(model, e.trace, 0);
    const last = steps[steps.length - 1];
    const stepText = last ? `${last.process} ${formatStep(last)}` : 'the initial state';
    return {
      invariant: e.propertyId,
      step: e.trace.length,
      stepText,
      message: e.message,
      text: `plugin error in ${e.propertyId} at step ${e.trace.length} (${stepText}): ${e.message}`,
    };
  });
  const invariants: Record<string, SimulateVerdict> = {};
  for (const inv of outcome.invariants) {
    const found = findings.find((f) => f.propertyId === inv.id);
    invariants[inv.id] = found
      ? found.kind === 'always'
        ? 'violated'
        : 'witnessed'
      : pluginErrors.some((e) => e.invariant === inv.id)
        ? 'unknown'
        : 'not found';
  }
  return {
    result: violations.length > 0 ? 'violated' : pluginErrors.length > 0 ? 'error' : 'nothing-found',
    complete: outcome.stopped === null && outcome.runsDone >= runsOf(job),
    reason: outcome.stopped ?? 'runs-done',
    kernel: scenario.kernel,
    fs: model.fs.id,
    release: model.ctx.release,
    bounds: { ...scenario.bounds },
    scenario: input.file,
    environment: scenario.environment.map((op) => entryText(op, scenario.environmentArgs[op] ?? {})),
    processes: scenario.processes.map((p) => p.name),
    seed: job.seed,
    runs: job.runs,
    ...shardReport(job),
    runsDone: outcome.runsDone,
    walks: outcome.walks,
    workers: outcome.workers,
    elapsedMs: outcome.elapsedMs,
    firstViolationMs: outcome.firstViolationMs,
    invariants,
    violations,
    witnesses,
    pluginErrors,
    command: input.command,
    plugins: input.plugins,
  };
}
