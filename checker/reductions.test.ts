import { describe, expect, it } from 'vitest';
import { DEFAULT_INVARIANTS, BUILTIN_WITNESSES } from '../invariants/builtins.js';
import { defineInvariant, type Invariant } from '../invariants/define.js';
import { KERNEL_IDS } from '../model/kernels/index.js';
import { parseScenario, type Scenario } from '../model/scenario.js';
import { replay } from '../replay/replay.js';
import type { Counterexample } from '../counterexamples/format.js';
import { exploreScenario, type JobResult } from './explore.js';
import { buildReport } from './report.js';
import { verdictOf } from './verdict.js';
import { valueReduction } from './reductions.js';

const TIGHT = { pages: 1, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1, depth: 3 };

function scenario(extra: object, bounds: object = TIGHT): Scenario {
  return parseScenario({ kernel: 'linux', bounds, ...extra }, 'test');
}

/** A plugin that compares cells only: a pipe read returns cells that are not all alike. */
const mixedRead = defineInvariant({
  id: 'mixed-read',
  description: 'a pipe read returns cells that are all alike',
  valueSymmetric: true,
  check: ({ observed }) =>
    observed && observed.observed.some((v) => v !== observed.observed[0]) ? 'the read mixed values' : undefined,
});

/** The same judgement, without the declaration. */
const undeclared = defineInvariant({ ...mixedRead, id: 'undeclared', valueSymmetric: undefined });

/** A plugin with a history (the reads so far). */
const counting = defineInvariant<number>({
  id: 'counting',
  description: 'at most one pipe read',
  valueSymmetric: true,
  history: { initial: 0, next: (h, { observed }) => (observed ? h + 1 : h) },
  check: ({ history }) => (history !== undefined && history > 1 ? 'two reads' : undefined),
});

const run = (sc: Scenario, invariants: readonly Invariant[], symmetry: boolean): JobResult =>
  exploreScenario({ scenario: sc, invariants: {}, symmetry }, invariants);

/** Each invariant's verdict and shortest length. */
function verdicts(job: JobResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const inv of job.invariants) {
    const v = verdictOf(inv, job.result);
    out[inv.id] = v.length === undefined ? v.verdict : `${v.verdict} in ${v.length}`;
  }
  return out;
}

/** The counterexamples of a run's violations, as `check` writes them. */
function counterexamples(sc: Scenario, job: JobResult): Counterexample[] {
  const written: Counterexample[] = [];
  buildReport({
    scenario: sc,
    file: null,
    job,
    command: 'pipecheck check --symmetry',
    plugins: [],
    write: (cx) => {
      written.push(cx);
      return 'unused.json';
    },
  });
  return written;
}

interface Case {
  readonly name: string;
  readonly scenario: Scenario;
  readonly invariants: readonly Invariant[];
}

const CASES: readonly Case[] = [
  { name: 'every operation', scenario: scenario({}), invariants: [...DEFAULT_INVARIANTS, ...BUILTIN_WITNESSES] },
  {
    name: 'a process with fixed values and a value-symmetric plugin',
    scenario: scenario({
      initial: { file: [1, 2] },
      processes: [
        {
          name: 'p',
          program: [
            { op: 'splice', off: 0, len: 2 },
            { op: 'write', off: 1, len: 1, value: 2 },
            { op: 'pipe-read', len: 2 },
          ],
        },
      ],
      environment: { ops: ['write', 'mmap-store', 'fallocate-punch', 'splice', 'pipe-read', 'vmsplice', 'user-store'] },
    }),
    invariants: [...DEFAULT_INVARIANTS, mixedRead],
  },
  {
    name: 'four values, one constrained',
    scenario: scenario(
      { environment: { ops: [{ op: 'write', value: [1, 2, 3] }, 'splice', 'pipe-read', 'pipe-write', 'truncate'] } },
      { ...TIGHT, values: 4, depth: 4 },
    ),
    invariants: [...DEFAULT_INVARIANTS, mixedRead],
  },
];

describe('--symmetry keeps every verdict and shortest length', () => {
  for (const c of CASES) {
    it(`${c.name}, on every kernel; its traces replay to the violation`, () => {
      let reducedSomewhere = false;
      for (const kernel of KERNEL_IDS) {
        const sc = { ...c.scenario, kernel };
        const full = run(sc, c.invariants, false);
        const reduced = run(sc, c.invariants, true);
        expect(reduced.reductions.values.on, kernel).toBe(true);
        expect(full.result.complete && reduced.result.complete).toBe(true);
        expect(verdicts(reduced), kernel).toEqual(verdicts(full));
        expect(reduced.result.statistics.statesDistinct).toBeLessThanOrEqual(full.result.statistics.statesDistinct);
        if (reduced.result.statistics.statesDistinct < full.result.statistics.statesDistinct) reducedSomewhere = true;
        for (const cx of counterexamples(sc, reduced)) {
          const r = replay(cx, { invariants: c.invariants });
          expect(r.reproduced, `${kernel} ${cx.invariant}`).toBe(true);
          expect(r.violation?.step).toBe(cx.trace.length - 1);
        }
      }
      expect(reducedSomewhere).toBe(true);
    });
  }
});

describe('valueReduction', () => {
  const sc = scenario({});

  it('is off unless asked for, and then on when every invariant allows it', () => {
    expect(valueReduction(sc, DEFAULT_INVARIANTS, false)).toEqual({
      requested: false,
      on: false,
      interchangeable: [1, 2, 3],
    });
    expect(valueReduction(sc, [...DEFAULT_INVARIANTS, mixedRead], true).on).toBe(true);
  });

  it('is off, naming the invariant, for a plugin without the declaration or with a history', () => {
    const a = valueReduction(sc, [...DEFAULT_INVARIANTS, undeclared], true);
    expect(a.on).toBe(false);
    expect(a.note).toContain('invariant undeclared does not declare valueSymmetric: true');
    const b = valueReduction(sc, [counting], true);
    expect(b.on).toBe(false);
    expect(b.note).toContain('invariant counting keeps a history');
  });

  it('does nothing, and says so, with fewer than two interchangeable values', () => {
    const r = valueReduction(scenario({}, { ...TIGHT, values: 1 }), DEFAULT_INVARIANTS, true);
    expect(r).toMatchObject({ on: false, interchangeable: [1] });
    expect(r.note).toContain('fewer than two');
  });

  it('when off, explores every state (the counts without --symmetry)', () => {
    const off = run(sc, [...DEFAULT_INVARIANTS, undeclared], true);
    const full = run(sc, [...DEFAULT_INVARIANTS, undeclared], false);
    expect(off.reductions.values.on).toBe(false);
    expect(off.result.statistics.statesDistinct).toBe(full.result.statistics.statesDistinct);
  });
});
