/**
 * What `npm pack` (and so `npm publish`, or an install from a tarball) ships:
 * what a user runs (the built CLI and library, without tests, bench or fuzz),
 * the docs and examples, and what the postinstall script needs to build the
 * oracle helper. The list comes from package.json's `files`; dist/ is built
 * by the tests' global setup (--ignore-scripts: no second build here).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const packed = (): string[] => {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
};

describe('npm pack', () => {
  const files = packed();
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    bin: Record<string, string>;
    main: string;
    types: string;
    scripts: Record<string, string>;
  };

  it('ships the CLI, the library, its workers and its types', () => {
    for (const f of [...Object.values(pkg.bin), pkg.main, pkg.types]) expect(files).toContain(f.replace(/^\.\//, ''));
    for (const f of ['dist/cli/explore-worker.js', 'dist/cli/simulate-worker.js', 'dist/explorer/parallel-worker.js']) {
      expect(files).toContain(f);
    }
  });

  it('ships what postinstall runs and builds, the README, the licence and the docs', () => {
    expect(pkg.scripts['postinstall']).toContain('scripts/build-oracle.mjs');
    for (const f of [
      'scripts/build-oracle.mjs',
      'oracle/helper.c',
      'README.md',
      'LICENSE',
      'docs/cli.md',
      'docs/plugins.md',
    ]) {
      expect(files).toContain(f);
    }
  });

  it('ships no tests, no bench or fuzz, no TypeScript sources, no configs', () => {
    expect(files.filter((f) => /\.test\./.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(bench|fuzz|test-support)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('examples/'))).toEqual([]);
    expect(files.filter((f) => /^(tsconfig|vitest|eslint)/.test(f))).toEqual([]);
    // 404 with --partial-order (its two modules, each with its .d.ts, and the four-thread example).
    expect(files.length).toBeLessThan(420);
  });
});
