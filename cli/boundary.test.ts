import { describe, expect, it } from 'vitest';
import { offenders, sourceFiles } from '../test-support/imports.js';

const OUTSIDE_CLI = [
  'model',
  'invariants',
  'explorer',
  'checker',
  'counterexamples',
  'oracle',
  'bench',
  'examples',
  'fuzz',
  'report',
  'strace',
];

describe('the command line is the outermost layer', () => {
  it('nothing outside cli/ imports cli/ (tests included)', () => {
    const files = sourceFiles([...OUTSIDE_CLI.map((d) => `${d}/**/*.ts`), 'index.ts']);
    expect(files.length).toBeGreaterThan(50);
    expect(offenders(files, ['cli'])).toEqual([]);
  });

  it('the library layer (checker/) prints nothing and exits with nothing', () => {
    const text = sourceFiles(['checker/*.ts', '!checker/*.test.ts']).map((f) => f.getFullText());
    expect(text.length).toBeGreaterThanOrEqual(5);
    for (const t of text) expect(t).not.toMatch(/process\.(stdout|stderr|exit)|console\./);
  });
});
