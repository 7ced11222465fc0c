/**
 * `pipecheck run SCENARIO --live`: one scenario's interleavings on the model
 * and on the live kernel. The scenario's processes run their programs in
 * order, interleaved in every way (the free environment is not included:
 * `ignoredEnvironment` lists its operations); every complete interleaving,
 * or a seeded random sample of `maxTraces` of them when there are more, runs
 * on the model (the scenario's kernel variant) and on the kernel through the
 * oracle (oracle/compare.ts, as `replay --live` and `conform` compare), and
 * each says whether model and kernel agree and whether each invariant (the
 * scenario's, else the default ones) is violated on the model and on the
 * kernel (oracle/kernel-verdict.ts: judged from the kernel's own reports).
 * Without `live` only the model runs (a dry run).
 *
 * A step the model does not enable (a read of an empty pipe) changes nothing
 * and the interleaving goes on, on both sides (the kernel's non-blocking call
 * fails too); the process's next step follows.
 *
 * A disagreement is written as a `kernel-conformance` counterexample (as
 * `conform` writes one, oracle/conform.ts) when the scenario's kernel is
 * linux, the variant that is meant to agree with this kernel. Typed result,
 * nothing printed.
 *
 * @public
 */
import { tmpdir } from 'node:os';
import { resolveInvariants } from '../checker/inputs.js';
import { writeCounterexample } from '../counterexamples/file.js';
import type { Invariant } from '../invariants/define.js';
import { toProperties } from '../invariants/property.js';
import { DEFAULT_FS, fsProfileById, type FsProfile, type KernelRelease } from '../model/fs/index.js';
import type { KernelId } from '../model/kernels/index.js';
import type { Scenario } from '../model/scenario.js';
import { ScenarioModel, type TraceStep } from '../model/scenario-model.js';
import type { OpName, Step } from '../model/step.js';
import { compareCase, profileForDir, type ConformCase, type StepComparison } from './compare.js';
import { conformanceCounterexample } from './conform.js';
import { HOST_BACKEND, type KernelBackend } from './backend.js';
import { judgeOnKernel, type KernelViolation } from './kernel-verdict.js';

/** The most interleavings run when `maxTraces` is not given. */
const DEFAULT_MAX_TRACES = 200;

/** The longest interleaving (the oracle's and the scenario format's limit on a trace). */
const MAX_STEPS = 64;

export interface RunScenarioOptions {
  /** Run each interleaving on the live kernel too (default false: the model only). */
  readonly live?: boolean;
  /** With `live`: the directory on the file system to run on (default: the backend's, the OS temp dir). */
  readonly fs?: string;
  /** With `live`: where the helper runs (default: this machine's kernel; oracle/vm/ for one under qemu). */
  readonly backend?: KernelBackend;
  /** With `live`: the Linux release the model is to model (default: the backend's). */
  readonly release?: KernelRelease;
  /** Run at most this many interleavings; with more, a seeded random sample (default 200). */
  readonly maxTraces?: number;
  /** The sample's seed (default: random; the result says it). */
  readonly seed?: number;
  /** Where disagreements are written as counterexamples (default ./counterexamples). */
  readonly out?: string;
  /** The invariants (default: the scenario's, else the default built-ins). */
  readonly invariants?: readonly Invariant[];
  /** Without `live`: the model's file-system profile (default ext4; with `live` the probed directory's). */
  readonly fsProfile?: FsProfile;
  /** How messages and the counterexamples' command name the scenario (default `the scenario`). */
  readonly source?: string;
  /** Told what is about to run, before the first interleaving. */
  readonly onStart?: (start: RunStart) => void;
}

/** What the run is about to do. */
export interface RunStart {
  readonly total: number;
  readonly running: number;
  readonly sampled: boolean;
  readonly seed?: number;
  readonly live?: LiveSetup;
}

export interface LiveSetup {
  readonly dir: string;
  /** Which profile the probe chose, and why. */
  readonly why: string;
  /** Not on this machine's kernel: what runs the traces (` Linux 6.1... in qemu`). */
  readonly kernel?: string;
  /** Not on this machine's kernel: the flags that run there again (` --vm 6.1`). */
  readonly flags?: string;
}

/** One invariant on the model, over one interleaving. */
export interface ModelVerdict {
  readonly invariant: string;
  readonly violated: boolean;
  /** 0-based step of the first violation. */
  readonly step?: number;
  readonly message?: string;
}

/** One interleaving on the kernel. */
export interface LiveRun {
  /** Every step, every read and the final file agree. */
  readonly agree: boolean;
  readonly disagreement?: { readonly step: number | 'final'; readonly message: string };
  readonly folioDifference?: string;
  /** Per invariant, in the run's order: what the kernel's reports show. */
  readonly kernel: readonly KernelViolation[];
  /** With a disagreement: both sides, step by step. */
  readonly steps?: readonly StepComparison[];
  /** With a disagreement, where its counterexample was written (linux scenarios only). */
  readonly counterexample?: string;
}

export interface InterleavingRun {
  /** 1-based position in the run. */
  readonly index: number;
  readonly trace: readonly TraceStep[];
  /** 0-based steps the model did not enable (nothing changed; the interleaving went on). */
  readonly notEnabled: readonly number[];
  /** Per invariant, in the run's order. */
  readonly model: readonly ModelVerdict[];
  /** With `live`. */
  readonly live?: LiveRun;
}

export interface InvariantSummary {
  readonly invariant: string;
  /** Interleavings that violate it on the model. */
  readonly violatedOnModel: number;
  /** With `live`: interleavings whose kernel reports show it violated, and those that cannot be judged. */
  readonly violatedOnKernel?: number;
  readonly notJudgedOnKernel?: number;
}

export interface RunSummary {
  readonly run: number;
  /** With `live`: interleavings on which model and kernel agree, and disagree. */
  readonly agree?: number;
  readonly disagree?: number;
  /** Interleavings that violate some invariant on the model. */
  readonly violatedOnModel: number;
  /** With `live`: interleavings whose kernel reports show some invariant violated. */
  readonly violatedOnKernel?: number;
  readonly invariants: readonly InvariantSummary[];
}

export type RunScenarioResult =
  /** It could not run: a scenario without processes, bad options, no oracle, a kernel that cannot build the state. */
  | { readonly status: 'bad-input' | 'unavailable' | 'oracle-failed'; readonly message: string }
  | {
      readonly status: 'ran';
      readonly kernel: KernelId;
      readonly processes: readonly { readonly name: string; readonly steps: number }[];
      /** The environment's operations, which `run` does not include. */
      readonly ignoredEnvironment: readonly OpName[];
      readonly invariants: readonly string[];
      /** The FS profile the model used. */
      readonly profile: FsProfile['id'];
      /** The Linux release the model described (model/fs/release.ts). */
      readonly release: KernelRelease;
      /** Complete interleavings of the programs (the multinomial; approximate beyond 2^53). */
      readonly total: number;
      /** Fewer than `total` ran: a random sample. */
      readonly sampled: boolean;
      /** The sample's seed (sampled runs only). */
      readonly seed?: number;
      readonly maxTraces: number;
      readonly live?: LiveSetup & { readonly fsType: string };
      readonly runs: readonly InterleavingRun[];
      readonly summary: RunSummary;
      readonly elapsedMs: number;
    };

const factorials: bigint[] = [1n];
function factorial(n: number): bigint {
  for (let i = factorials.length; i <= n; i++) factorials.push(factorials[i - 1]! * BigInt(i));
  return factorials[n]!;
}

/** The number of interleavings of programs of these lengths: (a+b+...)! / (a! b! ...). */
export function countInterleavings(lengths: readonly number[]): bigint {
  const n = lengths.reduce((a, b) => a + b, 0);
  return lengths.reduce((acc, k) => acc / factorial(k), factorial(n));
}

/**
 * The interleaving of rank `rank` (0-based, lexicographic over the sequence
 * of process indices): which process takes each step.
 */
export function interleavingAt(rank: bigint, lengths: readonly number[]): number[] {
  const left = [...lengths];
  const n = left.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let r = rank;
  for (let pos = 0; pos < n; pos++) {
    for (let p = 0; p < left.length; p++) {
      if (left[p] === 0) continue;
      left[p]!--;
      const c = countInterleavings(left);
      if (r < c) {
        out.push(p);
        break;
      }
      r -= c;
      left[p]!++;
    }
  }
  return out;
}

/** mulberry32: a small seeded generator of 32-bit integers. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A uniform integer in 0..n-1. */
function below(n: bigint, next: () => number): bigint {
  const bits = n.toString(2).length;
  for (;;) {
    let r = 0n;
    for (let b = 0; b < bits; b += 32) r = (r << 32n) | BigInt(next());
    r &= (1n << BigInt(bits)) - 1n;
    if (r < n) return r;
  }
}

/** `k` distinct ranks below `total`, uniformly (Floyd's algorithm), in increasing order. */
export function sampleRanks(total: bigint, k: number, seed: number): bigint[] {
  const next = generator(seed);
  const chosen = new Set<bigint>();
  for (let j = total - BigInt(k); j < total; j++) {
    const t = below(j + 1n, next);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The model's verdicts on one interleaving (process index per step). */
function runOnModel(
  model: ScenarioModel,
  invariants: readonly Invariant[],
  order: readonly number[],
): { trace: TraceStep[]; notEnabled: number[]; verdicts: ModelVerdict[] } {
  const { L } = model;
  const properties = toProperties(model, invariants);
  const first: (ModelVerdict | undefined)[] = invariants.map(() => undefined);
  const trace: TraceStep[] = [];
  const notEnabled: number[] = [];
  let s = model.initialStates()[0]!;
  for (const [i, p] of order.entries()) {
    // Process p's action, with the kernel's measured choices (option 0); compareCase judges the others.
    const action = p * model.choiceSlots;
    const step = model.stepOf(s, action)!;
    trace.push(step);
    const t = model.step(s, action);
    if (!t) {
      // Not enabled: nothing changes, and the process goes on to its next step (as on the kernel).
      notEnabled.push(i);
      s = s.slice();
      L.setPc(s, p, L.pc(s, p) + 1);
      continue;
    }
    const view = { before: s, action, after: t.next, observed: t.observed, depth: i };
    properties.forEach((prop, k) => {
      if (first[k]) return;
      let message: string | undefined;
      try {
        message = prop.check(view);
      } catch (e) {
        message = `${prop.id} threw: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (message !== undefined) first[k] = { invariant: prop.id, violated: true, step: i, message };
    });
    s = t.next;
  }
  const verdicts = invariants.map((inv, k) => first[k] ?? { invariant: inv.id, violated: false });
  return { trace, notEnabled, verdicts };
}

function summarize(invariants: readonly Invariant[], runs: readonly InterleavingRun[], live: boolean): RunSummary {
  const perInvariant = invariants.map((inv, k): InvariantSummary => {
    const violatedOnModel = runs.filter((r) => r.model[k]!.violated).length;
    if (!live) return { invariant: inv.id, violatedOnModel };
    const kernel = runs.map((r) => r.live!.kernel[k]!);
    return {
      invariant: inv.id,
      violatedOnModel,
      violatedOnKernel: kernel.filter((v) => v.judged && v.violated === true).length,
      notJudgedOnKernel: kernel.filter((v) => !v.judged).length,
    };
  });
  const violatedOnModel = runs.filter((r) => r.model.some((v) => v.violated)).length;
  if (!live) return { run: runs.length, violatedOnModel, invariants: perInvariant };
  const agree = runs.filter((r) => r.live!.agree).length;
  return {
    run: runs.length,
    agree,
    disagree: runs.length - agree,
    violatedOnModel,
    violatedOnKernel: runs.filter((r) => r.live!.kernel.some((v) => v.judged && v.violated === true)).length,
    invariants: perInvariant,
  };
}

/** A run that could not run (see RunScenarioResult). */
type RunRefused = Extract<RunScenarioResult, { readonly message: string }>;

/** Why `run` refuses these options or this scenario, or undefined. */
function refusal(
  scenario: Scenario,
  opts: RunScenarioOptions,
  source: string,
  maxTraces: number,
): RunRefused | undefined {
  if (!Number.isSafeInteger(maxTraces) || maxTraces < 1) {
    return { status: 'bad-input', message: `--max-traces must be a positive integer, got ${String(opts.maxTraces)}` };
  }
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) {
    return { status: 'bad-input', message: `--seed must be an integer, got ${String(opts.seed)}` };
  }
  if (scenario.processes.length === 0) {
    return {
      status: 'bad-input',
      message:
        `${source} has no processes: run interleaves the processes' programs ` +
        `(explore a free environment with pipecheck check)`,
    };
  }
  const steps = scenario.processes.reduce((a, p) => a + p.program.length, 0);
  if (steps === 0) return { status: 'bad-input', message: `${source}: every process's program is empty` };
  if (steps > MAX_STEPS) {
    return {
      status: 'bad-input',
      message: `${source}: the programs have ${steps} steps in all; an interleaving has at most ${MAX_STEPS}`,
    };
  }
  return undefined;
}

/**
 * The profile the model uses: the one given, else the scenario's
 * "fsProfile" ("auto" probes as a live run does); a live run probes its
 * directory and takes that one, with the setup it runs on.
 */
async function profileOf(
  scenario: Scenario,
  opts: RunScenarioOptions,
  source: string,
  live: boolean,
): Promise<{ profile: FsProfile; setup?: LiveSetup } | RunRefused> {
  if (live) {
    const backend = opts.backend ?? HOST_BACKEND;
    const avail = backend.available();
    if (!avail.ok) return { status: 'unavailable', message: `no live kernel to run on: ${avail.reason}` };
    const dir = opts.fs ?? backend.defaultFs();
    const prof = await profileForDir(dir, scenario.release ?? opts.release ?? backend.release, { backend });
    if (!prof.ok) return { status: 'unavailable', message: prof.reason };
    const elsewhere = backend.commandFlags === '' ? {} : { kernel: backend.label, flags: backend.commandFlags };
    return { profile: prof.profile, setup: { dir, why: prof.why, ...elsewhere } };
  }
  if (opts.fsProfile === undefined && scenario.fsProfile === 'auto') {
    const prof = await profileForDir(opts.fs ?? tmpdir());
    if (!prof.ok) return { status: 'unavailable', message: `${source}: fsProfile auto: ${prof.reason}` };
    return { profile: prof.profile };
  }
  return { profile: opts.fsProfile ?? fsProfileById(scenario.fsProfile ?? DEFAULT_FS.id) ?? DEFAULT_FS };
}

/** Which interleavings run: all of them, or `maxTraces` sampled with a seed. */
function interleavingsToRun(
  lengths: readonly number[],
  maxTraces: number,
  givenSeed: number | undefined,
): { total: number; sampled: boolean; seed: number | undefined; ranks: bigint[] } {
  const totalBig = countInterleavings(lengths);
  const sampled = totalBig > BigInt(maxTraces);
  const seed = sampled ? (givenSeed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0) : undefined;
  const ranks = sampled
    ? sampleRanks(totalBig, maxTraces, seed!)
    : Array.from({ length: Number(totalBig) }, (_, i) => BigInt(i));
  return { total: Number(totalBig), sampled, seed, ranks };
}

/** What one live run needs besides its interleaving. */
interface LiveContext {
  readonly scenario: Scenario;
  readonly opts: RunScenarioOptions;
  readonly source: string;
  readonly profile: FsProfile;
  readonly setup: LiveSetup;
  readonly ids: readonly string[];
  /** ` --max-traces N --seed S` when sampled, for the counterexample's command. */
  readonly sample: string;
  readonly seed: number;
  readonly t0: number;
}

/** Interleaving `n` (1-based) on the kernel, compared with the model; a counterexample written on a disagreement. */
async function runLive(
  x: LiveContext,
  trace: readonly TraceStep[],
  n: number,
): Promise<{ live: LiveRun; fsType: string } | RunRefused> {
  const { scenario, source, profile, setup } = x;
  const stepList: Step[] = trace.map(({ process: _process, choices: _choices, ...step }) => step);
  const c: ConformCase = {
    bounds: { ...scenario.bounds, depth: Math.max(1, stepList.length) },
    initial: scenario.initial,
    steps: stepList,
  };
  const backend = x.opts.backend ?? HOST_BACKEND;
  const release = scenario.release ?? x.opts.release ?? backend.release;
  let r;
  try {
    r = await compareCase(c, profile, {
      dir: setup.dir,
      kernel: scenario.kernel,
      backend,
      ...(release !== undefined ? { release } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError) return { status: 'bad-input', message: `${source}: ${e.message}` };
    throw e;
  }
  if (r.status === 'setup-mismatch') {
    return {
      status: 'unavailable',
      message: `the kernel cannot build ${source}'s initial state on ${setup.dir}: ${r.message}`,
    };
  }
  if (r.status !== 'compared') {
    const status = r.status === 'unavailable' ? 'unavailable' : 'oracle-failed';
    return { status, message: `the oracle failed on interleaving ${n}: ${r.status}: ${r.message}` };
  }
  let counterexample: string | undefined;
  if (r.disagreement && scenario.kernel === 'linux') {
    const cx = {
      ...conformanceCounterexample(c, r, { seed: x.seed, fsDir: setup.dir, runs: 1, elapsedMs: Date.now() - x.t0 }),
      command: `pipecheck run ${source} --live${setup.flags ?? ''} --fs ${setup.dir}${x.sample}`,
    };
    counterexample = writeCounterexample(x.opts.out ?? 'counterexamples', cx);
  }
  const live: LiveRun = {
    agree: r.disagreement === undefined,
    ...(r.disagreement ? { disagreement: { step: r.disagreement.step, message: r.disagreement.message } } : {}),
    ...(r.folioDifference ? { folioDifference: r.folioDifference } : {}),
    kernel: judgeOnKernel(x.ids, c, profile, r),
    ...(r.disagreement ? { steps: r.steps } : {}),
    ...(counterexample !== undefined ? { counterexample } : {}),
  };
  return { live, fsType: r.raw.fsType };
}

/** Run the scenario's interleavings (see the module comment). */
export async function runScenario(scenario: Scenario, opts: RunScenarioOptions = {}): Promise<RunScenarioResult> {
  const t0 = Date.now();
  const source = opts.source ?? 'the scenario';
  const maxTraces = opts.maxTraces ?? DEFAULT_MAX_TRACES;
  const refused = refusal(scenario, opts, source, maxTraces);
  if (refused) return refused;
  const lengths = scenario.processes.map((p) => p.program.length);
  const invariants = opts.invariants ?? (await resolveInvariants(undefined, undefined, scenario.invariants)).invariants;
  const chosen = await profileOf(scenario, opts, source, opts.live ?? false);
  if ('status' in chosen) return chosen;
  const { profile, setup } = chosen;
  const { total, sampled, seed, ranks } = interleavingsToRun(lengths, maxTraces, opts.seed);
  opts.onStart?.({
    total,
    running: ranks.length,
    sampled,
    ...(seed !== undefined ? { seed } : {}),
    ...(setup ? { live: setup } : {}),
  });

  const model = new ScenarioModel(scenario, profile);
  const ids = invariants.map((i) => i.id);
  const sample = sampled ? ` --max-traces ${maxTraces} --seed ${seed}` : '';
  const liveContext = setup && { scenario, opts, source, profile, setup, ids, sample, seed: seed ?? 0, t0 };
  const runs: InterleavingRun[] = [];
  let fsType = '';
  for (const [n, rank] of ranks.entries()) {
    const m = runOnModel(model, invariants, interleavingAt(rank, lengths));
    const base = { index: n + 1, trace: m.trace, notEnabled: m.notEnabled, model: m.verdicts };
    if (!liveContext) {
      runs.push(base);
      continue;
    }
    const r = await runLive(liveContext, m.trace, n + 1);
    if ('status' in r) return r;
    fsType = r.fsType;
    runs.push({ ...base, live: r.live });
  }
  return {
    status: 'ran',
    kernel: scenario.kernel,
    processes: scenario.processes.map((p) => ({ name: p.name, steps: p.program.length })),
    ignoredEnvironment: scenario.environment,
    invariants: ids,
    profile: profile.id,
    release: model.ctx.release,
    total,
    sampled,
    ...(seed !== undefined ? { seed } : {}),
    maxTraces,
    ...(setup ? { live: { ...setup, fsType } } : {}),
    runs,
    summary: summarize(invariants, runs, setup !== undefined),
    elapsedMs: Date.now() - t0,
  };
}
