/**
 * A search snapshot (snapshot.ts) as bytes, and back: the checkpoint file's
 * format. One file, so that one rename makes it current:
 *
 *     "pipecheck-checkpoint/1\n"       the magic line (ASCII)
 *     u32 LE                            the header's length in bytes
 *     header                            JSON (UTF-8): the counts, the findings,
 *                                       the visitors' states, the caller's key,
 *                                       the payload's length and SHA-256
 *     payload                           per state id: fingerprint high words,
 *                                       low words, parents, actions (u32 LE
 *                                       each, levelEnd of each); the level's
 *                                       record lengths (u32 LE), then their bytes
 *
 * Decoding checks everything it reads and throws a SnapshotError naming the
 * field (`header.levelEnd`, `payload`) that is wrong.
 *
 * @public
 */
import { createHash } from 'node:crypto';
import { SnapshotError, type SavedFinding, type SearchSnapshot } from './snapshot.js';
import type { VisitedColumns } from './visited.js';

export const CHECKPOINT_FORMAT = 'pipecheck-checkpoint/1';
const MAGIC = new TextEncoder().encode(`${CHECKPOINT_FORMAT}\n`);
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The header: every field of a snapshot but the arrays of the payload, and the caller's key. */
export type CheckpointHeader = Omit<SearchSnapshot, 'states' | 'frontier'> & {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** What the caller says this search is (its options): a resume with another key is refused. */
  readonly key: unknown;
  /** The payload: its length and SHA-256 (hex). */
  readonly payloadBytes: number;
  readonly payloadSha256: string;
};

/** u32 words as little-endian bytes (a copy on a big-endian machine). */
function wordsLE(words: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]!, true);
  return out;
}

/** Little-endian bytes as u32 words (copied: the bytes may be unaligned). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  }
  return out;
}

/** The checkpoint of `snapshot` with `key`, as the byte ranges to write one after the other. */
export function encodeCheckpoint(snapshot: SearchSnapshot, key: unknown): Uint8Array[] {
  const { states, frontier, ...fields } = snapshot;
  const lengths = Uint32Array.from(frontier, (r) => r.length);
  const payload = [
    wordsLE(states.hi),
    wordsLE(states.lo),
    wordsLE(states.parent),
    wordsLE(states.action),
    wordsLE(lengths),
    ...frontier,
  ];
  const hash = createHash('sha256');
  let payloadBytes = 0;
  for (const p of payload) {
    hash.update(p);
    payloadBytes += p.length;
  }
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    key,
    ...fields,
    payloadBytes,
    payloadSha256: hash.digest('hex'),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.length, true);
  return [MAGIC, length, json, ...payload];
}

function fail(field: string, why: string): never {
  throw new SnapshotError(field, `${field}: ${why}`);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function count(h: Record<string, unknown>, field: string): number {
  const v = h[field];
  if (!isCount(v)) fail(`header.${field}`, `expected a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function counts(h: Record<string, unknown>, field: string): number[] {
  const v = h[field];
  if (!Array.isArray(v) || !v.every(isCount)) fail(`header.${field}`, 'expected a list of non-negative integers');
  return v as number[];
}

function finding(v: unknown, field: string): SavedFinding {
  const f = v as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null || !isCount(f['parent']) || !isCount(f['action'])) {
    fail(field, 'expected { parent, action, message }');
  }
  if (typeof f['message'] !== 'string') fail(`${field}.message`, 'expected a string');
  return f as unknown as SavedFinding;
}

/** The header of a checkpoint, from its first bytes (at least up to the header's end). */
export function decodeCheckpointHeader(bytes: Uint8Array): { header: CheckpointHeader; payloadAt: number } {
  if (bytes.length < MAGIC.length + 4 || !MAGIC.every((b, i) => bytes[i] === b)) {
    fail('format', `not a checkpoint (it does not start with "${CHECKPOINT_FORMAT}")`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 4).getUint32(0, true);
  const start = MAGIC.length + 4;
  if (bytes.length < start + length) fail('header', 'the file ends inside the header (cut short?)');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, start + length)));
  } catch (e) {
    fail('header', `not JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('header', 'not a JSON object');
  const h = raw as Record<string, unknown>;
  if (h['format'] !== CHECKPOINT_FORMAT) fail('header.format', `expected "${CHECKPOINT_FORMAT}"`);
  for (const f of ['depth', 'depthExplored', 'levelFirst', 'levelEnd', 'transitions', 'workBeforeLevel']) count(h, f);
  for (const f of ['peakBytes', 'elapsedMs', 'actionCount', 'payloadBytes']) count(h, f);
  if (count(h, 'levelFirst') > count(h, 'levelEnd')) fail('header.levelFirst', 'past levelEnd');
  counts(h, 'roots');
  counts(h, 'active');
  const ids = h['propertyIds'];
  if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
    fail('header.propertyIds', 'expected a list of strings');
  }
  const found = h['found'];
  if (!Array.isArray(found) || found.length !== ids.length) fail('header.found', 'expected one list per property');
  found.forEach((list: unknown, i) => {
    if (!Array.isArray(list)) fail(`header.found[${i}]`, 'expected a list');
    list.forEach((f, j) => finding(f, `header.found[${i}][${j}]`));
  });
  const errors = h['errors'];
  if (!Array.isArray(errors) || errors.length !== ids.length) fail('header.errors', 'expected one entry per property');
  errors.forEach((e: unknown, i) => e === null || finding(e, `header.errors[${i}]`));
  if (!Array.isArray(h['visitors'])) fail('header.visitors', 'expected a list');
  if (typeof h['payloadSha256'] !== 'string') fail('header.payloadSha256', 'expected a hex string');
  return { header: h as unknown as CheckpointHeader, payloadAt: start + length };
}

/** A checkpoint's key and snapshot (arrays copied out of `bytes`). */
export function decodeCheckpoint(bytes: Uint8Array): { key: unknown; snapshot: SearchSnapshot } {
  const { header, payloadAt } = decodeCheckpointHeader(bytes);
  const payload = bytes.subarray(payloadAt);
  if (payload.length !== header.payloadBytes) {
    fail('payload', `${payload.length} bytes where the header says ${header.payloadBytes} (cut short?)`);
  }
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    fail('payload', "its SHA-256 is not the header's payloadSha256 (the file is damaged)");
  }
  const n = header.levelEnd;
  const m = n - header.levelFirst;
  if (payload.length < (4 * n + m) * 4) fail('header.levelEnd', 'more states than the payload holds');
  let at = 0;
  const words = (k: number): Uint32Array => {
    const out = wordsOf(payload.subarray(at, at + 4 * k));
    at += 4 * k;
    return out;
  };
  const states: VisitedColumns = { hi: words(n), lo: words(n), parent: words(n), action: words(n) };
  const lengths = words(m);
  const frontier: Uint8Array[] = [];
  for (const len of lengths) {
    if (at + len > payload.length) fail('payload', "the level's states run past its end");
    frontier.push(payload.subarray(at, at + len));
    at += len;
  }
  if (at !== payload.length) fail('payload', `${payload.length - at} bytes after the level's states`);
  const { format: _f, key, payloadBytes: _b, payloadSha256: _s, ...fields } = header;
  return { key, snapshot: { ...fields, states, frontier } };
}
