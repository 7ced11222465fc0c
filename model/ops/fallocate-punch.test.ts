import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { cachedFolio } from '../view.js';
import type { Step } from '../step.js';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS } from '../fs/index.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user: [[1, 1]] };

describe('fallocate-punch', () => {
  it('a whole-page folio inside the range leaves the cache and its disk page becomes a hole', () => {
    const run = runSteps([{ op: 'fallocate-punch', off: 2, len: 2 }], { bounds, initial: full });
    expect(run.completed).toBe(true);
    expect(run.final.size).toBe(4);
    expect(run.final.file).toEqual([1, 2, 0, 0]);
    expect(run.final.logical).toEqual([1, 2, 0, 0]);
    expect(run.final.disk).toEqual([1, 2, 0, 0]);
    expect(run.final.pageCache[1]).toBeNull();
    expect(run.final.folios.filter((f) => f.cachesPage !== null)).toHaveLength(1);
  });

  it('a sub-page range is zeroed in place: the folio stays, dirty; the disk changes only at writeback', () => {
    const run = runSteps([{ op: 'fallocate-punch', off: 1, len: 1 }], { bounds, initial: full });
    expect(run.final.file).toEqual([1, 0, 1, 2]);
    expect(cachedFolio(run.final, 0)).toMatchObject({ cells: [1, 0], dirty: true });
    expect(run.final.disk).toEqual([1, 2, 1, 2]);
    const wb = runSteps(
      [
        { op: 'fallocate-punch', off: 1, len: 1 },
        { op: 'writeback', page: 0 },
      ],
      { bounds, initial: full },
    );
    expect(wb.final.disk).toEqual([1, 0, 1, 2]);
  });

  // Live kernel (ext4, 6.18): the partial blocks are zeroed through order-0
  // folios created for them, dirty and never marked uptodate (mincore does not
  // see them; readahead skips them). This test used to expect the disk to be
  // zeroed with nothing cached, which the kernel contradicts.
  it('an uncached partial page is zeroed through a new, not uptodate folio (ext4)', () => {
    const run = runSteps([{ op: 'fallocate-punch', off: 1, len: 2 }], { bounds, initial: { ...full, cached: false } });
    expect(run.final.pageCache.every((f) => f !== null)).toBe(true);
    expect(run.final.folios.filter((f) => f.cachesPage !== null).map((f) => [f.cells, f.dirty, f.uptodate])).toEqual([
      [[1, 0], true, false],
      [[0, 2], true, false],
    ]);
    expect(run.final.disk).toEqual([1, 2, 1, 2]);
    expect(run.final.file).toEqual([1, 0, 0, 2]);
  });

  it('keeps the size (KEEP_SIZE); the part past EOF is a no-op', () => {
    const run = runSteps([{ op: 'fallocate-punch', off: 2, len: 2 }], {
      bounds,
      initial: { file: [1, 2, 1], cached: true, folios: [1, 1], user: [[1, 1]] },
    });
    expect(run.final.size).toBe(3);
    expect(run.final.file).toEqual([1, 2, 0]);
    expect(run.final.logical).toEqual([1, 2, 0]);
  });

  it('a large folio with no other reference is split; the punched page leaves, the rest stays cached', () => {
    const run = runSteps([{ op: 'fallocate-punch', off: 2, len: 2 }], {
      bounds: { ...bounds, folioPages: 2 },
      initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] },
    });
    expect(run.final.file).toEqual([1, 2, 0, 0]);
    expect(run.final.pageCache[1]).toBeNull();
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 1, cells: [1, 2] });
    expect(run.final.disk).toEqual([1, 2, 0, 0]);
  });

  // A 2-page folio, page 1 in the pipe, punch page 1 (oracle/FINDINGS.md section 3).
  const pipeHeld: Step[] = [
    { op: 'splice', off: 2, len: 2 },
    { op: 'fallocate-punch', off: 2, len: 2 },
  ];
  const large = { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] };
  it('ext4, clean large folio a pipe holds: zeroed in place, then dropped from the cache; the pipe sees zeroes', () => {
    const run = runSteps(pipeHeld, { bounds: { ...bounds, folioPages: 2 }, initial: large, fs: EXT4 });
    expect(run.final.pageCache).toEqual([null, null]);
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf).toMatchObject({ cells: [0, 0], ghost: [1, 2] });
    expect(run.final.folios.find((f) => f.id === buf.folio)).toMatchObject({
      pages: 2,
      cachesPage: null,
      pipeRefs: 1,
      cells: [1, 2, 0, 0],
    });
    expect(run.final.file).toEqual([1, 2, 0, 0]);
    expect(run.final.disk).toEqual([1, 2, 0, 0]);
  });

  it('ext4, dirty large folio a pipe holds: zeroed in place and stays large and dirty; the pipe sees zeroes', () => {
    const run = runSteps([{ op: 'write', off: 0, len: 1, value: 2 }, ...pipeHeld], {
      bounds: { ...bounds, folioPages: 2 },
      initial: large,
      fs: EXT4,
    });
    const f = cachedFolio(run.final, 0)!;
    expect(f).toMatchObject({ pages: 2, cells: [2, 2, 0, 0], dirty: true, pipeRefs: 1 });
    expect(run.final.pageCache[1]).toBe(f.id);
    expect(run.final.pipes[0]!.buffers[0]).toMatchObject({ cells: [0, 0], ghost: [1, 2] });
    expect(run.final.file).toEqual([2, 2, 0, 0]);
  });

  it('tmpfs: the large folio a pipe holds cannot split and stays, zeroed in place', () => {
    const run = runSteps(pipeHeld, { bounds: { ...bounds, folioPages: 2 }, initial: large, fs: TMPFS });
    const f = cachedFolio(run.final, 0)!;
    expect(f).toMatchObject({ pages: 2, cells: [1, 2, 0, 0], pipeRefs: 1 });
    expect(run.final.pipes[0]!.buffers[0]!.cells).toEqual([0, 0]);
  });

  it('ext4: a dirty large folio with no pipe reference never splits; the punched page is zeroed in place', () => {
    const run = runSteps(
      [
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'fallocate-punch', off: 2, len: 2 },
      ],
      { bounds: { ...bounds, folioPages: 2 }, initial: large, fs: EXT4 },
    );
    expect(cachedFolio(run.final, 0)).toMatchObject({ pages: 2, cells: [2, 2, 0, 0], dirty: true });
    expect(run.final.pageCache[1]).toBe(run.final.pageCache[0]);
    expect(run.final.file).toEqual([2, 2, 0, 0]);
  });

  it('a whole-page folio a pipe references leaves the cache but lives on in the pipe with its old data (linux)', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 2 },
        { op: 'fallocate-punch', off: 0, len: 2 },
      ],
      { bounds, initial: full },
    );
    expect(run.final.pageCache[0]).toBeNull();
    const buf = run.final.pipes[0]!.buffers[0]!;
    expect(buf.cells).toEqual([1, 2]);
    expect(run.final.folios.find((f) => f.id === buf.folio)).toMatchObject({
      cachesPage: null,
      pipeRefs: 1,
      dirty: false,
    });
    expect(run.final.file).toEqual([0, 0, 1, 2]);
  });

  it('is not enabled for an empty range or one past pages * cells', () => {
    expect(runSteps([{ op: 'fallocate-punch', off: 3, len: 2 }], { bounds, initial: full }).completed).toBe(false);
    expect(runSteps([{ op: 'fallocate-punch', off: 0, len: 0 }], { bounds, initial: full }).completed).toBe(false);
  });

  const subPage: Record<KernelId, number[]> = {
    linux: [1, 0],
    'dirty-pipe': [1, 0],
    'howells-rfc': [1, 2],
    copy: [1, 2],
    move: [1, 2],
    cow: [1, 2],
  };
  it.each(KERNEL_IDS)(
    'after a splice on %s: a whole-page punch leaves the pipe old; a sub-page punch per the variant',
    (kernel) => {
      const whole = runSteps(
        [
          { op: 'splice', off: 0, len: 2 },
          { op: 'fallocate-punch', off: 0, len: 2 },
          { op: 'pipe-read', len: 2 },
        ],
        { kernel, bounds, initial: full },
      );
      expect(reads(whole)).toEqual([[1, 2]]);
      expect(whole.final.file).toEqual([0, 0, 1, 2]);
      const sub = runSteps(
        [
          { op: 'splice', off: 0, len: 2 },
          { op: 'fallocate-punch', off: 1, len: 1 },
          { op: 'pipe-read', len: 2 },
        ],
        { kernel, bounds, initial: full },
      );
      expect(reads(sub)).toEqual([subPage[kernel]]);
      expect(sub.final.file).toEqual([1, 0, 1, 2]);
    },
  );

  describe('over holes (file systems that track blocks)', () => {
    const cold = { file: [1, 2, 1, 2], cached: false, folios: [1, 1], user: [[1, 1]] };
    it('btrfs: a punch of holes only leaves the page cache as it is; one over blocks frees them', () => {
      const steps: Step[] = [
        { op: 'fallocate-punch', off: 2, len: 2 },
        { op: 'splice', off: 2, len: 1, move: false },
        { op: 'fallocate-punch', off: 2, len: 2 },
      ];
      const run = runSteps(steps, { fs: BTRFS, bounds, initial: cold });
      expect(run.completed).toBe(true);
      expect(run.final.blocks).toEqual([true, false]);
      // The second punch found only a hole: the spliced page stays cached.
      expect(run.final.pageCache[1]).not.toBeNull();
      const ext4 = runSteps(steps, { fs: EXT4, bounds, initial: cold });
      expect(ext4.final.blocks).toBeUndefined();
      expect(ext4.final.pageCache[1]).toBeNull();
    });

    it('xfs: one write over a punched file makes one folio; over blocks and a hole, one per extent', () => {
      const b = { ...bounds, folioPages: 2 };
      const one = { file: [1], cached: false, folios: [1], user: [[1, 1]] };
      const write: Step = { op: 'write', off: 0, len: 4, value: 2 };
      const punched = runSteps([{ op: 'fallocate-punch', off: 0, len: 2 }, write], {
        fs: XFS,
        bounds: b,
        initial: one,
      });
      expect(punched.final.folios.filter((f) => f.cachesPage !== null).map((f) => f.pages)).toEqual([2]);
      const kept = runSteps([write], { fs: XFS, bounds: b, initial: one });
      expect(kept.final.folios.filter((f) => f.cachesPage !== null).map((f) => f.pages)).toEqual([1, 1]);
      expect(kept.final.blocks).toEqual([true, true]);
    });
  });

  it('ext4 with 1 KiB blocks: a punch of the only written cell leaves the folio clean, the cell a hole', () => {
    const b = { ...bounds, folioPages: 2 };
    const init = { file: [1, 1, 1, 1], cached: true, folios: [2], user: [[1, 1]] };
    const steps: Step[] = [
      { op: 'write', off: 2, len: 1, value: 2 },
      { op: 'fallocate-punch', off: 2, len: 1 },
    ];
    const oneK = runSteps(steps, { fs: EXT4_1K, bounds: b, initial: init });
    // Clean and unreferenced, the folio splits; the punched page is clean.
    expect(cachedFolio(oneK.final, 1)).toMatchObject({ pages: 1, cells: [0, 1], dirty: false });
    expect(oneK.final.disk).toEqual([1, 1, 0, 1]);
    // With 4 KiB blocks the page's block is zeroed in part through the cache: dirty.
    const fourK = runSteps(steps, { fs: EXT4, bounds: b, initial: init });
    expect(cachedFolio(fourK.final, 0)).toMatchObject({ pages: 2, cells: [1, 1, 0, 1], dirty: true });
  });
});
