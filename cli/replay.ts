/**
 * `pipecheck replay FILE [--kernel ID] [--json]`: replay a counterexample on
 * the model, step by step.
 *
 * Exit code: 1 when the violation reproduces (the file still shows a
 * violation: the same meaning as `check`'s 1), 0 when it does not (on another
 * kernel, say), 2 for a bad file. `--live` runs it on the live kernel too
 * (oracle/live-replay.ts): 0 when model and kernel agree on every step, 1
 * when they disagree (as `conform`), 2 when the oracle cannot run.
 *
 * `--live` also says whether the violation happens on the real kernel:
 * `on the real kernel: the violation happens too (...)`, `no violation
 * (...)` or `cannot be judged from what the kernel reports (...)`, judged
 * from the kernel's own reads and final file (oracle/kernel-verdict.ts);
 * `--json` has it as `kernelViolation` ({ invariant, judged, violated?,
 * step? (0-based), expected?, observed?, message }). It does not change the
 * exit code: with `--live` the exit code is about agreement only (a
 * violation on both sides that agree is exit 0).
 */
import { checkKernel, checkRelease, loadPlugins } from '../checker/inputs.js';
import { readCounterexample } from '../counterexamples/file.js';
import { CounterexampleError, releaseOf, type Counterexample } from '../counterexamples/format.js';
import { replay, type ReplayResult } from '../replay/replay.js';
import { showCells } from '../model/cells.js';
import type { KernelRelease } from '../model/fs/index.js';
import type { KernelId } from '../model/kernels/index.js';
import { formatStep } from '../model/step.js';
import type { LiveReplayResult } from '../oracle/live-replay.js';
import { EXIT, UsageError } from './exit.js';
import { releaseOption } from './inputs.js';
import { processIo, type Io } from './io.js';
import type { CliOptions } from './options.js';
import { traceLines } from './render.js';
import { withBackend } from './vm.js';

/** Human output of a live replay: numbered steps with both sides' outcomes, reads side by side, the verdict. */
function renderLiveReplay(r: LiveReplayResult): string {
  if (r.status !== 'compared') return `live replay ${r.status}: ${r.message}`;
  const lines: string[] = [];
  const prof = r.profile === r.recordedProfile ? r.profile : `${r.profile} (the file recorded ${r.recordedProfile})`;
  const model = `model: ${r.kernel} variant, ${prof} profile, Linux ${r.release}`;
  const where = `${r.dir} (${r.fsType})${r.on !== undefined ? ` on ${r.on}` : ''}`;
  lines.push(`live replay on ${where}; ${model}; invariant ${r.kernelViolation.invariant}`);
  for (const s of r.steps) {
    const verdict = s.agree ? '' : '  DISAGREE';
    lines.push(`${s.index + 1}. ${formatStep(s.step)}  model: ${s.model.text}  kernel: ${s.kernel.text}${verdict}`);
    if (s.model.read || s.kernel.read) {
      const show = (v: readonly number[] | undefined): string => (v ? showCells(v) : '-');
      lines.push(`     model ${show(s.model.read)}  kernel ${show(s.kernel.read)}  ${s.agree ? 'agree' : 'differ'}`);
    }
  }
  lines.push(`final file: model ${showCells(r.model.file)}  kernel ${showCells(r.live.file)}`);
  if (r.folioDifference) lines.push(`note: ${r.folioDifference}`);
  lines.push(r.agree ? 'model and kernel agree' : `model and kernel DISAGREE: ${r.disagreement?.message ?? ''}`);
  lines.push(`on the real kernel: ${r.kernelViolation.message}`);
  return lines.join('\n');
}

async function liveCommand(
  file: string,
  cx: Counterexample,
  opts: CliOptions,
  release: KernelRelease | undefined,
  io: Io,
): Promise<number> {
  // The oracle's modules load only for --live.
  const { liveReplay } = await import('../oracle/live-replay.js');
  return withBackend('replay', opts, io, async (on) => {
    const r = await liveReplay(cx, {
      ...(release !== undefined ? { release } : {}),
      ...(opts.fs !== undefined ? { fs: opts.fs } : {}),
      ...(opts.kernel !== undefined ? { kernel: opts.kernel as KernelId } : {}),
      ...(on ? { backend: on.backend } : {}),
    });
    if (opts.json) io.out(JSON.stringify({ file, ...r }, null, 2));
    if (r.status !== 'compared') {
      io.err(`pipecheck replay: --live: ${r.status}: ${r.message}`);
      return EXIT.usage;
    }
    if (!opts.json) io.out(renderLiveReplay(r));
    return r.agree ? EXIT.ok : EXIT.violated;
  });
}

/** The replay, step by step: what each step changed, what the reader saw, where it is violated. */
function replayLines(file: string, cx: Counterexample, r: ReplayResult): string[] {
  const out: string[] = [];
  const recorded = r.kernel === cx.kernel ? '' : ` (recorded on ${cx.kernel})`;
  const was = releaseOf(cx);
  const release = `, Linux ${r.release}${r.release === was ? '' : ` (recorded on Linux ${was})`}`;
  out.push(`replaying ${file}: ${r.invariant}, ${cx.trace.length} steps, on kernel ${r.kernel}${recorded}${release}`);
  const steps = r.steps;
  const lines = traceLines(
    steps.map((s) => s.step),
    steps.map((s) => (s.enabled ? [...s.changes] : ['NOT ENABLED'])),
    '  ',
    r.damagingStep,
  );
  const pad = ' '.repeat(String(steps.length).length + 4);
  // Interleave: after each step's lines, what the reader saw and the violation.
  let li = 0;
  for (const s of steps) {
    const n = Math.max(s.changes.length, 1) + (s.index === r.damagingStep ? 1 : 0);
    for (let k = 0; k < n; k++) out.push(lines[li++]!);
    if (s.observed) {
      const { observed, expected } = s.observed;
      const changed = observed.every((v, i) => v === expected[i]) ? '' : '  <-- changed';
      out.push(`  ${pad}the reader saw ${showCells(observed)}, expected ${showCells(expected)}${changed}`);
    }
    if (s.violation) out.push(`  ${pad}${r.invariant} VIOLATED: ${s.violation}`);
  }
  if (r.stopped) out.push(`stopped: ${r.stopped}`);
  if (r.violation) {
    const at = r.violation.step;
    const as = at === r.recordedStep ? ', as recorded' : `; the file recorded step ${r.recordedStep + 1}`;
    out.push(`reproduces: yes, at step ${at + 1} (${formatStep(steps[at]!.step)})${as}`);
  } else {
    out.push(`reproduces: no (${r.invariant} holds at every step on kernel ${r.kernel})`);
  }
  return out;
}

export async function replayCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0]!;
  if (opts.kernel !== undefined) checkKernel(opts.kernel, '--kernel');
  const release = releaseOption(opts.release, io.err);
  if (release !== undefined) checkRelease(release, '--release');
  if (opts.fs !== undefined && !opts.live) throw new UsageError('--fs goes with --live');
  if (opts.vm !== undefined && !opts.live) throw new UsageError('--vm goes with --live');
  let cx;
  try {
    cx = readCounterexample(file);
  } catch (e) {
    if (e instanceof CounterexampleError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.live) return liveCommand(file, cx, opts, release, io);
  const plugins = await loadPlugins(opts.plugin ?? []);
  let r: ReplayResult;
  try {
    r = replay(cx, {
      ...(opts.kernel ? { kernel: opts.kernel as KernelId } : {}),
      ...(release !== undefined ? { release } : {}),
      invariants: plugins,
    });
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  if (opts.json) {
    io.out(JSON.stringify({ file, recordedKernel: cx.kernel, recordedRelease: releaseOf(cx), ...r }, null, 2));
  } else for (const line of replayLines(file, cx, r)) io.out(line);
  return r.reproduced ? EXIT.violated : EXIT.ok;
}
