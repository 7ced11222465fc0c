import { describe, expect, it } from 'vitest';
import { reads, runSteps } from '../run-steps.js';

// write(len, value) on an O_APPEND fd, in cells; value 1 = old data, 2 = new data.
const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 0 };

describe('append', () => {
  it('writes at the end of the file, whatever was written before, and grows it', () => {
    const run = runSteps(
      [
        { op: 'append', len: 1, value: 2 },
        { op: 'append', len: 2, value: 1 },
      ],
      { bounds, initial: { file: [1], cached: true, folios: [1], user: [] } },
    );
    expect(run.completed).toBe(true);
    expect(run.final.size).toBe(4);
    expect(run.final.file).toEqual([1, 2, 1, 1]);
    expect(run.final.logical).toEqual([1, 2, 1, 1]);
    expect(run.final.disk).toEqual([1, 0, 0, 0]);
  });

  it('is the write at the old size: the same state as write(off=size)', () => {
    const initial = { file: [1, 1, 1], cached: true, folios: [1, 1], user: [] };
    const a = runSteps([{ op: 'append', len: 1, value: 2 }], { bounds, initial });
    const w = runSteps([{ op: 'write', off: 3, len: 1, value: 2 }], { bounds, initial });
    expect(a.final).toEqual(w.final);
  });

  it('is not enabled when the file would outgrow the bounds (pages * cells)', () => {
    const run = runSteps([{ op: 'append', len: 1, value: 2 }], {
      bounds,
      initial: { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [] },
    });
    expect(run.completed).toBe(false);
  });

  it('leaves the data already spliced into a pipe alone (a log shipper reading an append-only file)', () => {
    const run = runSteps(
      [
        { op: 'splice', off: 0, len: 1 },
        { op: 'append', len: 1, value: 2 },
        { op: 'pipe-read', len: 1 },
      ],
      { bounds, initial: { file: [1], cached: true, folios: [1], user: [] } },
    );
    expect(run.completed).toBe(true);
    expect(run.final.file).toEqual([1, 2]);
    expect(reads(run)).toEqual([[1]]);
  });
});
