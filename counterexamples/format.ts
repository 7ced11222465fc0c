/**
 * The counterexample file format, `pipecheck-counterexample/1`: its single
 * definition. Files are written by `pipecheck check`, read by `replay`,
 * `export-test` and the package's `replay()`.
 *
 * @public
 */
import { z } from 'zod';
import { KERNEL_IDS, type KernelId } from '../model/kernels/index.js';
import { BOUND_NAMES, DEFAULT_BOUNDS } from '../model/bounds.js';
import { capProblems, fieldPath } from '../model/field-path.js';
import {
  DEFAULT_RELEASE,
  FS_PROFILE_IDS,
  KERNEL_RELEASES,
  type FsProfile,
  type KernelRelease,
} from '../model/fs/index.js';
import { BoundsSchema, ScenarioSchema } from '../model/scenario.js';
import { StepSchema } from '../model/step.js';

export const COUNTEREXAMPLE_FORMAT = 'pipecheck-counterexample/1';

/** A kernel choice a trace step took (model/choices.ts): the choice point and the option (0: the measured one). */
const ChoiceTakenSchema = z.object({ point: z.string().min(1), index: z.number().int().min(0) }).strict();

/**
 * A trace step: a step of the interface, with the process that took it and,
 * where the kernel did not do what it does by default, every choice it made
 * in the step, in order.
 */
const TraceStepSchema = z.intersection(
  StepSchema,
  z.object({ process: z.string().min(1), choices: z.array(ChoiceTakenSchema).min(1).readonly().optional() }),
);

/** How `pipecheck simulate` found a counterexample (a random walk, shrunk by fast-check). */
const SimulationSchema = z
  .object({
    /** The run's seed (`simulate --seed`). */
    seed: z.number().int(),
    /** Walks the run was asked for (`simulate --runs`). */
    runs: z.number().int().min(1),
    /** The most steps a walk took (`simulate --depth`). */
    depth: z.number().int().min(1),
    /** The chunk of runs that found it (chunks of 250 runs, each with a seed derived from `seed`). */
    chunk: z.number().int().min(0),
    /** The seed fc.check was given for the run that found it. */
    fastCheckSeed: z.number().int(),
    /** fast-check's path to the shrunk walk (fc.check's `path` option replays it). */
    path: z.string(),
    /** The shrunk walk's choice numbers, in step order. */
    choices: z.array(z.number().int().min(0)),
    /** Steps of the walk as first found, before fast-check shrank it. */
    unshrunkLength: z.number().int().min(0),
  })
  .partial()
  .passthrough();

export const CounterexampleSchema = z
  .object({
    format: z.literal(COUNTEREXAMPLE_FORMAT),
    kernel: z.enum(KERNEL_IDS as [KernelId, ...KernelId[]]),
    invariant: z.string().min(1),
    bounds: BoundsSchema.required(),
    scenario: ScenarioSchema,
    /** The file system profile the model used (default ext4). */
    fs: z.enum(FS_PROFILE_IDS as [FsProfile['id'], ...FsProfile['id'][]]).optional(),
    /** The Linux release the model described (model/fs/release.ts); absent: 6.18, as before releases were recorded. */
    release: z.enum(KERNEL_RELEASES).optional(),
    trace: z.array(TraceStepSchema),
    violation: z
      .object({
        step: z.number().int().min(0),
        message: z.string(),
        expected: z.array(z.number().int()).optional(),
        observed: z.array(z.number().int()).optional(),
      })
      .strict(),
    stats: z
      .object({
        statesDistinct: z.number().int().min(0),
        transitions: z.number().int().min(0),
        depthExplored: z.number().int().min(0),
        elapsedMs: z.number().min(0),
      })
      .partial()
      .passthrough(),
    /** The command line that finds it again. */
    command: z.string().optional(),
    /** Set by `pipecheck simulate`: the random walk that found it, and how to find it again. */
    simulation: SimulationSchema.optional(),
  })
  .strict();

export type Counterexample = z.infer<typeof CounterexampleSchema>;

export class CounterexampleError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: not a valid counterexample:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CounterexampleError';
  }
}

/** Validate a parsed JSON value; throws CounterexampleError naming each bad field. */
export function parseCounterexample(input: unknown, source = 'counterexample'): Counterexample {
  const r = CounterexampleSchema.safeParse(input);
  if (!r.success) {
    throw new CounterexampleError(
      source,
      capProblems(r.error.issues.map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`)),
    );
  }
  const { kernel, bounds, scenario } = r.data;
  const scenarioBounds = { ...DEFAULT_BOUNDS, ...scenario.bounds };
  const differ = BOUND_NAMES.filter((k) => bounds[k] !== scenarioBounds[k]);
  if (differ.length > 0) {
    const which = differ.map((k) => `${k} ${bounds[k]} here, ${scenarioBounds[k]} there`).join('; ');
    throw new CounterexampleError(source, [`bounds: they disagree with scenario.bounds (${which})`]);
  }
  if ((scenario.kernel ?? 'linux') !== kernel) {
    const problem = `kernel: "${kernel}", but scenario.kernel is "${scenario.kernel ?? 'linux'}"`;
    throw new CounterexampleError(source, [problem]);
  }
  if (r.data.release !== undefined && scenario.release !== undefined && scenario.release !== r.data.release) {
    const problem = `release: "${r.data.release}", but scenario.release is "${scenario.release}"`;
    throw new CounterexampleError(source, [problem]);
  }
  if (r.data.violation.step >= r.data.trace.length) {
    throw new CounterexampleError(source, [
      `violation.step: ${r.data.violation.step} is past the trace's ${r.data.trace.length} steps`,
    ]);
  }
  return r.data;
}

/**
 * The Linux release a counterexample was found on: its `release`, else its
 * scenario's, else 6.18 (files written before releases were recorded were
 * all found on 6.18, so they replay unchanged).
 */
export function releaseOf(cx: Pick<Counterexample, 'release' | 'scenario'>): KernelRelease {
  return cx.release ?? cx.scenario.release ?? DEFAULT_RELEASE;
}
