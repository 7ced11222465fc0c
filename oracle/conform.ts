/**
 * `pipecheck conform`: differential testing of the model against the live
 * kernel. fast-check generates small bounds, an initial file (size, cells,
 * cold or cached, folio layout) and a sequence of steps of all twelve
 * operations; each sequence runs on the model (linux variant, the FS profile
 * the probed directory calls for) and on the kernel through the oracle
 * helper, and every step's outcome, every read, the final file, the pipes
 * and the folio structure must agree (oracle/compare.ts). On a disagreement
 * fast-check shrinks the sequence; the shrunk trace is saved as a
 * `kernel-conformance` counterexample and printed with the seed and the
 * command that finds it again.
 *
 * Exit codes: 0 model and kernel agree on every run; 1 a disagreement; 2 bad
 * usage, or no live kernel to compare with (not Linux, helper not built,
 * the directory cannot be probed, an FS with no model profile). Without an
 * oracle the command cannot say anything about agreement, so it does not
 * exit 0: it says why and exits 2.
 *
 * @public
 */
import fc from 'fast-check';
import { type Bounds } from '../model/bounds.js';
import { defaultFolioSizes, type InitialContents } from '../model/initial.js';
import type { FsProfile } from '../model/folio-policy.js';
import { OPERATIONS } from '../model/ops/index.js';
import { formatStep, OP_NAMES, type OpName, type Step } from '../model/step.js';
import { COUNTEREXAMPLE_FORMAT, type Counterexample } from '../counterexamples/format.js';
import { writeCounterexample } from '../counterexamples/file.js';
import { oracleAvailable } from './kernel.js';
import { compareCase, profileForDir, type CaseComparison, type ConformCase } from './compare.js';

export const CONFORMANCE_INVARIANT = 'kernel-conformance';

export interface ConformOptions {
  /** Directory on the file system to test (default: the OS temp dir). */
  readonly fs?: string;
  /** Sequences to run (default 200). */
  readonly runs?: number;
  /** fast-check seed (default: random; always printed). */
  readonly seed?: number;
  /** Where the counterexample goes (default ./counterexamples). */
  readonly out?: string;
  /** Where lines go (default console.log). */
  readonly log?: (line: string) => void;
  /** Longest generated sequence, before the final drain of both pipes (default 10). */
  readonly maxSteps?: number;
  /** A different final folio structure is a disagreement too (default false: counted and reported). */
  readonly strictFolios?: boolean;
}

/** How a generated step is picked: an operation and an index into its domain at the case's bounds. */
type Pick =
  | { readonly kind: 'op'; readonly op: OpName; readonly n: number }
  /** One pwrite of whole pages at a page boundary (large folios on ext4). */
  | { readonly kind: 'pages-write'; readonly page: number; readonly count: number; readonly value: number }
  /** The same pages written one pwrite per page (order-0 folios). */
  | { readonly kind: 'page-by-page'; readonly page: number; readonly count: number; readonly value: number };

interface RawCase {
  readonly pages: number;
  readonly cells: 2 | 4;
  readonly values: number;
  readonly slots: 1 | 2 | 4;
  readonly size: number;
  readonly fileCells: readonly number[];
  readonly cached: boolean;
  readonly layout: 'big' | 'pages' | 'mixed';
  readonly mixed: readonly number[];
  readonly user: readonly number[];
  readonly picks: readonly Pick[];
}

const OP_WEIGHTS: Readonly<Record<OpName, number>> = {
  write: 3,
  'mmap-store': 2,
  'fallocate-punch': 3,
  truncate: 2,
  splice: 4,
  vmsplice: 1,
  'user-store': 1,
  'pipe-write': 2,
  'pipe-read': 3,
  tee: 2,
  writeback: 2,
  evict: 2,
};

function pickArb(): fc.Arbitrary<Pick> {
  const ops = OP_NAMES.map((op) => ({
    arbitrary: fc.nat(1 << 16).map((n): Pick => ({ kind: 'op', op, n })),
    weight: OP_WEIGHTS[op],
  }));
  const range = { page: fc.nat(3), count: fc.integer({ min: 1, max: 4 }), value: fc.integer({ min: 1, max: 3 }) };
  return fc.oneof(
    ...ops,
    { arbitrary: fc.record(range).map((r): Pick => ({ kind: 'pages-write', ...r })), weight: 2 },
    { arbitrary: fc.record(range).map((r): Pick => ({ kind: 'page-by-page', ...r })), weight: 1 },
  );
}

function rawCaseArb(profile: FsProfile, maxSteps: number): fc.Arbitrary<RawCase> {
  return fc.record({
    pages: fc.integer({ min: 1, max: 4 }),
    cells: fc.constantFrom(2 as const, 4 as const),
    values: fc.integer({ min: 1, max: 3 }),
    slots: fc.constantFrom(1 as const, 2 as const, 4 as const),
    size: fc.nat(16),
    fileCells: fc.array(fc.nat(3), { minLength: 16, maxLength: 16 }),
    // tmpfs never drops a page: a cold file cannot be built there.
    cached: profile.evictDrops ? fc.boolean() : fc.constant(true),
    layout:
      profile.writeFolios === 'by-length'
        ? fc.constantFrom('big' as const, 'pages' as const, 'mixed' as const)
        : fc.constant('pages' as const),
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
    const dom = OPERATIONS[pick.op].domain(b) as Step[];
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
  const size = r.size % (r.pages * r.cells + 1);
  const file = r.fileCells.slice(0, size).map((v) => Math.min(v, r.values));
  const filePages = Math.ceil(size / r.cells);
  const folios =
    r.layout === 'big'
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
  // Drain both pipes at the end: what is left in them is compared too.
  const drain = r.slots * r.cells;
  steps.push({ op: 'pipe-read', len: drain, pipe: 0 }, { op: 'pipe-read', len: drain, pipe: 1 });
  return { bounds: { ...bounds, depth: Math.min(64, steps.length) }, initial, steps };
}

/** A counterexample file for a disagreement: the trace up to the step where it shows. */
export function conformanceCounterexample(
  c: ConformCase,
  cmp: CaseComparison,
  meta: { seed: number; fsDir: string; runs: number; elapsedMs: number },
): Counterexample {
  const d = cmp.disagreement!;
  const last = d.step === 'final' ? c.steps.length - 1 : d.step;
  const steps = c.steps.slice(0, last + 1);
  const bounds = { ...c.bounds, depth: Math.max(1, Math.min(64, steps.length)) };
  return {
    format: COUNTEREXAMPLE_FORMAT,
    kernel: 'linux',
    invariant: CONFORMANCE_INVARIANT,
    bounds,
    fs: cmp.profile,
    scenario: {
      kernel: 'linux',
      bounds,
      initial: {
        file: [...c.initial.file],
        cached: c.initial.cached,
        folios: [...c.initial.folios],
        user: c.initial.user.map((u) => [...u]),
      },
      processes: [{ name: 'conform', program: steps }],
      invariants: [CONFORMANCE_INVARIANT],
    },
    trace: steps.map((s) => ({ ...s, process: 'conform' })),
    violation: {
      step: Math.max(0, last),
      message: `model and live kernel disagree (${cmp.profile} profile, ${cmp.raw.fsType}): ${d.message}`,
      ...(d.expected ? { expected: [...d.expected] } : {}),
      ...(d.observed ? { observed: [...d.observed] } : {}),
    },
    stats: { elapsedMs: meta.elapsedMs, transitions: steps.length },
    command: `pipecheck conform --fs ${meta.fsDir} --runs ${meta.runs} --seed ${meta.seed}`,
  };
}

class OracleFailure extends Error {}

/** Run the differential test; returns the exit code (see the module comment). */
export async function runConform(opts: ConformOptions = {}): Promise<number> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const runs = opts.runs ?? 200;
  if (!Number.isInteger(runs) || runs < 1) {
    log(`pipecheck conform: --runs must be a positive integer, got ${String(opts.runs)}`);
    return 2;
  }
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) {
    log(`pipecheck conform: --seed must be an integer, got ${String(opts.seed)}`);
    return 2;
  }
  const avail = oracleAvailable();
  if (!avail.ok) {
    log(`pipecheck conform: no live kernel to compare with: ${avail.reason}`);
    return 2;
  }
  const { tmpdir } = await import('node:os');
  const fsDir = opts.fs ?? tmpdir();
  const prof = await profileForDir(fsDir);
  if (!prof.ok) {
    log(`pipecheck conform: ${prof.reason}`);
    return 2;
  }
  const profile = prof.profile;
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  log(`conform: ${fsDir} (${prof.why}), ${runs} runs, seed ${seed}`);
  const t0 = Date.now();
  let setupMismatches = 0;
  let compared = 0;
  let folioDiffs = 0;
  let firstFolioDiff: string | undefined;
  const checkFolios = opts.strictFolios ?? false;
  const property = fc.asyncProperty(rawCaseArb(profile, opts.maxSteps ?? 10), async (raw) => {
    const c = caseOfRaw(raw);
    const r = await compareCase(c, profile, { dir: fsDir, checkFolios });
    if (r.status === 'setup-mismatch') {
      setupMismatches++;
      return true;
    }
    if (r.status !== 'compared') throw new OracleFailure(`oracle ${r.status}: ${r.message}`);
    compared++;
    if (r.folioDifference && !r.disagreement) {
      folioDiffs++;
      firstFolioDiff ??= r.folioDifference;
    }
    return r.disagreement === undefined;
  });
  const details = await fc.check(property, { seed, numRuns: runs, endOnFailure: false });
  const elapsedMs = Date.now() - t0;
  if (details.errorInstance instanceof OracleFailure) {
    log(`pipecheck conform: the oracle failed: ${details.errorInstance.message}`);
    return 2;
  }
  if (!details.failed) {
    log(
      `conform: model and kernel agree on ${details.numRuns} sequences (${compared} compared, ${setupMismatches} skipped: the kernel built another initial state) in ${(elapsedMs / 1000).toFixed(1)} s, seed ${seed}`,
    );
    if (folioDiffs > 0)
      log(
        `conform: the final folio structure differed in ${folioDiffs} of them (not a disagreement without strict folios); first: ${firstFolioDiff}`,
      );
    return 0;
  }
  const raw = details.counterexample?.[0];
  if (!raw) {
    log(`pipecheck conform: fast-check failed without a counterexample: ${String(details.errorInstance)}`);
    return 2;
  }
  const c = caseOfRaw(raw);
  const r = await compareCase(c, profile, { dir: fsDir, checkFolios });
  if (r.status !== 'compared' || !r.disagreement) {
    log(
      `pipecheck conform: the shrunk sequence did not disagree again (${r.status === 'compared' ? 'it agreed' : r.message}): the kernel may be nondeterministic here. seed ${seed}, path ${details.counterexamplePath ?? '?'}`,
    );
    return 1;
  }
  const cx = conformanceCounterexample(c, r, { seed, fsDir, runs, elapsedMs });
  const path = writeCounterexample(opts.out ?? 'counterexamples', cx);
  log(
    `conform: DISAGREEMENT after ${details.numRuns} runs (${details.numShrinks} shrinks), seed ${seed}, ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  log(`  ${r.disagreement.message}`);
  log(
    `  bounds: pages ${c.bounds.pages}, cells ${c.bounds.cells}, values ${c.bounds.values}, slots ${c.bounds.slots}, folioPages ${c.bounds.folioPages}`,
  );
  log(
    `  initial: file [${c.initial.file.join(', ')}], ${c.initial.cached ? `cached, folios [${c.initial.folios.join(', ')}] (clean)` : 'cold (not cached)'}, user [${c.initial.user[0]?.join(', ') ?? ''}]`,
  );
  cx.trace.forEach((s, i) => {
    const cmp = r.steps[i]!;
    log(
      `  ${i + 1}. ${formatStep(s)}  model: ${cmp.model.text}  kernel: ${cmp.kernel.text}${cmp.agree ? '' : '  <-- disagree'}`,
    );
  });
  if (r.disagreement.step === 'final')
    log(
      `  final: model file [${r.model.file.join(', ')}] folios [${r.model.folios?.join(', ') ?? '?'}]; kernel file [${r.kernel.file.join(', ')}] folios [${r.kernel.folios?.join(', ') ?? '?'}]`,
    );
  log(`  counterexample: ${path}`);
  log(`  replay: pipecheck replay ${path} --live --fs ${fsDir}`);
  log(`  re-run: pipecheck conform --fs ${fsDir} --runs ${runs} --seed ${seed}`);
  return 1;
}
