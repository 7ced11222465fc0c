import { describe, expect, it } from 'vitest';
import { KERNEL_IDS, type KernelId } from './kernels/index.js';
import { runSteps } from './run-steps.js';
import type { Step } from './step.js';
import { viewState } from './view.js';
import { type InvariantStep } from '../invariants/define.js';
import { LayoutStateReader } from '../invariants/state-reader.js';
import { fileIntegrity } from '../invariants/file-integrity.js';

// CVE-2022-0847 in cells: a page has 4 cells, the pipe 2 slots. Value 1 is the
// file's data, 2 what the attacker writes into the pipe.
const bounds = { pages: 1, cells: 4, values: 2, slots: 2, folioPages: 1, userPages: 0 };
const initial = { file: [1, 1, 1, 1], cached: true, folios: [1], user: [] };

const setup: Step[] = [
  // fill the pipe: every slot gets CAN_MERGE
  { op: 'pipe-write', len: 4, value: 1 },
  { op: 'pipe-write', len: 4, value: 1 },
  // drain it: the slots are free, their flags stay
  { op: 'pipe-read', len: 4 },
  { op: 'pipe-read', len: 4 },
  // splice one cell of the file into the (stale-flagged) slot
  { op: 'splice', off: 0, len: 1 },
];
const attack: Step = { op: 'pipe-write', len: 2, value: 2 };

/** Run the setup, then the attack, and what file-integrity says about the attack step. */
function exploit(kernel: KernelId) {
  const pre = runSteps(setup, { kernel, bounds, initial });
  expect(pre.completed).toBe(true);
  const L = pre.model.L;
  const r = pre.model.applyStep(pre.finalState, attack);
  expect(r).toBeDefined();
  const step: InvariantStep = {
    before: new LayoutStateReader(L, pre.finalState),
    after: new LayoutStateReader(L, r!.state),
    step: { ...attack, process: 'env' },
    observed: r!.observed,
    depth: setup.length,
  };
  return { pre: pre.final, after: viewState(L, r!.state), integrity: fileIntegrity.check(step) };
}

describe('Dirty Pipe (CVE-2022-0847)', () => {
  it('the setup leaves CAN_MERGE in every slot of an empty ring', () => {
    const run = runSteps(setup.slice(0, 4), { kernel: 'dirty-pipe', bounds, initial });
    expect(run.final.pipes[0]!.buffers).toEqual([]);
    expect(run.final.pipes[0]!.slotFlags).toEqual([['CAN_MERGE'], ['CAN_MERGE']]);
  });

  it('dirty-pipe: the spliced buffer keeps the stale CAN_MERGE; the pipe-write lands in the page cache', () => {
    const { pre, after, integrity } = exploit('dirty-pipe');
    const buf = pre.pipes[0]!.buffers[0]!;
    expect(buf.flags).toEqual(['CAN_MERGE']);
    expect(buf.folio).toBe(pre.pageCache[0]);
    // the file changed though nobody wrote to it
    expect(after.file).toEqual([1, 2, 2, 1]);
    expect(after.logical).toEqual([1, 1, 1, 1]);
    expect(after.file).not.toEqual(after.logical);
    // the page is not dirty (the kernel never knew), the disk is intact
    expect(after.folios.find((f) => f.cachesPage === 0)).toMatchObject({ cells: [1, 2, 2, 1], dirty: false });
    expect(after.disk).toEqual([1, 1, 1, 1]);
    // the pipe holds the spliced cell and the attacker's cells in one buffer
    expect(after.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1, 2, 2]]);
    expect(integrity).toMatch(/file cell 1 reads 2, but the file's operations say it holds 1/);
  });

  it('dirty-pipe: evicting the (clean) page reverts the file to the disk contents', () => {
    const run = runSteps([...setup, attack, { op: 'pipe-read', len: 3 }, { op: 'evict', page: 0 }], {
      kernel: 'dirty-pipe',
      bounds,
      initial,
    });
    expect(run.completed).toBe(true);
    expect(run.final.pageCache[0]).toBeNull();
    expect(run.final.file).toEqual([1, 1, 1, 1]);
  });

  it.each(KERNEL_IDS.filter((k) => k !== 'dirty-pipe'))(
    '%s: the pipe-write takes a new slot, the file is untouched',
    (kernel) => {
      const { after, integrity } = exploit(kernel);
      expect(after.file).toEqual([1, 1, 1, 1]);
      expect(after.file).toEqual(after.logical);
      expect(after.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1], [2, 2]]);
      expect(after.pipes[0]!.buffers[0]!.flags).not.toContain('CAN_MERGE');
      expect(integrity).toBeUndefined();
    },
  );
});
