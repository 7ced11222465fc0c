import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario } from './inputs.js';

/** How the command line names a bound (cli/options.ts flagOf; cli/ is not imported from here). */
const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

describe('resolveScenario names a bad override by the option that gave it', () => {
  it('the default scenario with --cells 3: "--cells: ...", not "bounds.cells: ..."', () => {
    expect(() => resolveScenario(undefined, { bounds: { cells: 3 } }, flagOf)).toThrow(
      /^the default scenario \(with --cells\): invalid scenario:\n {2}- --cells: cells must be 1, 2, 4 or 8/,
    );
  });

  it('a file with --pages 9: the option, and the file', () => {
    const file = 'examples/seed-reproducer.json';
    expect(() => resolveScenario(file, { bounds: { pages: 9 } }, flagOf)).toThrow(
      `${file} (with --pages): invalid scenario:\n  - --pages: Too big`,
    );
  });

  it("a problem in the file's own field keeps the field's name", () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipecheck-inputs-'));
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ bounds: { cells: 3 } }));
    try {
      expect(() => resolveScenario(file, { bounds: { pages: 1 } }, flagOf)).toThrow('  - bounds.cells: cells must be');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
