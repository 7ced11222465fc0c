/**
 * `pipecheck conform [--vm RELEASE] [--fs DIR] [--runs N] [--seed S]`: the
 * differential test of the model against the running kernel, or with `--vm`
 * a kernel booted under qemu (oracle/conform.ts, cli/vm.ts), printed, with
 * its exit code: 0 agree, 1 disagree, 2 when it cannot run.
 */
import { showCells } from '../model/cells.js';
import { formatStep } from '../model/step.js';
import { runConform, type ConformProgress, type ConformResult, type ConformStart } from '../oracle/conform.js';
import { checkRelease } from '../checker/inputs.js';
import { EXIT } from './exit.js';
import { releaseOption } from './inputs.js';
import { processIo, type Io } from './io.js';
import { checkOutputDir, outDirOf } from './outputs.js';
import type { CliOptions } from './options.js';
import { withBackend } from './vm.js';

function startLine(s: ConformStart): string {
  const on = s.flags === '' ? '' : ` on ${s.kernel}`;
  const release = s.release === undefined ? '' : `, model of Linux ${s.release}`;
  return `conform: ${s.fsDir}${on} (${s.why})${release}, ${s.runs} runs, seed ${s.seed}`;
}

/** How often a long conform run says how far it is (stderr). */
const PROGRESS_EVERY_MS = 10_000;

function progressLine(p: ConformProgress): string {
  const secs = `${(p.elapsedMs / 1000).toFixed(0)} s`;
  if (p.shrinks > 0)
    return `conform: shrinking a disagreement found at run ${p.runs} (${p.shrinks} shrinks so far), ${secs}`;
  return `conform: ${p.runs} of ${p.of} runs, all agree so far, ${secs}`;
}

/** Progress lines on `err`, at most one per PROGRESS_EVERY_MS. */
function progressPrinter(err: (line: string) => void): (p: ConformProgress) => void {
  let next = PROGRESS_EVERY_MS;
  return (p) => {
    if (p.elapsedMs < next) return;
    next = p.elapsedMs + PROGRESS_EVERY_MS;
    err(progressLine(p));
  };
}

/** What a conform run found, as lines. */
function conformLines(r: ConformResult): string[] {
  switch (r.status) {
    case 'bad-input':
    case 'unavailable':
    case 'oracle-failed':
    case 'not-reproduced':
      return [`pipecheck conform: ${r.message}`];
    case 'agree': {
      const secs = (r.elapsedMs / 1000).toFixed(1);
      const skipped = `${r.setupMismatches} skipped: the kernel built another initial state`;
      const out = [
        `conform: model and kernel agree on ${r.numRuns} sequences (${r.compared} compared, ${skipped}) ` +
          `in ${secs} s, seed ${r.start.seed}`,
      ];
      if (r.folioDifferences > 0) {
        out.push(
          `conform: the final folio structure differed in ${r.folioDifferences} of them ` +
            `(not a disagreement without strict folios); first: ${r.firstFolioDifference}`,
        );
      }
      if (r.otherChoices > 0) {
        out.push(
          `conform: in ${r.otherChoices} of them the kernel made a choice the model allows ` +
            `other than the measured one; first: ${r.firstOtherChoice}`,
        );
      }
      return out;
    }
    case 'disagree':
      return disagreementLines(r);
  }
}

function disagreementLines(r: Extract<ConformResult, { status: 'disagree' }>): string[] {
  const { case: c, comparison: cmp, start } = r;
  const b = c.bounds;
  const out = [
    `conform: DISAGREEMENT after ${r.numRuns} runs (${r.numShrinks} shrinks), seed ${start.seed}, ` +
      `${(r.elapsedMs / 1000).toFixed(1)} s`,
    `  ${cmp.disagreement.message}`,
    `  bounds: pages ${b.pages}, cells ${b.cells}, values ${b.values}, slots ${b.slots}, folioPages ${b.folioPages}`,
  ];
  const init = c.initial;
  const cache = init.cached ? `cached, folios ${showCells(init.folios)} (clean)` : 'cold (not cached)';
  out.push(`  initial: file ${showCells(init.file)}, ${cache}, user [${init.user[0]?.join(', ') ?? ''}]`);
  r.counterexample.trace.forEach((s, i) => {
    const step = cmp.steps[i]!;
    const verdict = step.agree ? '' : '  <-- disagree';
    out.push(`  ${i + 1}. ${formatStep(s)}  model: ${step.model.text}  kernel: ${step.kernel.text}${verdict}`);
  });
  if (cmp.disagreement.step === 'final') {
    const folios = (f: readonly number[] | null): string => (f ? showCells(f) : '[?]');
    out.push(
      `  final: model file ${showCells(cmp.model.file)} folios ${folios(cmp.model.folios)}; ` +
        `kernel file ${showCells(cmp.kernel.file)} folios ${folios(cmp.kernel.folios)}`,
    );
  }
  out.push(`  counterexample: ${r.path}`);
  out.push(`  replay: pipecheck replay ${r.path} --live${start.flags} --fs ${start.fsDir}`);
  out.push(`  re-run: ${rerunCommand(start)}`);
  return out;
}

/** The command that runs the same conform again: the release said on the host, on a guest when asked for. */
export function rerunCommand(start: ConformStart): string {
  const said = start.release !== undefined && (start.flags === '' || start.releaseAsked === true);
  const release = said ? ` --release ${start.release}` : '';
  return `pipecheck conform${start.flags} --fs ${start.fsDir}${release} --runs ${start.runs} --seed ${start.seed}`;
}

function conformExitCode(r: ConformResult): number {
  if (r.status === 'agree') return EXIT.ok;
  if (r.status === 'disagree' || r.status === 'not-reproduced') return EXIT.violated;
  return EXIT.usage;
}

export async function conformCommand(_args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const release = releaseOption(opts.release, io.err);
  if (release !== undefined) checkRelease(release, '--release');
  const out = outDirOf(opts.out, io.err);
  checkOutputDir('--out', out);
  return withBackend('conform', opts, io, async (on) => {
    const r = await runConform({
      ...(opts.fs !== undefined ? { fs: opts.fs } : {}),
      ...(release !== undefined ? { release } : {}),
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(on ? { backend: on.backend } : {}),
      out,
      onStart: (start) => io.out(startLine(start)),
      onProgress: progressPrinter(io.err),
    });
    for (const line of conformLines(r)) io.out(line);
    return conformExitCode(r);
  });
}
