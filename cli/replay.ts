/**
 * `pipecheck replay FILE [--kernel ID] [--json]`: replay a counterexample on
 * the model, step by step.
 *
 * Exit code: 1 when the violation reproduces (the file still shows a
 * violation: the same meaning as `check`'s 1), 0 when it does not (on another
 * kernel, say), 2 for a bad file. `--live` hands the counterexample to the
 * live-kernel oracle (oracle/live-replay.js) when this build has it.
 */
import { CounterexampleError } from '../counterexamples/format.js';
import { readCounterexample } from '../counterexamples/file.js';
import { replay, type ReplayResult } from '../counterexamples/replay.js';
import type { KernelId } from '../model/context.js';
import { formatStep } from '../model/step.js';
import { processIo, type Io } from './check.js';
import { EXIT, UsageError } from './exit.js';
import { checkKernel, loadPlugins } from './inputs.js';
import type { CliOptions } from './options.js';
import { traceLines } from './render.js';

/**
 * What oracle/live-replay.js exports for `--live`: `liveReplay(cx, { fs })`
 * resolving to `{ status: 'compared', agree, ... }` or `{ status:
 * 'unavailable' | 'error', message }` (or directly to an exit code), and
 * optionally `renderLiveReplay(result)` for the human output.
 */
interface LiveResult {
  readonly status: string;
  readonly agree?: boolean;
  readonly message?: string;
}

/**
 * `replay --live`: exit 0 when model and kernel agree on every step, 1 when
 * they disagree (as `conform`), 2 when the oracle is missing or cannot run.
 */
async function liveCommand(file: string, cx: unknown, opts: CliOptions, io: Io): Promise<number> {
  const mod = await optionalModule('../oracle/live-replay.js');
  const liveReplay = mod?.['liveReplay'];
  if (typeof liveReplay !== 'function') {
    throw new UsageError('--live: live replay is not available in this build (oracle/live-replay.js is missing)');
  }
  const liveOpts = {
    ...(opts.fs !== undefined ? { fs: opts.fs } : {}),
    ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}),
  };
  const r = (await (liveReplay as (cx: unknown, o: { fs?: string; kernel?: string }) => Promise<unknown>)(
    cx,
    liveOpts,
  )) as LiveResult | number;
  if (typeof r === 'number') return r;
  if (opts.json) io.out(JSON.stringify({ file, ...r }, null, 2));
  if (r.status !== 'compared') {
    io.err(`pipecheck replay: --live: ${r.status}: ${r.message ?? ''}`);
    return EXIT.usage;
  }
  if (!opts.json) {
    const render = mod?.['renderLiveReplay'];
    io.out(typeof render === 'function' ? String((render as (x: unknown) => unknown)(r)) : JSON.stringify(r, null, 2));
  }
  return r.agree ? EXIT.ok : EXIT.violated;
}

/** Import an optional module of this build; undefined when it is not there. */
export async function optionalModule(specifier: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(specifier.replace(/^\.\.?\//, '')))
      return undefined;
    throw e;
  }
}

const cells = (c: readonly number[]): string => `[${c.join(', ')}]`;

export async function replayCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0]!;
  if (opts.kernel !== undefined) checkKernel(opts.kernel);
  if (opts.fs !== undefined && !opts.live) throw new UsageError('--fs goes with --live');
  let cx;
  try {
    cx = readCounterexample(file);
  } catch (e) {
    if (e instanceof CounterexampleError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.live) return liveCommand(file, cx, opts, io);
  const plugins = await loadPlugins(opts.plugin ?? []);
  let r: ReplayResult;
  try {
    r = replay(cx, { ...(opts.kernel ? { kernel: opts.kernel as KernelId } : {}), invariants: plugins });
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const code = r.reproduced ? EXIT.violated : EXIT.ok;
  if (opts.json) {
    io.out(JSON.stringify({ file, recordedKernel: cx.kernel, ...r }, null, 2));
    return code;
  }
  io.out(
    `replaying ${file}: ${r.invariant}, ${cx.trace.length} steps, on kernel ${r.kernel}${r.kernel === cx.kernel ? '' : ` (recorded on ${cx.kernel})`}`,
  );
  const steps = r.steps;
  const lines = traceLines(
    steps.map((s) => s.step),
    steps.map((s) => (s.enabled ? [...s.changes] : ['NOT ENABLED'])),
  );
  const pad = ' '.repeat(String(steps.length).length + 4);
  // Interleave: after each step's lines, what the reader saw and the violation.
  let li = 0;
  steps.forEach((s) => {
    const n = Math.max(s.changes.length, 1);
    for (let k = 0; k < n; k++) io.out(lines[li++]!);
    if (s.observed) {
      const same = s.observed.observed.every((v, i) => v === s.observed!.expected[i]);
      io.out(
        `  ${pad}the reader saw ${cells(s.observed.observed)}, expected ${cells(s.observed.expected)}${same ? '' : '  <-- changed'}`,
      );
    }
    if (s.violation) io.out(`  ${pad}${r.invariant} VIOLATED: ${s.violation}`);
  });
  if (r.stopped) io.out(`stopped: ${r.stopped}`);
  if (r.reproduced) {
    const at = r.violation!.step;
    io.out(
      `reproduces: yes, at step ${at + 1} (${formatStep(steps[at]!.step)})${at === r.recordedStep ? ', as recorded' : `; the file recorded step ${r.recordedStep + 1}`}`,
    );
  } else {
    io.out(`reproduces: no (${r.invariant} holds at every step on kernel ${r.kernel})`);
  }
  return code;
}
