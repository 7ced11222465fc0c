/**
 * Live-kernel oracle: runs a pipecheck trace as real syscalls through the
 * `pipecheck-oracle` helper (oracle/helper.c, built by scripts/build-oracle.mjs)
 * on a scratch file in a fresh temporary directory, and parses what the kernel
 * did. See oracle/FINDINGS.md for the measured kernel behaviour and the
 * helper's line protocol.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATIONS } from '../model/ops/index.js';
import type { Step } from '../model/step.js';

/** Everything the helper needs to rebuild an initial state and run steps. */
export interface KernelTraceInput {
  /** Cells per 4 KiB page: 1, 2, 4 or 8. */
  readonly cells: number;
  /** Pipe capacity in slots (the kernel rounds up to a power of two). */
  readonly slots?: number;
  /** Number of anonymous user pages (vmsplice sources). */
  readonly userPages?: number;
  /** Initial file content in cells; its length is the file size. */
  readonly file: readonly number[];
  /** Initial folio sizes in pages, file order (default: order-0 pages). */
  readonly folios?: readonly number[];
  /** Leave the file in the page cache (default true). */
  readonly cached?: boolean;
  /**
   * With `cached`: write the file back first so its folios are clean (default
   * false: dirty, as just written). Matters on ext4, where a dirty large folio
   * never splits on punch/truncate but a clean one does (see FINDINGS.md).
   */
  readonly clean?: boolean;
  /** Initial cells of each user page. */
  readonly user?: readonly (readonly number[])[];
  readonly steps: readonly Step[];
  /** Pages to map for mmap-store (default: largest extent the trace reaches). */
  readonly pages?: number;
  /** Record the folio structure after every step. */
  readonly trace?: boolean;
}

export interface RunOptions {
  /** Directory under which the scratch directory is made (default: OS temp dir). */
  readonly fs?: string;
  /** Kill the helper after this many milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** Path of the helper binary (default: the built one, or $PIPECHECK_ORACLE). */
  readonly binary?: string;
}

/** Folio structure of the file: sizes in pages in file order, 0 = uncached page. */
export interface FolioState {
  /** null when /proc/kpageflags could not be read (not root). */
  readonly folios: readonly number[] | null;
  /** Per entry of `folios`: dirty flag of that folio (false for uncached). */
  readonly dirty: readonly boolean[] | null;
}

export type KernelStepResult =
  /** The syscall succeeded; `bytes` is its return value (0 for punch, truncate, ...). */
  | { readonly kind: 'ok'; readonly bytes: number }
  /** pipe-read: the cells read (-1 = a cell whose bytes differ). */
  | { readonly kind: 'read'; readonly cells: readonly number[] }
  /** The syscall failed with this errno name (EAGAIN: pipe full or empty). */
  | { readonly kind: 'err'; readonly errno: string }
  /** The step was not executed (mmap-store beyond EOF: `EOF`; bad user page: `NOPAGE`). */
  | { readonly kind: 'skip'; readonly reason: string };

export interface KernelStepRecord {
  readonly step: Step;
  readonly result: KernelStepResult;
  /** With `trace: true`: folio state after the step. */
  readonly after?: FolioState;
}

export interface KernelRunOk {
  readonly status: 'ok';
  readonly fsType: string;
  /** Pipe capacity in slots actually obtained. */
  readonly slots: number;
  /** Initial folio structure actually obtained (compare with the requested one). */
  readonly init: FolioState & { readonly cachedPages: number };
  /** True if `cached: false` was requested but the FS kept pages cached (tmpfs). */
  readonly uncachedUnachievable: boolean;
  readonly steps: readonly KernelStepRecord[];
  readonly final: FolioState & {
    /** Size in cells. */
    readonly size: number;
    /** File content in cells, read back through read(). */
    readonly file: readonly number[];
    /** Bytes still in pipe 0, pipe 1 and the socket (0 from a helper without one). */
    readonly pipeBytes: readonly [number, number, number];
    /** An unlink step let go of the file: there are no final folios, size or contents (null, 0, []). */
    readonly unlinked?: boolean;
  };
  /** Every `probe KEY VALUE...` line. */
  readonly probes: Readonly<Record<string, string>>;
  readonly elapsedMs: number;
  readonly raw: string;
}

export interface KernelRunFailed {
  readonly status: 'unavailable' | 'timeout' | 'error';
  readonly message: string;
  readonly raw?: string;
  readonly stderr?: string;
}

export type KernelRunResult = KernelRunOk | KernelRunFailed;

export interface FsProbe {
  readonly status: 'ok';
  readonly fsType: string;
  readonly magic: string;
  /** Does one big write produce folios larger than a page? null = unknown (no kpageflags). */
  readonly largeFolios: boolean | null;
  readonly maxFolioPages: number | null;
  /** Folios produced by one 4-page pwrite at offset 0. */
  readonly write4Folios: readonly number[] | null;
  /** Does fdatasync + fadvise(DONTNEED) drop pages (false on tmpfs)? */
  readonly evictable: boolean;
  /** The file system's block size in bytes (statfs f_bsize); null if the helper did not say. */
  readonly blockSize: number | null;
  /** Requested slots -> slots obtained by F_SETPIPE_SZ. */
  readonly pipeSlots: Readonly<Record<number, number>>;
  readonly raw: string;
}

export type FsProbeResult = FsProbe | KernelRunFailed;

const HERE = dirname(fileURLToPath(import.meta.url));
const BINARY_NAME = 'pipecheck-oracle';

/** Where the helper binary is expected (source tree or compiled dist/oracle). */
function oracleBinaryCandidates(): string[] {
  const env = process.env['PIPECHECK_ORACLE'];
  const c = [join(HERE, 'build', BINARY_NAME), resolve(HERE, '..', '..', 'oracle', 'build', BINARY_NAME)];
  return env ? [env, ...c] : c;
}

function findBinary(explicit?: string): string | undefined {
  const list = explicit ? [explicit] : oracleBinaryCandidates();
  for (const p of list) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function oracleAvailable(
  opts: { binary?: string } = {},
): { ok: true; binary: string } | { ok: false; reason: string } {
  if (process.platform !== 'linux')
    return { ok: false, reason: `the oracle needs Linux (platform is ${process.platform})` };
  const bin = findBinary(opts.binary);
  if (!bin) {
    const where = opts.binary ?? oracleBinaryCandidates().join(', ');
    return { ok: false, reason: `oracle helper not built (looked for ${where}); run: node scripts/build-oracle.mjs` };
  }
  return { ok: true, binary: bin };
}

const CELLS = new Set([1, 2, 4, 8]);

function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(v)}`);
  }
  return v;
}

/** A step as the helper reads it: `step OP ARGS...`, the arguments as the operation's descriptor encodes them. */
function stepLine(s: Step): string {
  return ['step', s.op, ...OPERATIONS[s.op].oracleArgs(s)].join(' ');
}

/** The helper's stdin for this input (exported for debugging and tests). */
export function encodeTrace(input: KernelTraceInput): string {
  const cells = checkInt('cells', input.cells, 1, 8);
  if (!CELLS.has(cells)) throw new RangeError(`cells must be 1, 2, 4 or 8, got ${cells}`);
  const lines: string[] = [`cells ${cells}`];
  if (input.slots !== undefined) lines.push(`slots ${checkInt('slots', input.slots, 1, 1024)}`);
  const userPages = input.userPages ?? input.user?.length ?? 0;
  lines.push(`userpages ${checkInt('userPages', userPages, 0, 64)}`);
  if (input.pages !== undefined) lines.push(`pages ${checkInt('pages', input.pages, 1, 4096)}`);
  if (input.file.length > 4096 * 8) throw new RangeError('file too large');
  lines.push(`file${input.file.map((v) => ` ${checkInt('file cell', v, 0, 255)}`).join('')}`);
  if (input.folios) lines.push(`folios${input.folios.map((f) => ` ${checkInt('folio size', f, 1, 4096)}`).join('')}`);
  lines.push(`cached ${input.cached === false ? 0 : 1}`);
  if (input.clean) lines.push('clean 1');
  (input.user ?? []).forEach((page, i) => {
    if (page.length > cells) throw new RangeError(`user page ${i} has more than ${cells} cells`);
    lines.push(`user ${i}${page.map((v) => ` ${checkInt('user cell', v, 0, 255)}`).join('')}`);
  });
  if (input.trace) lines.push('trace 1');
  for (const s of input.steps) lines.push(stepLine(s));
  lines.push('end', '');
  return lines.join('\n');
}

interface Spawned {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly spawnError?: Error;
  readonly elapsedMs: number;
}

function runHelper(bin: string, args: string[], stdin: string, timeoutMs: number): Promise<Spawned> {
  return new Promise((done) => {
    const t0 = Date.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    // Its own process group, so that a timeout kills whatever it started too
    // (the pipes stay open, and 'close' waits, while any process holds them).
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const finish = (r: Omit<Spawned, 'stdout' | 'stderr' | 'timedOut' | 'elapsedMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ ...r, stdout, stderr, timedOut, elapsedMs: Date.now() - t0 });
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e }));
    child.on('close', (code, signal) => finish({ code, signal }));
    child.stdin.on('error', () => {
      /* helper exited early (EPIPE); reported through its exit status */
    });
    child.stdin.end(stdin);
  });
}

function parseFolioLine(tokens: string[]): FolioState {
  const di = tokens.indexOf('dirty');
  const f = di >= 0 ? tokens.slice(0, di) : tokens;
  const d = di >= 0 ? tokens.slice(di + 1) : [];
  if (f.some((t) => t === '?')) return { folios: null, dirty: null };
  return {
    folios: f.map((t) => Number.parseInt(t, 10)),
    dirty: d.map((t) => t === '1'),
  };
}

function nums(tokens: string[]): number[] {
  return tokens.map((t) => Number.parseInt(t, 10));
}

function resolveFs(fs: string | undefined): string {
  return fs ?? tmpdir();
}

/** What the helper printed, read line by line (the protocol comment at the top of helper.c). */
interface HelperOutput {
  readonly probes: Record<string, string>;
  readonly steps: KernelStepRecord[];
  init: FolioState;
  cachedPages: number;
  finalFolios: FolioState;
  size: number;
  file: number[];
  pipeBytes: [number, number, number];
  done: boolean;
  unlinked: boolean;
}

/** The run as a failure when the helper could not start or timed out; else undefined. */
function spawnFailure(r: Spawned, binary: string, timeoutMs: number): KernelRunFailed | undefined {
  if (r.spawnError) return { status: 'unavailable', message: `cannot run ${binary}: ${r.spawnError.message}` };
  if (r.timedOut) {
    return {
      status: 'timeout',
      message: `oracle helper killed after ${timeoutMs} ms`,
      raw: r.stdout,
      stderr: r.stderr,
    };
  }
  return undefined;
}

/** The helper's own failure: an `error` line or a non-zero exit status; else undefined. */
function exitFailure(
  lines: readonly string[],
  exit: HelperExit,
  stdout: string,
  stderr: string,
): KernelRunFailed | undefined {
  const errLine = lines.find((l) => l.startsWith('error '));
  if (errLine || exit.code !== 0) {
    return {
      status: 'error',
      message: errLine ? errLine.slice(6) : `oracle helper exited with ${exit.code ?? exit.signal}`,
      raw: stdout,
      stderr,
    };
  }
  return undefined;
}

/** The result of the next step of `trace`; throws when the helper printed more results than steps. */
function pushResult(out: HelperOutput, trace: readonly Step[], result: KernelStepResult): void {
  const step = trace[out.steps.length];
  if (step === undefined) throw new Error('oracle helper printed more step results than steps');
  out.steps.push({ step, result });
}

/** Fold one line of the helper's output into `out`. */
function readLine(out: HelperOutput, trace: readonly Step[], line: string): void {
  const [k, ...rest] = line.split(/\s+/);
  switch (k) {
    case 'probe':
      if (rest[0] !== undefined) out.probes[rest[0]] = rest.slice(1).join(' ');
      break;
    case 'init':
      if (rest[0] === 'folios') out.init = parseFolioLine(rest.slice(1));
      else if (rest[0] === 'cached') out.cachedPages = Number.parseInt(rest[1] ?? '0', 10);
      break;
    case 'ok':
      if (rest[0] === 'read') pushResult(out, trace, { kind: 'read', cells: nums(rest.slice(1)) });
      else pushResult(out, trace, { kind: 'ok', bytes: Number.parseInt(rest[0] ?? '0', 10) });
      break;
    case 'err':
      pushResult(out, trace, { kind: 'err', errno: rest[0] ?? 'EUNKNOWN' });
      break;
    case 'skip':
      pushResult(out, trace, { kind: 'skip', reason: rest[0] ?? '' });
      break;
    case 'after': {
      const last = out.steps[out.steps.length - 1];
      if (last && rest[0] === 'folios')
        out.steps[out.steps.length - 1] = { ...last, after: parseFolioLine(rest.slice(1)) };
      break;
    }
    case 'folios':
      out.finalFolios = parseFolioLine(rest);
      break;
    case 'size':
      out.size = Number.parseInt(rest[0] ?? '0', 10);
      break;
    case 'file':
      out.file = nums(rest);
      break;
    case 'pipe':
      out.pipeBytes = [0, 1, 2].map((i) => Number.parseInt(rest[i] ?? '0', 10)) as [number, number, number];
      break;
    case 'unlinked':
      out.unlinked = true;
      break;
    case 'done':
      out.done = true;
      break;
    default:
      break;
  }
}

/** Read the helper's output lines; throws when they do not fit `trace`. */
function readOutput(lines: readonly string[], trace: readonly Step[]): HelperOutput {
  const out: HelperOutput = {
    probes: {},
    steps: [],
    init: { folios: null, dirty: null },
    cachedPages: 0,
    finalFolios: { folios: null, dirty: null },
    size: 0,
    file: [],
    pipeBytes: [0, 0, 0],
    done: false,
    unlinked: false,
  };
  for (const line of lines) readLine(out, trace, line);
  return out;
}

/** A complete run's result, from what the helper printed. */
function runOk(out: HelperOutput, r: { readonly elapsedMs: number; readonly stdout: string }): KernelRunOk {
  const { probes, init, cachedPages, steps, finalFolios, size, file, pipeBytes, unlinked } = out;
  const fsType = (probes['fs'] ?? 'unknown').split(' ')[0] ?? 'unknown';
  return {
    status: 'ok',
    fsType,
    slots: Number.parseInt(probes['slots'] ?? '0', 10),
    init: { ...init, cachedPages },
    uncachedUnachievable: probes['uncached-unachievable'] !== undefined,
    steps,
    final: { ...finalFolios, size, file, pipeBytes, unlinked },
    probes,
    elapsedMs: r.elapsedMs,
    raw: r.stdout,
  };
}

/** How the helper ended: its exit status (null if a signal ended it) and that signal. */
export interface HelperExit {
  readonly code: number | null;
  readonly signal?: NodeJS.Signals | string | null;
  /** Its stderr, kept with a failure. */
  readonly stderr?: string;
  /** How long the run took (reported as the result's elapsedMs). */
  readonly elapsedMs?: number;
}

/**
 * A finished helper run from what it printed and how it exited: the same
 * parse wherever the helper ran (this machine, a VM). Pure.
 */
export function parseHelperRun(stdout: string, exit: HelperExit, input: KernelTraceInput): KernelRunResult {
  const stderr = exit.stderr ?? '';
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  const failed = exitFailure(lines, exit, stdout, stderr);
  if (failed) return failed;
  let out: HelperOutput;
  try {
    out = readOutput(lines, input.steps);
  } catch (e) {
    return { status: 'error', message: e instanceof Error ? e.message : String(e), raw: stdout, stderr };
  }
  if (!out.done || out.steps.length !== input.steps.length) {
    return { status: 'error', message: 'oracle helper output incomplete', raw: stdout, stderr };
  }
  return runOk(out, { elapsedMs: exit.elapsedMs ?? 0, stdout });
}

/** Run a trace on the live kernel. Never rejects for kernel-side failures; rejects (RangeError) on malformed input. */
export async function runOnKernel(input: KernelTraceInput, opts: RunOptions = {}): Promise<KernelRunResult> {
  const stdin = encodeTrace(input);
  const avail = oracleAvailable(opts.binary !== undefined ? { binary: opts.binary } : {});
  if (!avail.ok) return { status: 'unavailable', message: avail.reason };
  const dir = resolveFs(opts.fs);
  if (!existsSync(dir)) return { status: 'error', message: `--fs directory ${dir} does not exist` };
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const r = await runHelper(avail.binary, ['--fs', dir], stdin, timeoutMs);
  return spawnFailure(r, avail.binary, timeoutMs) ?? parseHelperRun(r.stdout, r, input);
}

/** Report the folio behaviour of the file system holding `dir`. */
export async function probeFs(dir?: string, opts: Omit<RunOptions, 'fs'> = {}): Promise<FsProbeResult> {
  const avail = oracleAvailable(opts.binary !== undefined ? { binary: opts.binary } : {});
  if (!avail.ok) return { status: 'unavailable', message: avail.reason };
  const d = resolveFs(dir);
  if (!existsSync(d)) return { status: 'error', message: `directory ${d} does not exist` };
  const r = await runHelper(avail.binary, ['--probe', '--fs', d], '', opts.timeoutMs ?? 10_000);
  if (r.spawnError) return { status: 'unavailable', message: `cannot run ${avail.binary}: ${r.spawnError.message}` };
  if (r.timedOut) return { status: 'timeout', message: 'oracle probe timed out', raw: r.stdout, stderr: r.stderr };
  return parseProbe(r.stdout, r);
}

/** A finished `--probe` run from what it printed and how it exited (pure; see parseHelperRun). */
export function parseProbe(stdout: string, exit: HelperExit): FsProbeResult {
  if (exit.code !== 0) {
    const errLine = stdout.split('\n').find((l) => l.startsWith('error '));
    return {
      status: 'error',
      message: errLine ? errLine.slice(6) : `exit ${exit.code ?? exit.signal}`,
      raw: stdout,
      stderr: exit.stderr ?? '',
    };
  }
  const probes = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'probe' && t[1] !== undefined) probes.set(t[1], t.slice(2));
  }
  const fs = probes.get('fs') ?? ['unknown', '0'];
  const mx = Number.parseInt(probes.get('max-folio-pages')?.[0] ?? '-1', 10);
  const w4 = probes.get('write-4-pages');
  const w4f = w4 && w4[0] === 'folios' ? parseFolioLine(w4.slice(1)).folios : null;
  const pipeSlots: Record<number, number> = {};
  for (const pair of probes.get('pipe-slots') ?? []) {
    const [a, b] = pair.split(':');
    if (a !== undefined && b !== undefined) pipeSlots[Number.parseInt(a, 10)] = Number.parseInt(b, 10);
  }
  return {
    status: 'ok',
    fsType: fs[0] ?? 'unknown',
    magic: fs[1] ?? '0',
    largeFolios: mx < 0 ? null : mx > 1,
    maxFolioPages: mx < 0 ? null : mx,
    write4Folios: w4f,
    evictable: probes.get('evictable')?.[0] === '1',
    blockSize: probes.has('block-size') ? Number.parseInt(probes.get('block-size')?.[0] ?? '', 10) : null,
    pipeSlots,
    raw: stdout,
  };
}
