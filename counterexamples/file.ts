/**
 * Counterexample files on disk: named KERNEL--INVARIANT--HASH.json, written
 * atomically (a temporary file in the same directory, then a rename), read
 * with a clear error naming the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CounterexampleError, parseCounterexample, type Counterexample } from './format.js';

/** A short, stable hash of what identifies a counterexample: kernel, invariant, scenario and trace. */
export function counterexampleHash(cx: Counterexample): string {
  const key = JSON.stringify([cx.kernel, cx.invariant, cx.scenario, cx.trace]);
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function counterexampleFileName(cx: Counterexample): string {
  return `${cx.kernel}--${cx.invariant}--${counterexampleHash(cx)}.json`;
}

/** Write `text` to `path` atomically: a temporary file in the same directory, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
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
  const path = join(dir, counterexampleFileName(cx));
  writeFileAtomic(path, `${JSON.stringify(cx, null, 2)}\n`);
  return path;
}

export function readCounterexample(path: string): Counterexample {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CounterexampleError(path, [`cannot read: ${(e as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CounterexampleError(path, [`not JSON: ${(e as Error).message}`]);
  }
  return parseCounterexample(json, path);
}
