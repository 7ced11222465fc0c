import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { mergeSimulateReports, parseSimulateReport, unshardedCommand, type ShardInput } from './merge.js';
import type { SimulatedTraceReport, SimulateReport } from './simulate.js';

const COMMAND = 'pipecheck simulate --kernel linux --runs 2000 --seed 7';

function found(invariant: string, length: number, chunk: number, kind: 'always' | 'sometimes' = 'always') {
  return {
    invariant,
    kind,
    length,
    trace: [],
    changes: [],
    message: `${invariant} in ${length} (chunk ${chunk})`,
    simulation: { seed: 7, runs: 2000, depth: 12, chunk, fastCheckSeed: chunk, path: '0', choices: [] },
  } as unknown as SimulatedTraceReport;
}

function shard(index: number, count: number, parts: Partial<SimulateReport> = {}): ShardInput {
  const report: SimulateReport = {
    result: 'nothing-found',
    complete: true,
    reason: 'runs-done',
    kernel: 'linux',
    fs: 'ext4',
    release: '6.18',
    bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 12 },
    scenario: null,
    environment: ['splice'],
    processes: [],
    seed: 7,
    runs: 2000,
    shard: { index, count, chunks: [0, 0], firstRun: 0, endRun: 0 },
    runsDone: 100 * index,
    walks: 1000 * index,
    workers: 2,
    elapsedMs: 10 * index,
    firstViolationMs: null,
    invariants: { a: 'not found', b: 'not found', w: 'not found' },
    violations: [],
    witnesses: [],
    pluginErrors: [],
    command: `${COMMAND} --shard ${index}/${count}`,
    plugins: [],
    ...parts,
  };
  return { file: `shard-${index}.json`, report };
}

describe('mergeSimulateReports', () => {
  it('keeps per invariant the shortest finding, ties to the lowest chunk, in the invariants order', () => {
    const merged = mergeSimulateReports([
      shard(3, 3, { violations: [found('a', 3, 9), found('b', 2, 8)], firstViolationMs: 5 }),
      shard(1, 3, { violations: [found('b', 4, 0)], witnesses: [found('w', 6, 1, 'sometimes')] }),
      shard(2, 3, { violations: [found('a', 3, 4), found('b', 2, 6)], firstViolationMs: 3 }),
    ]);
    expect(merged.violations.map((v) => v.message)).toEqual(['a in 3 (chunk 4)', 'b in 2 (chunk 6)']);
    expect(merged.witnesses.map((v) => v.message)).toEqual(['w in 6 (chunk 1)']);
    expect(merged.invariants).toEqual({ a: 'violated', b: 'violated', w: 'witnessed' });
    expect(merged).toMatchObject({ result: 'violated', complete: true, reason: 'runs-done', command: COMMAND });
    expect(merged).toMatchObject({ runsDone: 600, walks: 6000, workers: 6, elapsedMs: 30, firstViolationMs: 3 });
    expect('shard' in merged).toBe(false);
  });

  it('gives the same report whatever order the files come in', () => {
    const a = shard(1, 2, { violations: [found('a', 5, 1)] });
    const b = shard(2, 2, { violations: [found('a', 5, 3)], pluginErrors: [{ invariant: 'b' } as never] });
    expect(mergeSimulateReports([a, b])).toEqual(mergeSimulateReports([b, a]));
    expect(mergeSimulateReports([a, b]).invariants).toEqual({ a: 'violated', b: 'unknown', w: 'not found' });
  });

  it('is incomplete when a shard was stopped', () => {
    const merged = mergeSimulateReports([shard(1, 2), shard(2, 2, { complete: false, reason: 'timeout' })]);
    expect(merged).toMatchObject({ complete: false, reason: 'timeout', result: 'nothing-found' });
  });

  it('refuses what is not the N shards of one simulation, naming the file and the field', () => {
    const bad = (inputs: ShardInput[]): string => {
      try {
        mergeSimulateReports(inputs);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('merged');
    };
    expect(bad([shard(1, 2), shard(2, 2, { seed: 8 })])).toBe(
      'shard-2.json: seed is 8 where shard-1.json has 7: not shards of one simulation',
    );
    expect(bad([shard(1, 2), shard(2, 3)])).toMatch(/^shard-2\.json: shard\.count is 3 where shard-1\.json has 2/);
    expect(bad([shard(1, 3), shard(3, 3)])).toBe('shard 2/3 missing (give all 3)');
    expect(bad([shard(1, 2), shard(1, 2)])).toBe('shard-1.json: shard 1/2 given twice (shard-1.json is it too)');
    expect(bad([])).toBe('no report given');
  });
});

describe('parseSimulateReport', () => {
  it('names the file and the fields that are wrong', () => {
    expect(() => parseSimulateReport('{', 'x.json')).toThrow(/^x\.json: not JSON/);
    const { report } = shard(1, 1);
    expect(() => parseSimulateReport(JSON.stringify({ ...report, seed: 'one' }), 'y.json')).toThrow(
      /^y\.json: not a simulate --json report:\n {2}seed: /,
    );
    const text = JSON.stringify(report);
    expect(JSON.stringify(parseSimulateReport(text, 'z.json'))).toBe(text);
  });

  it('unshardedCommand takes off the trailing --shard only', () => {
    expect(unshardedCommand(`${COMMAND} --shard 2/3`)).toBe(COMMAND);
    expect(unshardedCommand(COMMAND)).toBe(COMMAND);
  });
});
