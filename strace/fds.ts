/**
 * The file descriptors of a traced program: which open file description each
 * fd names at each call, followed through open/openat/creat, dup/dup2/dup3,
 * fcntl(F_DUPFD), pipe/pipe2, socketpair, close, close_range and the
 * O_CLOEXEC fds an execve closes. A description is a path (an open file), one
 * end of a pipe, a socket, or something else (an fd the log never showed
 * opened, an eventfd, ...). dup'ed fds share one description, as in the
 * kernel, so a file position kept per description is shared too.
 *
 * One table serves every pid of the log: threads share their fd table. A
 * forked child that opens and closes fds on its own is not told apart.
 */
import { posix } from 'node:path';
import { flagNames, numberArg, pathArg, type Arg, type CallRecord } from './parse.js';

export type Description =
  | {
      readonly id: number;
      readonly kind: 'path';
      readonly path: string;
      /** The open flags (`O_RDWR`, `O_CREAT`, `O_TRUNC`, `O_APPEND`, ...). */
      readonly flags: readonly string[];
      /** Where it was opened. */
      readonly line: number;
    }
  | { readonly id: number; readonly kind: 'pipe'; readonly pipe: number; readonly end: 'read' | 'write' | undefined }
  | { readonly id: number; readonly kind: 'socket' }
  | { readonly id: number; readonly kind: 'other'; readonly what: string };

/** A call with the descriptions its fd arguments named when it ran. */
export interface ResolvedCall {
  readonly call: CallRecord;
  /** By argument index: the descriptions of the call's fd arguments. */
  readonly fds: ReadonlyMap<number, Description>;
  /** The descriptions the call created (openat's file, pipe2's two ends). */
  readonly opened: readonly Description[];
}

/** The arguments of each call that are fds (calls not listed name no fd we follow). */
const FD_ARGS: Readonly<Record<string, readonly number[]>> = {
  read: [0],
  write: [0],
  pread64: [0],
  pwrite64: [0],
  readv: [0],
  writev: [0],
  preadv: [0],
  pwritev: [0],
  preadv2: [0],
  pwritev2: [0],
  lseek: [0],
  _llseek: [0],
  ftruncate: [0],
  fallocate: [0],
  fsync: [0],
  fdatasync: [0],
  sync_file_range: [0],
  fadvise64: [0],
  readahead: [0],
  close: [0],
  dup: [0],
  dup2: [0],
  dup3: [0],
  fcntl: [0],
  ioctl: [0],
  flock: [0],
  fstat: [0],
  fstatfs: [0],
  fchmod: [0],
  fchown: [0],
  getdents64: [0],
  mmap: [4],
  splice: [0, 2],
  tee: [0, 1],
  vmsplice: [0],
  sendfile: [0, 1],
  copy_file_range: [0, 2],
};

/** Calls on a dirfd and a path: the fd is the file itself when the path is "" (AT_EMPTY_PATH). */
const AT_EMPTY_PATH_CALLS = new Set(['newfstatat', 'fstatat64', 'statx', 'fchownat', 'faccessat2']);

/** Calls that return a new fd this module does not describe further. */
const OTHER_FD_CALLS = new Set([
  'eventfd',
  'eventfd2',
  'epoll_create',
  'epoll_create1',
  'timerfd_create',
  'signalfd',
  'signalfd4',
  'inotify_init',
  'inotify_init1',
  'memfd_create',
  'memfd_secret',
  'userfaultfd',
  'pidfd_open',
  'pidfd_getfd',
  'fanotify_init',
  'perf_event_open',
  'io_uring_setup',
  'open_by_handle_at',
  'open_tree',
  'fsopen',
  'fsmount',
]);

const SOCKET_CALLS = new Set(['socket', 'accept', 'accept4']);

interface Entry {
  readonly desc: Description;
  readonly cloexec: boolean;
}

/** The fd table, mutated call by call (the module's exported function is pure). */
class FdTable {
  private readonly fds = new Map<number, Entry>();
  private nextId = 0;
  private nextPipe = 0;
  private readonly pipesByInode = new Map<string, number>();

  /** The description `fd` names; an fd never seen opened gets one from its -y annotation, or "other". */
  lookup(fd: number, annotation: string | undefined): Description {
    const known = this.fds.get(fd);
    if (known) return known.desc;
    const desc = this.fromAnnotation(fd, annotation);
    this.fds.set(fd, { desc, cloexec: false });
    return desc;
  }

  private fromAnnotation(fd: number, annotation: string | undefined): Description {
    const id = this.nextId++;
    if (annotation === undefined) return { id, kind: 'other', what: `fd ${fd}, not opened in the log` };
    const pipe = /^pipe:\[(\d+)\]$/.exec(annotation);
    if (pipe) return { id, kind: 'pipe', pipe: this.pipeOfInode(pipe[1]!), end: undefined };
    if (/^(socket|UNIX|TCP|UDP|TCPv6|UDPv6|NETLINK)[:-]/.test(annotation)) return { id, kind: 'socket' };
    if (annotation.startsWith('/')) return { id, kind: 'path', path: annotation, flags: [], line: 0 };
    return { id, kind: 'other', what: annotation };
  }

  private pipeOfInode(inode: string): number {
    let p = this.pipesByInode.get(inode);
    if (p === undefined) {
      p = this.nextPipe++;
      this.pipesByInode.set(inode, p);
    }
    return p;
  }

  set(fd: number, desc: Description, cloexec: boolean): void {
    this.fds.set(fd, { desc, cloexec });
  }

  close(fd: number): void {
    this.fds.delete(fd);
  }

  closeRange(first: number, last: number): void {
    for (const fd of [...this.fds.keys()]) if (fd >= first && fd <= last) this.fds.delete(fd);
  }

  closeOnExec(): void {
    for (const [fd, e] of [...this.fds]) if (e.cloexec) this.fds.delete(fd);
  }

  path(fd: number): string | undefined {
    const d = this.fds.get(fd)?.desc;
    return d?.kind === 'path' ? d.path : undefined;
  }

  newPath(path: string, flags: readonly string[], line: number): Description {
    return { id: this.nextId++, kind: 'path', path, flags, line };
  }

  newPipe(): [Description, Description] {
    const pipe = this.nextPipe++;
    return [
      { id: this.nextId++, kind: 'pipe', pipe, end: 'read' },
      { id: this.nextId++, kind: 'pipe', pipe, end: 'write' },
    ];
  }

  newSocket(): Description {
    return { id: this.nextId++, kind: 'socket' };
  }

  newOther(what: string): Description {
    return { id: this.nextId++, kind: 'other', what };
  }
}

function annotationOf(a: Arg | undefined): string | undefined {
  return a?.kind === 'number' ? a.annotation : undefined;
}

/** The fd arguments of `call`, by argument index. */
export function fdArgIndices(call: CallRecord): readonly number[] {
  const listed = FD_ARGS[call.name];
  if (listed) return listed;
  if (AT_EMPTY_PATH_CALLS.has(call.name) && pathArg(call.args[1]) === '') return [0];
  return [];
}

/** The fds of a two-element array argument (`[4, 5]`). */
function fdPair(a: Arg | undefined): [number, number] | undefined {
  if (a?.kind !== 'array' || a.items.length < 2) return undefined;
  const r = numberArg(a.items[0]);
  const w = numberArg(a.items[1]);
  return r === undefined || w === undefined ? undefined : [r, w];
}

/** `path` as the call names it: relative to a dirfd when it has one (openat(3, "x")). */
function resolvePath(table: FdTable, dirfd: Arg | undefined, path: string): string {
  if (path.startsWith('/')) return posix.normalize(path);
  const fd = numberArg(dirfd);
  const dir = fd === undefined ? undefined : table.path(fd);
  return dir === undefined ? path : posix.join(dir, path);
}

/** The open flags of an open/openat/openat2/creat call. */
function openFlags(call: CallRecord): string[] {
  if (call.name === 'creat') return ['O_WRONLY', 'O_CREAT', 'O_TRUNC'];
  if (call.name === 'open') return flagNames(call.args[1]);
  if (call.name === 'openat2') {
    const how = call.args[2];
    return how?.kind === 'struct' ? flagNames(how.fields.flags) : [];
  }
  return flagNames(call.args[2]);
}

const OPEN_CALLS = new Set(['open', 'openat', 'openat2', 'creat']);

/** The path an open call opens, resolved. */
function openedPath(table: FdTable, call: CallRecord): string | undefined {
  const atCall = call.name === 'openat' || call.name === 'openat2';
  const raw = pathArg(call.args[atCall ? 1 : 0]);
  return raw === undefined ? undefined : resolvePath(table, atCall ? call.args[0] : undefined, raw);
}

/** Apply what a successful call does to the table; returns the descriptions it created. */
function applyCall(table: FdTable, call: CallRecord, fds: ReadonlyMap<number, Description>): Description[] {
  const ret = call.result.value;
  const { name, args } = call;
  if (OPEN_CALLS.has(name) && ret !== undefined) {
    const path = openedPath(table, call);
    const flags = openFlags(call);
    const desc = path === undefined ? table.newOther(name) : table.newPath(path, flags, call.line);
    table.set(ret, desc, flags.includes('O_CLOEXEC'));
    return [desc];
  }
  if ((name === 'pipe' || name === 'pipe2') && ret === 0) {
    const pair = fdPair(args[0]);
    if (!pair) return [];
    const ends = table.newPipe();
    const cloexec = flagNames(args[1]).includes('O_CLOEXEC');
    table.set(pair[0], ends[0], cloexec);
    table.set(pair[1], ends[1], cloexec);
    return ends;
  }
  if (name === 'socketpair' && ret === 0) {
    const pair = fdPair(args[3]);
    if (!pair) return [];
    const ends = [table.newSocket(), table.newSocket()];
    pair.forEach((fd, i) => table.set(fd, ends[i]!, false));
    return ends;
  }
  if (SOCKET_CALLS.has(name) && ret !== undefined) {
    const s = table.newSocket();
    table.set(ret, s, false);
    return [s];
  }
  if (OTHER_FD_CALLS.has(name) && ret !== undefined) {
    const o = table.newOther(name);
    table.set(ret, o, false);
    return [o];
  }
  applyFdChange(table, call, fds);
  return [];
}

/** dup, dup2, dup3, fcntl(F_DUPFD), close, close_range, execve. */
function applyFdChange(table: FdTable, call: CallRecord, fds: ReadonlyMap<number, Description>): void {
  const ret = call.result.value;
  const { name, args } = call;
  const source = fds.get(0);
  const dupCall = name === 'dup' || name === 'dup2' || name === 'dup3';
  const fcntlDup = name === 'fcntl' && flagNames(args[1]).some((f) => f === 'F_DUPFD' || f === 'F_DUPFD_CLOEXEC');
  if ((dupCall || fcntlDup) && source && ret !== undefined) {
    const cloexec =
      (name === 'dup3' && flagNames(args[2]).includes('O_CLOEXEC')) || flagNames(args[1])[0] === 'F_DUPFD_CLOEXEC';
    table.set(ret, source, cloexec);
  } else if (name === 'close') {
    const fd = numberArg(args[0]);
    if (fd !== undefined) table.close(fd);
  } else if (name === 'close_range' && !flagNames(args[2]).includes('CLOSE_RANGE_CLOEXEC')) {
    const first = numberArg(args[0]) ?? 0;
    const last = args[1]?.kind === 'symbol' ? Infinity : (numberArg(args[1]) ?? Infinity);
    table.closeRange(first, last);
  } else if (name === 'execve' && ret === 0) table.closeOnExec();
}

/** Whether a call succeeded (a failed call changes no fd). */
export function succeeded(call: CallRecord): boolean {
  return call.result.value !== undefined && call.result.errno === undefined && call.result.value >= 0;
}

/**
 * Follow the fds through the log: each call with the descriptions its fd
 * arguments named when it ran (before its own effect: `close(3)` names what
 * 3 was).
 */
export function resolveFds(calls: readonly CallRecord[]): ResolvedCall[] {
  const table = new FdTable();
  return calls.map((call) => {
    const fds = new Map<number, Description>();
    for (const i of fdArgIndices(call)) {
      const fd = numberArg(call.args[i]);
      if (fd !== undefined && fd >= 0) fds.set(i, table.lookup(fd, annotationOf(call.args[i])));
    }
    const opened = succeeded(call) ? applyCall(table, call, fds) : [];
    return { call, fds, opened };
  });
}
