import { describe, expect, it } from 'vitest';
import { ALL_VIOLATIONS_CAP, explore } from './bfs.js';
import type { ExplorableModel, Property } from './model.js';

// Two bounded counters [a, b]; action 0 increments a, 1 b. "a + b < 2" is
// violated first at depth 2, by three steps: (a, a), (a, b) and (b, a) lead
// to two states, (b, b) to a third.
function counters(limit: number): ExplorableModel<readonly [number, number]> {
  return {
    actionCount: 2,
    initialStates: () => [[0, 0]],
    step(s, action) {
      const [a, b] = s;
      if (action === 0) return a < limit ? { next: [a + 1, b] } : undefined;
      return b < limit ? { next: [a, b + 1] } : undefined;
    },
    encode: (s) => Uint8Array.of(s[0], s[1]),
    decode: (bytes) => [bytes[0]!, bytes[1]!],
  };
}

const sumBelow2: Property<readonly [number, number]> = {
  id: 'sum-below-2',
  kind: 'always',
  check: ({ after }) => (after[0] + after[1] >= 2 ? `a + b = ${after[0] + after[1]}` : undefined),
};

describe('allViolations: every violating step at the shortest depth', () => {
  it('reports the first only by default, and every distinct one at that depth when asked', () => {
    const first = explore(counters(3), [sumBelow2], { maxDepth: 4 });
    expect(first.violations.map((v) => v.trace)).toEqual([[0, 0]]);
    const all = explore(counters(3), [sumBelow2], { maxDepth: 4, allViolations: true });
    // Parents at depth 1 are [1,0] (by a) and [0,1] (by b); each has two violating steps.
    expect(all.violations.map((v) => v.trace)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(all.violations.every((v) => v.length === 2)).toBe(true);
    // The level that decided it is finished, then the search stops: depth 3 is never expanded.
    expect(all.reason).toBe('all-properties-decided');
    expect(all.statistics.depthExplored).toBe(2);
  });

  it('keeps at most ALL_VIOLATIONS_CAP findings per property', () => {
    // 200 actions that all violate at depth 1.
    const wide: ExplorableModel<Uint8Array> = {
      actionCount: 200,
      initialStates: () => [Uint8Array.of(0)],
      step: (_s, action) => ({ next: Uint8Array.of(1, action) }),
    };
    const always: Property<Uint8Array> = { id: 'never-step', kind: 'always', check: () => 'stepped' };
    const r = explore(wide, [always], { maxDepth: 2, allViolations: true, minimize: false });
    expect(r.violations).toHaveLength(ALL_VIOLATIONS_CAP);
    expect(r.violations.map((v) => v.trace[0])).toEqual(Array.from({ length: ALL_VIOLATIONS_CAP }, (_, i) => i));
  });
});
