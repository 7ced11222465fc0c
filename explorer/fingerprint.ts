/**
 * Fixed-seed 64-bit fingerprints of byte ranges.
 *
 * A fingerprint is two independent 32-bit hashes of the same bytes: the low
 * lane is MurmurHash3 (x86, 32-bit), the high lane is xxHash32, each with its
 * own fixed seed. Two different algorithms rather than one algorithm with two
 * seeds, so a structured collision of one lane is not a collision of the
 * other. Both are pinned to their published test vectors, so a fingerprint is
 * the same on every run, build and machine (nothing here depends on the
 * platform's endianness: bytes are assembled little-endian by hand).
 *
 * @public
 */

/** The seed of the low lane (MurmurHash3). Changing it changes every fingerprint. */
export const FINGERPRINT_SEED_LO = 0x70697065; // "pipe"
/** The seed of the high lane (xxHash32). Changing it changes every fingerprint. */
export const FINGERPRINT_SEED_HI = 0x63686b21; // "chk!"

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

// The steps of both algorithms, shared by the reference hashes and by the
// fused `fingerprint64` (one definition each; V8 inlines them).

function read32(bytes: Uint8Array, i: number): number {
  return bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24) | 0;
}

function murmurScramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** One MurmurHash3 block step: `h` after mixing in the 32-bit word `k`. */
function murmurBlock(h: number, k: number): number {
  h ^= murmurScramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's last 1..3 bytes (from `i`), then its finalization. */
function murmurFinish(h: number, bytes: Uint8Array, i: number, length: number): number {
  const rem = length - i;
  if (rem !== 0) {
    let k = 0;
    if (rem === 3) k ^= bytes[i + 2]! << 16;
    if (rem >= 2) k ^= bytes[i + 1]! << 8;
    k ^= bytes[i]!;
    h ^= murmurScramble(k);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function xxRound(acc: number, input: number): number {
  acc = (acc + Math.imul(input, P2)) | 0;
  acc = (acc << 13) | (acc >>> 19);
  return Math.imul(acc, P1);
}

function xxConverge(v1: number, v2: number, v3: number, v4: number): number {
  return (
    (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14))) |
    0
  );
}

/** xxHash32 after its stripes: one 32-bit word of the remainder. */
function xxWord(h: number, w: number): number {
  h = (h + Math.imul(w, P3)) | 0;
  return Math.imul((h << 17) | (h >>> 15), P4);
}

/** xxHash32's last 0..3 bytes (from `i`), then its avalanche. */
function xxFinish(h: number, bytes: Uint8Array, i: number, length: number): number {
  for (; i < length; i++) {
    h = (h + Math.imul(bytes[i]!, P5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), P1);
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3_x86_32 of `bytes[0 .. length)`, as an unsigned 32-bit integer. */
export function murmur3_32(bytes: Uint8Array, length: number, seed: number): number {
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= length; i += 4) h = murmurBlock(h, read32(bytes, i));
  return murmurFinish(h, bytes, i, length);
}

/** xxHash32 of `bytes[0 .. length)`, as an unsigned 32-bit integer. */
export function xxh32(bytes: Uint8Array, length: number, seed: number): number {
  let i = 0;
  let h: number;
  if (length >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    for (; i <= length - 16; i += 16) {
      v1 = xxRound(v1, read32(bytes, i));
      v2 = xxRound(v2, read32(bytes, i + 4));
      v3 = xxRound(v3, read32(bytes, i + 8));
      v4 = xxRound(v4, read32(bytes, i + 12));
    }
    h = xxConverge(v1, v2, v3, v4);
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + length) | 0;
  for (; i + 4 <= length; i += 4) h = xxWord(h, read32(bytes, i));
  return xxFinish(h, bytes, i, length);
}

/**
 * The 64-bit fingerprint of `bytes[0 .. length)`, written to `out` without
 * allocating: `out[0]` the high 32 bits, `out[1]` the low 32 bits.
 * `length` must be between 0 and `bytes.length`.
 *
 * The same values as `xxh32` and `murmur3_32` with the lanes' seeds, but in
 * one pass: both consume the same little-endian words at the same offsets, so
 * each word is read once (this runs on every step of the search).
 */
export function fingerprint64(bytes: Uint8Array, length: number, out: Uint32Array): void {
  let lo = FINGERPRINT_SEED_LO | 0;
  let hi: number;
  let i = 0;
  if (length >= 16) {
    let v1 = (FINGERPRINT_SEED_HI + P1 + P2) | 0;
    let v2 = (FINGERPRINT_SEED_HI + P2) | 0;
    let v3 = FINGERPRINT_SEED_HI | 0;
    let v4 = (FINGERPRINT_SEED_HI - P1) | 0;
    for (; i <= length - 16; i += 16) {
      const w1 = read32(bytes, i);
      const w2 = read32(bytes, i + 4);
      const w3 = read32(bytes, i + 8);
      const w4 = read32(bytes, i + 12);
      v1 = xxRound(v1, w1);
      v2 = xxRound(v2, w2);
      v3 = xxRound(v3, w3);
      v4 = xxRound(v4, w4);
      lo = murmurBlock(murmurBlock(murmurBlock(murmurBlock(lo, w1), w2), w3), w4);
    }
    hi = xxConverge(v1, v2, v3, v4);
  } else {
    hi = (FINGERPRINT_SEED_HI + P5) | 0;
  }
  hi = (hi + length) | 0;
  for (; i + 4 <= length; i += 4) {
    const w = read32(bytes, i);
    hi = xxWord(hi, w);
    lo = murmurBlock(lo, w);
  }
  out[0] = xxFinish(hi, bytes, i, length);
  out[1] = murmurFinish(lo, bytes, i, length);
}

/** The fingerprint as 16 lowercase hex digits (allocates; for reports and tests). */
export function fingerprintHex(bytes: Uint8Array, length: number = bytes.length): string {
  const out = new Uint32Array(2);
  fingerprint64(bytes, length, out);
  return out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0');
}
