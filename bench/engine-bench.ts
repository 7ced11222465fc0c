/**
 * Engine micro-benchmark: the explorer alone, on cheap fixture models with a
 * few million states, so the figures measure the engine (fingerprinting, the
 * visited set, the frontier) rather than a model.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/engine-bench.js [grid|cube|all]
 *
 * Prints transitions/s, distinct states/s and bytes per visited state (typed
 * arrays of the visited set plus the frontier, sampled from progress and level
 * events once past a million states).
 */
import { explore } from '../explorer/bfs.js';
import type { ExplorableModel, Property } from '../explorer/model.js';

/** Three counters 0 .. n-1 packed in a number; actions: increment or decrement one. */
function grid(n: number): ExplorableModel<number> {
  return {
    actionCount: 6,
    initialStates: () => [0],
    step(s, action) {
      const shift = (action >> 1) * 8;
      const v = (s >>> shift) & 0xff;
      if (action & 1) return v > 0 ? { next: s - (1 << shift) } : undefined;
      return v < n - 1 ? { next: s + (1 << shift) } : undefined;
    },
    encode: (s) => Uint8Array.of(s & 0xff, (s >>> 8) & 0xff, s >>> 16),
    decode: (b) => b[0]! | (b[1]! << 8) | (b[2]! << 16),
    formatAction: (a) => `${a & 1 ? 'dec' : 'inc'} ${a >> 1}`,
  };
}

/** A hypercube: `bits` bits, action i flips bit i. Wide BFS levels (up to C(bits, bits/2)). */
function cube(bits: number): ExplorableModel<number> {
  return {
    actionCount: bits,
    initialStates: () => [0],
    step: (s, action) => ({ next: s ^ (1 << action) }),
    encode: (s) => Uint8Array.of(s & 0xff, (s >>> 8) & 0xff, s >>> 16),
    decode: (b) => b[0]! | (b[1]! << 8) | (b[2]! << 16),
    formatAction: (a) => `flip ${a}`,
  };
}

/** A property that is checked on every step and never fires (so nothing stops early). */
const cheap: Property<number> = {
  id: 'never',
  kind: 'always',
  check: ({ after }) => (after < 0 ? 'negative' : undefined),
};

function run(name: string, model: ExplorableModel<number>, withProperty: boolean): void {
  let worstBytesPerState = 0;
  const sample = (memoryBytes: number, states: number): void => {
    if (states >= 1_000_000) worstBytesPerState = Math.max(worstBytesPerState, memoryBytes / states);
  };
  const t0 = performance.now();
  const r = explore(model, withProperty ? [cheap] : [], {
    progressIntervalMs: 10,
    onEvent: (e) => {
      if (e.type === 'progress' || e.type === 'level') sample(e.memoryBytes, e.statesDistinct);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const { statesDistinct, transitions, memoryBytes, depthExplored } = r.statistics;
  const heap = process.memoryUsage();
  const n = (x: number): string => Math.round(x).toLocaleString('en');
  const mib = (bytes: number, digits = 0): string => `${(bytes / 2 ** 20).toFixed(digits)} MiB`;
  console.log(
    [
      `${name}${withProperty ? ' + 1 property' : ''}: ${r.status} (${r.reason}), depth ${depthExplored}`,
      `  states ${n(statesDistinct)}, transitions ${n(transitions)}, ${seconds.toFixed(2)} s`,
      `  ${n(transitions / seconds)} transitions/s, ${n(statesDistinct / seconds)} distinct states/s`,
      `  peak typed-array bytes ${mib(memoryBytes, 1)} = ${(memoryBytes / statesDistinct).toFixed(1)} B/state ` +
        `at the end; worst sampled past 1M states ${worstBytesPerState.toFixed(1)} B/state`,
      `  process: rss ${mib(heap.rss)}, heapUsed ${mib(heap.heapUsed)}, arrayBuffers ${mib(heap.arrayBuffers)}`,
    ].join('\n'),
  );
}

const which = process.argv[2] ?? 'all';
if (which === 'grid' || which === 'all') {
  run('grid 160^3', grid(160), false);
  run('grid 160^3', grid(160), true);
}
if (which === 'cube' || which === 'all') {
  run('cube 2^22', cube(22), false);
}
