import { describe, expect, it } from 'vitest';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS, type FsProfile } from '../fs/index.js';
import type { KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { ScenarioModel } from '../scenario-model.js';
import { parseScenario } from '../scenario.js';
import type { Step } from '../step.js';

// A 4-page file (2 cells a page), page i holding i + 1, as measured in C on 6.18.
const bounds = { pages: 4, cells: 2, values: 9, slots: 4, folioPages: 4, userPages: 1 };
const file = [1, 1, 2, 2, 3, 3, 4, 4];
const order0 = { file, cached: true, folios: [1, 1, 1, 1] };
const big = { file, cached: true, folios: [4] };

function run(steps: readonly Step[], fs: FsProfile, initial = order0, kernel: KernelId = 'linux') {
  return runSteps(steps, { fs, kernel, bounds, initial });
}

/** What the failing step's errno is (undefined: it succeeded). */
function errnoOf(fs: FsProfile, step: Step, cells = 2, initial = order0): string | undefined {
  const sc = parseScenario({
    bounds: { ...bounds, cells, depth: 1 },
    initial,
    processes: [{ name: 'p', program: [step] }],
  });
  const model = new ScenarioModel(sc, fs);
  return model.applyStep(model.initialStates()[0]!, step)?.failed;
}

describe('fallocate-collapse', () => {
  it('shifts the rest of the file down and shrinks it; the pipe keeps the page it holds (every fs that can)', () => {
    for (const fs of [EXT4, XFS]) {
      const r = run(
        [
          { op: 'splice', off: 2, len: 2 },
          { op: 'fallocate-collapse', off: 2, len: 2 },
          { op: 'pipe-read', len: 2 },
        ],
        fs,
      );
      expect(reads(r)).toEqual([[2, 2]]);
      expect(r.final.size).toBe(6);
      expect(r.final.file).toEqual([1, 1, 3, 3, 4, 4]);
      expect(r.final.logical.slice(0, 6)).toEqual([1, 1, 3, 3, 4, 4]);
      // The pages from the offset on left the cache (xfs: from the page before it).
      expect(r.final.pageCache).toEqual(
        fs === XFS ? [null, null, null, null] : [r.final.pageCache[0], null, null, null],
      );
    }
  });

  it('ext4 keeps the page before the offset cached (a write reaches the pipe); xfs drops it too', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 2 },
      { op: 'fallocate-collapse', off: 2, len: 2 },
      { op: 'write', off: 0, len: 1, value: 9 },
      { op: 'pipe-read', len: 2 },
    ];
    expect(reads(run(steps, EXT4))).toEqual([[9, 1]]);
    expect(reads(run(steps, XFS))).toEqual([[1, 1]]);
  });

  it('a pipe-held large folio is zeroed from the offset (ext4) or over the range (xfs) before it leaves', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 8 },
      { op: 'fallocate-collapse', off: 4, len: 2 },
      { op: 'pipe-read', len: 8 },
    ];
    expect(reads(run(steps, EXT4, big))).toEqual([[1, 1, 2, 2, 0, 0, 0, 0]]);
    expect(reads(run(steps, XFS, big))).toEqual([[1, 1, 2, 2, 0, 0, 4, 4]]);
    // copy: the pipe holds its own copy.
    expect(reads(run(steps, EXT4, big, 'copy'))).toEqual([file]);
    expect(run(steps, EXT4, big).final.file).toEqual([1, 1, 2, 2, 4, 4]);
  });

  it('ext4 with 1 KiB blocks: a 1 KiB collapse drops the whole page holding it', () => {
    const initial = { file: [1, 1, 1, 1, 2, 2, 2, 2], cached: true, folios: [1, 1] };
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 4 },
      { op: 'fallocate-collapse', off: 1, len: 1 },
      { op: 'write', off: 0, len: 1, value: 9 },
      { op: 'pipe-read', len: 4 },
    ];
    const r = runSteps(steps, { fs: EXT4_1K, bounds: { ...bounds, pages: 2, cells: 4, folioPages: 1 }, initial });
    expect(reads(r)).toEqual([[1, 1, 1, 1]]);
    expect(r.final.file).toEqual([9, 1, 1, 2, 2, 2, 2]);
  });

  it('xfs: a new EOF inside a page reads that page in and dirties it (xfs_setattr_size); ext4 caches nothing', () => {
    const initial = { file: [2, 2, 2], cached: false, folios: [1, 1] };
    const steps: Step[] = [{ op: 'fallocate-collapse', off: 0, len: 2 }];
    const on = (fs: FsProfile) => runSteps(steps, { fs, bounds: { ...bounds, pages: 2, folioPages: 1 }, initial });
    const x = on(XFS).final;
    expect(x.file).toEqual([2]);
    expect(x.pageCache[0]).not.toBeNull();
    expect(x.folios.find((f) => f.id === x.pageCache[0])).toMatchObject({ cells: [2, 0], dirty: true });
    expect(on(EXT4).final.pageCache).toEqual([null, null]);
  });

  it('fails with EINVAL off a block boundary or up to EOF, with EOPNOTSUPP on btrfs and tmpfs', () => {
    const at = (off: number, len: number): Step => ({ op: 'fallocate-collapse', off, len });
    expect(errnoOf(EXT4, at(2, 2))).toBeUndefined();
    expect(errnoOf(EXT4, at(1, 2))).toBe('EINVAL');
    expect(errnoOf(EXT4, at(2, 1))).toBe('EINVAL');
    expect(errnoOf(XFS, at(6, 2))).toBe('EINVAL'); // reaches EOF
    expect(errnoOf(EXT4, at(4, 4))).toBe('EINVAL');
    // 1 KiB cells (cells 4): ext4-1k takes one cell, 4 KiB-block file systems do not.
    const init4 = { file: [1, 1, 1, 1, 2, 2, 2, 2], cached: true, folios: [1, 1] };
    expect(errnoOf(EXT4_1K, at(1, 1), 4, init4)).toBeUndefined();
    expect(errnoOf(EXT4, at(1, 1), 4, init4)).toBe('EINVAL');
    expect(errnoOf(XFS, at(1, 1), 4, init4)).toBe('EINVAL');
    for (const fs of [BTRFS, TMPFS]) {
      expect(errnoOf(fs, at(2, 2))).toBe('EOPNOTSUPP');
      expect(errnoOf(fs, at(1, 2))).toBe('EOPNOTSUPP');
      expect(run([at(2, 2)], fs).final.file).toEqual(file);
    }
  });
});
