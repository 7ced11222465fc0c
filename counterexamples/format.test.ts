import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CounterexampleError, parseCounterexample } from './format.js';

const classic = JSON.parse(readFileSync(new URL('./classic/write.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
> & { bounds: Record<string, number>; scenario: Record<string, unknown> };

function problemsOf(input: unknown): readonly string[] {
  try {
    parseCounterexample(input, 'cx.json');
  } catch (e) {
    if (e instanceof CounterexampleError) return e.problems;
    throw e;
  }
  return [];
}

describe('counterexample files that contradict themselves are refused', () => {
  it('a top-level bounds that disagrees with scenario.bounds, naming both', () => {
    expect(problemsOf(classic)).toEqual([]);
    const ps = problemsOf({ ...classic, bounds: { ...classic.bounds, pages: 2, values: 3 } });
    expect(ps).toEqual(['bounds: they disagree with scenario.bounds (pages 2 here, 1 there; values 3 here, 2 there)']);
  });

  it('a top-level kernel that is not the scenario kernel', () => {
    expect(problemsOf({ ...classic, kernel: 'copy' })).toEqual(['kernel: "copy", but scenario.kernel is "linux"']);
  });

  it('floods of problems are capped', () => {
    const ps = problemsOf({ ...classic, trace: new Array(500).fill({ op: 'nope', process: 'env' }) });
    expect(ps).toHaveLength(21);
    expect(ps[20]).toMatch(/^\.\.\. and \d+ more problems$/);
  });
});

describe('counterexample file names and their profile', () => {
  it('name the profile unless it is the default ext4, so two profiles never share a file', async () => {
    const { counterexampleFileName } = await import('./file.js');
    const { readCounterexample } = await import('./file.js');
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = join(import.meta.dirname, 'classic');
    const name = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const cx = readCounterexample(join(dir, name));
    const ext4 = counterexampleFileName({ ...cx, fs: 'ext4' });
    const xfs = counterexampleFileName({ ...cx, fs: 'xfs' });
    const btrfs = counterexampleFileName({ ...cx, fs: 'btrfs' });
    expect(ext4).toBe(counterexampleFileName({ ...cx, fs: undefined }));
    expect(ext4).toMatch(new RegExp(`^${cx.kernel}--${cx.invariant}--[0-9a-f]{8}\\.json$`));
    expect(xfs).toMatch(new RegExp(`^${cx.kernel}--xfs--${cx.invariant}--[0-9a-f]{8}\\.json$`));
    expect(new Set([ext4, xfs, btrfs]).size).toBe(3);
  });
});

describe('the release a counterexample was found on', () => {
  it('is optional on reading (6.18: old files replay unchanged) and must agree with scenario.release', async () => {
    const { releaseOf } = await import('./format.js');
    expect('release' in classic).toBe(false);
    expect(releaseOf(parseCounterexample(classic))).toBe('6.18');
    expect(releaseOf(parseCounterexample({ ...classic, release: '6.1' }))).toBe('6.1');
    const scenario = { ...classic.scenario, release: '6.1' };
    expect(releaseOf(parseCounterexample({ ...classic, scenario }))).toBe('6.1');
    expect(problemsOf({ ...classic, release: '6.18', scenario })).toEqual([
      'release: "6.18", but scenario.release is "6.1"',
    ]);
    expect(problemsOf({ ...classic, release: '5.10' })[0]).toMatch(/^release: .*"6\.1".*"6\.18"/);
  });

  it('is named in the file name and the hash off the default, so the hashes of 6.18 files stay', async () => {
    const { counterexampleFileName } = await import('./file.js');
    const cx = parseCounterexample(classic);
    const old = counterexampleFileName(cx);
    expect(counterexampleFileName({ ...cx, release: '6.18' })).toBe(old);
    const on61 = counterexampleFileName({ ...cx, release: '6.1' });
    expect(on61).toMatch(new RegExp(`^${cx.kernel}--6\\.1--${cx.invariant}--[0-9a-f]{8}\\.json$`));
    expect(on61.slice(-13)).not.toBe(old.slice(-13));
    expect(counterexampleFileName({ ...cx, fs: 'xfs', release: '6.1' })).toMatch(/--xfs--6\.1--/);
  });
});
