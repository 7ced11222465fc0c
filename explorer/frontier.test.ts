import { describe, expect, it } from 'vitest';
import { Frontier } from './frontier.js';

describe('Frontier', () => {
  it('returns records in order, of any length, and frees chunks as they are read', () => {
    const f = new Frontier();
    const records: Uint8Array[] = [];
    for (let i = 0; i < 5000; i++) {
      const len = i === 7 ? 200_000 : i % 5 === 0 ? 0 : (i * 37) % 300;
      records.push(Uint8Array.from({ length: len }, (_, j) => (i + j) & 0xff));
    }
    for (const r of records) f.push(r);
    expect(f.length).toBe(5000);
    const full = f.bytesUsed();
    expect(full).toBeGreaterThan(200_000);
    let half = 0;
    for (let i = 0; i < records.length; i++) {
      expect(f.remaining).toBe(records.length - i);
      const got = f.shift();
      if (Buffer.compare(got, records[i]!) !== 0) throw new Error(`record ${i} differs`);
      if (i === 2500) half = f.bytesUsed();
    }
    expect(half).toBeLessThan(full);
    expect(f.remaining).toBe(0);
    expect(f.bytesUsed()).toBe(0);
  });

  it('views stay valid after the frontier moves on', () => {
    const f = new Frontier();
    f.push(Uint8Array.of(1, 2));
    f.push(Uint8Array.of(3));
    const a = f.shift();
    const b = f.shift();
    expect([...a, ...b]).toEqual([1, 2, 3]);
  });
});
