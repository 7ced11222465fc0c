import { describe, expect, it } from 'vitest';
import { UnitFingerprints } from './parallel-unit.js';

describe('UnitFingerprints: the states a unit found new so far', () => {
  it('says a fingerprint is new once, until cleared, through growth, with both words compared', () => {
    const set = new UnitFingerprints();
    // Enough to grow the table several times; lo words collide on purpose (same low bits).
    const n = 20_000;
    for (let i = 1; i <= n; i++) expect(set.add(i * 7919, (i % 64) << 12)).toBe(true);
    for (let i = 1; i <= n; i++) expect(set.add(i * 7919, (i % 64) << 12)).toBe(false);
    // Same lo, another hi: another fingerprint.
    expect(set.add(1, 0)).toBe(true);
    expect(set.add(0, 1)).toBe(true);
    // 0:0 is a fingerprint like any other.
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    set.clear();
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(7919, 1 << 12)).toBe(true);
  });
});
