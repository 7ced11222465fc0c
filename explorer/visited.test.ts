import { describe, expect, it } from 'vitest';
import { NO_PARENT, VisitedSet } from './visited.js';

/** A deterministic stream of pseudo-random uint32s (xorshift32). */
function xorshift(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe('VisitedSet', () => {
  it('assigns dense ids in insertion order and finds them again', () => {
    const v = new VisitedSet(10, 2);
    expect(v.insert(1, 2, NO_PARENT, 0)).toBe(0);
    expect(v.insert(3, 4, 0, 7)).toBe(1);
    expect(v.insert(1, 2, 1, 9)).toBe(-1);
    expect(v.size).toBe(2);
    expect(v.lookup(3, 4)).toBe(1);
    expect(v.lookup(3, 5)).toBe(-1);
    // Same low half, different high half: distinct states.
    expect(v.insert(1, 4, 1, 3)).toBe(2);
    expect(v.parent(1)).toBe(0);
    expect(v.action(1)).toBe(7);
    expect(v.parent(0)).toBe(NO_PARENT);
    expect([v.fingerprintHi(2), v.fingerprintLo(2)]).toEqual([1, 4]);
    expect(v.path(2)).toEqual([7, 3]);
    expect(v.root(2)).toBe(0);
  });

  it('keeps every entry across many growths (negative int32 halves too)', () => {
    const v = new VisitedSet(3, 4);
    const next = xorshift(12345);
    const his: number[] = [];
    const los: number[] = [];
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const hi = next();
      const lo = i % 3 === 0 ? (los[i - 1] ?? 0) : next(); // shared low halves collide in the table
      his.push(hi);
      los.push(lo);
      if (v.insert(hi | 0, lo | 0, i === 0 ? NO_PARENT : i - 1, i % 3) !== i) throw new Error(`insert ${i}`);
    }
    expect(v.size).toBe(n);
    for (let i = 0; i < n; i += 7) {
      expect(v.lookup(his[i]!, los[i]!)).toBe(i);
      expect(v.insert(his[i]!, los[i]!, 0, 0)).toBe(-1);
      expect(v.parent(i)).toBe(i === 0 ? NO_PARENT : i - 1);
      expect(v.action(i)).toBe(i % 3);
    }
    expect(v.path(5)).toEqual([1, 2, 0, 1, 2]);
  });

  it('stores 32-bit actions when there are more than 65535', () => {
    const narrow = new VisitedSet(65535);
    narrow.insert(1, 1, NO_PARENT, 0);
    narrow.insert(2, 2, 0, 65534);
    expect(narrow.action(1)).toBe(65534);
    const wide = new VisitedSet(70000);
    wide.insert(1, 1, NO_PARENT, 0);
    wide.insert(2, 2, 0, 69999);
    expect(wide.action(1)).toBe(69999);
    expect(wide.bytesUsed()).toBeGreaterThan(narrow.bytesUsed());
  });

  it('reports the bytes of its typed arrays: under 26 bytes a state past a million', () => {
    const v = new VisitedSet(16);
    const next = xorshift(99);
    let worst = 0;
    for (let i = 0; i < 1_500_000; i++) {
      v.insert(next(), next(), 0, 0);
      if (i >= 1_000_000 && i % 1000 === 0) worst = Math.max(worst, v.bytesUsed() / v.size);
    }
    // 14 bytes of per-state arrays plus at most 4 / 0.35 of table.
    expect(worst).toBeLessThan(26);
    expect(worst).toBeGreaterThan(14);
  });
});
