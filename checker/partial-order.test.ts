import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.js';
import type { ExploreResult } from '../explorer/result.js';
import type { SearchSnapshot } from '../explorer/snapshot.js';
import { defineInvariant } from '../invariants/define.js';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { scenarioModelFor, toProperties } from '../invariants/property.js';
import { EXT4 } from '../model/fs/index.js';
import { parseScenario, type Scenario } from '../model/scenario.js';
import { exploreScenario, type exploreScenarioParallel, type ExploreJob } from './explore.js';
import { minimizedTrace } from './partial-order.js';
import { partialOrderReduction, reductionNote } from './reductions.js';

const FOUR = new URL('../examples/four-threads/four-threads.scenario.json', import.meta.url);

/** The 4-thread strace import, with order-0 folios (each page its own block) unless said. */
function fourThreads(bounds: object = { folioPages: 1 }): Scenario {
  const raw = JSON.parse(readFileSync(FOUR, 'utf8')) as { bounds: object };
  return parseScenario({ ...raw, bounds: { ...raw.bounds, ...bounds } }, 'four-threads');
}

const HOLDING = DEFAULT_INVARIANTS.filter((i) => i.id !== 'data-stability');

function untimed(r: ExploreResult<unknown>): unknown {
  const { elapsedMs: _e, memoryBytes: _m, ...statistics } = r.statistics;
  return { ...r, statistics };
}

describe('partial-order reduction: when it applies', () => {
  const sc = fourThreads();

  it('is on for processes, no environment, a depth over every step and invariants that declare commutes', () => {
    expect(partialOrderReduction(sc, DEFAULT_INVARIANTS, true)).toEqual({ requested: true, on: true });
    expect(partialOrderReduction(sc, DEFAULT_INVARIANTS, false)).toEqual({ requested: false, on: false });
  });

  it('is off, with a note naming why, otherwise', () => {
    const note = (s: Scenario, inv = DEFAULT_INVARIANTS, all = false) =>
      partialOrderReduction(s, inv, true, all).note ?? '';
    expect(note(fourThreads({ depth: 6 }))).toContain('depth bound 6 is below the 7 steps');
    const withEnv = parseScenario({ ...JSON.parse(readFileSync(FOUR, 'utf8')), environment: { ops: ['evict'] } }, 'x');
    expect(note(withEnv)).toContain('environment');
    const plugin = defineInvariant({ id: 'my-check', description: 'd', check: () => undefined });
    expect(note(sc, [...DEFAULT_INVARIANTS, plugin])).toContain('invariant my-check does not declare commutes: true');
    expect(note(sc, DEFAULT_INVARIANTS, true)).toContain('--all-violations');
    const one = parseScenario(
      {
        kernel: 'linux',
        bounds: { pages: 1, cells: 2, values: 1, slots: 1, folioPages: 1, userPages: 0, depth: 1 },
        processes: [{ name: 'a', program: [{ op: 'write', off: 0, len: 1, value: 1 }] }],
      },
      'one',
    );
    expect(note(one)).toContain('fewer than two processes');
    const r = {
      values: { requested: false, on: false, interchangeable: [] },
      partialOrder: { requested: true, on: false, note: 'off: why' },
    };
    expect(reductionNote(r)).toBe('--partial-order: off: why');
  });
});

describe('partial-order reduction on the 4-thread strace import', () => {
  const sc = fourThreads();
  const job = (extra: Partial<ExploreJob> = {}): ExploreJob => ({
    scenario: sc,
    invariants: { ids: DEFAULT_INVARIANTS.map((i) => i.id) },
    ...extra,
  });

  it('explores fewer states with the same verdicts, and the same shortest traces', () => {
    const off = exploreScenario(job(), DEFAULT_INVARIANTS);
    const on = exploreScenario(job({ partialOrder: true }), DEFAULT_INVARIANTS);
    expect(on.reductions.partialOrder?.on).toBe(true);
    expect(off.reductions.partialOrder).toBeUndefined();
    expect(on.result.status).toBe(off.result.status);
    expect(on.result.violations).toEqual(off.result.violations);
    expect(on.result.statistics.statesDistinct).toBeLessThan(off.result.statistics.statesDistinct);
    const confirm = on.reductions.partialOrder?.confirm;
    expect(confirm?.complete).toBe(true);
  });

  it('cuts a trace to the causal cone of its last step when that still violates', () => {
    const model = scenarioModelFor(sc, EXT4, DEFAULT_INVARIANTS, [], true);
    const stability = toProperties(model, DEFAULT_INVARIANTS)[0]!;
    const K = model.choiceSlots;
    // pid-7000 writes the file and splices page 1, pid-7002 writes page 3, pid-7001 pages 0 and 1, pid-7002 page 2,
    // pid-7003 reads: the read depends on the splice (the pipe) and on the write to page 1 (the pipe's taint), which
    // comes after pid-7001's write to page 0; pid-7002's writes are independent of all of these.
    const later = [0, 0, 2, 1, 1, 2, 3].map((p) => p * K);
    expect(minimizedTrace(model, stability, later)).toEqual([0, 0, 1, 1, 3].map((p) => p * K));
    // pid-7002's write before the file's grows the file: the whole-file write depends on it, so nothing goes.
    const before = [2, 2, 0, 0, 1, 1, 3].map((p) => p * K);
    expect(minimizedTrace(model, stability, before)).toEqual(before);
  });

  it('holds invariants with fewer states, and resumes from a checkpoint to the same result', () => {
    const model = scenarioModelFor(sc, EXT4, HOLDING, [], true);
    const properties = toProperties(model, HOLDING);
    const whole = explore(model, properties, { maxDepth: sc.bounds.depth });
    const full = scenarioModelFor(sc, EXT4, HOLDING);
    const every = explore(full, toProperties(full, HOLDING), { maxDepth: sc.bounds.depth });
    expect(whole.status).toBe('holds');
    expect(every.status).toBe('holds');
    expect(whole.statistics.statesDistinct).toBeLessThan(every.statistics.statesDistinct);
    let saved: SearchSnapshot | undefined;
    const cut = explore(model, properties, {
      maxDepth: sc.bounds.depth,
      maxStates: Math.floor(whole.statistics.statesDistinct / 2),
      checkpoint: { due: () => false, save: (s) => (saved = s) },
    });
    expect(cut.complete).toBe(false);
    expect(saved).toBeDefined();
    const resumed = explore(model, properties, {
      maxDepth: sc.bounds.depth,
      checkpoint: { due: () => false, save: () => undefined, resume: saved! },
    });
    expect(untimed(resumed)).toEqual(untimed(whole));
  });

  it('is the same on one thread and on two worker threads', async () => {
    const dist = (await import(new URL('../dist/checker/explore.js', import.meta.url).href)) as {
      exploreScenario: typeof exploreScenario;
      exploreScenarioParallel: typeof exploreScenarioParallel;
    };
    // The built-in invariants of the same build (they read the states through its layout).
    const builtins = (await import(new URL('../dist/invariants/builtins.js', import.meta.url).href)) as {
      DEFAULT_INVARIANTS: typeof DEFAULT_INVARIANTS;
    };
    const all = builtins.DEFAULT_INVARIANTS;
    for (const invariants of [all.filter((i) => i.id !== 'data-stability'), all]) {
      const j = { ...job({ partialOrder: true }), invariants: { ids: invariants.map((i) => i.id) } };
      const one = dist.exploreScenario(j, invariants);
      const two = await dist.exploreScenarioParallel({ ...j, workers: 2 }, invariants, { workers: 2 });
      expect(untimed(two.result)).toEqual(untimed(one.result));
      expect(two.reductions).toEqual(one.reductions);
    }
  });
});
