/**
 * Checkpoints of a scenario's exploration on disk (TLC's `-checkpoint` and
 * `-recover`): the search saved at a level start (explorer/snapshot.ts) in
 * one file, DIR/pipecheck.checkpoint (explorer/checkpoint-codec.ts), written
 * atomically: a temporary file in DIR, fsync, rename over the old one, fsync
 * of DIR. A crash while writing leaves the previous checkpoint whole.
 *
 * The file carries a key: what the search is (the scenario with its bounds,
 * the invariants and the plugins' contents, the file-system profile, the
 * reductions, the visitors asked for). A resume whose key differs is refused,
 * naming the first field that differs. The limits (--max-states, --timeout)
 * are not in it: they bound a session, and a search stopped by one goes on
 * with another.
 *
 * @public
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeCheckpoint, decodeCheckpointHeader, encodeCheckpoint } from '../explorer/checkpoint-codec.js';
import { SnapshotError, type CheckpointHooks, type SearchSnapshot } from '../explorer/snapshot.js';
import { InputError } from './errors.js';

/** The checkpoint's file name in its directory. */
export const CHECKPOINT_FILE = 'pipecheck.checkpoint';

/** How often a search saves itself by default: every 5 minutes (at the next level start). */
export const DEFAULT_CHECKPOINT_EVERY_MS = 5 * 60_000;

/** What a job says about checkpoints (plain data: it crosses to the worker thread). */
export interface CheckpointJob {
  /** Where the checkpoint is written. */
  readonly dir: string;
  /** Save at the first level start this long after the last save (or the start). */
  readonly everyMs: number;
  /** Go on from the checkpoint in this directory (written by a run with the same key). */
  readonly resumeFrom?: string | undefined;
  /** What the search is (checkpointKey). */
  readonly key: CheckpointKey;
}

/** What a search is, as far as a checkpoint goes: a resume with another key is refused. */
export interface CheckpointKey {
  readonly scenario: unknown;
  readonly invariants: readonly string[] | null;
  /** Per plugin file, its SHA-256 (its path may differ: the code may not). */
  readonly plugins: readonly string[];
  readonly fs: string;
  readonly allViolations: boolean;
  readonly symmetry: boolean;
  readonly coverage: boolean;
  /** Only when --partial-order was asked for (keys saved before it have none). */
  readonly partialOrder?: true;
}

export function checkpointFile(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/** What of a search job its key is made of (checker/explore.ts's ExploreJob has all of it). */
export interface KeyedJob {
  readonly scenario: unknown;
  readonly invariants: {
    readonly ids?: readonly string[] | undefined;
    readonly plugins?: readonly string[] | undefined;
  };
  readonly fs?: string | undefined;
  readonly allViolations?: boolean | undefined;
  readonly symmetry?: boolean | undefined;
  readonly coverage?: boolean | undefined;
  readonly partialOrder?: boolean | undefined;
}

/** The key of `job` (reads the plugin files: InputError when one cannot be read). */
export function checkpointKey(job: KeyedJob): CheckpointKey {
  const plugins = (job.invariants.plugins ?? []).map((file) => {
    try {
      return createHash('sha256').update(readFileSync(file)).digest('hex');
    } catch (e) {
      throw new InputError(`${file}: cannot read the plugin (${(e as Error).message})`);
    }
  });
  return {
    scenario: job.scenario,
    invariants: job.invariants.ids === undefined ? null : [...job.invariants.ids],
    plugins,
    fs: job.fs ?? 'ext4',
    allViolations: job.allViolations === true,
    symmetry: job.symmetry === true,
    coverage: job.coverage === true,
    ...(job.partialOrder === true ? { partialOrder: true as const } : {}),
  };
}

/** The first path at which `saved` and `now` differ (`scenario.bounds.depth`), with both values; undefined: none. */
export function keyDifference(saved: unknown, now: unknown, path = ''): string | undefined {
  if (JSON.stringify(saved) === JSON.stringify(now)) return undefined;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(saved) && isObject(now) && Array.isArray(saved) === Array.isArray(now)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])];
    for (const k of keys) {
      const d = keyDifference(saved[k], now[k], Array.isArray(now) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d !== undefined) return d;
    }
  }
  const text = (v: unknown): string => JSON.stringify(v) ?? 'nothing';
  return `${path || 'key'}: the checkpoint has ${text(saved)}, this run ${text(now)}`;
}

/** Write `snapshot` with `key` to DIR/pipecheck.checkpoint atomically (temporary file, fsync, rename, fsync DIR). */
export function writeCheckpoint(dir: string, snapshot: SearchSnapshot, key: CheckpointKey): void {
  mkdirSync(dir, { recursive: true });
  const file = checkpointFile(dir);
  const tmp = join(dir, `.${CHECKPOINT_FILE}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const part of encodeCheckpoint(snapshot, key)) {
        for (let at = 0; at < part.length;) at += writeSync(fd, part, at);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dir);
}

/** fsync a directory (the rename in it), where the platform allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is then as durable as they make it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The file's bytes, or an InputError naming it. */
function readCheckpointBytes(dir: string): Uint8Array {
  const file = checkpointFile(dir);
  try {
    return readFileSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no checkpoint there' : (e as Error).message;
    throw new InputError(`--resume ${dir}: cannot read ${resolve(file)} (${why})`);
  }
}

/** An InputError naming the file and the field for a SnapshotError (else the error itself). */
function named(dir: string, e: unknown): unknown {
  if (!(e instanceof SnapshotError)) return e;
  return new InputError(`--resume ${dir}: ${resolve(checkpointFile(dir))}: ${e.message}`);
}

/** Refuse (InputError, naming the file and the field) a checkpoint in DIR whose key is not `key`. */
export function checkResumable(dir: string, key: CheckpointKey): void {
  let saved: unknown;
  try {
    saved = decodeCheckpointHeader(readCheckpointBytes(dir)).header.key;
  } catch (e) {
    throw named(dir, e);
  }
  const d = keyDifference(saved, JSON.parse(JSON.stringify(key)));
  if (d !== undefined) {
    throw new InputError(
      `--resume ${dir}: ${resolve(checkpointFile(dir))} is of another search (key.${d}); ` +
        'resume with the options it was written with',
    );
  }
}

/** The snapshot in DIR, checked against `key` (InputError naming the file and the field). */
export function readCheckpoint(dir: string, key: CheckpointKey): SearchSnapshot {
  checkResumable(dir, key);
  try {
    return decodeCheckpoint(readCheckpointBytes(dir)).snapshot;
  } catch (e) {
    throw named(dir, e);
  }
}

/** The engine's hooks for `job` (one search): saves every `everyMs` at a level start, and at a limit. */
export function checkpointHooks(job: CheckpointJob, clock: () => number = () => performance.now()): CheckpointHooks {
  let last = clock();
  return {
    due: () => clock() - last >= job.everyMs,
    save: (snapshot) => {
      try {
        writeCheckpoint(job.dir, snapshot, job.key);
      } catch (e) {
        throw new InputError(`--checkpoint ${job.dir}: cannot write the checkpoint (${(e as Error).message})`);
      }
      last = clock();
    },
    ...(job.resumeFrom === undefined ? {} : { resume: readCheckpoint(job.resumeFrom, job.key) }),
  };
}

/** A SnapshotError from the engine (a checkpoint that does not fit the search) as bad input, naming the file. */
export function snapshotInputError(dir: string, e: unknown): unknown {
  return named(dir, e);
}
