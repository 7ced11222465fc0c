/**
 * The multi-thread search gives the one-thread search's result: the same
 * states, traces, findings, statistics (but elapsedMs) and the same steps
 * shown to the visitors, on toy models (test-support/parallel-toys.mjs),
 * including early stops, the state cap, allViolations and a property that
 * throws. Runs the compiled worker (dist/, built by the global setup).
 */
import { describe, expect, it } from 'vitest';
import type { explore as exploreFn } from './bfs.js';
import type { exploreParallel as exploreParallelFn } from './parallel.js';
import type { ExploreResult } from './result.js';
import type { SearchSnapshot } from './snapshot.js';

const TOYS = new URL('../test-support/parallel-toys.mjs', import.meta.url).href;
const dist = (file: string): string => new URL(`../dist/explorer/${file}`, import.meta.url).href;

interface Toys {
  createExploration(data: unknown): {
    model: Parameters<typeof exploreFn>[0];
    properties: Parameters<typeof exploreFn>[1];
    visitors: Array<{ visit(v: unknown): void; take(): unknown; absorb(p: unknown): void; steps: number }>;
  };
}

async function both(
  data: { n: number; properties: unknown[]; ample?: boolean },
  options: { maxDepth?: number; maxStates?: number; allViolations?: boolean },
  workers = 2,
  discover = false,
): Promise<{ one: unknown; many: unknown }> {
  const toys = (await import(TOYS)) as Toys;
  const { explore } = (await import(dist('bfs.js'))) as { explore: typeof exploreFn };
  const { exploreParallel } = (await import(dist('parallel.js'))) as { exploreParallel: typeof exploreParallelFn };
  // The states each step reached first, as `action:bytes`, in the order told (discover only).
  const discoveries = (list: string[]) =>
    discover ? { onDiscovered: (a: number, b: Uint8Array) => void list.push(`${a}:${b.join('.')}`) } : {};
  const oneFound: string[] = [];
  const manyFound: string[] = [];
  const local = toys.createExploration(data);
  const oneEvents: unknown[] = [];
  const one = explore(local.model, local.properties, {
    ...options,
    ...discoveries(oneFound),
    visitors: local.visitors,
    onEvent: (e) => oneEvents.push({ ...e, elapsedMs: 0 }),
  });
  const remote = toys.createExploration(data);
  const manyEvents: unknown[] = [];
  const many = await exploreParallel(
    remote,
    { workers, module: TOYS, data },
    { ...options, ...discoveries(manyFound), onEvent: (e) => manyEvents.push({ ...e, elapsedMs: 0 }) },
  );
  const strip = (r: ExploreResult, visitor: unknown) => ({
    ...r,
    statistics: { ...r.statistics, elapsedMs: 0 },
    visitor,
  });
  return {
    one: { result: strip(one, local.visitors[0]!.take()), events: oneEvents, discovered: oneFound },
    many: { result: strip(many, remote.visitors[0]!.take()), events: manyEvents, discovered: manyFound },
  };
}

describe('exploreParallel', () => {
  it('explores what one thread explores when nothing is violated (several levels, several units)', async () => {
    const { one, many } = await both({ n: 14, properties: [{ kind: 'sum-below', k: 99 }, { kind: 'never' }] }, {});
    expect((one as { result: ExploreResult }).result.statistics.statesDistinct).toBe(14 ** 3);
    expect(many).toEqual(one);
  });

  it('takes the ample sets of a model as one thread does (ampleActions), and a stop inside a unit', async () => {
    const props = [{ kind: 'sum-below', k: 99 }, { kind: 'never' }];
    const { one, many } = await both({ n: 14, properties: props, ample: true }, {});
    expect(many).toEqual(one);
    const full = await both({ n: 14, properties: props }, {});
    const transitions = (r: unknown) => (r as { result: ExploreResult }).result.statistics.transitions;
    expect(transitions(one)).toBeLessThan(transitions(full.one));
    const stopped = await both({ n: 14, properties: [{ kind: 'sum-below', k: 30 }], ample: true }, {});
    expect((stopped.one as { result: ExploreResult }).result.reason).toBe('all-properties-decided');
    expect(stopped.many).toEqual(stopped.one);
  });

  it('stops at the same step once every property is decided, visitors included', async () => {
    const data = { n: 16, properties: [{ kind: 'sum-below', k: 20 }, { kind: 'diagonal' }, { kind: 'x-below', k: 9 }] };
    const { one, many } = await both(data, {});
    expect((one as { result: ExploreResult }).result.reason).toBe('all-properties-decided');
    expect(many).toEqual(one);
  });

  it('reports every violation at the deciding depth with allViolations', async () => {
    const data = {
      n: 12,
      properties: [
        { kind: 'sum-below', k: 15 },
        { kind: 'x-below', k: 6 },
      ],
    };
    const { one, many } = await both(data, { allViolations: true }, 3);
    expect((one as { result: ExploreResult }).result.violations.length).toBeGreaterThan(2);
    expect(many).toEqual(one);
  });

  it('judges properties that judge states once per state, with the same result as every step', async () => {
    const properties = [{ kind: 'sum-below', k: 20 }, { kind: 'diagonal' }, { kind: 'x-below', k: 9 }];
    const perState = properties.map((p) => ({ ...p, judges: 'state' }));
    const stepwise = await both({ n: 16, properties }, {});
    const { one, many } = await both({ n: 16, properties: perState }, {});
    expect(many).toEqual(one);
    // The same findings, traces, counts and visitor's view: only fewer checks.
    expect(one).toEqual(stepwise.one);
  });

  it('stops at the same new state past maxStates', async () => {
    const { one, many } = await both({ n: 14, properties: [{ kind: 'sum-below', k: 99 }] }, { maxStates: 1234 });
    expect((one as { result: ExploreResult }).result.reason).toBe('max-states');
    expect(many).toEqual(one);
  });

  it('keeps the earliest event of a property that throws, and no later one', async () => {
    const data = {
      n: 12,
      properties: [
        { kind: 'throws-at-sum', k: 9, alsoViolatesAt: 12 },
        { kind: 'sum-below', k: 14 },
      ],
    };
    const { one, many } = await both(data, { maxDepth: 20 });
    expect((one as { result: ExploreResult }).result.propertyErrors).toHaveLength(1);
    expect(many).toEqual(one);
  });

  it('tells onDiscovered of the same states in the same order, the last level and a stop included', async () => {
    type Run = { result: ExploreResult; discovered: string[] };
    const runs: Array<[{ n: number; properties: unknown[] }, { maxDepth?: number; maxStates?: number }]> = [
      [{ n: 9, properties: [{ kind: 'sum-below', k: 99 }] }, { maxDepth: 6 }],
      [{ n: 16, properties: [{ kind: 'sum-below', k: 20 }, { kind: 'diagonal' }] }, {}],
      [{ n: 14, properties: [{ kind: 'sum-below', k: 99 }] }, { maxStates: 1234 }],
    ];
    for (const [data, options] of runs) {
      const { one, many } = await both(data, options, 2, true);
      const r = one as Run;
      // Every state but the 2 distinct initial ones, each once.
      expect(r.discovered).toHaveLength(r.result.statistics.statesDistinct - 2);
      expect(new Set(r.discovered.map((d) => d.split(':')[1])).size).toBe(r.discovered.length);
      expect(many).toEqual(one);
    }
  });

  it('saves the level start one thread saves at a limit, resumes it to the whole result (1, 2 workers)', async () => {
    const toys = (await import(TOYS)) as Toys;
    const { explore } = (await import(dist('bfs.js'))) as { explore: typeof exploreFn };
    const { exploreParallel } = (await import(dist('parallel.js'))) as { exploreParallel: typeof exploreParallelFn };
    const noTime = (r: ExploreResult) => ({ ...r, statistics: { ...r.statistics, elapsedMs: 0 } });
    const cases: Array<[{ n: number; properties: unknown[] }, { maxDepth?: number; allViolations?: boolean }]> = [
      [{ n: 14, properties: [{ kind: 'sum-below', k: 99 }, { kind: 'never' }] }, {}],
      [{ n: 16, properties: [{ kind: 'sum-below', k: 20 }, { kind: 'diagonal' }, { kind: 'x-below', k: 9 }] }, {}],
      [
        {
          n: 12,
          properties: [
            { kind: 'sum-below', k: 15 },
            { kind: 'x-below', k: 6 },
          ],
        },
        { allViolations: true },
      ],
    ];
    for (const [data, options] of cases) {
      const whole = toys.createExploration(data);
      const levels = (into: unknown[]) => (e: { type: string }) => void (e.type === 'level' && into.push(e));
      const wholeLevels: Array<{ depth: number }> = [];
      const expected = explore(whole.model, whole.properties, {
        ...options,
        visitors: whole.visitors,
        onEvent: levels(wholeLevels),
        clock: () => 0,
      });
      const wholeVisitor = whole.visitors[0]!.take();
      // A search stopped by the state cap inside a level saves that level's start.
      const cut = toys.createExploration(data);
      let saved: SearchSnapshot | undefined;
      const cap = Math.floor(expected.statistics.statesDistinct / 2);
      explore(cut.model, cut.properties, {
        ...options,
        maxStates: cap,
        visitors: cut.visitors,
        checkpoint: { save: (s) => (saved = s) },
      });
      expect(saved!.depth).toBeGreaterThan(0);
      for (const workers of [1, 2]) {
        // The multi-thread search saves the same level start at the same cap...
        let savedThere: SearchSnapshot | undefined;
        await exploreParallel(
          toys.createExploration(data),
          { workers, module: TOYS, data },
          { ...options, maxStates: cap, checkpoint: { save: (s) => (savedThere = s) } },
        );
        expect({ ...savedThere!, elapsedMs: 0 }).toEqual({ ...saved!, elapsedMs: 0 });
        // ... and resumes it to the result of the search never stopped.
        const remote = toys.createExploration(data);
        const resumedLevels: unknown[] = [];
        const resumed = await exploreParallel(
          remote,
          { workers, module: TOYS, data },
          { ...options, checkpoint: { resume: saved }, onEvent: levels(resumedLevels), clock: () => 0 },
        );
        expect(noTime(resumed)).toEqual(noTime(expected));
        expect(remote.visitors[0]!.take()).toEqual(wholeVisitor);
        expect(resumedLevels).toEqual(wholeLevels.filter((e) => e.depth > saved!.depth));
      }
    }
  });

  it('stops at the depth bound like one thread, on one worker too', async () => {
    const data = { n: 10, properties: [{ kind: 'sum-below', k: 99 }] };
    const { one, many } = await both(data, { maxDepth: 7 }, 1);
    expect((one as { result: ExploreResult }).result.reason).toBe('depth-bound');
    expect(many).toEqual(one);
  });
});
