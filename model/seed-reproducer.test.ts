import { describe, expect, it } from 'vitest';
import { reads, runSteps } from './run-steps.js';
import type { Step } from './step.js';
import type { KernelId } from './kernels/index.js';

// Matthew Wilcox's reproducer from the seed thread, in cells (a page has 2):
// ftruncate(fd, PAGE_SIZE); pwrite("old", 0); splice(fd, pipe, PAGE_SIZE);
// pwrite("new", 0); then read the pipe. Value 1 is "old", 2 is "new".
const reproducer: Step[] = [
  { op: 'truncate', size: 2 },
  { op: 'write', off: 0, len: 1, value: 1 },
  { op: 'splice', off: 0, len: 2 },
  { op: 'write', off: 0, len: 1, value: 2 },
  { op: 'pipe-read', len: 2 },
];
const bounds = { pages: 1, cells: 2, slots: 2, folioPages: 1, userPages: 0 };
const emptyFile = { file: [], cached: true, folios: [], user: [] };

describe("the seed's reproducer (ftruncate, pwrite old, splice, pwrite new, read)", () => {
  it('reads "new" on linux: the pipe references the page-cache folio', () => {
    const run = runSteps(reproducer, { kernel: 'linux', bounds, initial: emptyFile });
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual([[2, 0]]);
  });

  it.each<KernelId>(['copy', 'howells-rfc', 'cow'])('reads "old" on %s', (kernel) => {
    const run = runSteps(reproducer, { kernel, bounds, initial: emptyFile });
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual([[1, 0]]);
    // and the file itself has the new data
    expect(run.final.file).toEqual([2, 0]);
  });
});
