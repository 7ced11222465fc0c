import { describe, expect, it } from 'vitest';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS, type FsProfile } from '../fs/index.js';
import type { KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { ScenarioModel } from '../scenario-model.js';
import { parseScenario } from '../scenario.js';
import type { Step } from '../step.js';

// A 4-page file (2 cells a page) in bounds of 5 pages, page i holding i + 1, as measured in C on 6.18.
const bounds = { pages: 5, cells: 2, values: 9, slots: 4, folioPages: 4, userPages: 1 };
const file = [1, 1, 2, 2, 3, 3, 4, 4];
const order0 = { file, cached: true, folios: [1, 1, 1, 1] };
const big = { file, cached: true, folios: [4] };

function run(steps: readonly Step[], fs: FsProfile, initial = order0, kernel: KernelId = 'linux') {
  return runSteps(steps, { fs, kernel, bounds, initial });
}

function errnoOf(fs: FsProfile, step: Step, b = bounds, initial: object = order0): string | undefined | 'not enabled' {
  const sc = parseScenario({ bounds: { ...b, depth: 1 }, initial, processes: [{ name: 'p', program: [step] }] });
  const model = new ScenarioModel(sc, fs);
  const r = model.applyStep(model.initialStates()[0]!, step);
  return r ? r.failed : 'not enabled';
}

describe('fallocate-insert', () => {
  it('opens a hole and shifts the rest up; the pipe keeps the page it holds', () => {
    for (const fs of [EXT4, XFS]) {
      const r = run(
        [
          { op: 'splice', off: 2, len: 2 },
          { op: 'fallocate-insert', off: 2, len: 2 },
          { op: 'pipe-read', len: 2 },
        ],
        fs,
      );
      expect(reads(r)).toEqual([[2, 2]]);
      expect(r.final.size).toBe(10);
      expect(r.final.file).toEqual([1, 1, 0, 0, 2, 2, 3, 3, 4, 4]);
      expect(r.final.logical).toEqual([1, 1, 0, 0, 2, 2, 3, 3, 4, 4]);
    }
  });

  it('ext4 keeps the page before the offset cached; xfs drops it too (order-0 folios)', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 8 },
      { op: 'fallocate-insert', off: 6, len: 2 },
      { op: 'write', off: 0, len: 1, value: 9 },
      { op: 'write', off: 4, len: 1, value: 9 },
      { op: 'pipe-read', len: 8 },
    ];
    expect(reads(run(steps, EXT4))).toEqual([[9, 1, 2, 2, 9, 3, 4, 4]]);
    expect(reads(run(steps, XFS))).toEqual([[9, 1, 2, 2, 3, 3, 4, 4]]);
    expect(reads(run(steps, EXT4, order0, 'copy'))).toEqual([file]);
  });

  it('a pipe-held large folio is zeroed from the first page dropped (xfs: the page before the offset)', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 8 },
      { op: 'fallocate-insert', off: 4, len: 2 },
      { op: 'pipe-read', len: 8 },
    ];
    expect(reads(run(steps, EXT4, big))).toEqual([[1, 1, 2, 2, 0, 0, 0, 0]]);
    expect(reads(run(steps, XFS, big))).toEqual([[1, 1, 0, 0, 0, 0, 0, 0]]);
    expect(reads(run(steps, XFS, big, 'copy'))).toEqual([file]);
    expect(run(steps, XFS, big).final.file).toEqual([1, 1, 2, 2, 0, 0, 3, 3, 4, 4]);
  });

  it('ext4 with 1 KiB blocks: a 1 KiB insert drops the whole page holding it', () => {
    const initial = { file: [1, 1, 1, 1, 2, 2, 2, 2], cached: true, folios: [1, 1] };
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 4 },
      { op: 'fallocate-insert', off: 2, len: 1 },
      { op: 'write', off: 0, len: 1, value: 9 },
      { op: 'pipe-read', len: 4 },
    ];
    const r = runSteps(steps, { fs: EXT4_1K, bounds: { ...bounds, pages: 3, cells: 4, folioPages: 1 }, initial });
    expect(reads(r)).toEqual([[1, 1, 1, 1]]);
    expect(r.final.file).toEqual([9, 1, 0, 1, 1, 2, 2, 2, 2]);
  });

  it('fails with EINVAL off a block or at EOF, EOPNOTSUPP on btrfs and tmpfs; not enabled past the bounds', () => {
    const at = (off: number, len: number): Step => ({ op: 'fallocate-insert', off, len });
    expect(errnoOf(EXT4, at(2, 2))).toBeUndefined();
    expect(errnoOf(EXT4, at(1, 2))).toBe('EINVAL');
    expect(errnoOf(XFS, at(2, 1))).toBe('EINVAL');
    expect(errnoOf(XFS, at(8, 2))).toBe('EINVAL'); // at EOF
    expect(errnoOf(EXT4, at(0, 4))).toBe('not enabled'); // 12 cells > 10
    for (const fs of [BTRFS, TMPFS]) expect(errnoOf(fs, at(2, 2))).toBe('EOPNOTSUPP');
  });
});
