import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../explorer/bfs.js';
import { FS_PROFILE_IDS, KERNEL_RELEASES, profileFor, unbuildableInitial } from './fs/index.js';
import { KERNEL_IDS } from './kernels/index.js';
import { OPERATIONS } from './ops/index.js';
import { conflicts, PartialOrder } from './partial-order.js';
import { parseScenario, type Scenario } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';
import { OP_NAMES, type Step } from './step.js';
import type { State } from './state.js';

const B = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };

function scenario(programs: Step[][], bounds: Partial<typeof B> = {}, file = [1, 1, 1, 1]): Scenario {
  const b = { ...B, ...bounds };
  const depth = programs.reduce((n, p) => n + p.length, 0);
  return parseScenario(
    {
      kernel: 'linux',
      bounds: { ...b, depth },
      initial: { file, cached: true },
      processes: programs.map((program, i) => ({ name: `p${i}`, program })),
    },
    'test',
  );
}

/** Whether step 0 of process 0 and step 0 of process 1 are dependent (the file's size is its initial one). */
function dependent(a: Step, b: Step, bounds: Partial<typeof B> = {}, file = [1, 1, 1, 1]): boolean {
  const po = new PartialOrder(scenario([[a], [b]], bounds, file), false);
  return conflicts(po.footprint(0, 0, file.length), po.footprint(1, 0, file.length));
}

describe('partial order: footprints', () => {
  const w0: Step = { op: 'write', off: 0, len: 2, value: 2 };
  const w1: Step = { op: 'write', off: 2, len: 2, value: 2 };

  it('writes inside the file to different folio blocks commute; to one block they do not', () => {
    expect(dependent(w0, w1)).toBe(false);
    expect(dependent(w0, w0)).toBe(true);
    // Folios of two pages: both pages are one block (a folio may span them).
    expect(dependent(w0, w1, { folioPages: 2 })).toBe(true);
  });

  it('a write that grows the file, or any write when something truncates, touches the whole file', () => {
    expect(dependent(w0, w1, {}, [1, 1])).toBe(true);
    const po = new PartialOrder(scenario([[w0], [w1], [{ op: 'truncate', size: 4 }]]), false);
    expect(po.shrinks).toBe(true);
    expect(conflicts(po.staticFootprint(0, 0, 4), po.staticFootprint(1, 0, 4))).toBe(true);
  });

  it('a read of a pipe a splice filled depends on writes to the spliced block only (the taint)', () => {
    const po = new PartialOrder(
      scenario([[{ op: 'splice', off: 0, len: 2 }], [{ op: 'pipe-read', len: 2 }], [w0, w1]]),
      false,
    );
    const read = po.footprint(1, 0, 4);
    expect(conflicts(read, po.footprint(2, 0, 4))).toBe(true);
    expect(conflicts(read, po.footprint(2, 1, 4))).toBe(false);
  });

  it('a pipe vmsplice filled carries the user page: a store to it and the read are dependent', () => {
    const store: Step = { op: 'user-store', page: 0, cell: 0, value: 2 };
    const read: Step = { op: 'pipe-read', len: 2 };
    const tainted = new PartialOrder(scenario([[{ op: 'vmsplice', page: 0 }], [read], [store]]), false);
    expect(conflicts(tainted.footprint(1, 0, 4), tainted.footprint(2, 0, 4))).toBe(true);
    // Without vmsplice the pipe holds only its own pages.
    expect(dependent(read, store)).toBe(false);
    // tee carries pipe 0's taint into pipe 1.
    const teed = new PartialOrder(
      scenario([
        [
          { op: 'splice', off: 0, len: 2 },
          { op: 'tee', len: 2 },
        ],
        [{ op: 'pipe-read', len: 2, pipe: 1 }],
        [w0],
      ]),
      false,
    );
    expect(conflicts(teed.footprint(1, 0, 4), teed.footprint(2, 0, 4))).toBe(true);
  });

  it('PMD folios (tmpfs huge): every file step touches the whole file', () => {
    const po = new PartialOrder(scenario([[w0], [w1]]), true);
    expect(conflicts(po.footprint(0, 0, 4), po.footprint(1, 0, 4))).toBe(true);
  });

  it('the ample set is the lowest process whose next step commutes with everything the others have left', () => {
    const m = new ScenarioModel(scenario([[w0], [w1]]), undefined, [], [], true);
    const s0 = m.initialStates()[0]!;
    const K = m.choiceSlots;
    expect(m.ampleActions!(s0)).toEqual([0 * K]);
    const dep = new ScenarioModel(scenario([[w0], [w0]]), undefined, [], [], true);
    expect(dep.ampleActions!(dep.initialStates()[0]!)).toBeUndefined();
  });

  it('explores strictly fewer states where processes touch disjoint pages, with the same verdict', () => {
    const sc = scenario(
      [
        [w0, { op: 'writeback', page: 0 }],
        [w1, { op: 'writeback', page: 1 }],
        [
          { op: 'user-store', page: 0, cell: 0, value: 2 },
          { op: 'user-store', page: 0, cell: 1, value: 2 },
        ],
      ],
      {},
    );
    const full = new ScenarioModel(sc);
    const reduced = new ScenarioModel(sc, undefined, [], [], true);
    const a = explore(full, [], { maxDepth: sc.bounds.depth });
    const b = explore(reduced, [], { maxDepth: sc.bounds.depth });
    expect(a.status).toBe('holds');
    expect(b.status).toBe('holds');
    expect(b.statistics.statesDistinct).toBeLessThan(a.statistics.statesDistinct);
    // Three independent chains of two: every interleaving has 3^3 = 27 states; one order has 7.
    expect(a.statistics.statesDistinct).toBe(27);
    expect(b.statistics.statesDistinct).toBe(7);
  });
});

/**
 * Every state after `p`'s next step then `q`'s, over every kernel-choice
 * outcome of each, as hex (identity bytes); undefined when either is not
 * enabled at `s`, or `q` is not after an outcome of `p`.
 */
function bothSteps(m: ScenarioModel, s: State, p: number, q: number): string[] | undefined {
  const K = m.choiceSlots;
  const out: string[] = [];
  if (m.step(s, p * K) === undefined || m.step(s, q * K) === undefined) return undefined;
  for (let i = 0; i < K; i++) {
    const t = m.step(s, p * K + i);
    if (t === undefined) continue;
    let any = false;
    for (let j = 0; j < K; j++) {
      const u = m.step(t.next, q * K + j);
      if (u === undefined) continue;
      any = true;
      out.push(Buffer.from(u.next.subarray(0, m.L.identityBytes)).toString('hex'));
    }
    if (!any) return undefined;
  }
  return out.sort();
}

describe('partial order: independent steps commute to byte-identical states', () => {
  // Operations whose footprints can be small, drawn half of the time, so that many pairs are independent.
  const local = new Set(['write', 'writeback', 'evict', 'user-store', 'user-unmap', 'pipe-write', 'pipe-read']);
  local.add('vmsplice').add('splice').add('tee').add('sendfile').add('socket-read').add('user-dontneed');
  const steps = (b: typeof B, only: boolean): Step[] =>
    OP_NAMES.filter((op) => !only || local.has(op)).flatMap(
      (op) => OPERATIONS[op].domain({ ...b, depth: 1 }) as Step[],
    );
  const combos = KERNEL_IDS.flatMap((kernel) =>
    KERNEL_RELEASES.flatMap((release) => FS_PROFILE_IDS.map((fs) => ({ kernel, release, fs }))),
  );

  it(`random prefixes, random pairs of next steps, ${combos.length} kernel x release x fs`, () => {
    let compared = 0;
    combos.forEach(({ kernel, release, fs }, c) => {
      const profile = profileFor(fs, release)!;
      fc.assert(
        fc.property(
          fc.record({
            folioPages: fc.constantFrom(1, 2),
            file: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 0, maxLength: 4 }),
            cached: fc.boolean(),
            programs: fc.array(fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 1, maxLength: 3 }), {
              minLength: 3,
              maxLength: 3,
            }),
            walk: fc.array(fc.nat(), { maxLength: 6 }),
          }),
          (raw) => {
            const b = { ...B, folioPages: raw.folioPages };
            const from = [steps(b, false), steps(b, true)];
            let sc: Scenario;
            try {
              sc = parseScenario(
                {
                  kernel,
                  release,
                  bounds: { ...b, depth: 9 },
                  initial: { file: raw.file, cached: raw.cached },
                  processes: raw.programs.map((prog, i) => ({
                    name: `p${i}`,
                    program: prog.map(([only, k]) => from[only ? 1 : 0]![k % from[only ? 1 : 0]!.length]),
                  })),
                },
                'generated',
              );
            } catch {
              return;
            }
            if (unbuildableInitial(profile, sc.initial) !== undefined) return;
            const m = new ScenarioModel(sc, profile, [], [], true);
            const po = m.partialOrder!;
            let s = m.initialStates()[0]!;
            // A random reachable state: a few enabled steps.
            for (const k of raw.walk) {
              const enabled: number[] = [];
              for (let a = 0; a < m.actionCount; a++) if (m.step(s, a) !== undefined) enabled.push(a);
              if (enabled.length === 0) break;
              s = m.step(s, enabled[k % enabled.length]!)!.next;
            }
            const pcs = sc.processes.map((_, p) => m.L.pc(s, p));
            const bound = po.shrinks ? -1 : m.L.size(s);
            for (let p = 0; p < 3; p++) {
              for (let q = p + 1; q < 3; q++) {
                if (pcs[p]! >= po.programLength(p) || pcs[q]! >= po.programLength(q)) continue;
                if (conflicts(po.footprint(p, pcs[p]!, bound), po.footprint(q, pcs[q]!, bound))) continue;
                const pq = bothSteps(m, s, p, q);
                const qp = bothSteps(m, s, q, p);
                const what = JSON.stringify({ kernel, release, fs, sc: sc.processes, pcs, initial: sc.initial });
                // Enabled in one order: enabled in the other, and the same states.
                expect(pq === undefined, what).toBe(qp === undefined);
                if (pq !== undefined) {
                  compared++;
                  expect(qp, what).toEqual(pq);
                }
              }
            }
          },
        ),
        { numRuns: Number(process.env.POR_RUNS ?? 60), seed: Number(process.env.POR_SEED ?? 77) + c },
      );
    });
    expect(compared).toBeGreaterThan(250);
  }, 120_000);
});
