import { describe, expect, it } from 'vitest';
import { choiceRuns, sameChoices, type ChoicePoint } from './choices.js';
import { BTRFS, EXT4, TMPFS_HUGE, XFS } from './fs/index.js';
import { allReads, modelFor, reads, runSteps } from './run-steps.js';
import { parseScenario } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';
import type { State } from './state.js';
import type { Step } from './step.js';
import { viewState } from './view.js';

const POINT: ChoicePoint = { id: 'test-point', describe: (i) => `option ${i}` };

/** The folio sizes of the page cache, in file order. */
function cacheShape(model: ScenarioModel, s: State): number[] {
  const v = viewState(model.L, s);
  return v.folios
    .filter((f) => f.cachesPage !== null)
    .sort((a, b) => a.cachesPage! - b.cachesPage!)
    .map((f) => f.pages);
}

describe('choiceRuns: one run per leaf of the choice tree', () => {
  it('walks a tree whose answers lead to further choices, option 0 first', () => {
    // The first answer says how many more two-way choices follow.
    const runs = choiceRuns((c) => {
      const n = c.choose(POINT, 3, { page: 0, pages: 1 });
      const rest: number[] = [];
      for (let k = 0; k < n; k++) rest.push(c.choose(POINT, 2, { page: 0, pages: 1 }));
      return [n, ...rest].join('');
    });
    expect(runs.map((r) => r.result)).toEqual(['0', '10', '11', '200', '201', '210', '211']);
    expect(runs[4]!.choices.map((c) => c.index)).toEqual([2, 0, 1]);
  });

  it('runs a step that asks nothing once', () => {
    expect(choiceRuns(() => 7)).toEqual([{ choices: [], result: 7 }]);
  });

  it('matches recorded choices exactly, and no record only the all-default run', () => {
    const [first, second] = choiceRuns((c) => c.choose(POINT, 2, { page: 0, pages: 1 }));
    expect(sameChoices(first!.choices, undefined)).toBe(true);
    expect(sameChoices(second!.choices, undefined)).toBe(false);
    expect(sameChoices(second!.choices, [{ point: 'test-point', index: 1 }])).toBe(true);
    expect(sameChoices(second!.choices, [{ point: 'other', index: 1 }])).toBe(false);
  });
});

describe('a write into uncached pages may make any smaller folio order (__filemap_get_folio falls back)', () => {
  const bounds = { pages: 4, cells: 1, values: 1, slots: 1, folioPages: 4 };
  const initial = { file: [], cached: false };
  const write: Step = { op: 'write', off: 0, len: 4, value: 1 };

  it('ext4: a 4-page write makes 4, 2+2, 2+1+1, 1+1+2 or 1+1+1+1 (the largest first)', () => {
    const model = modelFor({ fs: EXT4, bounds, initial }, [write]);
    const s = model.initialStates()[0]!;
    const shapes = model.applyStepOutcomes(s, write).map((o) => cacheShape(model, o.result.state));
    expect(shapes).toEqual([[4], [2, 2], [2, 1, 1], [1, 1, 2], [1, 1, 1, 1]]);
  });

  it('the measured mode keeps the largest only', () => {
    const scenario = parseScenario(
      { kernelChoices: 'measured', bounds, initial, environment: { ops: ['write'] } },
      'test',
    );
    const model = new ScenarioModel(scenario, EXT4);
    const outcomes = model.applyStepOutcomes(model.initialStates()[0]!, write);
    expect(outcomes.map((o) => cacheShape(model, o.result.state))).toEqual([[4]]);
  });

  it('tmpfs huge=always: the PMD folio, or an order-0 fallback', () => {
    const model = modelFor({ fs: TMPFS_HUGE, bounds, initial: { file: [], cached: true, folios: [] } }, [write]);
    const outcomes = model.applyStepOutcomes(model.initialStates()[0]!, { op: 'write', off: 0, len: 1, value: 1 });
    expect(outcomes.map((o) => cacheShape(model, o.result.state))).toEqual([[4], [1]]);
    expect(outcomes[1]!.choices[0]!.says).toContain('fallback to order 0');
  });
});

describe('readahead may read a window in larger folios (page_cache_ra_order), where the mapping has them', () => {
  const bounds = { pages: 4, cells: 1, values: 1, slots: 4, folioPages: 4 };
  const initial = { file: [1, 1, 1, 1], cached: false };
  const splice: Step = { op: 'splice', off: 0, len: 1 };

  it('ext4: a miss at page 0 reads pages 0-3 in order-0 folios, or folios of up to 2 or 4 pages', () => {
    const model = modelFor({ fs: EXT4, bounds, initial }, [splice]);
    const outcomes = model.applyStepOutcomes(model.initialStates()[0]!, splice);
    expect(outcomes.map((o) => cacheShape(model, o.result.state))).toEqual([[1, 1, 1, 1], [2, 2], [4]]);
    expect(outcomes[0]!.choices[0]!.says).toBe(
      'readahead of pages 0-3 in order-0 folios (the kernel may also make larger folios here)',
    );
  });

  it('btrfs (no large folios in the mapping): order 0 only', () => {
    const model = modelFor({ fs: BTRFS, bounds, initial }, [splice]);
    const outcomes = model.applyStepOutcomes(model.initialStates()[0]!, splice);
    expect(outcomes.map((o) => cacheShape(model, o.result.state))).toEqual([[1, 1, 1, 1]]);
  });
});

describe('xfs: a punch takes a large folio it covers in part out whole, or zeroes it in place (builds differ)', () => {
  // Issue 21's example, measured here (oracle/FINDINGS.md 17.2): the kernel reads [1, 1], the
  // developers' build [0, 0].
  const steps: Step[] = [
    { op: 'append', len: 4, value: 1 },
    { op: 'vmsplice', page: 0, source: 'file-shared' },
    { op: 'fallocate-punch', off: 0, len: 1 },
    { op: 'pipe-read', len: 2 },
  ];
  const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2, userPages: 1 };
  const initial = { file: [], cached: false };

  it('allows both reads', () => {
    const got = allReads(steps, { fs: XFS, bounds, initial });
    expect(got).toContainEqual([[0, 0]]);
    expect(got).toContainEqual([[1, 1]]);
  });

  it('from one cached 2-page folio, the two reads are the two ways of taking it out', () => {
    const cached = { file: [1, 1, 1, 1], cached: true, folios: [2] };
    const rest = steps.slice(1);
    expect(allReads(rest, { fs: XFS, bounds, initial: cached })).toEqual([[[0, 0]], [[1, 1]]]);
    expect(allReads(rest, { fs: EXT4, bounds, initial: cached })).toEqual([[[0, 1]]]);
  });

  it('ext4 zeroes in place: the pipe sees the zeroed cell unless the write made order-0 folios', () => {
    const got = allReads(steps, { fs: EXT4, bounds, initial });
    expect(got).toContainEqual([[0, 1]]);
    expect(got).not.toContainEqual([[0, 0]]);
    // Option 0 is what was measured: reads() of one run is the first.
    expect(got[0]).toEqual(reads(runSteps(steps, { fs: EXT4, bounds, initial })));
  });
});

describe('the explorer sees each outcome as its own action number', () => {
  it('stepOf names the choices taken, and actionsOf finds the same action again', () => {
    const bounds = { pages: 2, cells: 1, values: 1, slots: 1, folioPages: 2, depth: 2 };
    const scenario = parseScenario(
      { bounds, initial: { file: [], cached: false }, environment: { ops: ['write'] } },
      'test',
    );
    const model = new ScenarioModel(scenario, EXT4);
    expect(model.choiceSlots).toBeGreaterThan(1);
    const s = model.initialStates()[0]!;
    const enabled: number[] = [];
    for (let a = 0; a < model.actionCount; a = model.nextAction!(s, a)) if (model.step(s, a)) enabled.push(a);
    const twoPages = model.actions.findIndex((a) => a.kind === 'env' && a.step.op === 'write' && a.step.len === 2);
    const K = model.choiceSlots;
    expect(enabled.filter((a) => model.baseAction(a) === twoPages)).toEqual([twoPages * K, twoPages * K + 1]);
    const other = model.stepOf(s, twoPages * K + 1)!;
    expect(other.choices).toEqual([{ point: 'write-folio-order', index: 1 }]);
    expect(model.stepOf(s, twoPages * K)!.choices).toBeUndefined();
    expect(model.actionsOf([other]).actions).toEqual([twoPages * K + 1]);
    const wrong = model.actionsOf([{ ...other, choices: [{ point: 'write-folio-order', index: 5 }] }]);
    expect(wrong.mismatch?.message).toMatch(/records kernel choices the model does not allow/);
  });
});
