/**
 * One trace, run on the model and on the live kernel side by side, and where
 * the two disagree. `pipecheck conform` (oracle/conform.ts) and
 * `pipecheck replay --live` (oracle/live-replay.ts) are built on it.
 *
 * A step the model does not enable (it would block or fail) leaves the
 * model's state as it is and the run goes on; the kernel gets the same step
 * and must fail too (EAGAIN, a splice at EOF returning 0, SIGBUS beyond EOF),
 * which changes nothing there either. So the comparison runs both ways: a
 * step one side takes and the other refuses is a disagreement.
 *
 * Compared: per step, enabled or not and how many cells it moved (the
 * kernel's byte counts divided by 4096 / cells); every read's cells; at the
 * end the size, the file as read() returns it and the cells left in each
 * pipe. The final folio structure (sizes in pages, 0 for an uncached page,
 * as the helper reports them) is compared and reported, and is a
 * disagreement only with `checkFolios`. Not compared: dirty flags (the model's tmpfs folios
 * start clean, the kernel's are always dirty; neither changes what is read).
 *
 * @public
 */
import { environmentOfSteps } from '../model/env-constraints.js';
import type { Bounds } from '../model/bounds.js';
import type { KernelId } from '../model/kernels/index.js';
import { DEFAULT_RELEASE, PAGE_BYTES, recogniseProbe, type FsProfile, type KernelRelease } from '../model/fs/index.js';
import type { InitialContents } from '../model/initial.js';
import { parseScenario } from '../model/scenario.js';
import type { ChoiceMade } from '../model/choices.js';
import type { OpResult } from '../model/ops/index.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { F_UPTODATE, SOCKET, type Layout, type State } from '../model/state.js';
import { fileContents } from '../model/pagecache.js';
import { asKernelCells, counted, showCells } from '../model/cells.js';
import { OPERATIONS, type AnyOperation } from '../model/ops/index.js';
import { completeStep, formatStep, type Step } from '../model/step.js';
import { HOST_BACKEND, type KernelBackend } from './backend.js';
import { type FsProbe, type KernelRunFailed, type KernelRunOk, type KernelStepResult } from './kernel.js';

/** A trace to run on both sides: bounds, initial state (cached folios clean) and steps. */
export interface ConformCase {
  readonly bounds: Bounds;
  readonly initial: InitialContents;
  readonly steps: readonly Step[];
}

/** What one side did with one step. */
export interface SideStep {
  /** The step was taken (false: it would block or fail; nothing changed). */
  readonly enabled: boolean;
  /** Cells moved (written, spliced, teed, read); 0 for steps that move none. */
  readonly cells: number;
  /** pipe-read: the cells read. */
  readonly read?: readonly number[];
  /** What happened, in a few words: `ok`, `ok 2 cells`, `EAGAIN`, `skip EOF`, `not enabled`. */
  readonly text: string;
  /** The errno the call failed with (the kernel's, or the model's for a step it fails). */
  readonly errno?: string;
}

export interface SideFinal {
  readonly size: number;
  readonly file: readonly number[];
  /** Cells left in the main pipe, in the tee target and in the socket (0 in a layout without one). */
  readonly pipeCells: readonly [number, number, number];
  /** Folio sizes in pages in file order, 0 per uncached page (the helper's notation); null if unknown. */
  readonly folios: readonly number[] | null;
  /** An unlink step let go of the file: size, contents and folios are not compared (there is no file). */
  readonly unlinked: boolean;
}

export interface StepComparison {
  readonly index: number;
  readonly step: Step;
  readonly model: SideStep;
  readonly kernel: SideStep;
  readonly agree: boolean;
  /** Why they disagree. */
  readonly message?: string;
}

export interface CaseComparison {
  readonly status: 'compared';
  readonly profile: FsProfile['id'];
  /** The Linux release the model described (absent: 6.18). */
  readonly release?: KernelRelease;
  readonly steps: readonly StepComparison[];
  readonly model: SideFinal;
  readonly kernel: SideFinal;
  /** The first disagreement (a step index, or the final state), if any. */
  readonly disagreement?: {
    readonly step: number | 'final';
    readonly message: string;
    readonly expected?: readonly number[];
    readonly observed?: readonly number[];
  };
  /**
   * The final folio structures differ (sizes or what is cached). Not a
   * disagreement unless `checkFolios` is set: what a reader sees is what
   * conformance is about, and the model does not track the per-file
   * readahead state or every split the kernel makes (see the report).
   */
  readonly folioDifference?: string;
  /**
   * Where the model allows the kernel several things (model/choices.ts): what
   * the kernel did, by step (0-based), on the model's run its run agrees with.
   */
  readonly choices?: readonly { readonly step: number; readonly says: string; readonly index: number }[];
  /** The kernel run, for debugging. */
  readonly raw: KernelRunOk;
}

/**
 * The kernel could not build the initial state the model starts from (other
 * folio sizes, pages that stayed cached, another pipe size): not a
 * disagreement, the comparison was not made.
 */
export interface SetupMismatch {
  readonly status: 'setup-mismatch';
  readonly message: string;
}

export type CompareResult = CaseComparison | SetupMismatch | KernelRunFailed;

/** The model's folio list in the helper's notation, over the pages of the file. */
function modelFolioList(L: Layout, s: State): number[] {
  const out: number[] = [];
  const np = L.pagesInFile(L.size(s));
  let p = 0;
  while (p < np) {
    const f = L.pageFolio(s, p);
    // mincore counts only uptodate folios; a folio a partial zeroing left unread shows as uncached.
    if (f < 0 || (L.folioFlags(s, f) & F_UPTODATE) === 0) {
      out.push(0);
      p++;
      continue;
    }
    out.push(L.folioPages(s, f));
    p = L.folioIndex(s, f) + L.folioPages(s, f);
  }
  return out;
}

/** The folio list the kernel should report right after building `initial`. */
function expectedInitialFolios(initial: InitialContents, cells: number): number[] {
  const np = Math.ceil(initial.file.length / cells);
  return initial.cached ? [...initial.folios] : new Array<number>(np).fill(0);
}

/** The helper's input for a case: the same initial state (cached folios written back: clean) and steps. */
function kernelInput(c: ConformCase) {
  const cached = c.initial.cached;
  return {
    cells: c.bounds.cells,
    slots: c.bounds.slots,
    userPages: c.bounds.userPages,
    file: c.initial.file,
    ...(cached && c.initial.folios.length > 0 ? { folios: c.initial.folios } : {}),
    cached,
    clean: cached,
    user: c.initial.user,
    steps: c.steps,
    pages: c.bounds.pages,
  };
}

/**
 * The case as a scenario of the model on `kernel` (and Linux `release`, default 6.18: `6.1` under
 * `--vm 6.1`): no processes, no environment; the steps replay as given.
 */
export function modelScenario(c: ConformCase, kernel: KernelId, release?: KernelRelease) {
  return parseScenario(
    {
      kernel,
      ...(release !== undefined ? { release } : {}),
      bounds: { ...c.bounds, depth: Math.min(64, Math.max(c.bounds.depth, c.steps.length)) },
      initial: {
        file: [...c.initial.file],
        cached: c.initial.cached,
        folios: [...c.initial.folios],
        user: c.initial.user.map((u) => [...u]),
      },
      processes: [],
      // The steps replay as given; their operations are named only so that the
      // model's state has every part they need (a socket, a file position).
      environment: { ops: environmentOfSteps(c.steps) },
    },
    'conformance case',
  );
}

/** One run of a case on the model: per step what it did, and the kernel's choices in it; the final state. */
export interface ModelSideRun {
  readonly steps: SideStep[];
  readonly final: SideFinal;
  /** Per step, the kernel's choices the model took in it (model/choices.ts; empty where it had none). */
  readonly choices: (readonly ChoiceMade[])[];
}

/** What the model did with `step` from `before`, with result `r` (undefined: not enabled). */
function modelSideStep(model: ScenarioModel, step: Step, before: State, r: OpResult | undefined): SideStep {
  if (!r) return { enabled: false, cells: 0, text: 'not enabled' };
  const { observed, failed } = r;
  if (failed !== undefined) return { enabled: true, cells: 0, errno: failed, text: failed };
  const { L, fs } = model;
  const op = OPERATIONS[step.op] as AnyOperation;
  const cells = op.cellsMoved({ L, fs, before, after: r.state, step: completeStep(step), observed });
  const read = observed ? asKernelCells(observed.observed) : undefined;
  return read
    ? { enabled: true, cells, read, text: `read ${showCells(read)}` }
    : { enabled: true, cells, text: cells > 0 ? `ok ${counted(cells, 'cell')}` : 'ok' };
}

function modelFinal(L: Layout, s: State): SideFinal {
  return {
    size: L.size(s),
    file: asKernelCells(fileContents(L, s)),
    pipeCells: [L.pipeCells(s, 0), L.pipeCells(s, 1), L.queues > SOCKET ? L.pipeCells(s, SOCKET) : 0],
    folios: modelFolioList(L, s),
    unlinked: L.unlinked(s),
  };
}

/**
 * The runs of a case on the model, one per path through the kernel's choices
 * (model/choices.ts), option 0 first, every step taken (going on past steps
 * that are not enabled). `keep(i, side)` prunes: a path whose step `i` it
 * refuses is not followed. `visit` gets each complete run and returns true
 * to stop. Follows at most `limit` paths.
 */
export function modelSideRuns(
  c: ConformCase,
  fs: FsProfile,
  side: { readonly kernel: KernelId; readonly release?: KernelRelease | undefined },
  visit: (run: ModelSideRun) => boolean,
  keep: (i: number, side: SideStep) => boolean = () => true,
  limit = 4096,
): void {
  const model = new ScenarioModel(modelScenario(c, side.kernel, side.release), fs);
  let paths = 0;
  const steps: SideStep[] = [];
  const choices: (readonly ChoiceMade[])[] = [];
  const go = (s: State, i: number): boolean => {
    if (i === c.steps.length) {
      paths++;
      return visit({ steps: [...steps], final: modelFinal(model.L, s), choices: [...choices] });
    }
    const step = c.steps[i]!;
    const outcomes = model.applyStepOutcomes(s, step);
    const branches = outcomes.length === 0 ? [{ choices: [], result: undefined }] : outcomes;
    for (const o of branches) {
      if (paths >= limit) return true;
      const side = modelSideStep(model, step, s, o.result);
      if (!keep(i, side)) continue;
      steps.push(side);
      choices.push(o.choices);
      const stop = go(o.result?.state ?? s, i + 1);
      steps.pop();
      choices.pop();
      if (stop) return true;
    }
    return false;
  };
  go(model.initialStates()[0]!, 0);
}

/** Run a case on the model, taking option 0 at every kernel choice (what the kernel was measured doing). */
export function runModelSide(
  c: ConformCase,
  fs: FsProfile,
  kernel: KernelId = 'linux',
  release?: KernelRelease,
): ModelSideRun {
  let first: ModelSideRun | undefined;
  modelSideRuns(c, fs, { kernel, release }, (run) => {
    first = run;
    return true;
  });
  return first!;
}

/** The kernel's result for a step, in the model's terms. */
function kernelSideStep(step: Step, r: KernelStepResult, cells: number): SideStep {
  const cellBytes = PAGE_BYTES / cells;
  switch (r.kind) {
    case 'read':
      return { enabled: true, cells: r.cells.length, read: r.cells, text: `read ${showCells(r.cells)}` };
    case 'err':
      return { enabled: false, cells: 0, errno: r.errno, text: r.errno };
    case 'skip':
      return { enabled: false, cells: 0, text: `skip ${r.reason}` };
    case 'ok': {
      if (r.bytes === 0 && OPERATIONS[step.op].zeroReturnIsRefusal) {
        return { enabled: false, cells: 0, text: 'ok 0 (nothing moved)' };
      }
      // Steps that move no cells (punch, truncate, writeback, evict) return 0.
      const n = r.bytes / cellBytes;
      return { enabled: true, cells: n, text: n > 0 ? `ok ${counted(n, 'cell')}` : 'ok' };
    }
  }
}

function same(a: readonly number[] | null | undefined, b: readonly number[] | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const show = (v: readonly number[] | null | undefined): string => (v ? showCells(v) : 'unknown');

function compareStep(index: number, step: Step, m: SideStep, k: SideStep): StepComparison {
  let message: string | undefined;
  if (m.errno !== undefined) {
    // The model fails the call: the kernel must fail it with the same errno.
    if (k.errno !== m.errno) {
      const kernel = k.enabled ? `takes it (${k.text})` : `refuses it (${k.text})`;
      message = `step ${index + 1} ${formatStep(step)}: model fails it with ${m.errno}, kernel ${kernel}`;
    }
  } else if (m.enabled !== k.enabled) {
    const model = m.enabled ? `takes it (${m.text})` : 'does not enable it';
    const kernel = k.enabled ? `takes it (${k.text})` : `refuses it (${k.text})`;
    message = `step ${index + 1} ${formatStep(step)}: model ${model}, kernel ${kernel}`;
  } else if (m.enabled && m.read && !same(m.read, k.read)) {
    message = `step ${index + 1} ${formatStep(step)}: model reads ${show(m.read)}, kernel reads ${show(k.read)}`;
  } else if (m.enabled && m.cells !== k.cells) {
    message = `step ${index + 1} ${formatStep(step)}: model moves ${counted(m.cells, 'cell')}, kernel ${k.cells}`;
  }
  return message
    ? { index, step, model: m, kernel: k, agree: false, message }
    : { index, step, model: m, kernel: k, agree: true };
}

/**
 * The kernel's folio sizes as the model counts them: where the model's
 * largest folio stands for the PMD folio (tmpfs huge=always), a larger one
 * counts as `folioPages`.
 */
function modelSizedFolios(
  fs: FsProfile,
  folioPages: number,
  folios: readonly number[] | null,
): readonly number[] | null {
  if (!folios || !fs.pmdFolios) return folios;
  return folios.map((n) => Math.min(n, folioPages));
}

/** Why the model's final state differs from the kernel's (what a reader sees of it), or undefined. */
function finalDisagreement(m: SideFinal, k: SideFinal): CaseComparison['disagreement'] {
  if (m.unlinked !== k.unlinked) {
    const what = (u: boolean): string => (u ? 'unlinked' : 'still there');
    return { step: 'final', message: `the file: model ${what(m.unlinked)}, kernel ${what(k.unlinked)}` };
  }
  if (!m.unlinked && m.size !== k.size)
    return { step: 'final', message: `final size: model ${counted(m.size, 'cell')}, kernel ${k.size}` };
  if (!m.unlinked && !same(m.file, k.file)) {
    const message = `final file: model ${show(m.file)}, kernel ${show(k.file)}`;
    return { step: 'final', message, expected: m.file, observed: k.file };
  }
  if (m.pipeCells.some((n, i) => n !== k.pipeCells[i])) {
    const message = `cells left in the pipes and the socket: model ${show(m.pipeCells)}, kernel ${show(k.pipeCells)}`;
    return { step: 'final', message };
  }
  return undefined;
}

/** The first step at which the runs disagree, as a disagreement, or undefined. */
function stepDisagreement(steps: readonly StepComparison[]): CaseComparison['disagreement'] {
  const firstBad = steps.find((s) => !s.agree);
  if (!firstBad) return undefined;
  return {
    step: firstBad.index,
    message: firstBad.message!,
    ...(firstBad.model.read ? { expected: firstBad.model.read } : {}),
    ...(firstBad.kernel.read ? { observed: firstBad.kernel.read } : {}),
  };
}

/**
 * The model's run that the kernel's is one of: a path through the kernel's
 * choices on which every step and the final state agree, one whose final
 * folios agree too if there is one (they tell which choices the kernel
 * took); undefined when no path agrees (the kernel did what the model says
 * it cannot).
 */
function agreeingRun(
  c: ConformCase,
  fs: FsProfile,
  side: { readonly kernel: KernelId; readonly release?: KernelRelease | undefined },
  kSteps: readonly SideStep[],
  kFinal: SideFinal,
  checkFolios: boolean,
): ModelSideRun | undefined {
  let agreeing: ModelSideRun | undefined;
  let withFolios: ModelSideRun | undefined;
  const visit = (run: ModelSideRun): boolean => {
    if (finalDisagreement(run.final, kFinal) !== undefined) return false;
    agreeing ??= run;
    if (kFinal.unlinked || !kFinal.folios || same(run.final.folios, kFinal.folios)) withFolios = run;
    return withFolios !== undefined;
  };
  const keep = (i: number, side: SideStep): boolean => compareStep(i, c.steps[i]!, side, kSteps[i]!).agree;
  modelSideRuns(c, fs, side, visit, keep);
  return withFolios ?? (checkFolios ? undefined : agreeing);
}

/** The kernel's choices a run took where the kernel could have done otherwise, by step. */
function choicesTaken(run: ModelSideRun): { readonly step: number; readonly says: string; readonly index: number }[] {
  return run.choices.flatMap((cs, step) =>
    cs.filter((ch) => ch.count > 1).map((ch) => ({ step, says: ch.says, index: ch.index })),
  );
}

/**
 * Compare a finished kernel run with the model's runs of the same case: the
 * kernel agrees when its run is one the model allows under some kernel
 * choices (model/choices.ts); the comparison then shows that run, and
 * `choices` says which choices the kernel took. Else it shows the run with
 * option 0 everywhere and its first disagreement. `checkFolios` (default
 * false) makes a difference in the final folio structure a disagreement too.
 */
export function compareRuns(
  c: ConformCase,
  fs: FsProfile,
  k: KernelRunOk,
  opts: { checkFolios?: boolean; kernel?: KernelId; release?: KernelRelease } = {},
): CaseComparison | SetupMismatch {
  const want = expectedInitialFolios(c.initial, c.bounds.cells);
  const initFolios = modelSizedFolios(fs, c.bounds.folioPages, k.init.folios);
  if (initFolios && !same(initFolios, want)) {
    return {
      status: 'setup-mismatch',
      message: `initial folios: asked for ${show(want)}, the kernel built ${show(initFolios)}`,
    };
  }
  if (!c.initial.cached && k.init.cachedPages !== 0) {
    return {
      status: 'setup-mismatch',
      message: `initial state: ${counted(k.init.cachedPages, 'page')} stayed cached (cold file asked for)`,
    };
  }
  if (k.slots !== c.bounds.slots)
    return { status: 'setup-mismatch', message: `pipe has ${k.slots} slots, the model ${c.bounds.slots}` };
  const cellBytes = PAGE_BYTES / c.bounds.cells;
  const kSteps = c.steps.map((step, i) => kernelSideStep(step, k.steps[i]!.result, c.bounds.cells));
  const kFinal: SideFinal = {
    size: k.final.size,
    file: k.final.file,
    pipeCells: [k.final.pipeBytes[0] / cellBytes, k.final.pipeBytes[1] / cellBytes, k.final.pipeBytes[2] / cellBytes],
    folios: modelSizedFolios(fs, c.bounds.folioPages, k.final.folios),
    unlinked: k.final.unlinked ?? false,
  };
  const side = { kernel: opts.kernel ?? 'linux', release: opts.release };
  const agreeing = agreeingRun(c, fs, side, kSteps, kFinal, opts.checkFolios ?? false);
  const m = agreeing ?? runModelSide(c, fs, side.kernel, side.release);
  const steps = c.steps.map((step, i) => compareStep(i, step, m.steps[i]!, kSteps[i]!));
  let disagreement = stepDisagreement(steps) ?? finalDisagreement(m.final, kFinal);
  const folioDifference =
    !kFinal.unlinked && kFinal.folios && !same(m.final.folios, kFinal.folios)
      ? `final folios (pages, 0 = uncached): model ${show(m.final.folios)}, kernel ${show(kFinal.folios)}`
      : undefined;
  if (!disagreement && folioDifference && opts.checkFolios) disagreement = { step: 'final', message: folioDifference };
  const taken = agreeing ? choicesTaken(agreeing) : [];
  return {
    status: 'compared',
    profile: fs.id,
    ...(opts.release !== undefined ? { release: opts.release } : {}),
    steps,
    model: m.final,
    kernel: kFinal,
    ...(disagreement ? { disagreement } : {}),
    ...(folioDifference ? { folioDifference } : {}),
    ...(taken.length > 0 ? { choices: taken } : {}),
    raw: k,
  };
}

/** Where and how compareCase runs the kernel side, and which model it compares with. */
export interface CompareOptions {
  /** The directory (in the backend's terms: with the VM, a guest file system) to run in. */
  readonly dir?: string;
  readonly timeoutMs?: number;
  readonly checkFolios?: boolean;
  readonly kernel?: KernelId;
  readonly trace?: boolean;
  /** Where the helper runs (default: this machine's kernel). */
  readonly backend?: KernelBackend;
  /** The Linux release the model is to model (default: the backend's, else the model's own). */
  readonly release?: KernelRelease;
}

/** Run a case on the kernel (in `dir`) and on the model with profile `fs`, and compare. */
export async function compareCase(c: ConformCase, fs: FsProfile, opts: CompareOptions = {}): Promise<CompareResult> {
  const backend = opts.backend ?? HOST_BACKEND;
  const release = opts.release ?? backend.release;
  const k = await backend.runOnKernel(
    { ...kernelInput(c), ...(opts.trace ? { trace: true } : {}) },
    {
      ...(opts.dir !== undefined ? { fs: opts.dir } : {}),
      timeoutMs: opts.timeoutMs ?? 10_000,
    },
  );
  if (k.status !== 'ok') return k;
  return compareRuns(c, fs, k, { ...opts, ...(release !== undefined ? { release } : {}) });
}

/** What the probe found, in one line (for messages). */
function probeFindings(p: FsProbe): string {
  const large =
    p.largeFolios === null ? 'folio sizes unknown (no /proc/kpageflags)' : `largest folio ${p.maxFolioPages} pages`;
  const w4 = p.write4Folios ? `a 4-page write makes folios [${p.write4Folios.join(' ')}]` : 'write folios unknown';
  const bs = p.blockSize !== null ? `, ${p.blockSize}-byte blocks` : '';
  return `${p.fsType} (magic ${p.magic}${bs}): ${large}, ${w4}, ${p.evictable ? 'evicts' : 'never evicts'}`;
}

/**
 * The model's FS profile for a probed directory, or why none fits: each
 * profile recognises its own file-system type (model/fs/: tmpfs by huge
 * pages or not, ext4 by block size), and what the probe measured must be
 * what the profile describes (large folios or order 0, eviction), else no
 * profile describes it.
 */
export function profileForProbe(
  p: FsProbe,
  release: KernelRelease = DEFAULT_RELEASE,
): { ok: true; profile: FsProfile; why: string } | { ok: false; reason: string } {
  const found = probeFindings(p);
  const on = release === DEFAULT_RELEASE ? '' : ` on Linux ${release}`;
  const refuse = (why: string) => ({
    ok: false as const,
    reason: `no file-system profile${on} describes ${found}: ${why}`,
  });
  const r = recogniseProbe(p, release);
  if ('known' in r) return refuse(`profiles exist for ${r.known.join(', ')} only`);
  if (!r.answer.ok) return refuse(r.answer.refuse);
  const note = r.answer.note ? ` ${r.answer.note}` : '';
  return { ok: true, profile: r.profile, why: `${found} -> ${r.profile.id} profile${note}` };
}

/** Probe `dir` and pick the profile. */
export async function profileForDir(
  dir?: string,
  release: KernelRelease = DEFAULT_RELEASE,
  opts: { backend?: KernelBackend } = {},
): Promise<{ ok: true; profile: FsProfile; why: string; probe: FsProbe } | { ok: false; reason: string }> {
  const p = await (opts.backend ?? HOST_BACKEND).probeFs(dir);
  if (p.status !== 'ok') return { ok: false, reason: `probing ${dir ?? 'the temp dir'} failed: ${p.message}` };
  const r = profileForProbe(p, release);
  return r.ok ? { ...r, probe: p } : r;
}

/**
 * Probe `dir` (default the OS temp dir) and pick its profile
 * (profileForProbe), or say why none fits: what `--fs-profile auto` does.
 * The library (checker/) does not probe; the command line passes this in.
 */
export async function probeFsProfile(
  dir: string | undefined,
  release: KernelRelease = DEFAULT_RELEASE,
  opts: { backend?: KernelBackend } = {},
): Promise<{ ok: true; profile: FsProfile; why: string } | { ok: false; reason: string }> {
  const backend = opts.backend ?? HOST_BACKEND;
  const avail = backend.available();
  if (!avail.ok) return { ok: false, reason: `cannot probe a file system without the oracle helper: ${avail.reason}` };
  const r = await profileForDir(dir, release, { backend });
  return r.ok ? { ok: true, profile: r.profile, why: `probed ${dir ?? backend.defaultFs()}: ${r.why}` } : r;
}
