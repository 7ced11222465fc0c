/**
 * Does the real kernel show the violation? An invariant judged from what the
 * live kernel reported (the oracle helper's per-step results and final file),
 * not from the model's verdict. `pipecheck replay --live` and `pipecheck run
 * --live` say it for each compared trace.
 *
 * What the kernel reports allows judging two invariants:
 *
 * - `data-stability`: each read's cells, as the KERNEL returned them, against
 *   what entered the pipe: the source's cells when they were spliced,
 *   vmspliced, teed or written into the pipe. The kernel does not report
 *   those, so they come from the model's ghost on the `linux` variant (the
 *   one `pipecheck conform` checks against this kernel), whatever variant the
 *   comparison ran: on linux no operation on a pipe changes a file, so the
 *   ghost is what the file (or user page) held at the splice, as its
 *   operations say. It holds only while that reference run takes the same
 *   steps as the kernel: from the first step one of them takes and the other
 *   refuses (or that moves another number of cells), later reads cannot be
 *   judged. A read whose cells differ is what is judged, not a divergence.
 * - `file-integrity`: the file as the kernel's read() returns it at the end,
 *   against what the trace's operations on the file make it hold (the
 *   model's logical contents, which no pipe operation changes). The kernel
 *   reports the file only at the end: a file that is wrong in between and
 *   right at the end shows no violation.
 * - `kernel-conformance` (a `conform` counterexample) is the comparison
 *   itself: violated when model and kernel disagree.
 *
 * Every other invariant is about what the kernel does not report
 * (references, reference counts, the queue of buffers in a pipe, steals and
 * copies, a plugin's own view of the state): "cannot be judged".
 *
 * @public
 */
import type { FsProfile } from '../model/fs/index.js';
import { showCells } from '../model/cells.js';
import { OPERATIONS, type AnyOperation } from '../model/ops/index.js';
import type { ReadObservation } from '../model/pipe.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { queueName, SOCKET, type Layout, type State } from '../model/state.js';
import { completeStep, formatStep } from '../model/step.js';
import { modelScenario, type CaseComparison, type ConformCase, type SideStep } from './compare.js';

/** Whether the kernel's reports show a violation of one invariant on one trace. */
export interface KernelViolation {
  readonly invariant: string;
  /** The kernel's reports allow judging it (false: `message` says why not). */
  readonly judged: boolean;
  /** With `judged`: the kernel shows the violation. */
  readonly violated?: boolean;
  /** 0-based step where the kernel shows it (absent for the final file, which is reported at the end). */
  readonly step?: number;
  /** What the invariant expected and what the kernel showed, where that applies. */
  readonly expected?: readonly number[];
  readonly observed?: readonly number[];
  /**
   * The verdict as words that follow "on the real kernel: ": `the violation
   * happens too (step 3: the reader saw [2], expected [1])`, `no violation
   * (...)`, `cannot be judged from what the kernel reports (...)`.
   */
  readonly message: string;
}

/** The invariants the kernel's reports can judge. */
const KERNEL_JUDGED_INVARIANTS = ['data-stability', 'file-integrity', 'kernel-conformance'] as const;

/** What an invariant the kernel cannot judge is about. */
const ABOUT: Readonly<Record<string, string>> = {
  'page-ownership': 'page-ownership is about references: which folios a pipe shares with the page cache or memory',
  'no-use-after-free': 'no-use-after-free is about reference counts and freed folios',
  'pipe-fifo': "pipe-fifo is about the queue of buffers in a pipe, which the kernel's reads do not show",
  'witness-orphaned-folio': 'witness-orphaned-folio is about a folio leaving the page cache while a pipe holds it',
  'witness-steal': 'witness-steal is about the kernel stealing a page, which it does not report',
  'witness-copy': 'witness-copy is about the kernel copying a page, which it does not report',
};

/** One step of the reference run (the linux variant). */
interface RefStep {
  readonly enabled: boolean;
  readonly cells: number;
  readonly observed?: ReadObservation;
  /** The step changed the file's logical contents or size (what its operations say it holds). */
  readonly changesFile: boolean;
}

interface RefRun {
  readonly steps: readonly RefStep[];
  /** What the file's operations make it hold at the end. */
  readonly logical: readonly number[];
}

function logicalFile(L: Layout, s: State): number[] {
  const out: number[] = [];
  for (let off = 0; off < L.size(s); off++) out.push(L.logical(s, off));
  return out;
}

const sameCells = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The case on the linux variant of the model, with what each read's cells were when they entered the pipe. */
function referenceRun(c: ConformCase, fs: FsProfile): RefRun {
  const scenario = modelScenario(c, 'linux');
  const model = new ScenarioModel(scenario, fs);
  const { L } = model;
  const steps: RefStep[] = [];
  let s = model.initialStates()[0]!;
  for (const { item: step, before, transition } of model.walkSteps(c.steps)) {
    if (!transition) {
      steps.push({ enabled: false, cells: 0, changesFile: false });
      continue;
    }
    s = transition.next;
    const op = OPERATIONS[step.op] as AnyOperation;
    const cells = op.cellsMoved({ L, fs, before, after: s, step: completeStep(step), observed: transition.observed });
    const changesFile = !sameCells(logicalFile(L, before), logicalFile(L, s));
    steps.push({
      enabled: true,
      cells,
      changesFile,
      ...(transition.observed ? { observed: transition.observed } : {}),
    });
  }
  return { steps, logical: logicalFile(L, s) };
}

/** Cells as the kernel read them: -1 is a cell whose bytes differ (torn), shown as `?`. */
function showRead(cells: readonly number[]): string {
  return `[${cells.map((v) => (v < 0 ? '?' : String(v))).join(', ')}]`;
}

/** Where the reference run and the kernel first part: a step one takes and the other refuses, or moves other cells. */
function divergence(ref: RefRun, kernel: readonly SideStep[]): number | undefined {
  for (let i = 0; i < kernel.length; i++) {
    const r = ref.steps[i]!;
    const k = kernel[i]!;
    if (r.enabled !== k.enabled || (r.enabled && r.cells !== k.cells)) return i;
  }
  return undefined;
}

function divergenceText(c: ConformCase, ref: RefRun, kernel: readonly SideStep[], i: number): string {
  const r = ref.steps[i]!;
  const k = kernel[i]!;
  const kernelDid = k.enabled ? `takes it (${k.text})` : `refuses it (${k.text})`;
  const modelDid = r.enabled ? `takes it (${r.cells > 0 ? `${r.cells} cells` : 'ok'})` : 'does not enable it';
  return `at step ${i + 1} (${formatStep(c.steps[i]!)}) the kernel ${kernelDid}, the linux model ${modelDid}`;
}

/** Who read queue `q`: pipe 0's reader, another pipe's, or the socket's peer (a socket is not a pipe). */
const reader = (q: number): string =>
  q === 0 ? 'the reader' : q === SOCKET ? `the peer of ${queueName(q)}` : `the reader of ${queueName(q)}`;

function judgeDataStability(c: ConformCase, ref: RefRun, kernel: readonly SideStep[]): KernelViolation {
  const invariant = 'data-stability';
  const d = divergence(ref, kernel);
  const end = d ?? kernel.length;
  const seen: string[] = [];
  for (let i = 0; i < end; i++) {
    const got = kernel[i]!.read;
    const obs = ref.steps[i]!.observed;
    if (!got || !obs) continue;
    const expected = obs.expected;
    if (!sameCells(got, expected)) {
      const what = `${reader(obs.pipe)} saw ${showRead(got)}, expected ${showCells(expected)}`;
      return {
        invariant,
        judged: true,
        violated: true,
        step: i,
        expected,
        observed: got,
        message: `the violation happens too (step ${i + 1}: ${what})`,
      };
    }
    seen.push(obs.pipe === 0 ? showRead(got) : `${showRead(got)} from ${queueName(obs.pipe)}`);
  }
  const readsAfter = d !== undefined && kernel.slice(d).some((k) => k.read !== undefined);
  if (d !== undefined && readsAfter) {
    const before = seen.length > 0 ? `; the reads before it saw what entered the pipe or socket` : '';
    return {
      invariant,
      judged: false,
      message:
        `cannot be judged from what the kernel reports past step ${d + 1} ` +
        `(${divergenceText(c, ref, kernel, d)}: what entered the pipe or socket is not known after it${before})`,
    };
  }
  const what = seen.length === 0 ? 'nothing was read from a pipe or socket' : `the reader saw ${seen.join(' then ')}`;
  return {
    invariant,
    judged: true,
    violated: false,
    message: `no violation (${what}${seen.length === 0 ? '' : ', as it entered the pipe'})`,
  };
}

function judgeFileIntegrity(c: ConformCase, ref: RefRun, cmp: CaseComparison): KernelViolation {
  const invariant = 'file-integrity';
  const kernel = cmp.steps.map((s) => s.kernel);
  // A step the two take differently matters only if it may change the file: the model takes it and it
  // changes the file, or the model does not enable it (what it would do to the file is not known).
  for (let i = 0; i < kernel.length; i++) {
    const r = ref.steps[i]!;
    const k = kernel[i]!;
    const diverges = r.enabled !== k.enabled || (r.enabled && r.cells !== k.cells);
    if (diverges && (!r.enabled || r.changesFile)) {
      return {
        invariant,
        judged: false,
        message:
          `cannot be judged from what the kernel reports (${divergenceText(c, ref, kernel, i)}: ` +
          `what the file's operations make it hold is not known after it)`,
      };
    }
  }
  const got = cmp.kernel.file;
  const want = ref.logical;
  if (!sameCells(got, want)) {
    const what =
      got.length === want.length
        ? `at the end the file reads ${showRead(got)}, but its operations say it holds ${showCells(want)}`
        : `at the end the file has ${got.length} cells ${showRead(got)}, ` +
          `but its operations say it holds ${want.length}: ${showCells(want)}`;
    return {
      invariant,
      judged: true,
      violated: true,
      expected: want,
      observed: got,
      message: `the violation happens too (${what})`,
    };
  }
  return {
    invariant,
    judged: true,
    violated: false,
    message:
      `no violation (at the end the file reads ${showCells(got)}, as its operations say; ` +
      `the kernel reports the file only at the end)`,
  };
}

function judgeConformance(cmp: CaseComparison): KernelViolation {
  const invariant = 'kernel-conformance';
  const d = cmp.disagreement;
  if (!d) return { invariant, judged: true, violated: false, message: 'no violation (model and kernel agree)' };
  return {
    invariant,
    judged: true,
    violated: true,
    ...(d.step === 'final' ? {} : { step: d.step }),
    message: `the violation happens too (model and kernel disagree: ${d.message})`,
  };
}

function notJudged(invariant: string): KernelViolation {
  const about =
    ABOUT[invariant] ??
    `${invariant} is not one the kernel's reports can judge (${KERNEL_JUDGED_INVARIANTS.join(', ')})`;
  return { invariant, judged: false, message: `cannot be judged from what the kernel reports (${about})` };
}

/**
 * Judge `invariants` (ids) on the kernel's side of a comparison of case `c`
 * (`fs`: the profile the comparison's model used). One verdict per id, in order.
 */
export function judgeOnKernel(
  invariants: readonly string[],
  c: ConformCase,
  fs: FsProfile,
  cmp: CaseComparison,
): KernelViolation[] {
  let ref: RefRun | undefined;
  const reference = (): RefRun => (ref ??= referenceRun(c, fs));
  return invariants.map((id) => {
    switch (id) {
      case 'data-stability':
        return judgeDataStability(
          c,
          reference(),
          cmp.steps.map((s) => s.kernel),
        );
      case 'file-integrity':
        return judgeFileIntegrity(c, reference(), cmp);
      case 'kernel-conformance':
        return judgeConformance(cmp);
      default:
        return notJudged(id);
    }
  });
}
