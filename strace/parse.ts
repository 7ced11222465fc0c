/**
 * Reading an strace log: one line -> one system call record (name, parsed
 * arguments, result, pid), pure. Both output styles of `strace -f` are read:
 * stderr (`[pid  N] call(...)`, unprefixed lines belonging to the only
 * process traced at that time) and `-o FILE` (`N  call(...)`), with optional
 * timestamps (-t, -tt, -ttt, -r), durations (-T) and fd annotations (-y).
 * A call split over `<unfinished ...>` and `<... NAME resumed>` lines is
 * joined into one record. Lines that are not calls (`+++ exited +++`,
 * `--- SIGCHLD ---`, `strace: Process N attached`) are read for pids only;
 * a line that looks like a call but cannot be read is returned as a problem,
 * never dropped.
 */

/** An argument as strace prints it. */
export type Arg =
  | { readonly kind: 'string'; readonly bytes: readonly number[]; readonly truncated: boolean }
  | { readonly kind: 'number'; readonly value: number; readonly annotation?: string }
  | { readonly kind: 'array'; readonly items: readonly Arg[]; readonly after?: Arg }
  | { readonly kind: 'struct'; readonly fields: Readonly<Record<string, Arg>> }
  /** A symbol or flags: `AT_FDCWD`, `NULL`, `O_RDWR|O_CREAT`, `FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE`. */
  | { readonly kind: 'symbol'; readonly text: string };

/** What a call returned: a value, or -1 and an errno, or `?` (unknown: the process exited, or a restart). */
export interface CallResult {
  readonly value: number | undefined;
  readonly errno: string | undefined;
  readonly text: string;
}

/** One system call. */
export interface CallRecord {
  /** 1-based line where the call begins (its `<unfinished ...>` line, if split). */
  readonly line: number;
  /** Line where its result is: the same line unless the call was split. */
  readonly endLine: number;
  /** The thread's id; undefined in a log of one process without pids. */
  readonly pid: number | undefined;
  readonly name: string;
  readonly args: readonly Arg[];
  readonly result: CallResult;
  /** The call as one line, `name(args) = result` (a split call joined; comments and padding dropped). */
  readonly text: string;
}

/** A line that looks like a call but could not be read. */
export interface ParseProblem {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

export interface ParsedLog {
  /** In the order the calls completed (a split call at its resumed line). */
  readonly calls: readonly CallRecord[];
  readonly problems: readonly ParseProblem[];
}

/** A line split into its pid prefix and the rest. */
export interface LinePrefix {
  /** The pid, if the line names one. */
  readonly pid: number | undefined;
  readonly body: string;
}

const STDERR_PID = /^\[pid\s+(\d+)\]\s?/;
const FILE_PID = /^(\d+)\s+(?=\S)/;
const TIMESTAMP = /^(?:\d{1,2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+)\s+/;

/** `[pid  12] read(...)` or `12  read(...)` -> pid 12 and `read(...)`; the timestamp is dropped. */
export function splitPrefix(line: string): LinePrefix {
  let rest = line.replace(/\r$/, '');
  let pid: number | undefined;
  const m = STDERR_PID.exec(rest) ?? FILE_PID.exec(rest);
  if (m) {
    pid = Number(m[1]);
    rest = rest.slice(m[0].length);
  }
  rest = rest.replace(/^\s+/, '').replace(TIMESTAMP, '');
  return { pid, body: rest };
}

const UNFINISHED = /\s*<unfinished \.\.\.>\s*$/;
const RESUMED = /^<\.\.\. ([A-Za-z0-9_]+) resumed>\s?/;
const CALL_START = /^([A-Za-z_][A-Za-z0-9_]*)\(/;

/** What one line of the log is. */
export type LineKind =
  | { readonly kind: 'call'; readonly text: string }
  | { readonly kind: 'unfinished'; readonly name: string; readonly head: string }
  | { readonly kind: 'resumed'; readonly name: string; readonly tail: string }
  | { readonly kind: 'exited' }
  | { readonly kind: 'attached'; readonly pid: number }
  | { readonly kind: 'other' };

/** Classify a line's body (after its prefix). */
export function lineKind(body: string): LineKind {
  const attached = /^strace: Process (\d+) attached/.exec(body);
  if (attached) return { kind: 'attached', pid: Number(attached[1]) };
  if (/^\+\+\+ (exited|killed)/.test(body)) return { kind: 'exited' };
  const resumed = RESUMED.exec(body);
  if (resumed) return { kind: 'resumed', name: resumed[1]!, tail: body.slice(resumed[0].length) };
  const start = CALL_START.exec(body);
  if (!start) return { kind: 'other' };
  if (UNFINISHED.test(body)) return { kind: 'unfinished', name: start[1]!, head: body.replace(UNFINISHED, '') };
  return { kind: 'call', text: body };
}

/** Remove `/* ... *\/` comments outside strings. */
function stripComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      const end = stringEnd(s, i);
      out += s.slice(i, end);
      i = end;
    } else if (c === '/' && s[i + 1] === '*') {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? s.length : close + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(s: string, start: number): number {
  let i = start + 1;
  while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, s.length);
}

/** Each character of `s` from `from` on that is outside a string, with the bracket depth before it. */
function* outsideStrings(
  s: string,
  from = 0,
): Generator<{ readonly i: number; readonly c: string; readonly depth: number }> {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      i = stringEnd(s, i);
      continue;
    }
    yield { i, c, depth };
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
  }
}

/** Index of the bracket closing the one at `open`, respecting strings and nesting; -1 if none. */
function closingBracket(s: string, open: number): number {
  for (const { i, c, depth } of outsideStrings(s, open))
    if (depth === 1 && (c === ')' || c === ']' || c === '}')) return i;
  return -1;
}

/** Split `a, [b, c], "d,e"` at its top-level commas. */
export function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const { i, c, depth } of outsideStrings(s)) {
    if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  '\\': 92,
  '"': 34,
  "'": 39,
  '?': 63,
};

/** The bytes of a C string body as strace escapes it: `\n`, `\0`, `\177`, `\x41`, `\\`, `\"`. */
export function decodeCString(body: string): number[] {
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== '\\') {
      const code = body.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += 1 + octal[0].length;
    } else if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += 1 + hex[0].length;
    } else if (next in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[next]!);
      i += 2;
    } else {
      bytes.push(next.charCodeAt(0) || 92);
      i += 2;
    }
  }
  return bytes;
}

const MAX_NESTING = 16;

const NUMBER = /^(-?(?:0x[0-9a-fA-F]+|\d+))(?:<(.*)>)?$/;

function parseNumber(text: string): Arg | undefined {
  const m = NUMBER.exec(text);
  if (!m) return undefined;
  const raw = m[1]!;
  const negative = raw.startsWith('-');
  const digits = negative ? raw.slice(1) : raw;
  let value: number;
  if (/^0x/i.test(digits)) value = parseInt(digits, 16);
  else if (/^0[0-7]+$/.test(digits)) value = parseInt(digits, 8);
  else value = Number(digits);
  if (negative) value = -value;
  return m[2] === undefined ? { kind: 'number', value } : { kind: 'number', value, annotation: m[2] };
}

/** One argument, e.g. `"AB"...`, `[0] => [4096]`, `{iov_base="x", iov_len=1}`, `3</tmp/f>`, `O_RDWR`. */
export function parseArg(text: string, depth = 0): Arg {
  const t = text.trim();
  // strace nests a few levels; a hostile line nested thousands deep is kept as text.
  if (depth > MAX_NESTING) return { kind: 'symbol', text: t };
  const arrow = topLevelArrow(t);
  if (arrow >= 0) {
    const before = parseArg(t.slice(0, arrow), depth + 1);
    const after = parseArg(t.slice(arrow + 4), depth + 1);
    return before.kind === 'array' ? { ...before, after } : before;
  }
  if (t.startsWith('"')) {
    const end = stringEnd(t, 0);
    return { kind: 'string', bytes: decodeCString(t.slice(1, end - 1)), truncated: t.slice(end).startsWith('...') };
  }
  if (t.startsWith('[') && closingBracket(t, 0) === t.length - 1) {
    const items = splitTopLevel(t.slice(1, -1)).filter((s) => s !== '' && s !== '...');
    return { kind: 'array', items: items.map((item) => parseArg(item, depth + 1)) };
  }
  if (t.startsWith('{') && closingBracket(t, 0) === t.length - 1) return parseStruct(t.slice(1, -1), depth + 1);
  return parseNumber(t) ?? { kind: 'symbol', text: t };
}

/** Index of a top-level ` => ` (strace's "value at entry => value at exit"), or -1. */
function topLevelArrow(t: string): number {
  for (const { i, depth } of outsideStrings(t)) if (depth === 0 && t.startsWith(' => ', i)) return i;
  return -1;
}

function parseStruct(body: string, depth: number): Arg {
  const fields: Record<string, Arg> = Object.create(null) as Record<string, Arg>;
  for (const part of splitTopLevel(body)) {
    const eq = part.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_.]*$/.test(part.slice(0, eq))) {
      fields[part.slice(0, eq)] = parseArg(part.slice(eq + 1), depth);
    }
  }
  return { kind: 'struct', fields };
}

const RESULT = /^(0x[0-9a-fA-F]+|-?\d+|\?)(?:<[^>]*>)?(?:\s+([A-Z][A-Z0-9_]+))?/;

/** `-1 EOPNOTSUPP (Operation not supported)`, `0x7f00...`, `3</tmp/f>`, `?` (the -T duration dropped). */
export function parseResult(text: string): CallResult | undefined {
  const t = text.trim().replace(/\s+<\d+\.\d+>$/, '');
  const m = RESULT.exec(t);
  if (!m) return undefined;
  const raw = m[1]!;
  const value = raw === '?' ? undefined : raw.startsWith('0x') ? parseInt(raw, 16) : Number(raw);
  const errno = m[2] !== undefined && /^E[A-Z0-9]+$/.test(m[2]) ? m[2] : undefined;
  return { value, errno, text: t };
}

/** A call's parts, and its text without comments and padding: `close(3) = 0`. */
export interface CallParts {
  readonly name: string;
  readonly args: Arg[];
  readonly result: CallResult;
  readonly text: string;
}

/** `name(args) = result` -> its parts, or the reason it cannot be read. */
export function parseCallText(text: string): CallParts | string {
  const start = CALL_START.exec(text);
  if (!start) return 'not a system call';
  const open = start[0].length - 1;
  const clean = stripComments(text);
  const close = closingBracket(clean, open);
  if (close < 0) return 'the argument list does not close';
  const eq = /^\s*=\s*/.exec(clean.slice(close + 1));
  if (!eq) return 'no result ("= ...") after the arguments';
  const result = parseResult(clean.slice(close + 1 + eq[0].length));
  if (!result) return 'the result cannot be read';
  const args = splitTopLevel(clean.slice(open + 1, close)).filter((s) => s !== '...');
  return {
    name: start[1]!,
    args: args.map((a) => parseArg(a)),
    result,
    text: `${clean.slice(0, close + 1)} = ${result.text}`,
  };
}

/** Which process unprefixed lines belong to: the only one traced at the time. */
interface PidTracker {
  /** The first process's pid, once a prefixed line shows it (a pid never announced as attached). */
  initial: number | undefined;
  readonly attached: Set<number>;
  readonly alive: Set<number>;
}

function observePid(t: PidTracker, pid: number): void {
  if (t.initial === undefined && !t.attached.has(pid)) t.initial = pid;
  t.alive.add(pid);
}

/** The pid of an unprefixed line: the first process until others are seen, then the one process alive. */
function unprefixedPid(t: PidTracker): number | undefined {
  if (t.initial === undefined) return undefined;
  return t.alive.size === 1 ? [...t.alive][0] : t.initial;
}

/** A call that never returned, as strace would show it: `read(4, ) = ?` (the arguments it had). */
function unfinishedText(head: string): string {
  return `${head.replace(/,\s*$/, '')}) = ?`;
}

/** `read(4,` + `"AB", 2) = 2` -> `read(4, "AB", 2) = 2`. */
function joinSplit(head: string, tail: string): string {
  return head.endsWith(',') ? `${head} ${tail}` : head + tail;
}

interface Pending {
  readonly line: number;
  readonly pid: number | undefined;
  readonly head: string;
}

/** What reading the log so far has gathered (local to one `parseStraceLog` call). */
interface LogReader {
  readonly calls: CallRecord[];
  readonly problems: ParseProblem[];
  /** Split calls waiting for their `resumed` line, by pid. */
  readonly pending: Map<string, Pending>;
  readonly pids: PidTracker;
}

/** Parse the text of a complete call and keep it, or keep why it cannot be read. */
function keepCall(r: LogReader, text: string, line: number, endLine: number, pid: number | undefined): void {
  const parsed = parseCallText(text);
  if (typeof parsed === 'string') r.problems.push({ line, reason: parsed, text });
  else r.calls.push({ line, endLine, pid, ...parsed });
}

/** A `<... NAME resumed>` line: join it to its start, or keep it as a problem when the start is missing. */
function resume(r: LogReader, kind: Extract<LineKind, { kind: 'resumed' }>, lineNo: number, pid: number | undefined) {
  const key = `${pid ?? '?'}`;
  const started = r.pending.get(key);
  r.pending.delete(key);
  if (!started) {
    const text = `<... ${kind.name} resumed>${kind.tail}`;
    r.problems.push({ line: lineNo, reason: `resumes a ${kind.name} call the log does not show`, text });
    return;
  }
  // `<... read resumed> <unfinished ...>) = ?`: the process exited during the call.
  const exited = kind.tail.includes('<unfinished ...>');
  keepCall(r, exited ? unfinishedText(started.head) : joinSplit(started.head, kind.tail), started.line, lineNo, pid);
}

/** Read one line of the log. */
function readLine(r: LogReader, raw: string, lineNo: number): void {
  const { pid: prefixed, body } = splitPrefix(raw);
  const kind = lineKind(body);
  if (kind.kind === 'attached') {
    r.pids.attached.add(kind.pid);
    r.pids.alive.add(kind.pid);
    return;
  }
  if (prefixed !== undefined) observePid(r.pids, prefixed);
  const pid = prefixed ?? unprefixedPid(r.pids);
  if (kind.kind === 'exited' && pid !== undefined) r.pids.alive.delete(pid);
  else if (kind.kind === 'unfinished') r.pending.set(`${pid ?? '?'}`, { line: lineNo, pid, head: kind.head });
  else if (kind.kind === 'resumed') resume(r, kind, lineNo, pid);
  else if (kind.kind === 'call') keepCall(r, kind.text, lineNo, lineNo, pid);
}

/**
 * Parse a whole log. Calls are returned in the order they completed; a split
 * call is joined and numbered by the line it began on; a call still
 * unfinished at the end never returned (its result is `?`).
 */
export function parseStraceLog(text: string): ParsedLog {
  const r: LogReader = {
    calls: [],
    problems: [],
    pending: new Map(),
    pids: { initial: undefined, attached: new Set(), alive: new Set() },
  };
  text.split('\n').forEach((raw, i) => readLine(r, raw, i + 1));
  for (const p of r.pending.values()) keepCall(r, unfinishedText(p.head), p.line, p.line, p.pid);
  // Unprefixed lines before the first process's pid was known belong to it.
  const initial = r.pids.initial;
  const calls = r.calls.map((c) => (c.pid === undefined && initial !== undefined ? { ...c, pid: initial } : c));
  return { calls, problems: r.problems.sort((a, b) => a.line - b.line) };
}

/** The argument's number, if it is one. */
export function numberArg(a: Arg | undefined): number | undefined {
  return a?.kind === 'number' ? a.value : undefined;
}

/** The names in a flags argument (`O_RDWR|O_CREAT` -> [O_RDWR, O_CREAT]); a number gives none. */
export function flagNames(a: Arg | undefined): string[] {
  return a?.kind === 'symbol' ? a.text.split('|').map((s) => s.trim()) : [];
}

/** The argument's string bytes, if it is a string. */
export function stringArg(a: Arg | undefined): readonly number[] | undefined {
  return a?.kind === 'string' ? a.bytes : undefined;
}

/** A path argument as text. */
export function pathArg(a: Arg | undefined): string | undefined {
  return a?.kind === 'string' ? Buffer.from(a.bytes).toString('utf8') : undefined;
}
