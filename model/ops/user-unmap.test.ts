import { describe, expect, it } from 'vitest';
import { KERNEL_IDS } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import type { Step } from '../step.js';

const bounds = { pages: 1, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const initial = { file: [1, 1], cached: true, folios: [1], user: [[1, 2]] };

// Measured on 6.18 (oracle/FINDINGS.md, user memory): after vmsplice, munmap
// or MADV_DONTNEED leaves the pipe the old page; a page never touched since
// it was mapped goes into the pipe as the shared zero page.
describe.each(['user-unmap', 'user-dontneed'] as const)('%s', (op) => {
  it('leaves the pipe the old page with its old data; the process reads zeros, then what it stores', () => {
    const steps: Step[] = [
      { op: 'vmsplice', page: 0 },
      { op, page: 0 },
      { op: 'user-store', page: 0, cell: 0, value: 2 },
      { op: 'pipe-read', len: 2 },
    ];
    for (const kernel of KERNEL_IDS) {
      const run = runSteps(steps, { kernel, bounds, initial });
      expect(run.completed).toBe(true);
      expect(reads(run)).toEqual([[1, 2]]);
      expect(run.final.user).toEqual([[2, 0]]);
    }
  });

  it('frees the old page when no pipe references it', () => {
    const run = runSteps([{ op, page: 0 }], { bounds, initial });
    expect(run.final.user).toEqual([[0, 0]]);
    expect(run.final.folios.filter((f) => f.userPage !== null)).toEqual([]);
    // Only the file's folio is left.
    expect(run.final.folios).toHaveLength(1);
  });

  it('puts the shared zero page in the pipe when vmsplice finds the page not populated', () => {
    const steps: Step[] = [
      { op, page: 0 },
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'user-store', page: 0, cell: 1, value: 1 },
      { op: 'pipe-read', len: 2 },
    ];
    const linux = runSteps(steps, { kernel: 'linux', bounds, initial });
    expect(reads(linux)).toEqual([[0, 0]]);
    expect(linux.final.user).toEqual([[0, 1]]);
    expect(linux.final.cost).toEqual({ pagesCopied: 0, pagesStolen: 0 });
    // Howells' RFC cannot steal the shared zero page: it copies it.
    expect(runSteps(steps, { kernel: 'howells-rfc', bounds, initial }).final.cost).toEqual({
      pagesCopied: 1,
      pagesStolen: 0,
    });
  });

  it('is not enabled for a user page that does not exist', () => {
    expect(runSteps([{ op, page: 1 }], { bounds, initial }).completed).toBe(false);
  });
});
