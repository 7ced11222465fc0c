/**
 * From system calls to scenario steps, pure: the calls of a traced program on
 * ONE regular file ("the file") and its pipes become the model's steps, with
 * byte offsets and lengths turned into cells (a page is 4096 bytes and has
 * `cells` cells). Each call has exactly one outcome:
 *
 * - steps: it is expressed as one or more steps (a write at the fd's
 *   position, a splice at its offset, a punch, a read of the pipe, ...);
 * - none: it is on the file or a pipe but changes nothing the model holds
 *   (open, close, dup, lseek, fstat);
 * - not mapped: it is on the file or a pipe and the model cannot express it,
 *   with the reason ("offset 100 is not a multiple of the cell size 2048");
 * - failed: it is on the file or a pipe and returned an error (it did nothing);
 * - ignored: it names neither the file nor a pipe nor a socket (the dynamic
 *   loader's libraries, stdout, anonymous memory), by design.
 *
 * Which file is "the file": `--file PATH`, else the regular file data is
 * spliced (or sent with sendfile) from, else the first regular file opened
 * for writing that is then written. The first data pipe is the model's pipe
 * 0, a tee's target pipe 1. Values: the first byte of each write, mapped in
 * order of first appearance to 1..V (a zero byte stays 0, as a hole reads).
 * Stores through a shared mapping of the file cannot be seen by strace: such
 * an mmap is listed as not mapped.
 */
import { BOUND_LIMITS } from '../model/bounds.js';
import type { Step } from '../model/step.js';
import { fdArgIndices, resolveFds, succeeded, type Description, type ResolvedCall } from './fds.js';
import { flagNames, numberArg, pathArg, stringArg, type Arg, type CallRecord } from './parse.js';
import { drainPipe, EMPTY_PIPE, fillPipe, oldestSlots, pipeCells, slotsOfRange, type PipeFill } from './pipes.js';

export const PAGE_SIZE = 4096;
const MAX_PAGES = BOUND_LIMITS.pages.max;
const MAX_FILE_BYTES = MAX_PAGES * PAGE_SIZE;
const MAX_DEPTH = BOUND_LIMITS.depth.max;
const MAX_VALUES = BOUND_LIMITS.values.max;
const MAX_USER_PAGES = BOUND_LIMITS.userPages.max;
const MAX_SLOTS = BOUND_LIMITS.slots.max;

export interface MapOptions {
  /** Cells per page: 1, 2, 4 or 8. */
  readonly cells: number;
  /** The file to model (`--file`); default: the file data is spliced from. */
  readonly file?: string | undefined;
}

export interface MappedStep {
  readonly line: number;
  readonly pid: number | undefined;
  readonly step: Step;
}

export interface NotMapped {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

/** What the log says about the file before the first step. */
export type InitialFile =
  | { readonly kind: 'created-empty'; readonly line: number }
  /** The size a stat showed; its contents are unknown, so they get a value of their own. */
  | { readonly kind: 'existing'; readonly bytes: number; readonly line: number; readonly value: number }
  | { readonly kind: 'unknown' };

/** A value of the scenario and the data it stands for. */
export interface ValueLegend {
  readonly value: number;
  /** The first byte of the data, or undefined for the file's contents before the log. */
  readonly byte: number | undefined;
}

export type Outcome =
  | { readonly kind: 'steps'; readonly steps: readonly Step[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'not-mapped'; readonly reason: string }
  | { readonly kind: 'failed' }
  | { readonly kind: 'ignored' };

export interface OutcomeCounts {
  readonly mapped: number;
  readonly none: number;
  readonly notMapped: number;
  readonly failed: number;
  readonly ignored: number;
}

export interface StraceMapping {
  /** The file and the line it is first opened on; undefined when the log has none. */
  readonly file: { readonly path: string; readonly line: number } | undefined;
  readonly cells: number;
  readonly steps: readonly MappedStep[];
  readonly notMapped: readonly NotMapped[];
  readonly counts: OutcomeCounts;
  readonly initial: InitialFile;
  readonly values: readonly ValueLegend[];
  /** The value of each user page (one per vmsplice'd iovec). */
  readonly userPages: readonly number[];
  /** Pages of the file the steps touch (at least 1). */
  readonly pages: number;
  /** Slots the pipes need (bounds.slots). */
  readonly slots: number;
  /** Things the scenario cannot say that the user should know. */
  readonly notes: readonly string[];
}

/** The mapper's running state (local to one `mapStrace` call). */
interface Mapper {
  readonly cells: number;
  readonly cellBytes: number;
  readonly file: string | undefined;
  steps: number;
  initial: InitialFile;
  /** The file's size in bytes as far as the log shows. */
  size: number;
  /** The largest byte end of the file any step reaches. */
  fileEnd: number;
  readonly positions: Map<number, number>;
  readonly legend: Map<number, number>;
  readonly values: ValueLegend[];
  /** Log pipe -> model pipe (0: the main pipe, 1: the tee target). */
  readonly modelPipes: Map<number, 0 | 1>;
  readonly pipes: [PipeFill, PipeFill];
  readonly userPages: number[];
  /** Shared writable mappings of the file: [start, end) addresses. */
  readonly mappings: { start: number; end: number }[];
}

const notMapped = (reason: string): Outcome => ({ kind: 'not-mapped', reason });
const NONE: Outcome = { kind: 'none' };
const IGNORED: Outcome = { kind: 'ignored' };

/** `"/tmp/x"` and `x` name the same file when one ends with the other's path components. */
export function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return !short.startsWith('/') && long.endsWith(`/${short}`);
}

function isRegularPath(d: Description): d is Extract<Description, { kind: 'path' }> {
  return d.kind === 'path' && !/^\/(proc\/|sys\/|dev\/(?!shm\/))/.test(d.path) && !d.flags.includes('O_DIRECTORY');
}

const WRITABLE = (flags: readonly string[]) => flags.includes('O_RDWR') || flags.includes('O_WRONLY');
const FILE_WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2', 'ftruncate', 'fallocate']);

/**
 * The file the scenario models: `wanted` if given (as the log spells it),
 * else the regular file spliced or sent from, else the first opened for
 * writing and then written.
 */
function chooseFile(calls: readonly ResolvedCall[], wanted?: string): { path: string; line: number } | undefined {
  const opened = calls.flatMap((c) => c.opened.filter(isRegularPath));
  const firstOpen = (path: string) => opened.find((d) => samePath(d.path, path));
  const pick = (path: string) => ({ path, line: firstOpen(path)?.line ?? 0 });
  if (wanted !== undefined) {
    const d = firstOpen(wanted);
    return d ? { path: d.path, line: d.line } : undefined;
  }
  for (const { call, fds } of calls) {
    const [inIdx, outIdx] = call.name === 'sendfile' ? [1, 0] : [0, 2];
    if ((call.name !== 'splice' && call.name !== 'sendfile') || !succeeded(call)) continue;
    const from = fds.get(inIdx);
    if (from && isRegularPath(from) && fds.get(outIdx)?.kind === 'pipe') return pick(from.path);
  }
  for (const { call, fds } of calls) {
    const d = fds.get(0);
    if (FILE_WRITES.has(call.name) && succeeded(call) && d && isRegularPath(d) && WRITABLE(d.flags)) {
      return pick(d.path);
    }
  }
  return undefined;
}

type PathDescription = Extract<Description, { kind: 'path' }>;

/** `d` if it is an open description of the file. */
function theFile(m: Mapper, d: Description | undefined): PathDescription | undefined {
  return d !== undefined && d.kind === 'path' && m.file !== undefined && samePath(d.path, m.file) ? d : undefined;
}

/** Whether `d` is an open description of the file. */
function isFile(m: Mapper, d: Description | undefined): boolean {
  return theFile(m, d) !== undefined;
}

/** Bytes -> cells, or why not. */
function cellsOf(m: Mapper, bytes: number, what: string): number | string {
  return bytes % m.cellBytes === 0
    ? bytes / m.cellBytes
    : `${what} ${bytes} is not a multiple of the cell size ${m.cellBytes}`;
}

/** Why the byte range [off, off + len) cannot be a range of the model's file, or undefined. */
function rangeProblem(m: Mapper, off: number, len: number): string | undefined {
  const o = cellsOf(m, off, 'offset');
  if (typeof o === 'string') return o;
  const l = cellsOf(m, len, 'length');
  if (typeof l === 'string') return l;
  if (off + len > MAX_FILE_BYTES) {
    return `reaches byte ${off + len}, past the ${MAX_PAGES} pages (${MAX_FILE_BYTES} bytes) the model's file can have`;
  }
  return undefined;
}

/** Why `n` more steps do not fit, or undefined. */
function depthProblem(m: Mapper, n: number): string | undefined {
  return m.steps + n > MAX_DEPTH ? `past the ${MAX_DEPTH} steps the model explores (bounds.depth)` : undefined;
}

/** The value of data starting with `bytes` (0 for a zero byte), allocating the next one; undefined past 15. */
function valueOf(m: Mapper, bytes: readonly number[] | undefined): number | undefined {
  const first = bytes?.[0];
  if (first === undefined) return undefined;
  if (first === 0) return 0;
  const known = m.legend.get(first);
  if (known !== undefined) return known;
  if (m.values.length >= MAX_VALUES) return undefined;
  const value = m.values.length + 1;
  m.legend.set(first, value);
  m.values.push({ value, byte: first });
  return value;
}

/** Why pieces of data starting with `data` cannot all get values (checked before any is allocated), or undefined. */
function valueProblem(m: Mapper, ...data: (readonly number[] | undefined)[]): string | undefined {
  const firsts = data.map((bytes) => bytes?.[0]);
  if (firsts.includes(undefined)) return 'strace shows none of the data written (was it run with -s 0?)';
  const fresh = [...new Set(firsts)].filter((b): b is number => b !== undefined && b !== 0 && !m.legend.has(b));
  if (m.values.length + fresh.length <= MAX_VALUES) return undefined;
  const byte = fresh[MAX_VALUES - m.values.length]!;
  const nth = `a ${MAX_VALUES + 1}th distinct value`;
  return `data starting with byte ${byte} would be ${nth}; the model has at most ${MAX_VALUES}`;
}

function position(m: Mapper, d: Description): number {
  return m.positions.get(d.id) ?? 0;
}

function advance(m: Mapper, d: Description, n: number): void {
  m.positions.set(d.id, position(m, d) + n);
}

/** The offset an `[off]` argument gives, or the fd's position for NULL (which the call then advances). */
function offsetArg(m: Mapper, a: Arg | undefined, d: Description, ret: number): number {
  if (a?.kind === 'array') return numberArg(a.items[0]) ?? 0;
  const pos = position(m, d);
  advance(m, d, ret);
  return pos;
}

/** The model pipe of a log pipe, assigning the next free one when `assign` names it. */
function modelPipe(m: Mapper, d: PipeDescription, assign?: 0 | 1): 0 | 1 | undefined {
  if (d.kind !== 'pipe') return undefined;
  const known = m.modelPipes.get(d.pipe);
  if (known !== undefined || assign === undefined) return known;
  if ([...m.modelPipes.values()].includes(assign)) return undefined;
  m.modelPipes.set(d.pipe, assign);
  return assign;
}

type PipeDescription = Extract<Description, { kind: 'pipe' }>;

/** Why data cannot enter log pipe `d` as the model's pipe 0, or undefined (then it is pipe 0). */
function intoMainPipe(m: Mapper, d: PipeDescription): string | undefined {
  const known = m.modelPipes.get(d.pipe);
  if (known === 1) return "data enters the second pipe (a tee's target); the model fills only the first";
  if (known === 0) return undefined;
  return [...m.modelPipes.values()].includes(0)
    ? 'a third pipe; the model has two (the main pipe, a tee target)'
    : undefined;
}

function fileStepEnd(m: Mapper, end: number): void {
  m.fileEnd = Math.max(m.fileEnd, end);
}

function steps(m: Mapper, s: Step[]): Outcome {
  m.steps += s.length;
  return { kind: 'steps', steps: s };
}

// ---- writes and reads

/** The data and byte ranges of a write call: one piece per iovec. */
function writePieces(call: CallRecord): Iovec[] {
  const ret = call.result.value ?? 0;
  if (call.name === 'write' || call.name === 'pwrite64') return [{ bytes: stringArg(call.args[1]), len: ret }];
  const iov = call.args[1];
  if (iov?.kind !== 'array') return [{ bytes: undefined, len: ret }];
  const pieces: Iovec[] = [];
  let left = ret;
  for (const item of iov.items) {
    if (left <= 0 || item.kind !== 'struct') break;
    const len = Math.min(left, numberArg(item.fields.iov_len) ?? 0);
    pieces.push({ bytes: stringArg(item.fields.iov_base), len });
    left -= len;
  }
  return pieces;
}

const POSITIONED_WRITES = new Set(['pwrite64', 'pwritev', 'pwritev2']);

function mapFileWrite(m: Mapper, call: CallRecord, d: PathDescription): Outcome {
  const ret = call.result.value ?? 0;
  const positioned = POSITIONED_WRITES.has(call.name);
  const start = positioned ? (numberArg(call.args[3]) ?? 0) : d.flags.includes('O_APPEND') ? m.size : position(m, d);
  if (!positioned) m.positions.set(d.id, start + ret);
  m.size = Math.max(m.size, start + ret);
  if (ret === 0) return NONE;
  const pieces = writePieces(call).filter((p) => p.len > 0);
  let off = start;
  for (const p of pieces) {
    const problem = rangeProblem(m, off, p.len);
    if (problem) return notMapped(problem);
    off += p.len;
  }
  const problem = valueProblem(m, ...pieces.map((p) => p.bytes)) ?? depthProblem(m, pieces.length);
  if (problem) return notMapped(problem);
  off = start;
  const out: Step[] = pieces.map((p) => {
    const step: Step = { op: 'write', off: off / m.cellBytes, len: p.len / m.cellBytes, value: valueOf(m, p.bytes)! };
    off += p.len;
    return step;
  });
  fileStepEnd(m, start + ret);
  return steps(m, out);
}

function mapPipeWrite(m: Mapper, call: CallRecord, d: PipeDescription): Outcome {
  const ret = call.result.value ?? 0;
  if (ret === 0) return NONE;
  const problem = intoMainPipe(m, d) ?? pipeLengthProblem(m, ret);
  if (problem) return notMapped(problem);
  const pieces = writePieces(call);
  if (pieces.length !== 1) return notMapped('a write of several iovecs into a pipe is not mapped');
  const valueIssue = valueProblem(m, pieces[0]!.bytes);
  if (valueIssue) return notMapped(valueIssue);
  const chunks = slotsOfRange(0, ret / m.cellBytes, m.cells);
  const deep = depthProblem(m, chunks.length);
  if (deep) return notMapped(deep);
  modelPipe(m, d, 0);
  const value = valueOf(m, pieces[0]!.bytes)!;
  m.pipes[0] = fillPipe(m.pipes[0], chunks);
  return steps(
    m,
    chunks.map((len) => ({ op: 'pipe-write', len, value })),
  );
}

/** Why `bytes` of pipe data is not a whole number of cells, or undefined. */
function pipeLengthProblem(m: Mapper, bytes: number): string | undefined {
  const cells = cellsOf(m, bytes, 'length');
  if (typeof cells === 'string') return cells;
  if (cells > MAX_SLOTS * m.cells)
    return `moves ${bytes} bytes at once; the model's pipe holds at most ${MAX_SLOTS} pages`;
  return undefined;
}

/** A reader takes `bytes` out of log pipe `d`: a pipe-read step. */
function mapPipeRead(m: Mapper, bytes: number, d: PipeDescription): Outcome {
  if (bytes === 0) return NONE;
  const problem = pipeLengthProblem(m, bytes);
  if (problem) return notMapped(problem);
  const pipe = modelPipe(m, d);
  const len = bytes / m.cellBytes;
  const held = pipe === undefined ? 0 : pipeCells(m.pipes[pipe]);
  if (pipe === undefined || held < len) {
    return notMapped(
      `reads ${len} cells, but only ${held} entered the pipe in mapped steps (the rest came in calls not mapped)`,
    );
  }
  const deep = depthProblem(m, 1);
  if (deep) return notMapped(deep);
  m.pipes[pipe] = drainPipe(m.pipes[pipe], len);
  return steps(m, [pipe === 0 ? { op: 'pipe-read', len } : { op: 'pipe-read', len, pipe: 1 }]);
}

function mapWrite(m: Mapper, rc: ResolvedCall): Outcome {
  const d = rc.fds.get(0);
  const file = theFile(m, d);
  if (file) return mapFileWrite(m, rc.call, file);
  if (d?.kind === 'pipe') return mapPipeWrite(m, rc.call, d);
  return IGNORED;
}

const POSITIONED_READS = new Set(['pread64', 'preadv', 'preadv2']);

function mapRead(m: Mapper, rc: ResolvedCall): Outcome {
  const d = rc.fds.get(0);
  const ret = rc.call.result.value ?? 0;
  const file = theFile(m, d);
  if (file) {
    if (!POSITIONED_READS.has(rc.call.name)) advance(m, file, ret);
    return ret === 0 ? NONE : notMapped('the model has no read of the file (a read would only fill the page cache)');
  }
  if (d?.kind === 'pipe') return mapPipeRead(m, ret, d);
  return IGNORED;
}

// ---- splice, tee, vmsplice, sendfile

/** The file's bytes [off, off + len) enter log pipe `out` as model pipe 0: a splice step. */
function spliceFromFile(m: Mapper, off: number, len: number, out: PipeDescription, move: boolean): Outcome {
  if (len === 0) return NONE;
  const problem = intoMainPipe(m, out) ?? rangeProblem(m, off, len) ?? depthProblem(m, 1);
  if (problem) return notMapped(problem);
  modelPipe(m, out, 0);
  const cellOff = off / m.cellBytes;
  const cellLen = len / m.cellBytes;
  m.pipes[0] = fillPipe(m.pipes[0], slotsOfRange(cellOff, cellLen, m.cells));
  fileStepEnd(m, off + len);
  return steps(m, [
    move ? { op: 'splice', off: cellOff, len: cellLen, move: true } : { op: 'splice', off: cellOff, len: cellLen },
  ]);
}

function mapSplice(m: Mapper, rc: ResolvedCall): Outcome {
  const { call, fds } = rc;
  const from = fds.get(0);
  const to = fds.get(2);
  const ret = call.result.value ?? 0;
  const file = theFile(m, from);
  if (file) {
    const off = offsetArg(m, call.args[1], file, ret);
    if (to?.kind !== 'pipe') return notMapped('splice from the file to something other than a pipe');
    return spliceFromFile(m, off, ret, to, flagNames(call.args[5]).includes('SPLICE_F_MOVE'));
  }
  if (from?.kind === 'pipe') {
    const into = theFile(m, to);
    if (into) {
      offsetArg(m, call.args[3], into, ret);
      return notMapped('splice from a pipe into the file is not in the model');
    }
    if (to?.kind === 'pipe') return notMapped('splice from a pipe into a pipe is not in the model');
    return mapPipeRead(m, ret, from);
  }
  if (to?.kind === 'pipe') {
    const source = from?.kind === 'path' ? `another file (${from.path})` : 'a socket or another fd';
    return notMapped(`data from ${source} enters the pipe; the model has one file and strace shows no contents`);
  }
  return IGNORED;
}

function mapSendfile(m: Mapper, rc: ResolvedCall): Outcome {
  const { call, fds } = rc;
  const to = fds.get(0);
  const from = fds.get(1);
  const ret = call.result.value ?? 0;
  const file = theFile(m, from);
  if (file) {
    const off = offsetArg(m, call.args[2], file, ret);
    if (to?.kind === 'pipe') return spliceFromFile(m, off, ret, to, false);
    return notMapped('sendfile from the file to a socket or a file is not in the model (no pipe in between)');
  }
  if (to?.kind === 'pipe' || from?.kind === 'pipe' || isFile(m, to))
    return notMapped('this sendfile is not in the model');
  return IGNORED;
}

function mapTee(m: Mapper, rc: ResolvedCall): Outcome {
  const from = rc.fds.get(0);
  const to = rc.fds.get(1);
  if (from?.kind !== 'pipe' || to?.kind !== 'pipe') return IGNORED;
  const ret = rc.call.result.value ?? 0;
  if (ret === 0) return NONE;
  const problem = pipeLengthProblem(m, ret) ?? depthProblem(m, 1);
  if (problem) return notMapped(problem);
  const len = ret / m.cellBytes;
  if (modelPipe(m, from) !== 0) return notMapped('tee from a pipe that no mapped step filled');
  if (modelPipe(m, to, 1) !== 1)
    return notMapped('tee into a pipe other than the second one; the model tees pipe 0 -> 1');
  if (pipeCells(m.pipes[0]) < len) return notMapped(`tees ${len} cells, more than the mapped steps put in the pipe`);
  m.pipes[1] = fillPipe(m.pipes[1], oldestSlots(m.pipes[0], len));
  return steps(m, [{ op: 'tee', len }]);
}

/** The iovecs of a vmsplice: each one whole user page. */
function vmspliceIovs(call: CallRecord): Iovec[] {
  const iov = call.args[1];
  if (iov?.kind !== 'array') return [];
  return iov.items
    .filter((i): i is Extract<Arg, { kind: 'struct' }> => i.kind === 'struct')
    .map((i) => ({ bytes: stringArg(i.fields.iov_base), len: numberArg(i.fields.iov_len) ?? 0 }));
}

type Iovec = { readonly bytes: readonly number[] | undefined; readonly len: number };

/** Why a vmsplice of `iovs` into log pipe `d` that returned `ret` cannot be steps, or undefined. */
function vmspliceProblem(m: Mapper, d: PipeDescription, iovs: readonly Iovec[], ret: number): string | undefined {
  const total = iovs.reduce((a, i) => a + i.len, 0);
  if (iovs.some((i) => i.len !== PAGE_SIZE)) {
    return `vmsplices iovecs of ${iovs.map((i) => i.len).join(', ')} bytes; the model vmsplices whole pages`;
  }
  if (ret !== total) return `vmsplices ${ret} of ${total} bytes; the model vmsplices whole pages`;
  if (m.userPages.length + iovs.length > MAX_USER_PAGES)
    return `needs more than the model's ${MAX_USER_PAGES} user pages`;
  return intoMainPipe(m, d) ?? valueProblem(m, ...iovs.map((i) => i.bytes)) ?? depthProblem(m, iovs.length);
}

/** vmsplice into a pipe: one user page per iovec, holding its data; from a pipe's read end: a read. */
function mapVmsplice(m: Mapper, rc: ResolvedCall): Outcome {
  const d = rc.fds.get(0);
  if (d?.kind !== 'pipe') return IGNORED;
  const ret = rc.call.result.value ?? 0;
  if (d.end === 'read') return mapPipeRead(m, ret, d);
  const iovs = vmspliceIovs(rc.call);
  const problem = vmspliceProblem(m, d, iovs, ret);
  if (problem) return notMapped(problem);
  modelPipe(m, d, 0);
  const gift = flagNames(rc.call.args[3]).includes('SPLICE_F_GIFT');
  const out: Step[] = iovs.map((i) => {
    m.userPages.push(valueOf(m, i.bytes)!);
    m.pipes[0] = fillPipe(m.pipes[0], [m.cells]);
    const page = m.userPages.length - 1;
    return gift ? { op: 'vmsplice', page, gift: true } : { op: 'vmsplice', page };
  });
  return steps(m, out);
}

// ---- the file's size and blocks

function mapTruncate(m: Mapper, bytes: number | undefined): Outcome {
  if (bytes === undefined) return notMapped('the length cannot be read');
  const size = cellsOf(m, bytes, 'size');
  if (typeof size === 'string') return notMapped(size);
  const problem = bytes > MAX_FILE_BYTES ? `size ${bytes} is past the model's ${MAX_PAGES} pages` : depthProblem(m, 1);
  if (problem) return notMapped(problem);
  m.size = bytes;
  fileStepEnd(m, bytes);
  return steps(m, [{ op: 'truncate', size }]);
}

function mapFtruncate(m: Mapper, rc: ResolvedCall): Outcome {
  return isFile(m, rc.fds.get(0)) ? mapTruncate(m, numberArg(rc.call.args[1])) : IGNORED;
}

function mapFallocate(m: Mapper, rc: ResolvedCall): Outcome {
  if (!isFile(m, rc.fds.get(0))) return IGNORED;
  const mode = flagNames(rc.call.args[1]);
  const off = numberArg(rc.call.args[2]) ?? 0;
  const len = numberArg(rc.call.args[3]) ?? 0;
  if (!mode.includes('FALLOC_FL_PUNCH_HOLE')) {
    const name = mode.length > 0 ? mode.join('|') : `mode ${numberArg(rc.call.args[1]) ?? '?'}`;
    return notMapped(`fallocate ${name} is not in the model (only PUNCH_HOLE|KEEP_SIZE is)`);
  }
  // A punch past the end of the largest file punches nothing there: its end is cut at MAX_FILE_BYTES.
  const end = Math.min(off + len, MAX_FILE_BYTES);
  if (off >= MAX_FILE_BYTES) return NONE;
  const problem = rangeProblem(m, off, end - off) ?? depthProblem(m, 1);
  if (problem) return notMapped(problem);
  return steps(m, [{ op: 'fallocate-punch', off: off / m.cellBytes, len: (end - off) / m.cellBytes }]);
}

/** The pages wholly or partly in [off, off + len) of a file of `size` bytes (len 0: to the end). */
function pagesOf(off: number, len: number, size: number, whole: boolean): number[] {
  const end = Math.min(len === 0 ? size : off + len, size, MAX_FILE_BYTES);
  const first = whole ? Math.ceil(off / PAGE_SIZE) : Math.floor(off / PAGE_SIZE);
  const last = whole ? Math.floor(end / PAGE_SIZE) : Math.ceil(end / PAGE_SIZE);
  return Array.from({ length: Math.max(0, last - first) }, (_, i) => first + i);
}

/** One step per page: writeback or evict. */
function pageSteps(m: Mapper, op: 'writeback' | 'evict', pages: readonly number[]): Outcome {
  if (pages.length === 0) return NONE;
  const deep = depthProblem(m, pages.length);
  if (deep) return notMapped(deep);
  fileStepEnd(m, (pages[pages.length - 1]! + 1) * PAGE_SIZE);
  return steps(
    m,
    pages.map((page) => ({ op, page })),
  );
}

function mapSync(m: Mapper, rc: ResolvedCall): Outcome {
  if (!isFile(m, rc.fds.get(0))) return IGNORED;
  const { name, args } = rc.call;
  if (name !== 'sync_file_range') return pageSteps(m, 'writeback', pagesOf(0, 0, m.size, false));
  if (!flagNames(args[3]).includes('SYNC_FILE_RANGE_WRITE')) return NONE;
  return pageSteps(m, 'writeback', pagesOf(numberArg(args[1]) ?? 0, numberArg(args[2]) ?? 0, m.size, false));
}

const NO_EFFECT_ADVICE = new Set([
  'POSIX_FADV_NORMAL',
  'POSIX_FADV_RANDOM',
  'POSIX_FADV_SEQUENTIAL',
  'POSIX_FADV_NOREUSE',
]);

function mapFadvise(m: Mapper, rc: ResolvedCall): Outcome {
  if (!isFile(m, rc.fds.get(0))) return IGNORED;
  const advice = flagNames(rc.call.args[3])[0] ?? '';
  if (advice === 'POSIX_FADV_DONTNEED') {
    const [off, len] = [numberArg(rc.call.args[1]) ?? 0, numberArg(rc.call.args[2]) ?? 0];
    return pageSteps(m, 'evict', pagesOf(off, len, m.size, true));
  }
  return NO_EFFECT_ADVICE.has(advice) ? NONE : notMapped(`posix_fadvise(${advice}) is not in the model`);
}

// ---- mappings

function overlapsMapping(m: Mapper, addr: number | undefined, len: number | undefined): boolean {
  if (addr === undefined) return false;
  const end = addr + (len ?? 0);
  return m.mappings.some((r) => addr < r.end && end > r.start);
}

function mapMmap(m: Mapper, rc: ResolvedCall): Outcome {
  if (!isFile(m, rc.fds.get(4))) return IGNORED;
  const prot = flagNames(rc.call.args[2]);
  const shared = flagNames(rc.call.args[3]).some((f) => f === 'MAP_SHARED' || f === 'MAP_SHARED_VALIDATE');
  if (!shared || !prot.includes('PROT_WRITE')) return NONE;
  const start = rc.call.result.value ?? 0;
  m.mappings.push({ start, end: start + (numberArg(rc.call.args[1]) ?? 0) });
  return notMapped('stores through a shared mapping of the file are invisible to strace (no mmap-store steps)');
}

function mapMunmap(m: Mapper, rc: ResolvedCall): Outcome {
  const [addr, len] = [numberArg(rc.call.args[0]), numberArg(rc.call.args[1])];
  return overlapsMapping(m, addr, len) ? NONE : IGNORED;
}

function mapMadvise(m: Mapper, rc: ResolvedCall): Outcome {
  const [addr, len] = [numberArg(rc.call.args[0]), numberArg(rc.call.args[1])];
  if (!overlapsMapping(m, addr, len)) return IGNORED;
  return notMapped(`madvise(${flagNames(rc.call.args[2]).join('|')}) of a mapping of the file is not in the model`);
}

// ---- opening, stat, bookkeeping

function mapOpen(m: Mapper, rc: ResolvedCall): Outcome {
  const d = theFile(m, rc.opened[0]);
  if (!d) return IGNORED;
  const truncates = d.flags.includes('O_TRUNC') && WRITABLE(d.flags);
  const fresh = d.flags.includes('O_CREAT') && d.flags.includes('O_EXCL');
  if (m.steps === 0 && m.initial.kind === 'unknown' && (truncates || fresh)) {
    m.initial = { kind: 'created-empty', line: rc.call.line };
    m.size = 0;
    return NONE;
  }
  return truncates && m.size > 0 ? mapTruncate(m, 0) : NONE;
}

/** The size an fstat/stat/statx result shows, if any. */
function statSize(call: CallRecord): number | undefined {
  for (const a of call.args) {
    if (a.kind === 'struct') return numberArg(a.fields.st_size) ?? numberArg(a.fields.stx_size);
  }
  return undefined;
}

/** A stat of the file before the first step tells its size (the model holds at most MAX_FILE_BYTES of it). */
function mapStat(m: Mapper, call: CallRecord): Outcome {
  const size = statSize(call);
  if (m.steps > 0 || m.initial.kind !== 'unknown' || size === undefined) return NONE;
  const bytes = Math.min(size, MAX_FILE_BYTES);
  const value = bytes > 0 ? m.values.length + 1 : 0;
  if (bytes > 0) m.values.push({ value, byte: undefined });
  m.initial = { kind: 'existing', bytes, line: call.line, value };
  m.size = bytes;
  fileStepEnd(m, bytes);
  return NONE;
}

function mapLseek(m: Mapper, rc: ResolvedCall): Outcome {
  const d = rc.fds.get(0);
  const file = theFile(m, d);
  if (!file) return d?.kind === 'pipe' ? NONE : IGNORED;
  m.positions.set(file.id, rc.call.result.value ?? 0);
  return NONE;
}

const PATH_ARG: Readonly<Record<string, number>> = {
  truncate: 0,
  stat: 0,
  lstat: 0,
  newfstatat: 1,
  statx: 1,
  access: 0,
  faccessat: 1,
  faccessat2: 1,
  unlink: 0,
  unlinkat: 1,
  rename: 0,
  renameat: 1,
  renameat2: 1,
  chmod: 0,
  fchmodat: 1,
  chown: 0,
  lchown: 0,
  fchownat: 1,
  utimensat: 1,
  readlink: 0,
  readlinkat: 1,
  getxattr: 0,
  lgetxattr: 0,
  setxattr: 0,
  lsetxattr: 0,
  listxattr: 0,
  removexattr: 0,
  statfs: 0,
};

/** Whether a call names the file by its path (stat, truncate, unlink, ...; open is told by its result). */
function namesFileByPath(m: Mapper, call: CallRecord): boolean {
  const index = PATH_ARG[call.name];
  const path = index === undefined ? undefined : pathArg(call.args[index]);
  return path !== undefined && path !== '' && m.file !== undefined && samePath(path, m.file);
}

/** A call on the file by its path: truncate is a step, stat tells the size, the rest change no data. */
function mapPathCall(m: Mapper, call: CallRecord): Outcome {
  if (call.name === 'truncate') return mapTruncate(m, numberArg(call.args[1]));
  return statSize(call) !== undefined ? mapStat(m, call) : NONE;
}

/** Calls on the file or a pipe that change nothing the model holds. */
const NO_EFFECT = new Set([
  'close',
  'dup',
  'dup2',
  'dup3',
  'fstat',
  'fstatfs',
  'flock',
  'fchmod',
  'fchown',
  'getdents64',
  'newfstatat',
  'statx',
  'fstatat64',
  'fchownat',
  'faccessat2',
]);

const NO_EFFECT_IOCTLS = new Set(['FIONREAD', 'TCGETS', 'FIOCLEX', 'FIONCLEX', 'FS_IOC_GETFLAGS']);

function mapFcntl(call: CallRecord, d: Description): Outcome {
  const cmd = flagNames(call.args[1])[0] ?? '';
  if (cmd === 'F_SETPIPE_SZ' && d.kind === 'pipe')
    return notMapped('pipe size changes are not in the model (bounds.slots)');
  return NONE;
}

type Handler = (m: Mapper, rc: ResolvedCall) => Outcome;

const HANDLERS: Readonly<Record<string, Handler>> = {
  write: mapWrite,
  pwrite64: mapWrite,
  writev: mapWrite,
  pwritev: mapWrite,
  pwritev2: mapWrite,
  read: mapRead,
  pread64: mapRead,
  readv: mapRead,
  preadv: mapRead,
  preadv2: mapRead,
  splice: mapSplice,
  sendfile: mapSendfile,
  tee: mapTee,
  vmsplice: mapVmsplice,
  ftruncate: mapFtruncate,
  fallocate: mapFallocate,
  fsync: mapSync,
  fdatasync: mapSync,
  sync_file_range: mapSync,
  fadvise64: mapFadvise,
  mmap: mapMmap,
  munmap: mapMunmap,
  madvise: mapMadvise,
  open: mapOpen,
  openat: mapOpen,
  openat2: mapOpen,
  creat: mapOpen,
  lseek: mapLseek,
  _llseek: mapLseek,
};

/** Whether a call names the file or a pipe (or a socket) through an fd, or the file through a path. */
function touchesModel(m: Mapper, rc: ResolvedCall): boolean {
  const named = [...rc.fds.values(), ...rc.opened];
  return named.some((d) => isFile(m, d) || d.kind === 'pipe' || d.kind === 'socket');
}

/** The outcome of a call nothing above handles: on the file or a pipe it is not mapped, unless it has no effect. */
function mapOther(m: Mapper, rc: ResolvedCall): Outcome {
  const { call, fds } = rc;
  const d = fds.get(0);
  if (call.name === 'fcntl' && d) return mapFcntl(call, d);
  if (call.name === 'ioctl') {
    const req = flagNames(call.args[1])[0] ?? '';
    return NO_EFFECT_IOCTLS.has(req) ? NONE : notMapped(`ioctl(${req}) on the file or a pipe is not in the model`);
  }
  if (statSize(call) !== undefined && isFile(m, d)) return mapStat(m, call);
  if (NO_EFFECT.has(call.name) || fdArgIndices(call).length === 0) return NONE;
  return notMapped(`${call.name} is not in the model`);
}

/** The outcome of one call. */
function outcomeOf(m: Mapper, rc: ResolvedCall): Outcome {
  const { call } = rc;
  const byPath = namesFileByPath(m, call);
  if (!succeeded(call)) return byPath || touchesModel(m, rc) ? { kind: 'failed' } : IGNORED;
  if (byPath) return mapPathCall(m, call);
  const handler = HANDLERS[call.name];
  if (handler) return handler(m, rc);
  return touchesModel(m, rc) ? mapOther(m, rc) : IGNORED;
}

function newMapper(opts: MapOptions, file: string | undefined): Mapper {
  return {
    cells: opts.cells,
    cellBytes: PAGE_SIZE / opts.cells,
    file,
    steps: 0,
    initial: { kind: 'unknown' },
    size: 0,
    fileEnd: 0,
    positions: new Map(),
    legend: new Map(),
    values: [],
    modelPipes: new Map(),
    pipes: [EMPTY_PIPE, EMPTY_PIPE],
    userPages: [],
    mappings: [],
  };
}

function notesOf(m: Mapper): string[] {
  const notes: string[] = [];
  if (m.initial.kind === 'unknown') {
    notes.push(
      "the log does not show the file's contents before its first step (not created with O_TRUNC, no fstat): " +
        'the scenario starts it empty',
    );
  } else if (m.initial.kind === 'existing' && m.initial.bytes > 0) {
    notes.push(
      `the file had ${m.initial.bytes} bytes before the log (line ${m.initial.line}; at most ${MAX_FILE_BYTES} are ` +
        `modelled); their contents are not in the log: the scenario gives them value ${m.initial.value}, on disk, ` +
        'not cached',
    );
  }
  const peak = Math.max(m.pipes[0].peak, m.pipes[1].peak);
  if (peak > MAX_SLOTS)
    notes.push(`a pipe held ${peak} pages at once; the model's pipe has at most ${MAX_SLOTS} slots`);
  return notes;
}

/**
 * Punches cut at the end of the model's file (`cells` cells): past every byte
 * the file ever holds a punch changes nothing, in the kernel as in the model;
 * one wholly past it is dropped.
 */
function fitPunches(mapped: readonly MappedStep[], cells: number): MappedStep[] {
  return mapped.flatMap((ms) => {
    const st = ms.step;
    if (st.op !== 'fallocate-punch' || st.off + st.len <= cells) return [ms];
    return st.off >= cells ? [] : [{ ...ms, step: { ...st, len: cells - st.off } }];
  });
}

/** Map the calls of a parsed log. */
export function mapCalls(calls: readonly CallRecord[], opts: MapOptions): StraceMapping {
  const resolved = resolveFds(calls);
  const file = chooseFile(resolved, opts.file);
  const m = newMapper(opts, file?.path);
  const mapped: MappedStep[] = [];
  const unmapped: NotMapped[] = [];
  const counts = { mapped: 0, none: 0, notMapped: 0, failed: 0, ignored: 0 };
  for (const rc of resolved) {
    const o = outcomeOf(m, rc);
    if (o.kind === 'steps') {
      counts.mapped++;
      for (const step of o.steps) mapped.push({ line: rc.call.line, pid: rc.call.pid, step });
    } else if (o.kind === 'not-mapped') {
      counts.notMapped++;
      unmapped.push({ line: rc.call.line, reason: o.reason, text: rc.call.text });
    } else if (o.kind === 'none') counts.none++;
    else if (o.kind === 'failed') counts.failed++;
    else counts.ignored++;
  }
  const filled = Math.max(m.pipes[0].filled, m.pipes[1].filled);
  const pages = Math.max(1, Math.ceil(m.fileEnd / PAGE_SIZE));
  const fitted = fitPunches(mapped, pages * opts.cells);
  counts.mapped -= mapped.length - fitted.length;
  counts.none += mapped.length - fitted.length;
  return {
    file,
    cells: opts.cells,
    steps: fitted,
    notMapped: unmapped,
    counts,
    initial: m.initial,
    values: m.values,
    userPages: m.userPages,
    pages,
    slots: Math.min(MAX_SLOTS, Math.max(1, filled)),
    notes: notesOf(m),
  };
}
