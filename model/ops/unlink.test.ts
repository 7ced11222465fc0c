import { describe, expect, it } from 'vitest';
import { traceSteps } from '../../checker/report.js';
import { BTRFS, EXT4, EXT4_1K, TMPFS, XFS } from '../fs/index.js';
import { reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { Step } from '../step.js';
import { OPERATION_LIST } from './index.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

/** splice page 0, `between`, unlink, and read the pipe (as measured in C on 6.18). */
function readAfterUnlink(kernel: 'linux' | 'copy', between: readonly Step[], fs = EXT4): (readonly number[])[] {
  const steps: Step[] = [{ op: 'splice', off: 0, len: 2 }, ...between, { op: 'unlink' }, { op: 'pipe-read', len: 2 }];
  const run = runSteps(steps, { kernel, fs, bounds, initial: full });
  expect(run.completed).toBe(true);
  return reads(run);
}

describe('unlink', () => {
  it('the pipe keeps what it referenced: the old data, or a change made before the unlink under linux', () => {
    for (const fs of [EXT4, EXT4_1K, XFS, BTRFS, TMPFS]) {
      expect(readAfterUnlink('linux', [], fs)).toEqual([[1, 1]]);
      expect(readAfterUnlink('linux', [{ op: 'mmap-store', off: 0, value: 2 }], fs)).toEqual([[2, 1]]);
      expect(readAfterUnlink('copy', [{ op: 'mmap-store', off: 0, value: 2 }], fs)).toEqual([[1, 1]]);
    }
  });

  it('takes every folio out of the cache, dirty or not; the pipe-held one stays alive, the file is gone', () => {
    const run = runSteps(
      [{ op: 'write', off: 2, len: 2, value: 2 }, { op: 'splice', off: 0, len: 2 }, { op: 'unlink' }],
      { bounds, initial: full },
    );
    expect(run.final.pageCache).toEqual([null, null]);
    expect(run.final.size).toBe(0);
    expect(run.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1, 1]]);
    // The pipe's folio and the user page's: no other folio is alive.
    expect(run.final.folios).toHaveLength(2);
    expect(run.model.L.unlinked(run.finalState)).toBe(true);
  });

  it('a trace says so, and the pipe buffer is then a folio only the pipe holds', () => {
    const sc = parseScenario({
      bounds: { ...bounds, depth: 2 },
      initial: full,
      processes: [{ name: 'p', program: [{ op: 'splice', off: 0, len: 2 }, { op: 'unlink' }] }],
    });
    const model = new ScenarioModel(sc);
    const shown = traceSteps(model, [0, 0], 0);
    expect(shown.changes[1]).toContain('file unlinked, its fds and mappings closed');
    expect(shown.changes[1]).toContain('pipe 0: [1, 1] -> pipe-only folio [1, 1]');
  });

  it('afterwards no operation on the file is enabled (a second unlink neither); pipe and memory ones are', () => {
    const ops = OPERATION_LIST.map((op) => op.name);
    const sc = parseScenario({ bounds: { ...bounds, depth: 4 }, initial: full, environment: { ops } });
    const model = new ScenarioModel(sc);
    let s = model.initialStates()[0]!;
    for (const st of [{ op: 'splice', off: 0, len: 2 }, { op: 'unlink' }] as const) s = model.applyStep(s, st)!.state;
    const enabled = new Set<string>();
    for (const op of OPERATION_LIST)
      for (const st of op.domain(sc.bounds)) if (model.applyStep(s, st as Step)) enabled.add(op.name);
    const fileOps = OPERATION_LIST.filter((op) => op.usesFile).map((op) => op.name);
    expect(fileOps).toEqual(expect.arrayContaining(['write', 'splice', 'truncate', 'evict', 'unlink', 'splice-out']));
    for (const name of fileOps) expect(enabled.has(name), name).toBe(false);
    expect([...enabled].sort()).toEqual(
      ['pipe-read', 'pipe-write', 'tee', 'user-dontneed', 'user-store', 'user-unmap', 'vmsplice', 'pipe-splice'].sort(),
    );
  });
});
