import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from '../context.js';
import { runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

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

  it('evicts the whole large folio', () => {
    const { after } = evictAfter([], 1, 'linux', large);
    expect(after.pageCache).toEqual([null, null]);
    expect(after.file).toEqual([1, 2, 1, 2]);
  });

  it.each<[string, Step[]]>([
    ['dirty', [{ op: 'write', off: 0, len: 1, value: 2 }]],
    ['mapped (even clean)', [{ op: 'mmap-store', off: 0, value: 2 }, { op: 'writeback', page: 0 }]],
    ['referenced by a pipe', [{ op: 'splice', off: 0, len: 1 }]],
    ['referenced by the tee target only', [{ op: 'splice', off: 0, len: 1 }, { op: 'tee', len: 1 }, { op: 'pipe-read', len: 1 }]],
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
