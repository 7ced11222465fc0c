import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SearchSnapshot } from '../explorer/snapshot.js';
import {
  checkpointFile,
  checkpointKey,
  keyDifference,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointKey,
} from './checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const key: CheckpointKey = {
  scenario: { bounds: { depth: 4, pages: [1, 2] } },
  invariants: null,
  plugins: [],
  fs: 'ext4',
  allViolations: false,
  symmetry: false,
  coverage: false,
};

const snapshot: SearchSnapshot = {
  depth: 1,
  depthExplored: 1,
  levelFirst: 1,
  levelEnd: 3,
  transitions: 2,
  workBeforeLevel: 2,
  peakBytes: 100,
  elapsedMs: 5,
  actionCount: 2,
  propertyIds: ['p'],
  roots: [0],
  found: [[{ parent: 0, action: 1, message: 'm', observed: { cells: [1] } }]],
  errors: [null],
  active: [],
  visitors: [{ n: 2 }],
  states: {
    hi: Uint32Array.of(1, 2, 3),
    lo: Uint32Array.of(4, 5, 6),
    parent: Uint32Array.of(0xffffffff, 0, 0),
    action: Uint32Array.of(0, 0, 1),
  },
  frontier: [Uint8Array.of(1, 2), Uint8Array.of(3)],
};

describe('checkpoint files', () => {
  it('are written atomically (no temporary file left) and read back whole', () => {
    const dir = join(tmp, 'a');
    writeCheckpoint(dir, snapshot, key);
    writeCheckpoint(dir, snapshot, key);
    expect(readdirSync(dir)).toEqual(['pipecheck.checkpoint']);
    expect(checkpointFile(dir)).toBe(join(dir, 'pipecheck.checkpoint'));
    const { frontier, ...rest } = readCheckpoint(dir, key);
    const { frontier: saved, ...fields } = snapshot;
    expect(rest).toEqual(fields);
    expect(frontier.map((r) => [...r])).toEqual(saved.map((r) => [...r]));
  });

  it('refuse another key, naming the first field that differs', () => {
    const dir = join(tmp, 'b');
    writeCheckpoint(dir, snapshot, key);
    const other = { ...key, scenario: { bounds: { depth: 4, pages: [1, 3] } } };
    expect(() => readCheckpoint(dir, other)).toThrow(
      'pipecheck.checkpoint is of another search (key.scenario.bounds.pages[1]: the checkpoint has 2, this run 3)',
    );
  });

  it('a --partial-order search has it in its key; a key without it is the same as before', () => {
    const job = { scenario: { bounds: { depth: 4 } }, invariants: {}, fs: 'ext4' };
    expect(checkpointKey(job)).not.toHaveProperty('partialOrder');
    expect(checkpointKey({ ...job, partialOrder: false })).not.toHaveProperty('partialOrder');
    const reduced = checkpointKey({ ...job, partialOrder: true });
    expect(reduced.partialOrder).toBe(true);
    expect(keyDifference(reduced, checkpointKey(job))).toBe('partialOrder: the checkpoint has true, this run nothing');
  });

  it('keyDifference: undefined when equal, else the path and both values', () => {
    expect(keyDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    expect(keyDifference({ a: 1 }, { a: 1, c: true })).toBe('c: the checkpoint has nothing, this run true');
    expect(keyDifference([1], { 0: 1 })).toBe('key: the checkpoint has [1], this run {"0":1}');
  });
});
