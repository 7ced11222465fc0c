/**
 * `simulate --shard I/N` and `pipecheck merge` end to end (dist/cli/main.js):
 * three local shards, merged, report what one run over the same seed reports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../test-support/cli-run.js';

const { tmp, pipecheck, freshDir } = cliRunner('shard');

/** Whitlock's punch at 4-page folios, 1,750 walks (7 chunks of 250) from seed 11. */
const SIMULATION = [
  'simulate',
  '--ops',
  'splice,fallocate-punch,pipe-read',
  '--pages',
  '4',
  '--folio-pages',
  '4',
  '--runs',
  '1750',
  '--seed',
  '11',
  '--json',
];

/** A report without what depends on timing and on where files went (elapsed, workers, counterexample paths). */
function comparable(stdout: string): unknown {
  const {
    elapsedMs: _e,
    firstViolationMs: _f,
    workers: _w,
    violations,
    ...rest
  } = JSON.parse(stdout) as Record<string, unknown>;
  return { ...rest, violations: (violations as Record<string, unknown>[]).map(({ counterexample: _c, ...v }) => v) };
}

describe('simulate --shard and merge', () => {
  it('three shards take disjoint runs, and their merge is the report of one run over the same seed', () => {
    const files = [1, 2, 3].map((i) => {
      const r = pipecheck(...SIMULATION, '--shard', `${i}/3`, '--workers', '1', '--out', freshDir());
      expect(r.status === 1 || r.status === 3).toBe(true);
      const file = join(tmp, `shard-${i}.json`);
      writeFileSync(file, r.stdout);
      return { file, report: JSON.parse(r.stdout) as { shard: unknown; runsDone: number; command: string } };
    });
    // 7 chunks: 2, 2, 3 of them.
    expect(files.map((f) => f.report.shard)).toEqual([
      { index: 1, count: 3, chunks: [0, 2], firstRun: 0, endRun: 500 },
      { index: 2, count: 3, chunks: [2, 4], firstRun: 500, endRun: 1000 },
      { index: 3, count: 3, chunks: [4, 7], firstRun: 1000, endRun: 1750 },
    ]);
    expect(files.map((f) => f.report.runsDone)).toEqual([500, 500, 750]);
    expect(files[1]!.report.command).toMatch(/ --runs 1750 --seed 11 --shard 2\/3$/);
    const one = pipecheck(...SIMULATION, '--workers', '2', '--out', freshDir());
    expect(one.status).toBe(1);
    // In any order.
    const merged = pipecheck('merge', files[2]!.file, files[0]!.file, files[1]!.file, '--json');
    expect(merged.status).toBe(1);
    expect(comparable(merged.stdout)).toEqual(comparable(one.stdout));
    const human = pipecheck('merge', ...files.map((f) => f.file));
    expect(human.status).toBe(1);
    expect(human.stdout).toContain('data-stability VIOLATED in 3 steps:');
    expect(human.stdout).toContain('walks: 1,750 of 1,750 runs');
  });

  it('exits 2 naming the file that is not a shard report, or the shard missing; --shard needs --seed', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"result": "violated"}');
    const r = pipecheck('merge', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a simulate --json report:`);
    const missing = pipecheck('merge', join(tmp, 'nothing.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nothing.json: cannot read it');
    const noSeed = pipecheck('simulate', '--shard', '1/2', '--runs', '10');
    expect(noSeed.status).toBe(2);
    expect(noSeed.stderr).toContain('--shard needs --seed S');
    const outOfRange = pipecheck('simulate', '--shard', '3/2', '--seed', '1');
    expect(outOfRange.status).toBe(2);
    expect(outOfRange.stderr).toContain('expected I/N with 1 <= I <= N');
  });
});
