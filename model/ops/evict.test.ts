import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { runSteps } from '../run-steps.js';
import type { Step } from '../step.js';
import { TMPFS } from '../fs/index.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1 };
const small = { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user: [[1, 1]] };
const large = { file: [1, 2, 1, 2], cached: true, folios: [2], user: [[1, 1]] };

/** The view before and after one final evict. */
function evictAfter(steps: Step[], page: number, kernel: KernelId = 'linux', initial = small) {
  const before = runSteps(steps, { kernel, bounds, initial });
  const after = runSteps([...steps, { op: 'evict', page }], { kernel, bounds, initial });
  expect(before.completed && after.completed).toBe(true);
  return { before: before.final, after: after.final };
}

describe('evict', () => {
  it('drops a clean, unmapped, unreferenced folio; it is freed and the file reads the same from disk', () => {
    const { before, after } = evictAfter([], 0);
    expect(after.pageCache[0]).toBeNull();
    expect(after.pageCache[1]).not.toBeNull(); // renumbered by the canonical encoding, but still cached
    expect(after.folios).toHaveLength(before.folios.length - 1);
    expect(after.file).toEqual([1, 2, 1, 2]);
  });

  it('never drops a large folio: one page covers only part of it', () => {
    const { before, after } = evictAfter([], 1, 'linux', large);
    expect(after).toEqual(before);
  });

  it('writes a dirty folio back instead of dropping it', () => {
    const { before, after } = evictAfter([{ op: 'write', off: 0, len: 1, value: 2 }], 0);
    expect(before.folios.find((f) => f.cachesPage === 0)).toMatchObject({ dirty: true });
    expect(after.pageCache[0]).not.toBeNull();
    expect(after.folios.find((f) => f.cachesPage === 0)).toMatchObject({ dirty: false, cells: [2, 2] });
    expect(after.disk).toEqual([2, 2, 1, 2]);
    expect(after.file).toEqual(before.file);
    // a second evict, now that it is clean, drops it
    const twice = runSteps(
      [
        { op: 'write', off: 0, len: 1, value: 2 },
        { op: 'evict', page: 0 },
        { op: 'evict', page: 0 },
      ],
      { bounds, initial: small },
    );
    expect(twice.final.pageCache[0]).toBeNull();
    expect(twice.final.file).toEqual([2, 2, 1, 2]);
  });

  it('tmpfs never drops anything', () => {
    const before = runSteps([], { bounds, initial: small, fs: TMPFS });
    const after = runSteps([{ op: 'evict', page: 0 }], { bounds, initial: small, fs: TMPFS });
    expect(after.final).toEqual(before.final);
  });

  it.each<[string, Step[]]>([
    [
      'mapped (even clean)',
      [
        { op: 'mmap-store', off: 0, value: 2 },
        { op: 'writeback', page: 0 },
      ],
    ],
    ['referenced by a pipe', [{ op: 'splice', off: 0, len: 1 }]],
    [
      'referenced by the tee target only',
      [
        { op: 'splice', off: 0, len: 1 },
        { op: 'tee', len: 1 },
        { op: 'pipe-read', len: 1 },
      ],
    ],
  ])('refuses a %s folio: nothing changes', (_, steps) => {
    const { before, after } = evictAfter(steps, 0);
    expect(after).toEqual(before);
  });

  it('an uncached page: nothing changes; a page beyond the bounds: not enabled', () => {
    const unc = { ...small, cached: false };
    const { before, after } = evictAfter([], 0, 'linux', unc);
    expect(after).toEqual(before);
    expect(runSteps([{ op: 'evict', page: 2 }], { bounds, initial: small }).completed).toBe(false);
  });

  const evicted: Record<KernelId, boolean> = {
    linux: false, // the pipe references it
    'dirty-pipe': false,
    cow: false,
    copy: true, // the pipe holds a private copy
    move: true,
    'howells-rfc': false, // stolen already: nothing cached to evict
  };
  it.each(KERNEL_IDS)('after a splice on %s: evicted only if the pipe does not reference the cache folio', (kernel) => {
    const { before, after } = evictAfter([{ op: 'splice', off: 0, len: 2 }], 0, kernel);
    if (evicted[kernel]) {
      expect(before.pageCache[0]).not.toBeNull();
      expect(after.pageCache[0]).toBeNull();
    } else {
      expect(after).toEqual(before);
    }
    expect(after.file).toEqual([1, 2, 1, 2]);
    expect(after.pipes[0]!.buffers[0]!.cells).toEqual([1, 2]);
  });
});
