import { describe, expect, it } from 'vitest';
import { traceSteps } from '../../checker/report.js';
import { explore } from '../../explorer/bfs.js';
import { DEFAULT_INVARIANTS } from '../../invariants/builtins.js';
import { dataStability } from '../../invariants/data-stability.js';
import { toProperties } from '../../invariants/property.js';
import { BTRFS, EXT4, TMPFS, XFS } from '../fs/index.js';
import { showCells } from '../cells.js';
import { TORN } from '../overlapping-copy.js';
import { allReads, reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { Step } from '../step.js';

const bounds = { pages: 4, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1 };
const file = [1, 1, 2, 2, 3, 3, 1, 1];
const initial = { file, cached: true, folios: [1, 1, 1, 1], user: [[1, 1]] };

function run(steps: readonly Step[], kernel: 'linux' | 'copy' | 'cow' = 'linux', fs = EXT4) {
  const r = runSteps(steps, { kernel, fs, bounds, initial });
  expect(r.completed).toBe(true);
  return r;
}

describe('splice-out', () => {
  it('copies the pipe into the file at off like a write, and consumes what it moved (measured, every fs)', () => {
    for (const fs of [EXT4, XFS, BTRFS, TMPFS]) {
      const r = run(
        [
          { op: 'splice', off: 0, len: 2 },
          { op: 'splice-out', off: 4, len: 1 },
        ],
        'linux',
        fs,
      );
      expect(r.final.file).toEqual([1, 1, 2, 2, 1, 3, 1, 1]);
      expect(r.final.pipes[0]!.buffers.map((b) => b.cells)).toEqual([[1]]);
      expect(reads(r)).toEqual([[1]]);
    }
  });

  it('linux: a change after the splice reaches the file; copy: the pipe has its own copy', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 2 },
      { op: 'write', off: 0, len: 1, value: 3 },
      { op: 'splice-out', off: 4, len: 2 },
    ];
    const linux = run(steps, 'linux');
    expect(linux.final.file.slice(4, 6)).toEqual([3, 1]);
    expect(linux.results[2]).toMatchObject({ read: [3, 1], expected: [1, 1] });
    const copy = run(steps, 'copy');
    expect(copy.final.file.slice(4, 6)).toEqual([1, 1]);
    expect(copy.results[2]).toMatchObject({ read: [1, 1], expected: [1, 1] });
  });

  it('linux: into the page its buffer references, the forward copy reads the cell it just wrote (measured)', () => {
    // Page 1 holds 2 2; its buffer is cells 2..3; written at 3..4: cell 3 <- 2, cell 4 <- cell 3 (now 2).
    const steps: Step[] = [
      { op: 'splice', off: 2, len: 2 },
      { op: 'write', off: 2, len: 1, value: 3 },
      { op: 'splice-out', off: 3, len: 2 },
    ];
    expect(run(steps, 'linux').final.file).toEqual([1, 1, 3, 3, 3, 3, 1, 1]);
    // cow: the write gave the cache a copy, so the pipe kept 2 2, and the source is not the page written.
    expect(run(steps, 'cow').final.file).toEqual([1, 1, 3, 2, 2, 3, 1, 1]);
  });

  it('moves at most what the pipe holds; an empty pipe is EAGAIN (not a step); past EOF the file grows', () => {
    const r = runSteps(
      [
        { op: 'pipe-write', len: 1, value: 2 },
        { op: 'splice-out', off: 0, len: 4 },
      ],
      {
        bounds,
        initial: { ...initial, file: [1, 1], folios: [1] },
      },
    );
    expect(r.results[1]).toMatchObject({ ok: true, read: [2] });
    const grown = runSteps(
      [
        { op: 'pipe-write', len: 2, value: 2 },
        { op: 'splice-out', off: 6, len: 2 },
      ],
      {
        bounds,
        initial: { ...initial, file: [1, 1], folios: [1] },
      },
    );
    expect(grown.final.file).toEqual([1, 1, 0, 0, 0, 0, 2, 2]);
    expect(runSteps([{ op: 'splice-out', off: 0, len: 1 }], { bounds, initial }).completed).toBe(false);
  });
});

describe('splice-out, unlink and mmap-private-store in a search', () => {
  const ops = ['splice', 'mmap-store', 'splice-out', 'unlink', 'mmap-private-store', 'pipe-read', 'truncate'];
  const small = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };

  it('linux: data-stability judges splice-out as a read: splice, store, splice-out is the shortest violation', () => {
    const model = new ScenarioModel(parseScenario({ bounds: { ...small, depth: 3 }, environment: { ops } }));
    const [property] = toProperties(model, [dataStability]);
    const [v] = explore(model, [property!], { maxDepth: 3 }).violations;
    const shown = traceSteps(model, v!.trace, v!.initialIndex);
    expect(shown.steps.map((st) => st.op)).toEqual(['splice', 'mmap-store', 'splice-out']);
    expect(v?.message).toMatch(/expected \[1\] \(what entered the pipe\) but saw \[2\]/);
  });

  it('copy: every default invariant holds with them (private copies and unlinked folios are accounted for)', () => {
    const model = new ScenarioModel(
      parseScenario({ kernel: 'copy', bounds: { ...small, depth: 4 }, environment: { ops } }),
    );
    const r = explore(model, toProperties(model, DEFAULT_INVARIANTS), { maxDepth: 4 });
    expect(r.violations).toEqual([]);
  });
});

describe('splice-out of a buffer into its own page at a lower offset (an overlapping memcpy)', () => {
  // Measured under qemu on Debian 12's 6.1 (oracle/FINDINGS.md, section 21): a page of 1 KiB
  // cells A B C D, the pipe holding cells 1-3, splice-out to cell 0: B, C torn by D's last 8
  // bytes, D, D. Linux 6.18 here copies forward: B C D D.
  const quarter = { pages: 1, cells: 4, values: 4, slots: 2, folioPages: 1, userPages: 1 };
  const abcd = { file: [1, 2, 3, 4], cached: true, folios: [1], user: [[0, 0, 0, 0]] };
  const steps: Step[] = [
    { op: 'splice', off: 1, len: 3 },
    { op: 'splice-out', off: 0, len: 3 },
  ];

  it('may copy forward (6.18 here) or store the tail first and tear a cell (6.1 under qemu)', () => {
    expect(allReads(steps, { bounds: quarter, initial: abcd })).toEqual([[[2, 3, 4]], [[2, TORN, 4]]]);
    expect(showCells([2, TORN, 4])).toBe('[2, ?, 4]');
  });

  it('tears nothing where the torn cell and the source tail hold the same value', () => {
    const abbd = { ...abcd, file: [1, 2, 2, 4] };
    const one = [
      { op: 'splice', off: 1, len: 2 },
      { op: 'splice-out', off: 0, len: 2 },
    ] satisfies Step[];
    // A B B D, the pipe holds cells 1-2 (B B), written to cells 0-1: whole either way, no choice asked.
    expect(allReads(one, { bounds: quarter, initial: abbd })).toEqual([[[2, 2]]]);
  });

  it('a copy to a higher offset replicates the first cell either way (measured on both releases)', () => {
    const up = [
      { op: 'splice', off: 0, len: 3 },
      { op: 'splice-out', off: 1, len: 3 },
    ] satisfies Step[];
    const r = runSteps(up, { bounds: quarter, initial: abcd });
    expect(r.final.file).toEqual([1, 1, 1, 1]);
    expect(allReads(up, { bounds: quarter, initial: abcd })).toHaveLength(1);
  });

  it('the conform trace: cells 1-2 spliced, then written to cells 0-1, reads [?, 1] on 6.1', () => {
    const b = { ...quarter, values: 1 };
    const init = { file: [0, 0, 1], cached: false, user: [[0, 0, 0, 0]] };
    const trace: Step[] = [
      { op: 'splice', off: 0, len: 1 },
      { op: 'splice', off: 1, len: 2 },
      { op: 'splice-out', off: 0, len: 1 },
      { op: 'splice-out', off: 0, len: 2 },
    ];
    expect(allReads(trace, { bounds: b, initial: init, release: '6.1' })).toContainEqual([[0], [TORN, 1]]);
  });
});
