/**
 * Counterexample files on disk: named KERNEL--INVARIANT--HASH.json under the
 * default ext4 profile and KERNEL--PROFILE--INVARIANT--HASH.json under any
 * other, with `--RELEASE` (`--6.1`) after them on a release other than 6.18 (so
 * runs under two profiles or releases never overwrite each other), written
 * atomically (a temporary file in the same directory, then a rename), read
 * with a clear error naming the file.
 */
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_FS, DEFAULT_RELEASE } from '../model/fs/index.js';
import { JsonSyntaxError, parseJsonText, readProblem } from './json-file.js';
import { CounterexampleError, parseCounterexample, releaseOf, type Counterexample } from './format.js';
import { jsonFileKind, notACounterexample } from './kind.js';

/** Whether `cx` was found under a profile other than the default (ext4; absent: ext4). */
function nonDefaultProfile(cx: Counterexample): string | undefined {
  return cx.fs !== undefined && cx.fs !== DEFAULT_FS.id ? cx.fs : undefined;
}

/** Whether `cx` was found on a Linux release other than the default (6.18; absent: 6.18). */
function nonDefaultRelease(cx: Counterexample): string | undefined {
  const release = releaseOf(cx);
  return release !== DEFAULT_RELEASE ? release : undefined;
}

/**
 * A short, stable hash of what identifies a counterexample: kernel, invariant,
 * scenario and trace, and the profile and release when they are not the
 * defaults (so the hashes of ext4 counterexamples on 6.18 stay what they were).
 */
function counterexampleHash(cx: Counterexample): string {
  const fs = nonDefaultProfile(cx);
  const release = nonDefaultRelease(cx);
  const key = JSON.stringify([
    cx.kernel,
    cx.invariant,
    cx.scenario,
    cx.trace,
    ...(fs ? [fs] : []),
    ...(release ? [`linux-${release}`] : []),
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** KERNEL[--PROFILE][--RELEASE]--INVARIANT--HASH.json (profile and release only when not the defaults). */
export function counterexampleFileName(cx: Counterexample): string {
  const fs = nonDefaultProfile(cx);
  const release = nonDefaultRelease(cx);
  const parts = [cx.kernel, ...(fs ? [fs] : []), ...(release ? [release] : []), cx.invariant];
  return `${parts.join('--')}--${counterexampleHash(cx)}.json`;
}

/** The temporary file `path` is written to before its rename (STALE_TEMPORARY matches it). */
function temporaryOf(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

const STALE_TEMPORARY = /\.(\d+)\.tmp$/;

/** Write `text` to `path` atomically: a temporary file in the same directory, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = temporaryOf(path);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write `cx` into `dir` (created if needed); returns the path. Never leaves a half-written file. */
export function writeCounterexample(dir: string, cx: Counterexample): string {
  mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(dir);
  const path = join(dir, counterexampleFileName(cx));
  writeFileAtomic(path, `${JSON.stringify(cx, null, 2)}\n`);
  return path;
}

/** Whether process `pid` is alive (a temporary file of a live run is not stale). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary files that a run killed between write and rename left in `dir`; returns them. */
function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const m = STALE_TEMPORARY.exec(n);
    return m !== null && n.includes('.json.') && Number(m[1]) !== process.pid && !alive(Number(m[1]));
  });
  for (const n of stale) rmSync(join(dir, n), { force: true });
  return stale;
}

/**
 * Pseudo file systems (statfs f_type) where nothing a user means to keep can
 * be written: proc and sysfs refuse creating files (even to root, whom
 * access(2) lets pass), and Node 20's recursive mkdir under /proc spins
 * forever on ENOENT/EEXIST. Checked before anything is created.
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0xde5e81e4, 'efivarfs'],
  [0x1cd1, 'devpts'],
]);

function refuse(code: string, message: string): never {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  throw e;
}

/**
 * Check, before a search, that counterexamples can be written to `dir`: it
 * is a writable directory, or can be made in a writable one, on a file
 * system that keeps files (not proc, sysfs and the like). Creates nothing
 * (walks up without mkdir); throws an Error (with the system's code) saying
 * why not.
 */
export function checkWritableDir(dir: string): void {
  const target = resolve(dir);
  let at = target;
  while (!existsSync(at)) {
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (!statSync(at).isDirectory()) refuse('ENOTDIR', `${at} is a file, not a directory`);
  const pseudo = PSEUDO_FILE_SYSTEMS.get(statfsSync(at).type);
  if (pseudo !== undefined) {
    refuse('EROFS', `${at} is on ${pseudo}, a pseudo file system: files cannot be written there`);
  }
  accessSync(at, constants.W_OK | constants.X_OK);
}

/**
 * Check, before any work, that a file can be written at `path`: it is not a
 * directory, and its directory is writable or can be made (checkWritableDir).
 */
export function checkWritableFile(path: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) {
    refuse('EISDIR', `${target} is a directory, not a file`);
  }
  checkWritableDir(dirname(target));
}

/**
 * Write every counterexample into `dir`, or none: every temporary file
 * first, then the renames; on any failure whatever this call wrote is
 * removed and the error is thrown. Stale temporaries of killed runs go first.
 */
export function writeCounterexamples(dir: string, cxs: readonly Counterexample[]): string[] {
  if (cxs.length === 0) return [];
  mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(dir);
  const files = cxs.map((cx) => ({
    path: join(dir, counterexampleFileName(cx)),
    text: `${JSON.stringify(cx, null, 2)}\n`,
  }));
  writeFilesAllOrNone(files);
  return files.map((f) => f.path);
}

/**
 * Write `files`, all or none: every temporary first, then the renames; on
 * any failure the temporaries and the files this call created are removed
 * (a file that existed before is left as the rename left it) and the error
 * is thrown.
 */
export function writeFilesAllOrNone(files: readonly { readonly path: string; readonly text: string }[]): void {
  const written: string[] = [];
  const renamed: string[] = [];
  try {
    for (const f of files) {
      written.push(temporaryOf(f.path));
      writeFileSync(temporaryOf(f.path), f.text);
    }
    for (const f of files) {
      const existed = existsSync(f.path);
      renameSync(temporaryOf(f.path), f.path);
      if (!existed) renamed.push(f.path);
    }
  } catch (e) {
    for (const p of [...written, ...renamed]) rmSync(p, { force: true });
    throw e;
  }
}

export function readCounterexample(path: string): Counterexample {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CounterexampleError(path, [`cannot read: ${readProblem(path, e)}`]);
  }
  let json: unknown;
  try {
    json = parseJsonText(text, path);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new CounterexampleError(`${path}:${e.line}:${e.column}`, [`not JSON: ${e.problem}\n${e.excerpt}`]);
  }
  const otherKind = notACounterexample(path, jsonFileKind(json));
  if (otherKind !== undefined) throw new CounterexampleError(path, [otherKind]);
  return parseCounterexample(json, path);
}
