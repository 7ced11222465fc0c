/**
 * `pipecheck replay FILE --live`: run a counterexample's trace on the model
 * and on the live kernel side by side: per step what each did, each read's
 * cells from both, and whether they agree (oracle/compare.ts). Steps run in
 * trace order whatever process took them. A step the model does not enable
 * changes nothing on either side and the replay goes on. `kernelViolation`
 * says whether the kernel's own reports show the counterexample's violation
 * (oracle/kernel-verdict.ts: judged from the kernel's reads and final file,
 * not from the model's verdict).
 *
 * @public
 */
import type { Counterexample } from '../counterexamples/format.js';
import type { KernelId } from '../model/kernels/index.js';
import { DEFAULT_FS, DEFAULT_RELEASE, fsProfileById, type FsProfile, type KernelRelease } from '../model/fs/index.js';
import { parseScenario, stepProblems } from '../model/scenario.js';
import type { Step } from '../model/step.js';
import { compareCase, profileForDir, type ConformCase, type SideFinal, type StepComparison } from './compare.js';
import { HOST_BACKEND, type KernelBackend } from './backend.js';
import { judgeOnKernel, type KernelViolation } from './kernel-verdict.js';

export type LiveReplayResult =
  | {
      readonly status: 'compared';
      readonly kernel: Counterexample['kernel'];
      /** The Linux release the model described. */
      readonly release: KernelRelease;
      /** The FS profile the model used (the probed directory's; the file's when it cannot be probed). */
      readonly profile: FsProfile['id'];
      /** What the counterexample file recorded (may differ from `profile`). */
      readonly recordedProfile: FsProfile['id'];
      readonly fsType: string;
      readonly dir: string;
      /** Not on this machine's kernel: what ran the trace (`Linux 6.1... in qemu`). */
      readonly on?: string;
      readonly steps: readonly StepComparison[];
      readonly model: SideFinal;
      readonly live: SideFinal;
      /** Every step, every read and the final file agree. */
      readonly agree: boolean;
      readonly disagreement?: { readonly step: number | 'final'; readonly message: string };
      readonly folioDifference?: string;
      /** Whether the kernel's own reports show the counterexample's violation (oracle/kernel-verdict.ts). */
      readonly kernelViolation: KernelViolation;
    }
  | { readonly status: 'unavailable' | 'error'; readonly message: string };

export interface LiveReplayOptions {
  /** Directory on the file system to run on (default: the backend's, the OS temp dir). */
  readonly fs?: string;
  /** Where the helper runs (default: this machine's kernel; oracle/vm/ for one under qemu). */
  readonly backend?: KernelBackend;
  /** Run the model on another kernel variant than the file records (e.g. linux for a dirty-pipe file). */
  readonly kernel?: KernelId;
  /**
   * The Linux release the model describes (default: the backend's, else
   * 6.18): as the profile is the probed directory's, not the file's, the
   * release is the kernel's that runs the trace, whatever the file records.
   */
  readonly release?: KernelRelease;
}

/** Run `cx`'s trace on the model (its recorded kernel variant) and the live kernel. */
export async function liveReplay(cx: Counterexample, opts: LiveReplayOptions = {}): Promise<LiveReplayResult> {
  const backend = opts.backend ?? HOST_BACKEND;
  const avail = backend.available();
  if (!avail.ok) return { status: 'unavailable', message: avail.reason };
  const dir = opts.fs ?? backend.defaultFs();
  const prof = await profileForDir(dir, opts.release ?? backend.release, { backend });
  const recorded = (cx.fs && fsProfileById(cx.fs)) ?? DEFAULT_FS;
  const profile = prof.ok ? prof.profile : recorded;
  let scenario;
  try {
    scenario = parseScenario(cx.scenario, 'counterexample scenario');
  } catch (e) {
    return { status: 'error', message: (e as Error).message };
  }
  const steps: Step[] = cx.trace.map(({ process: _process, choices: _choices, ...step }) => step);
  // The trace must fit its scenario's bounds, as a plain replay requires (the helper is sized by them).
  for (const [i, step] of steps.entries()) {
    const [problem] = stepProblems(step, scenario.bounds);
    if (problem !== undefined) return { status: 'error', message: `trace[${i}].${problem}` };
  }
  const c: ConformCase = {
    bounds: { ...scenario.bounds, depth: Math.min(64, Math.max(1, steps.length)) },
    initial: scenario.initial,
    steps,
  };
  const kernel = opts.kernel ?? cx.kernel;
  const release = opts.release ?? backend.release;
  let r;
  try {
    r = await compareCase(c, profile, { dir, kernel, backend, ...(release !== undefined ? { release } : {}) });
  } catch (e) {
    if (e instanceof RangeError) return { status: 'error', message: e.message };
    throw e;
  }
  if (r.status === 'setup-mismatch')
    return { status: 'error', message: `the kernel cannot build this initial state on ${dir}: ${r.message}` };
  if (r.status !== 'compared')
    return { status: r.status === 'unavailable' ? 'unavailable' : 'error', message: r.message };
  return {
    status: 'compared',
    kernel,
    release: release ?? DEFAULT_RELEASE,
    profile: profile.id,
    recordedProfile: recorded.id,
    fsType: r.raw.fsType,
    dir,
    ...(backend.commandFlags === '' ? {} : { on: backend.label }),
    steps: r.steps,
    model: r.model,
    live: r.kernel,
    agree: r.disagreement === undefined,
    ...(r.disagreement ? { disagreement: { step: r.disagreement.step, message: r.disagreement.message } } : {}),
    ...(r.folioDifference ? { folioDifference: r.folioDifference } : {}),
    kernelViolation: judgeOnKernel([cx.invariant], c, profile, r)[0]!,
  };
}
