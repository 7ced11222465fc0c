import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError, scenarioToJson } from './scenario.js';
import { DEFAULT_ENVIRONMENT_OPS, OP_NAMES } from './step.js';
import { KERNEL_IDS } from './kernels/index.js';

// The first example of docs/scenario.md, verbatim.
const example = {
  kernel: 'linux',
  bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 8 },
  initial: {
    file: [1, 1, 1, 1],
    cached: true,
    folios: [1, 1],
    user: [[1, 1]],
  },
  processes: [
    {
      name: 'backup',
      program: [
        { op: 'splice', off: 0, len: 2 },
        { op: 'fallocate-punch', off: 0, len: 2 },
      ],
    },
    { name: 'reader', program: [{ op: 'pipe-read', len: 2 }] },
  ],
  environment: { ops: ['write', 'mmap-store'] },
  invariants: ['data-stability'],
};

/** The problems parseScenario reports for `input` (it must throw a ScenarioError). */
function problems(input: unknown): readonly string[] {
  try {
    parseScenario(input, 'bad.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const err = e as ScenarioError;
    expect(err.name).toBe('ScenarioError');
    expect(err.source).toBe('bad.json');
    expect(err.message).toContain('bad.json');
    for (const p of err.problems) expect(err.message).toContain(p);
    return err.problems;
  }
  throw new Error('expected parseScenario to reject the input');
}

const ok = { bounds: { pages: 2, cells: 2 } };

describe('parseScenario', () => {
  it('accepts the example of docs/scenario.md and keeps every field', () => {
    const sc = parseScenario(example, 'example.json');
    expect(sc.kernel).toBe('linux');
    expect(sc.bounds).toEqual(example.bounds);
    expect(sc.initial).toEqual(example.initial);
    expect(sc.processes).toEqual(example.processes);
    expect(sc.environment).toEqual(['write', 'mmap-store']);
    expect(sc.invariants).toEqual(['data-stability']);
    // and it round-trips through its JSON form
    expect(parseScenario(scenarioToJson(sc))).toEqual(sc);
  });

  it(
    'fills defaults: linux, a full cached file of non-zero cells, aligned folios, the core ops for the ' +
      'environment',
    () => {
      const sc = parseScenario({ bounds: { pages: 4, cells: 2, folioPages: 2, userPages: 1 } });
      expect(sc.kernel).toBe('linux');
      expect(sc.bounds.values).toBe(2);
      expect(sc.initial).toEqual({ file: [1, 1, 1, 1, 1, 1, 1, 1], cached: true, folios: [2, 2], user: [[1, 1]] });
      expect(sc.environment).toEqual([...DEFAULT_ENVIRONMENT_OPS]);
      expect(sc.processes).toEqual([]);
      // with processes and no environment there is no free environment
      expect(parseScenario({ ...ok, processes: [{ name: 'p', program: [] }] }).environment).toEqual([]);
      // a short file gets folios for its own pages only
      expect(
        parseScenario({ bounds: { pages: 4, cells: 2, folioPages: 4 }, initial: { file: [1, 1, 1] } }).initial.folios,
      ).toEqual([2]);
    },
  );

  it.each(KERNEL_IDS)('accepts kernel %s', (kernel) => {
    expect(parseScenario({ ...ok, kernel }).kernel).toBe(kernel);
  });

  it('rejects an unknown kernel naming the field, the value and the kernels allowed', () => {
    const [p, ...rest] = problems({ ...ok, kernel: 'solaris' });
    expect(rest).toEqual([]);
    expect(p).toMatch(/^kernel: /);
    expect(p).toContain('"solaris"');
    for (const k of KERNEL_IDS) expect(p).toContain(`"${k}"`);
  });

  it('rejects an out-of-range bound naming the bound, the value and the limit', () => {
    const [p] = problems({ bounds: { pages: 9 } });
    expect(p).toMatch(/^bounds\.pages: /);
    expect(p).toContain('9');
    expect(p).toContain('8');
    const [q] = problems({ bounds: { cells: 3 } });
    expect(q).toMatch(/^bounds\.cells: .*1, 2, 4 or 8.*\(got 3\)/);
    const [r] = problems({ bounds: { pages: 2, folioPages: 4 } });
    expect(r).toBe('bounds.folioPages: 4 is larger than bounds.pages (2)');
  });

  it('rejects a step with an unknown op, listing the operations allowed', () => {
    const [p, ...rest] = problems({ ...ok, processes: [{ name: 'a', program: [{ op: 'frobnicate', off: 0 }] }] });
    expect(rest).toEqual([]);
    expect(p).toMatch(/^processes\[0\]\.program\[0\]\.op: /);
    expect(p).toContain('frobnicate');
    for (const op of OP_NAMES) expect(p).toContain(op);
  });

  it('rejects an unknown op in environment.ops', () => {
    const [p] = problems({ ...ok, environment: { ops: ['write', 'sendmmsg'] } });
    expect(p).toMatch(/^environment\.ops\[1\]: /);
    expect(p).toContain('"sendmmsg"');
    expect(p).toContain('"mmap-store"');
  });

  it('rejects an offset beyond pages * cells, naming the step, the value and the range', () => {
    const ps = problems({
      ...ok,
      processes: [
        {
          name: 'a',
          program: [
            { op: 'pipe-read', len: 1 },
            { op: 'splice', off: 4, len: 1 },
          ],
        },
      ],
    });
    expect(ps).toContain('processes[0].program[1].off: 4 is out of range 0..3 (a cell of the file)');
  });

  // Regression: an out-of-range offset once also gave a misleading problem for `len`.
  it('reports only the offset when the offset itself is out of range', () => {
    const ps = problems({ ...ok, processes: [{ name: 'a', program: [{ op: 'splice', off: 4, len: 1 }] }] });
    expect(ps).toEqual(['processes[0].program[0].off: 4 is out of range 0..3 (a cell of the file)']);
  });

  it('rejects other out-of-range step arguments against the bounds', () => {
    const ps = problems({
      bounds: { pages: 2, cells: 2, values: 2, userPages: 1, slots: 2 },
      processes: [
        {
          name: 'a',
          program: [
            { op: 'write', off: 0, len: 5, value: 1 },
            { op: 'user-store', page: 1, cell: 2, value: 3 },
            { op: 'pipe-write', len: 3, value: 1 },
            { op: 'truncate', size: 5 },
            { op: 'evict', page: 2 },
          ],
        },
      ],
    });
    expect(ps).toEqual([
      'processes[0].program[0].len: 5 is out of range 1..4 (cells up to the largest file)',
      'processes[0].program[1].page: 1 is out of range 0..0 (a user page)',
      'processes[0].program[1].cell: 2 is out of range 0..1 (a cell of a page)',
      'processes[0].program[1].value: 3 is out of range 0..2 (bounds.values)',
      'processes[0].program[2].len: 3 is out of range 1..2 (at most one page)',
      'processes[0].program[3].size: 5 is out of range 0..4 (pages * cells)',
      'processes[0].program[4].page: 2 is out of range 0..1 (a file page)',
    ]);
  });

  it('says why when the bounds leave an argument no value at all (userPages 0), not "0..-1"', () => {
    const ps = problems({
      bounds: { pages: 1, cells: 2, userPages: 0 },
      processes: [{ name: 'p', program: [{ op: 'vmsplice', page: 0, gift: false }] }],
    });
    expect(ps).toEqual([
      'processes[0].program[0].page: 0 is not allowed: bounds.userPages is 0, so there is no user page',
    ]);
  });

  it('rejects folio sizes that do not cover the file, or are not aligned powers of two within folioPages', () => {
    expect(problems({ bounds: { pages: 2, cells: 2, folioPages: 2 }, initial: { folios: [1] } })).toEqual([
      'initial.folios: sizes [1] cover 1 page, but the file spans 2',
    ]);
    const ps = problems({ bounds: { pages: 4, cells: 1, folioPages: 2 }, initial: { folios: [1, 2, 1] } });
    expect(ps).toEqual(['initial.folios[1]: a 2-page folio at page 1 is not aligned to its size']);
    const big = problems({ bounds: { pages: 4, cells: 1, folioPages: 2 }, initial: { folios: [4] } });
    expect(big).toEqual(['initial.folios[0]: 4 pages; allowed: a power of two up to bounds.folioPages (2)']);
    // an uncached file needs no folios to cover it
    expect(
      parseScenario({ bounds: { pages: 2, cells: 2 }, initial: { cached: false, folios: [] } }).initial.cached,
    ).toBe(false);
  });

  it('rejects bad initial contents: too many cells, values out of range, user pages that do not fit', () => {
    const ps = problems({
      bounds: { pages: 1, cells: 2, values: 2, userPages: 1 },
      initial: { file: [1, 3, 1], folios: [1], user: [[1]] },
    });
    expect(ps).toContain('initial.file: 3 cells, but pages * cells is 2');
    expect(ps).toContain('initial.file[1]: value 3 is out of range 0..2 (bounds.values)');
    expect(ps).toContain('initial.user[0]: 1 cell, but a page has 2');
  });

  it('rejects an unknown top-level key, naming it', () => {
    const [p] = problems({ ...ok, frobs: 1 });
    expect(p).toContain('frobs');
    expect(p).toContain('(top level)');
  });

  // Regression: the message for an unknown key once named the key but not what is allowed.
  it('lists the keys allowed when it rejects an unknown top-level key', () => {
    const [p] = problems({ ...ok, frobs: 1 });
    for (const key of ['kernel', 'bounds', 'initial', 'processes', 'environment', 'invariants'])
      expect(p).toContain(key);
  });

  it('rejects duplicate process names', () => {
    const ps = problems({
      ...ok,
      processes: [
        { name: 'a', program: [] },
        { name: 'a', program: [] },
      ],
    });
    expect(ps).toEqual(['processes[1].name: "a" is used twice']);
  });

  it('throws one ScenarioError listing every problem at once', () => {
    const ps = problems({
      kernel: 'solaris',
      bounds: { pages: 0, values: 99 },
      extra: true,
      processes: [{ name: 'a', program: [{ op: 'nope' }] }],
    });
    expect(ps.length).toBeGreaterThanOrEqual(5);
    expect(ps.some((p) => p.startsWith('kernel:'))).toBe(true);
    expect(ps.some((p) => p.startsWith('bounds.pages:'))).toBe(true);
    expect(ps.some((p) => p.startsWith('bounds.values:'))).toBe(true);
    expect(ps.some((p) => p.includes('extra'))).toBe(true);
    expect(ps.some((p) => p.startsWith('processes[0].program[0].op:'))).toBe(true);
  });

  it('rejects a missing bounds section and a non-object', () => {
    expect(problems({ kernel: 'linux' })[0]).toMatch(/^bounds: /);
    expect(problems(null)[0]).toMatch(/^\(top level\): /);
    expect(problems([1, 2])[0]).toMatch(/^\(top level\): /);
  });
});

describe('hostile scenarios: a clear, bounded error, never a crash', () => {
  it('a valid field nested 4,200 levels deep is named with a short preview of the value', () => {
    const deep = JSON.parse(`{"bounds":{"pages":1},"initial":{"file":${'['.repeat(4200)}1${']'.repeat(4200)}}}`);
    const [p, ...rest] = problems(deep);
    expect(rest).toEqual([]);
    expect(p).toMatch(/^initial\.file\[0\]: .*expected number.*\(got \[\[\[\[\.\.\.\]\]\]\]\)$/);
  });

  it('an over-long initial.file gives at most 20 problems and says how many more', () => {
    const ps = problems({ bounds: { pages: 1, cells: 2 }, initial: { file: new Array(20_000).fill(9) } });
    expect(ps).toHaveLength(21);
    expect(ps[0]).toBe('initial.file: 20000 cells, but pages * cells is 2');
    expect(ps[20]).toBe('... and 19981 more problems');
    const zodFlood = problems({ bounds: { pages: 1 }, initial: { file: new Array(5000).fill('x') } });
    expect(zodFlood).toHaveLength(21);
    expect(zodFlood[20]).toBe('... and 4980 more problems');
  });

  it('a key with a newline or thousands of characters is shown as short JSON, on one line', () => {
    const [p] = problems({ ...ok, 'ev\nil': 1, ['k'.repeat(5000)]: 2 });
    expect(p).toContain('"ev\\nil"');
    expect(p).not.toContain('\n');
    expect(p!.length).toBeLessThan(300);
  });

  it('refuses an operation listed twice in environment.ops (it would multiply the actions)', () => {
    const ps = problems({ ...ok, environment: { ops: ['write', 'splice', ...new Array<string>(2000).fill('write')] } });
    expect(ps[0]).toBe('environment.ops[2]: "write" is listed twice');
    expect(ps).toHaveLength(21);
  });

  it('refuses a process named env (the name of the free environment in traces)', () => {
    const [p] = problems({ ...ok, processes: [{ name: 'env', program: [] }] });
    expect(p).toMatch(/^processes\[0\]\.name: "env" names the free environment's steps/);
    const [q] = problems({
      ...ok,
      processes: [
        { name: 'a\nb', program: [] },
        { name: 'a\nb', program: [] },
      ],
    });
    expect(q).toBe('processes[1].name: "a\\nb" is used twice');
  });
});

describe('"fsProfile"', () => {
  it('is kept as given (an id or auto), survives the JSON round trip, and is absent when not given', () => {
    const sc = parseScenario({ fsProfile: 'btrfs', bounds: { pages: 1 } });
    expect(sc.fsProfile).toBe('btrfs');
    expect(parseScenario(scenarioToJson(sc))).toEqual(sc);
    expect(parseScenario({ fsProfile: 'auto', bounds: {} }).fsProfile).toBe('auto');
    expect('fsProfile' in parseScenario({ bounds: {} })).toBe(false);
  });
  it('an unknown profile is an error naming the field and the known ones', () => {
    expect(() => parseScenario({ fsProfile: 'zfs', bounds: {} }, 'x.json')).toThrow(
      /fsProfile: .*"tmpfs".*"auto".*\(got "zfs"\)/,
    );
  });
});

describe('"release"', () => {
  it('is kept as given, survives the JSON round trip, and is absent when not given (the model then takes 6.18)', () => {
    const sc = parseScenario({ release: '6.1', bounds: { pages: 1 } });
    expect(sc.release).toBe('6.1');
    expect(parseScenario(scenarioToJson(sc))).toEqual(sc);
    expect('release' in parseScenario({ bounds: {} })).toBe(false);
    expect('release' in scenarioToJson(parseScenario({ bounds: {} }))).toBe(false);
  });
  it('an unknown release is an error naming the field and the modelled ones', () => {
    expect(() => parseScenario({ release: '6.6', bounds: {} }, 'x.json')).toThrow(
      /release: .*"6\.1".*"6\.18".*\(got "6\.6"\)/,
    );
    expect(() => parseScenario({ release: 'auto', bounds: {} }, 'x.json')).toThrow(/\(got "auto"\)/);
  });
});
