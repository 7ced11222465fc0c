import { describe, expect, it } from 'vitest';
import {
  FINGERPRINT_SEED_HI,
  FINGERPRINT_SEED_LO,
  fingerprint64,
  fingerprintHex,
  murmur3_32,
  xxh32,
} from './fingerprint.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('fingerprint lanes match their published test vectors', () => {
  it('MurmurHash3_x86_32', () => {
    const m = (b: Uint8Array, seed: number): number => murmur3_32(b, b.length, seed);
    expect(m(new Uint8Array(0), 0)).toBe(0);
    expect(m(new Uint8Array(0), 1)).toBe(0x514e28b7);
    expect(m(new Uint8Array(0), 0xffffffff)).toBe(0x81f16f39);
    expect(m(new Uint8Array(4), 0)).toBe(0x2362f9de);
    expect(m(text('aaaa'), 0x9747b28c)).toBe(0x5a97808a);
    expect(m(text('Hello, world!'), 0x9747b28c)).toBe(0x24884cba);
    expect(m(text('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });

  it('xxHash32', () => {
    const x = (b: Uint8Array, seed: number): number => xxh32(b, b.length, seed);
    expect(x(new Uint8Array(0), 0)).toBe(0x02cc5d05);
    expect(x(text('a'), 0)).toBe(0x550d7456);
    expect(x(text('abc'), 0)).toBe(0x32d153ff);
    expect(x(text('Nobody inspects the spammish repetition'), 0)).toBe(0xe2293b2f);
  });
});

describe('fingerprint64', () => {
  it('is pinned (a change here changes every stored fingerprint)', () => {
    expect(fingerprintHex(new Uint8Array(0))).toBe('65de1e8246b5f946');
    expect(fingerprintHex(Uint8Array.of(0))).toBe('cc23edadfa754244');
    expect(fingerprintHex(Uint8Array.from({ length: 17 }, (_, i) => i + 1))).toBe('77ec38b2f9a5bec3');
    expect(fingerprintHex(text('pipecheck'))).toBe('dfdd480c4f897d71');
  });

  it('is the two lanes computed in one pass, at every length and prefix', () => {
    const bytes = Uint8Array.from({ length: 140 }, (_, i) => (i * 151 + 7) & 0xff);
    const out = new Uint32Array(2);
    for (let n = 0; n <= bytes.length; n++) {
      fingerprint64(bytes, n, out);
      expect([out[0], out[1]]).toEqual([
        xxh32(bytes, n, FINGERPRINT_SEED_HI),
        murmur3_32(bytes, n, FINGERPRINT_SEED_LO),
      ]);
    }
  });

  it('writes hi and lo into the output without allocating a result', () => {
    const out = new Uint32Array(4);
    fingerprint64(text('pipecheck'), 9, out);
    expect(out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0')).toBe('dfdd480c4f897d71');
    expect(out[2]).toBe(0);
  });

  it('respects the prefix length and ignores bytes after it', () => {
    const a = Uint8Array.of(1, 2, 3, 4, 5, 6, 7);
    const b = Uint8Array.of(1, 2, 3, 4, 9, 9, 9);
    expect(fingerprintHex(a, 4)).toBe(fingerprintHex(b, 4));
    expect(fingerprintHex(a, 4)).toBe(fingerprintHex(Uint8Array.of(1, 2, 3, 4)));
    expect(fingerprintHex(a)).not.toBe(fingerprintHex(b));
    expect(fingerprintHex(a, 5)).not.toBe(fingerprintHex(b, 5));
    // Zero padding is not ignored: lengths are hashed.
    expect(fingerprintHex(Uint8Array.of(0, 0), 1)).not.toBe(fingerprintHex(Uint8Array.of(0, 0), 2));
  });

  it('gives distinct fingerprints to distinct small inputs', () => {
    const seen = new Set<string>();
    const lanesLo = new Set<number>();
    const out = new Uint32Array(2);
    const buf = new Uint8Array(3);
    for (let i = 0; i < 1 << 16; i++) {
      buf[0] = i & 0xff;
      buf[1] = i >>> 8;
      for (const len of [2, 3]) {
        fingerprint64(buf, len, out);
        seen.add(`${out[0]}:${out[1]}`);
        lanesLo.add(out[1]!);
      }
    }
    expect(seen.size).toBe(2 << 16);
    // The low lane alone is a decent 32-bit hash: few collisions among 2^17 inputs.
    expect(lanesLo.size).toBeGreaterThan((2 << 16) - 20);
    // Every length up to 40 with every single bit flipped differs.
    const all = new Set<string>();
    let count = 0;
    for (let len = 0; len <= 40; len++) {
      const base = new Uint8Array(len);
      all.add(fingerprintHex(base));
      count++;
      for (let bit = 0; bit < len * 8; bit++) {
        const flipped = base.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        all.add(fingerprintHex(flipped));
        count++;
      }
    }
    expect(all.size).toBe(count);
  });
});
