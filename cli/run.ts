/**
 * `pipecheck run SCENARIO [--live [--fs DIR]] [--max-traces N] [--seed S] [--out DIR] [--json]`:
 * run one scenario's interleavings (or a sample) on the model, and with
 * `--live` on the kernel too (oracle/run-scenario.ts). The processes'
 * programs are interleaved in every way; the free environment is not
 * included (a note says so; a scenario without processes is refused). With
 * more than `--max-traces` interleavings (default 200) a seeded random sample
 * of that many runs, and the output says so and prints the seed.
 *
 * Output: a summary (interleavings run, agree, disagree, violated on the
 * model, violated on the kernel), a line per invariant, the first
 * interleaving that shows a violation, and each disagreement with its trace
 * and the counterexample written for it (linux scenarios, as `conform`).
 * `--json` prints the typed result instead.
 *
 * Without `--live` only the model runs (a dry run: how many interleavings,
 * which violate the invariants on the model).
 *
 * Exit code: 0 when model and kernel agree on every interleaving run (and
 * for a dry run), 1 when they disagree on one, 2 for bad input (the file,
 * a scenario without processes) or when the oracle cannot run. A violation
 * on both sides is not an exit 1: `run` tests the model against the kernel;
 * `check` is the command whose exit code says whether an invariant holds.
 */
import { resolveScenario } from '../checker/inputs.js';
import { counted } from '../model/cells.js';
import { formatStep } from '../model/step.js';
import { runScenario, type InterleavingRun, type RunScenarioResult } from '../oracle/run-scenario.js';
import { EXIT, UsageError } from './exit.js';
import { processIo, type Io } from './io.js';
import { checkOutputDir, outDirOf } from './outputs.js';
import { releaseOption } from './inputs.js';
import { flagOf, type CliOptions } from './options.js';
import { withBackend } from './vm.js';
import { num, seconds, table } from './render.js';

type Ran = Extract<RunScenarioResult, { status: 'ran' }>;

function traceLines(run: InterleavingRun, indent: string): string[] {
  const width = Math.max(...run.trace.map((s) => s.process.length));
  const stepWidth = Math.max(...run.trace.map((s) => formatStep(s).length));
  return run.trace.map((s, i) => {
    const cmp = run.live?.steps?.[i];
    const sides = cmp
      ? `  model: ${cmp.model.text}  kernel: ${cmp.kernel.text}${cmp.agree ? '' : '  <-- disagree'}`
      : '';
    const off = run.notEnabled.includes(i) && !cmp ? '  (not enabled: nothing changed)' : '';
    const step = sides || off ? formatStep(s).padEnd(stepWidth) : formatStep(s);
    const n = String(i + 1).padStart(String(run.trace.length).length);
    return `${indent}${n}. ${s.process.padEnd(width)}  ${step}${sides}${off}`;
  });
}

function multinomialText(r: Ran): string {
  const n = r.processes.reduce((a, p) => a + p.steps, 0);
  if (r.processes.length === 1) return '';
  return ` (${n}!/(${r.processes.map((p) => `${p.steps}!`).join('·')}))`;
}

/** What a run found, as lines. */
/** Where the run ran: the live kernel (and which), or the model only; the model's variant, profile and release. */
function whereLine(r: Ran): string {
  const model = `${r.kernel} variant, ${r.profile} profile, Linux ${r.release}`;
  if (!r.live) return `model only (${model}): nothing is compared with the kernel without --live`;
  return `live: ${r.live.dir}${r.live.kernel ? ` on ${r.live.kernel}` : ''} (${r.live.why}); model: ${model}`;
}

function runLines(file: string, r: Ran): string[] {
  const live = r.live !== undefined;
  const procs = r.processes.map((p) => `${p.name} (${counted(p.steps, 'step')})`).join(', ');
  const out = [`pipecheck run ${file}: kernel ${r.kernel}, processes ${procs}`];
  const total = `${num(r.total)}${multinomialText(r)}`;
  out.push(
    r.sampled
      ? `interleavings: ${total}; running a random sample of ${num(r.summary.run)} ` +
          `(--max-traces ${r.maxTraces}), seed ${r.seed}`
      : `interleavings: ${total}, all of them run`,
  );
  if (r.ignoredEnvironment.length > 0) {
    out.push(
      `note: run runs only the processes' interleavings; the environment's operations ` +
        `(${r.ignoredEnvironment.join(', ')}) are ignored`,
    );
  }
  out.push(whereLine(r), '');
  const s = r.summary;
  const dash = (n: number | undefined): string => (n === undefined ? '-' : num(n));
  out.push(
    ...table([
      ['interleavings run', 'agree', 'disagree', 'violated on model', 'violated on kernel'],
      [num(s.run), dash(s.agree), dash(s.disagree), num(s.violatedOnModel), dash(s.violatedOnKernel)],
    ]),
  );
  out.push('');
  out.push(
    ...table([
      ['invariant', 'violated on model', 'violated on kernel', 'cannot be judged on kernel'],
      ...s.invariants.map((i) => [
        i.invariant,
        num(i.violatedOnModel),
        i.notJudgedOnKernel === s.run ? '-' : dash(i.violatedOnKernel),
        dash(i.notJudgedOnKernel),
      ]),
    ]),
  );
  const blocked = r.runs.filter((x) => x.notEnabled.length > 0).length;
  if (blocked > 0) {
    out.push('');
    out.push(
      `${num(blocked)} of them had a step the model does not enable (a read of an empty pipe, say): ` +
        `it changed nothing${live ? ' on either side' : ''} and the process went on`,
    );
  }
  const shown = live
    ? r.runs.find((x) => x.live!.kernel.some((v) => v.judged && v.violated === true))
    : r.runs.find((x) => x.model.some((v) => v.violated));
  if (shown) {
    out.push('');
    out.push(`first interleaving violated on the ${live ? 'kernel' : 'model'}: #${shown.index}`);
    out.push(...traceLines(shown, '  '));
    shown.model.forEach((m, k) => {
      const onKernel = shown.live?.kernel[k];
      if (!m.violated && !(onKernel?.violated === true)) return;
      out.push(
        `  ${m.invariant}: on the model: ${m.violated ? `VIOLATED at step ${m.step! + 1}: ${m.message}` : 'holds'}`,
      );
      if (onKernel) out.push(`  ${m.invariant}: on the real kernel: ${onKernel.message}`);
    });
  }
  for (const d of r.runs.filter((x) => x.live && !x.live.agree)) {
    out.push('');
    out.push(`interleaving #${d.index}: model and kernel DISAGREE: ${d.live!.disagreement?.message ?? ''}`);
    out.push(...traceLines(d, '  '));
    if (d.live!.counterexample) {
      out.push(`  counterexample: ${d.live!.counterexample}`);
      out.push(`  replay: pipecheck replay ${d.live!.counterexample} --live${r.live!.flags ?? ''} --fs ${r.live!.dir}`);
    } else {
      out.push(
        `  (no counterexample written: the model that should agree with this kernel is the linux variant; ` +
          `this scenario's is ${r.kernel})`,
      );
    }
  }
  out.push('');
  const liveFlags = r.live ? ` --live${r.live.flags ?? ''} --fs ${r.live.dir}` : '';
  const again = r.sampled
    ? `; again: pipecheck run ${file}${liveFlags} --max-traces ${r.maxTraces} --seed ${r.seed}`
    : '';
  const took = `(${seconds(r.elapsedMs)}${again})`;
  if (live) {
    out.push(
      s.disagree === 0
        ? `model and kernel agree on ${s.run === 1 ? 'the interleaving' : `all ${num(s.run)} interleavings`} ${took}`
        : `model and kernel DISAGREE on ${num(s.disagree!)} of ${num(s.run)} interleavings ${took}`,
    );
  } else {
    const what = s.run === 1 ? 'interleaving' : 'interleavings';
    out.push(`${num(s.run)} ${what} run on the model ${took}; --live runs them on the kernel too`);
  }
  return out;
}

function runExitCode(r: RunScenarioResult): number {
  if (r.status !== 'ran') return EXIT.usage;
  return (r.summary.disagree ?? 0) > 0 ? EXIT.violated : EXIT.ok;
}

export async function runCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0]!;
  if (opts.fs !== undefined && !opts.live) throw new UsageError('--fs goes with --live');
  if (opts.vm !== undefined && !opts.live) throw new UsageError('--vm goes with --live');
  // With --vm the model describes the guest's release, unless --release names another.
  const release = releaseOption(opts.release, io.err) ?? opts.vm;
  const { scenario } = resolveScenario(file, { release }, flagOf);
  const out = opts.live ? outDirOf(opts.out, io.err) : opts.out;
  if (out !== undefined) checkOutputDir('--out', out);
  return withBackend('run', opts, io, async (on) => {
    const r = await runScenario(scenario, {
      live: opts.live ?? false,
      source: file,
      ...(opts.fs !== undefined ? { fs: opts.fs } : {}),
      ...(opts.maxTraces !== undefined ? { maxTraces: opts.maxTraces } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(out !== undefined ? { out } : {}),
      ...(on ? { backend: on.backend } : {}),
    });
    if (opts.json) io.out(JSON.stringify({ file, ...r }, null, 2));
    if (r.status !== 'ran') {
      io.err(`pipecheck run: ${r.message}`);
      return EXIT.usage;
    }
    if (!opts.json) for (const line of runLines(file, r)) io.out(line);
    return runExitCode(r);
  });
}
