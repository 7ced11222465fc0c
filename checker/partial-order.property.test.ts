/**
 * The partial-order reduction changes no verdict and no counterexample
 * length: random scenarios of 2 or 3 processes (1 to 3 steps each, any of
 * the operations), on every kernel variant, file-system profile and
 * release, explored with every invariant that declares `commutes`, with
 * and without it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.js';
import type { ExploreResult } from '../explorer/result.js';
import { BUILTIN_INVARIANTS, BUILTIN_WITNESSES } from '../invariants/builtins.js';
import { scenarioModelFor, toProperties } from '../invariants/property.js';
import type { Bounds } from '../model/bounds.js';
import { FS_PROFILE_IDS, KERNEL_RELEASES, profileFor, unbuildableInitial } from '../model/fs/index.js';
import { KERNEL_IDS } from '../model/kernels/index.js';
import { OPERATIONS } from '../model/ops/index.js';
import { parseScenario, type Scenario } from '../model/scenario.js';
import { OP_NAMES, type Step } from '../model/step.js';
import { exploreScenario } from './explore.js';
import { partialOrderReduction } from './reductions.js';
import { verdictOf } from './verdict.js';

const INVARIANTS = [...BUILTIN_INVARIANTS, ...BUILTIN_WITNESSES].filter((i) => i.commutes === true);

const BOUNDS: readonly Omit<Bounds, 'depth'>[] = [
  { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 },
  { pages: 2, cells: 1, values: 2, slots: 2, folioPages: 2, userPages: 1 },
  { pages: 2, cells: 2, values: 2, slots: 1, folioPages: 1, userPages: 0 },
];

/** Operations whose footprints can be small: drawn half of the time, so that steps commute often. */
const LOCAL_OPS = new Set([
  'write',
  'writeback',
  'evict',
  'user-store',
  'user-unmap',
  'user-dontneed',
  'pipe-write',
  'pipe-read',
  'vmsplice',
  'splice',
  'tee',
  'pipe-splice',
  'sendfile',
  'socket-read',
]);

/** Every operation's steps under `b` (`local`: only LOCAL_OPS'). */
function stepsOf(b: Omit<Bounds, 'depth'>, local: boolean): Step[] {
  const ops = local ? OP_NAMES.filter((op) => LOCAL_OPS.has(op)) : OP_NAMES;
  return ops.flatMap((op) => OPERATIONS[op].domain({ ...b, depth: 1 }) as Step[]);
}

const scenarioArb = fc.record({
  bounds: fc.integer({ min: 0, max: BOUNDS.length - 1 }),
  file: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 0, maxLength: 4 }),
  cached: fc.boolean(),
  programs: fc.array(fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 1, maxLength: 3 }), {
    minLength: 2,
    maxLength: 3,
  }),
});

function scenarioOf(
  kernel: string,
  release: string,
  raw: { bounds: number; file: number[]; cached: boolean; programs: [boolean, number][][] },
  values = 2,
): Scenario | undefined {
  const b = { ...BOUNDS[raw.bounds]!, values };
  const steps = [stepsOf(b, false), stepsOf(b, true)];
  const depth = raw.programs.reduce((n, p) => n + p.length, 0);
  try {
    return parseScenario(
      {
        kernel,
        release,
        bounds: { ...b, depth },
        initial: { file: raw.file.slice(0, b.pages * b.cells), cached: raw.cached },
        processes: raw.programs.map((prog, i) => ({
          name: `p${i}`,
          program: prog.map(([local, k]) => {
            const from = steps[local ? 1 : 0]!;
            return from[k % from.length];
          }),
        })),
      },
      'generated',
    );
  } catch {
    return undefined;
  }
}

/** Per property: violated (or witnessed) and at what length, else undefined. */
function lengths(result: ExploreResult<unknown>): Map<string, number> {
  return new Map(result.violations.map((v) => [v.propertyId, v.length]));
}

describe('partial-order reduction: same verdicts and lengths', () => {
  const combos = KERNEL_IDS.flatMap((kernel) =>
    KERNEL_RELEASES.flatMap((release) => FS_PROFILE_IDS.map((fs) => ({ kernel, release, fs }))),
  );

  it(`on random processes-only scenarios, ${combos.length} kernel x release x fs`, () => {
    let reducedSomewhere = 0;
    let checked = 0;
    combos.forEach(({ kernel, release, fs }, c) => {
      const profile = profileFor(fs, release)!;
      fc.assert(
        fc.property(scenarioArb, (raw) => {
          const scenario = scenarioOf(kernel, release, raw);
          if (scenario === undefined || unbuildableInitial(profile, scenario.initial) !== undefined) return;
          const por = partialOrderReduction(scenario, INVARIANTS, true);
          expect(por.on, por.note).toBe(true);
          checked++;
          // The reduced search alone: the same properties violated and witnessed; each trace replays to one.
          const full = scenarioModelFor(scenario, profile, INVARIANTS);
          const reduced = scenarioModelFor(scenario, profile, INVARIANTS, [], true);
          const options = { maxDepth: scenario.bounds.depth };
          const a = explore(full, toProperties(full, INVARIANTS), options);
          const b = explore(reduced, toProperties(reduced, INVARIANTS), options);
          const what = JSON.stringify({ kernel, release, fs, bounds: scenario.bounds, p: scenario.processes });
          expect([...lengths(b).keys()].sort(), what).toEqual([...lengths(a).keys()].sort());
          expect(b.witnessesMissing, what).toEqual(a.witnessesMissing);
          for (const inv of INVARIANTS) expect(verdictOf(inv, b).verdict, what).toBe(verdictOf(inv, a).verdict);
          const props = toProperties(reduced, INVARIANTS);
          for (const v of b.violations) {
            expect(v.replayError, what).toBeUndefined();
            let s = reduced.initialStates()[0]!;
            v.trace.forEach((action, i) => {
              const t = reduced.step(s, action);
              expect(t, what).toBeDefined();
              if (i === v.trace.length - 1) {
                const p = props.find((x) => x.id === v.propertyId)!;
                const view = { before: s, action, after: t!.next, observed: t!.observed, depth: i };
                expect(p.check(view), what).toBeDefined();
              }
              s = t!.next;
            });
          }
          if (b.statistics.statesDistinct < a.statistics.statesDistinct) reducedSomewhere++;
          // Through the checker: the findings made shortest, the same lengths as without the reduction.
          const job = { scenario, invariants: { ids: INVARIANTS.map((i) => i.id) }, fs };
          const on = exploreScenario({ ...job, partialOrder: true }, INVARIANTS);
          expect(on.reductions.partialOrder?.on).toBe(true);
          expect(lengths(on.result), what).toEqual(lengths(a));
          expect(
            on.result.violations.map((v) => v.trace),
            what,
          ).toEqual(a.violations.map((v) => v.trace));
        }),
        { numRuns: Number(process.env.POR_RUNS ?? 12), seed: Number(process.env.POR_SEED ?? 4242) + c },
      );
    });
    expect(checked).toBeGreaterThan(combos.length);
    expect(reducedSomewhere).toBeGreaterThan(0);
  }, 120_000);

  it('together with --symmetry (three values, the ones no step names relabelled)', () => {
    let reduced = 0;
    // One release and profile per kernel, in turn: the combination with the value symmetry is what is tested here.
    KERNEL_IDS.forEach((kernel, c) => {
      const release = KERNEL_RELEASES[c % KERNEL_RELEASES.length]!;
      const fs = FS_PROFILE_IDS[c % FS_PROFILE_IDS.length]!;
      const profile = profileFor(fs, release)!;
      fc.assert(
        fc.property(scenarioArb, (raw) => {
          const scenario = scenarioOf(kernel, release, raw, 3);
          if (scenario === undefined || unbuildableInitial(profile, scenario.initial) !== undefined) return;
          const job = { scenario, invariants: { ids: INVARIANTS.map((i) => i.id) }, fs, symmetry: true };
          const off = exploreScenario(job, INVARIANTS);
          const on = exploreScenario({ ...job, partialOrder: true }, INVARIANTS);
          const what = JSON.stringify({ kernel, release, fs, bounds: scenario.bounds, p: scenario.processes });
          expect(on.reductions.values.on, what).toBe(off.reductions.values.on);
          for (const inv of INVARIANTS) {
            expect(verdictOf(inv, on.result).verdict, what).toBe(verdictOf(inv, off.result).verdict);
          }
          expect(lengths(on.result), what).toEqual(lengths(off.result));
          if (on.reductions.values.on && on.result.statistics.statesDistinct < off.result.statistics.statesDistinct) {
            reduced++;
          }
        }),
        { numRuns: Number(process.env.POR_RUNS ?? 12) * 3, seed: Number(process.env.POR_SEED ?? 4242) + 100 + c },
      );
    });
    expect(reduced).toBeGreaterThan(0);
  }, 120_000);
});
