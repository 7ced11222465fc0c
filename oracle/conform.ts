/**
 * `pipecheck conform`: differential testing of the model against the live
 * kernel. fast-check generates small bounds, an initial file (size, cells,
 * cold or cached, folio layout) and a sequence of steps of every operation
 * (each drawn as often as its descriptor's `conformWeight` says); each
 * sequence runs on the model (linux variant, the FS profile the probed
 * directory calls for) and on the kernel through the oracle helper, and
 * every step's outcome, every read, the final file, the pipes and the folio
 * structure must agree (oracle/compare.ts). On a disagreement fast-check
 * shrinks the sequence; the shrunk trace is saved as a `kernel-conformance`
 * counterexample. The result is typed (`ConformResult`); the command line
 * prints it with the seed and the command that finds it again, and maps it
 * to an exit code: 0 agree, 1 disagree, 2 when it cannot run (not Linux,
 * helper not built, the directory cannot be probed, an FS with no model
 * profile): without an oracle nothing can be said about agreement.
 *
 * @public
 */
import fc from 'fast-check';
import { counterexampleOf } from '../counterexamples/build.js';
import { writeCounterexample } from '../counterexamples/file.js';
import type { Counterexample } from '../counterexamples/format.js';
import type { Bounds } from '../model/bounds.js';
import { showCells } from '../model/cells.js';
import type { FsProfile, KernelRelease } from '../model/fs/index.js';
import { defaultFolioSizes, type InitialContents } from '../model/initial.js';
import { OPERATION_LIST, OPERATIONS } from '../model/ops/index.js';
import { parseScenario } from '../model/scenario.js';
import { formatStep, type OpName, type Step } from '../model/step.js';
import { compareCase, profileForDir, type CaseComparison, type ConformCase } from './compare.js';
import { HOST_BACKEND, type KernelBackend } from './backend.js';

const CONFORMANCE_INVARIANT = 'kernel-conformance';

export interface ConformOptions {
  /** Directory on the file system to test (default: the backend's default, the OS temp dir on the host). */
  readonly fs?: string;
  /** Where the helper runs (default: this machine's kernel; oracle/vm/ for a kernel under qemu). */
  readonly backend?: KernelBackend;
  /** Sequences to run (default 200). */
  readonly runs?: number;
  /** fast-check seed (default: random; always printed). */
  readonly seed?: number;
  /** Where the counterexample goes (default ./counterexamples). */
  readonly out?: string;
  /** Told what the run is about to do, before the runs start. */
  readonly onStart?: (start: ConformStart) => void;
  /** Told after every case run (a run, or a shrink once a case disagreed). */
  readonly onProgress?: (progress: ConformProgress) => void;
  /** Longest generated sequence, before the final drain of both pipes (default 10). */
  readonly maxSteps?: number;
  /** A different final folio structure is a disagreement too (default false: counted and reported). */
  readonly strictFolios?: boolean;
  /** The Linux release the model describes (default: the backend's, else 6.18): the kernel's, to agree. */
  readonly release?: KernelRelease;
}

/** How far a conform run is. */
export interface ConformProgress {
  /** Cases run before the first disagreement (all of them while none disagreed). */
  readonly runs: number;
  /** The runs asked for. */
  readonly of: number;
  /** Cases run while shrinking a disagreement (0 before one). */
  readonly shrinks: number;
  readonly elapsedMs: number;
}

/** How a generated step is picked: an operation and an index into its domain at the case's bounds. */
type Pick =
  | { readonly kind: 'op'; readonly op: OpName; readonly n: number }
  /** One pwrite of whole pages at a page boundary (large folios on ext4). */
  | { readonly kind: 'pages-write'; readonly page: number; readonly count: number; readonly value: number }
  /** The same pages written one pwrite per page (order-0 folios). */
  | { readonly kind: 'page-by-page'; readonly page: number; readonly count: number; readonly value: number };

export interface RawCase {
  readonly pages: number;
  readonly cells: 2 | 4;
  readonly values: number;
  readonly slots: 1 | 2 | 4;
  readonly size: number;
  readonly fileCells: readonly number[];
  readonly cached: boolean;
  readonly layout: 'big' | 'pages' | 'mixed' | 'one';
  readonly mixed: readonly number[];
  readonly user: readonly number[];
  readonly picks: readonly Pick[];
}

function pickArb(): fc.Arbitrary<Pick> {
  const ops = OPERATION_LIST.map(({ name: op, conformWeight: weight }) => ({
    arbitrary: fc.nat(1 << 16).map((n): Pick => ({ kind: 'op', op, n })),
    weight,
  }));
  const range = { page: fc.nat(3), count: fc.integer({ min: 1, max: 4 }), value: fc.integer({ min: 1, max: 3 }) };
  return fc.oneof(
    ...ops,
    { arbitrary: fc.record(range).map((r): Pick => ({ kind: 'pages-write', ...r })), weight: 2 },
    { arbitrary: fc.record(range).map((r): Pick => ({ kind: 'page-by-page', ...r })), weight: 1 },
  );
}

/** A random conformance case: bounds, an initial file the profile can build, and steps. */
export function rawCaseArb(profile: FsProfile, maxSteps: number): fc.Arbitrary<RawCase> {
  const hints = profile.conform;
  return fc.record({
    // The profile's hints (model/fs/): tmpfs huge=always has one folio size, the PMD's: folioPages = pages.
    pages: hints.pageCounts ? fc.constantFrom(...hints.pageCounts) : fc.integer({ min: 1, max: 4 }),
    cells: fc.constantFrom(2 as const, 4 as const),
    values: fc.integer({ min: 1, max: 3 }),
    slots: fc.constantFrom(1 as const, 2 as const, 4 as const),
    size: fc.nat(16),
    fileCells: fc.array(fc.nat(3), { minLength: 16, maxLength: 16 }),
    // tmpfs never drops a page: a cold file cannot be built there.
    cached: hints.coldFiles ? fc.boolean() : fc.constant(true),
    layout: hints.layouts.length === 1 ? fc.constant(hints.layouts[0]!) : fc.constantFrom(...hints.layouts),
    mixed: fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }),
    user: fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }),
    picks: fc.array(pickArb(), { minLength: 1, maxLength: maxSteps }),
  });
}

function largestPow2AtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** Aligned folio sizes covering `filePages` pages; `want[i]` is the log2 size tried at each folio start. */
function mixedLayout(filePages: number, folioPages: number, want: readonly number[]): number[] {
  const out: number[] = [];
  let p = 0;
  let i = 0;
  while (p < filePages) {
    let n = Math.min(folioPages, 1 << (want[i++ % want.length] ?? 0));
    while (n > 1 && (p % n !== 0 || p + n > filePages)) n >>= 1;
    out.push(n);
    p += n;
  }
  return out;
}

function stepOfPick(pick: Pick, b: Bounds): Step[] {
  const value = (v: number): number => Math.min(v, b.values);
  if (pick.kind === 'op') {
    const dom: readonly Step[] = OPERATIONS[pick.op].domain(b);
    const s = dom[pick.n % dom.length];
    return s ? [s] : [];
  }
  const page = pick.page % b.pages;
  const count = Math.min(pick.count, b.pages - page);
  if (pick.kind === 'pages-write')
    return [{ op: 'write', off: page * b.cells, len: count * b.cells, value: value(pick.value) }];
  return Array.from({ length: count }, (_, i): Step => ({
    op: 'write',
    off: (page + i) * b.cells,
    len: b.cells,
    value: value(pick.value),
  }));
}

/** The case a raw draw stands for, at bounds the model and the helper both accept. */
export function caseOfRaw(r: RawCase): ConformCase {
  const folioPages = largestPow2AtMost(r.pages);
  const bounds: Bounds = {
    pages: r.pages,
    cells: r.cells,
    values: r.values,
    slots: r.slots,
    folioPages,
    userPages: 1,
    depth: 1,
  };
  // 'one': a file filling every page, in one folio, or empty (tmpfs huge=always writes one PMD folio;
  // the helper's ftruncate to a size inside a page would split it).
  const size = r.layout === 'one' ? (r.size > 0 ? r.pages * r.cells : 0) : r.size % (r.pages * r.cells + 1);
  const file = r.fileCells.slice(0, size).map((v) => Math.min(v, r.values));
  const filePages = Math.ceil(size / r.cells);
  const folios =
    r.layout === 'one'
      ? filePages > 0
        ? [r.pages]
        : []
      : r.layout === 'big'
        ? defaultFolioSizes(filePages, folioPages)
        : r.layout === 'mixed'
          ? mixedLayout(filePages, folioPages, r.mixed)
          : new Array<number>(filePages).fill(1);
  const initial: InitialContents = {
    file,
    cached: r.cached,
    folios,
    user: [r.user.slice(0, r.cells).map((v) => Math.min(v, r.values))],
  };
  const steps = r.picks.flatMap((p) => stepOfPick(p, bounds));
  // Drain both pipes (and the socket, if anything was sent) at the end: what is left in them is compared too.
  const drain = r.slots * r.cells;
  steps.push({ op: 'pipe-read', len: drain, pipe: 0 }, { op: 'pipe-read', len: drain, pipe: 1 });
  if (steps.some((s) => s.op === 'sendfile')) steps.push({ op: 'socket-read', len: drain });
  return { bounds: { ...bounds, depth: Math.min(64, steps.length) }, initial, steps };
}

/** A counterexample file for a disagreement: the trace up to the step where it shows. */
export function conformanceCounterexample(
  c: ConformCase,
  cmp: CaseComparison,
  meta: { seed: number; fsDir: string; runs: number; elapsedMs: number; flags?: string },
): Counterexample {
  const d = cmp.disagreement!;
  const last = d.step === 'final' ? c.steps.length - 1 : d.step;
  const steps = c.steps.slice(0, last + 1);
  const bounds = { ...c.bounds, depth: Math.max(1, Math.min(64, steps.length)) };
  const scenario = parseScenario(
    {
      kernel: 'linux',
      ...(cmp.release !== undefined ? { release: cmp.release } : {}),
      bounds,
      initial: { ...c.initial },
      processes: [{ name: CONFORM_PROCESS, program: steps }],
      invariants: [CONFORMANCE_INVARIANT],
    },
    'conformance case',
  );
  return counterexampleOf({
    scenario,
    invariant: CONFORMANCE_INVARIANT,
    fs: cmp.profile,
    trace: steps.map((s) => ({ ...s, process: CONFORM_PROCESS })),
    message: `model and live kernel disagree (${cmp.profile} profile, ${cmp.raw.fsType}): ${d.message}`,
    expected: d.expected,
    observed: d.observed,
    stats: { elapsedMs: meta.elapsedMs, transitions: steps.length },
    command: `pipecheck conform${meta.flags ?? ''} --fs ${meta.fsDir} --runs ${meta.runs} --seed ${meta.seed}`,
  });
}

/** What conform is about to do (printed before the runs start). */
export interface ConformStart {
  readonly fsDir: string;
  /** What runs the traces (the backend's label). */
  readonly kernel: string;
  /** Flags that run on the same backend again (` --vm 6.1`; empty on the host). */
  readonly flags: string;
  /** Which profile the probe chose, and why. */
  readonly why: string;
  readonly runs: number;
  /** The Linux release the model describes, when one was asked for (`--release`; else 6.18). */
  readonly release?: KernelRelease;
  /** Whether `release` was asked for, not taken from the backend (a guest models its own release). */
  readonly releaseAsked?: boolean;
  readonly seed: number;
}

/** How a conform run ended. */
export type ConformResult =
  /** It could not run: bad options, no oracle, an FS no profile describes, the oracle failing. */
  | { readonly status: 'bad-input' | 'unavailable' | 'oracle-failed'; readonly message: string }
  | {
      readonly status: 'agree';
      readonly start: ConformStart;
      readonly numRuns: number;
      readonly compared: number;
      /** Runs skipped because the kernel built another initial state. */
      readonly setupMismatches: number;
      readonly elapsedMs: number;
      /** Runs whose final folio structure differed (not a disagreement without `strictFolios`). */
      readonly folioDifferences: number;
      readonly firstFolioDifference?: string;
      /** Runs on which the kernel agreed only by a choice other than option 0 (model/choices.ts). */
      readonly otherChoices: number;
      /** The first such choice: the step and what the kernel did. */
      readonly firstOtherChoice?: string;
    }
  | {
      readonly status: 'disagree';
      readonly start: ConformStart;
      readonly numRuns: number;
      readonly numShrinks: number;
      readonly elapsedMs: number;
      readonly case: ConformCase;
      readonly comparison: CaseComparison & { readonly disagreement: NonNullable<CaseComparison['disagreement']> };
      readonly counterexample: Counterexample;
      /** Where the counterexample was written. */
      readonly path: string;
    }
  /** fast-check found a disagreement, but its shrunk sequence agreed when run again. */
  | { readonly status: 'not-reproduced'; readonly start: ConformStart; readonly message: string };

class OracleFailure extends Error {}

/** A case in words, for a failure of the oracle on it (a hang in the kernel is worth its trace). */
export function caseWords(c: ConformCase): string {
  const b = c.bounds;
  const init = c.initial;
  const cache = init.cached ? `cached, folios ${showCells(init.folios)}` : 'cold';
  return (
    `the case: cells ${b.cells}, slots ${b.slots}, folioPages ${b.folioPages}; ` +
    `file ${showCells(init.file)} (${cache}); steps: ${c.steps.map((s) => formatStep(s)).join('; ')}`
  );
}

/** What the runs of a conform found so far, and how far it is (onProgress). */
class Tally {
  private setupMismatches = 0;
  private compared = 0;
  private folioDifferences = 0;
  private firstFolioDifference: string | undefined;
  private otherChoices = 0;
  private firstOtherChoice: string | undefined;
  private done = 0;
  private shrinks = 0;
  private disagreed = false;

  constructor(
    private readonly runs: number,
    private readonly t0: number,
    private readonly onProgress: ConformOptions['onProgress'],
  ) {}

  /** Count case `c`'s comparison `r`: the property's answer (OracleFailure when the oracle failed on it). */
  note(c: ConformCase, r: Awaited<ReturnType<typeof compareCase>>): boolean {
    if (this.disagreed) this.shrinks++;
    else this.done++;
    if (r.status === 'compared' && r.disagreement) this.disagreed = true;
    this.onProgress?.({ runs: this.done, of: this.runs, shrinks: this.shrinks, elapsedMs: Date.now() - this.t0 });
    if (r.status === 'setup-mismatch') {
      this.setupMismatches++;
      return true;
    }
    if (r.status !== 'compared') throw new OracleFailure(`oracle ${r.status}: ${r.message}; ${caseWords(c)}`);
    this.compared++;
    if (r.folioDifference && !r.disagreement) {
      this.folioDifferences++;
      this.firstFolioDifference ??= r.folioDifference;
    }
    const other = r.disagreement ? undefined : r.choices?.find((ch) => ch.index !== 0);
    if (other) {
      this.otherChoices++;
      this.firstOtherChoice ??= `step ${other.step + 1} ${formatStep(c.steps[other.step]!)}: ${other.says}`;
    }
    return r.disagreement === undefined;
  }

  /** The counts an agreeing run reports. */
  agreed() {
    return {
      compared: this.compared,
      setupMismatches: this.setupMismatches,
      folioDifferences: this.folioDifferences,
      ...(this.firstFolioDifference !== undefined ? { firstFolioDifference: this.firstFolioDifference } : {}),
      otherChoices: this.otherChoices,
      ...(this.firstOtherChoice !== undefined ? { firstOtherChoice: this.firstOtherChoice } : {}),
    };
  }
}

/** The process name of a conformance counterexample's steps. */
const CONFORM_PROCESS = 'conform';

/** Run the differential test (see the module comment for what is compared). */
export async function runConform(opts: ConformOptions = {}): Promise<ConformResult> {
  const runs = opts.runs ?? 200;
  if (!Number.isInteger(runs) || runs < 1) {
    return { status: 'bad-input', message: `--runs must be a positive integer, got ${String(opts.runs)}` };
  }
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) {
    return { status: 'bad-input', message: `--seed must be an integer, got ${String(opts.seed)}` };
  }
  const backend = opts.backend ?? HOST_BACKEND;
  const avail = backend.available();
  if (!avail.ok) return { status: 'unavailable', message: `no live kernel to compare with: ${avail.reason}` };
  const fsDir = opts.fs ?? backend.defaultFs();
  const release = opts.release ?? backend.release;
  const prof = await profileForDir(fsDir, release, { backend });
  if (!prof.ok) return { status: 'unavailable', message: prof.reason };
  const profile = prof.profile;
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const on = { kernel: backend.label, flags: backend.commandFlags };
  const asked = opts.release !== undefined;
  const start: ConformStart = {
    fsDir,
    ...on,
    why: prof.why,
    runs,
    seed,
    ...(release ? { release, releaseAsked: asked } : {}),
  };
  const side = { dir: fsDir, backend, ...(release !== undefined ? { release } : {}) };
  opts.onStart?.(start);
  const t0 = Date.now();
  const checkFolios = opts.strictFolios ?? false;
  const tally = new Tally(runs, t0, opts.onProgress);
  const property = fc.asyncProperty(rawCaseArb(profile, opts.maxSteps ?? 10), async (raw) => {
    const c = caseOfRaw(raw);
    return tally.note(c, await compareCase(c, profile, { ...side, checkFolios }));
  });
  const details = await fc.check(property, { seed, numRuns: runs, endOnFailure: false });
  const elapsedMs = Date.now() - t0;
  if (details.errorInstance instanceof OracleFailure) {
    return { status: 'oracle-failed', message: `the oracle failed: ${details.errorInstance.message}` };
  }
  if (!details.failed) {
    return { status: 'agree', start, numRuns: details.numRuns, elapsedMs, ...tally.agreed() };
  }
  const raw = details.counterexample?.[0];
  if (!raw) {
    const message = `fast-check failed without a counterexample: ${String(details.errorInstance)}`;
    return { status: 'oracle-failed', message };
  }
  const c = caseOfRaw(raw);
  const r = await compareCase(c, profile, { ...side, checkFolios });
  if (r.status !== 'compared' || !r.disagreement) {
    const why = r.status === 'compared' ? 'it agreed' : r.message;
    const message =
      `the shrunk sequence did not disagree again (${why}): the kernel may be nondeterministic here. ` +
      `seed ${seed}, path ${details.counterexamplePath ?? '?'}`;
    return { status: 'not-reproduced', start, message };
  }
  const counterexample = conformanceCounterexample(c, r, { seed, fsDir, runs, elapsedMs, flags: backend.commandFlags });
  const path = writeCounterexample(opts.out ?? 'counterexamples', counterexample);
  const comparison = { ...r, disagreement: r.disagreement };
  const { numRuns, numShrinks } = details;
  return { status: 'disagree', start, numRuns, numShrinks, elapsedMs, case: c, comparison, counterexample, path };
}
