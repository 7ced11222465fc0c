/**
 * vmsplice from a mapping of the file (`source`: file-shared, file-private),
 * against what was measured on 6.18 on every file system here (a 2-page
 * file of A, page 0 vmspliced from a mapping, then the change, then the pipe
 * read): a pwrite reaches the pipe from a shared mapping and from a private
 * one never stored to; a private store after the vmsplice does not; one
 * before it does, and so does a second private store after it.
 */
import { describe, expect, it } from 'vitest';
import { traceSteps } from '../../checker/report.js';
import { explore } from '../../explorer/bfs.js';
import { DEFAULT_INVARIANTS } from '../../invariants/builtins.js';
import { dataStability } from '../../invariants/data-stability.js';
import { toProperties } from '../../invariants/property.js';
import { environmentAdmits } from '../env-constraints.js';
import { BTRFS, EXT4, TMPFS, XFS } from '../fs/index.js';
import { KERNEL_IDS } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { Step } from '../step.js';
import { OPERATIONS } from './index.js';

const bounds = { pages: 2, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1 };
const file = [1, 1, 1, 1];

function pipeAfter(steps: readonly Step[], kernel: 'linux' | 'copy' | 'cow' | 'howells-rfc' = 'linux', fs = EXT4) {
  const r = runSteps([...steps, { op: 'pipe-read', len: 2 }], {
    kernel,
    fs,
    bounds,
    initial: { file, cached: true, folios: [1, 1], user: [[0, 0]] },
  });
  expect(r.completed).toBe(true);
  return reads(r).at(-1);
}

const shared: Step = { op: 'vmsplice', page: 0, source: 'file-shared' };
const priv: Step = { op: 'vmsplice', page: 0, source: 'file-private' };

describe('vmsplice from a mapping of the file, under linux (measured)', () => {
  it.each([EXT4, XFS, BTRFS, TMPFS])('a pwrite after it reaches the pipe, shared or private ($id)', (fs) => {
    for (const v of [shared, priv])
      expect(pipeAfter([v, { op: 'write', off: 0, len: 1, value: 2 }], 'linux', fs)).toEqual([2, 1]);
  });

  it('a store through the shared mapping reaches it from either mapping', () => {
    for (const v of [shared, priv]) expect(pipeAfter([v, { op: 'mmap-store', off: 0, value: 2 }])).toEqual([2, 1]);
  });

  it('a private store after it copies the page: the pipe keeps the file data', () => {
    expect(pipeAfter([priv, { op: 'mmap-private-store', off: 0, value: 2 }])).toEqual([1, 1]);
  });

  it('after a private store the pipe holds the copy: a pwrite does not reach it, a second store does', () => {
    const cowed: Step = { op: 'mmap-private-store', off: 0, value: 3 };
    expect(pipeAfter([cowed, priv, { op: 'write', off: 0, len: 1, value: 2 }])).toEqual([3, 1]);
    expect(pipeAfter([cowed, priv, { op: 'mmap-private-store', off: 1, value: 2 }])).toEqual([3, 2]);
  });

  it('a truncate after it leaves the pipe the old page, zeroed past the new EOF inside it (measured)', () => {
    expect(pipeAfter([shared, { op: 'truncate', size: 0 }])).toEqual([1, 1]);
    expect(pipeAfter([shared, { op: 'truncate', size: 1 }])).toEqual([1, 0]);
  });

  it('a page past EOF is not a step (EFAULT), nor is a mapping after unlink; the EOF page is', () => {
    const enabled = (steps: readonly Step[]) =>
      runSteps(steps, { bounds, initial: { file: [1], cached: true, folios: [1], user: [[1, 1]] } }).results.map(
        (x) => x.ok,
      );
    expect(enabled([{ op: 'vmsplice', page: 1, source: 'file-shared' }])).toEqual([false]);
    expect(enabled([shared])).toEqual([true]);
    expect(enabled([{ op: 'unlink' }, priv])).toEqual([true, false]);
    expect(enabled([{ op: 'unlink' }, { op: 'vmsplice', page: 0 }])).toEqual([true, true]);
  });

  it('the fault maps the page: evict keeps it once the pipe is read', () => {
    const r = runSteps([shared, { op: 'pipe-read', len: 2 }, { op: 'evict', page: 0 }], {
      bounds,
      initial: { file, cached: true, folios: [1, 1], user: [[0, 0]] },
    });
    expect(r.final.pageCache[0]).not.toBeNull();
    expect(r.final.pageCache[1]).not.toBeNull();
  });
});

describe('vmsplice from a mapping of the file, under the other variants', () => {
  it('copy, howells-rfc: the pipe has a copy, so no later change reaches it', () => {
    for (const kernel of ['copy', 'howells-rfc'] as const)
      for (const v of [shared, priv])
        expect(pipeAfter([v, { op: 'write', off: 0, len: 1, value: 2 }], kernel)).toEqual([1, 1]);
  });

  it('cow: the page cache gets a private copy on the write; so does the mapping on its second store', () => {
    expect(pipeAfter([shared, { op: 'write', off: 0, len: 1, value: 2 }], 'cow')).toEqual([1, 1]);
    const cowed: Step = { op: 'mmap-private-store', off: 0, value: 3 };
    expect(pipeAfter([cowed, priv, { op: 'mmap-private-store', off: 1, value: 2 }], 'cow')).toEqual([3, 1]);
  });

  it('every variant takes the step', () => {
    for (const kernel of KERNEL_IDS) {
      const r = runSteps([shared, priv], { kernel, bounds, initial: { file, cached: true, folios: [1, 1] } });
      expect(r.results.map((x) => x.ok)).toEqual([true, true]);
    }
  });
});

describe('vmsplice source in the environment', () => {
  it('a plain name takes anonymous memory only; a constraint that names a file source takes it', () => {
    const op = OPERATIONS.vmsplice;
    const sources = (args: Record<string, string[]>) =>
      new Set(
        op
          .domain({ ...bounds, depth: 1 })
          .filter((st) => environmentAdmits(op, args, st))
          .map((st) => st.source),
      );
    expect(sources({})).toEqual(new Set(['anon']));
    expect(sources({ source: ['file-shared'] })).toEqual(new Set(['file-shared']));
    expect(sources({ source: ['anon', 'file-private'] })).toEqual(new Set(['anon', 'file-private']));
  });

  it('a search finds the shortest data-stability violation through a shared mapping, and none under copy', () => {
    const scenario = (kernel: string) =>
      parseScenario({
        kernel,
        bounds: { ...bounds, depth: 3 },
        environment: { ops: [{ op: 'vmsplice', source: 'file-shared' }, 'write', 'pipe-read'] },
      });
    const linux = new ScenarioModel(scenario('linux'));
    const [v] = explore(linux, toProperties(linux, [dataStability]), { maxDepth: 3 }).violations;
    const shown = traceSteps(linux, v!.trace, v!.initialIndex);
    expect(shown.steps.map((st) => st.op)).toEqual(['vmsplice', 'write', 'pipe-read']);
    expect(shown.steps[0]).toMatchObject({ source: 'file-shared' });
    const copy = new ScenarioModel(scenario('copy'));
    expect(explore(copy, toProperties(copy, DEFAULT_INVARIANTS), { maxDepth: 3 }).violations).toEqual([]);
  });

  it('a private source gives the layout its private copies', () => {
    const sc = parseScenario({ bounds, environment: { ops: [{ op: 'vmsplice', source: ['file-private'] }] } });
    expect(new ScenarioModel(sc).L.features.privateMapping).toBe(true);
    const plain = parseScenario({ bounds, environment: { ops: ['vmsplice'] } });
    expect(new ScenarioModel(plain).L.features.privateMapping).toBe(false);
  });

  it('names a source that is not one', () => {
    expect(() =>
      parseScenario({ bounds, environment: { ops: [{ op: 'vmsplice', source: 'file-shard' }] } }, 's.json'),
    ).toThrow(/environment\.ops\[0\]\.source: "file-shard" is not one of "anon", "file-shared", "file-private"/);
  });
});
