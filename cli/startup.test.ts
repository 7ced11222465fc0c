/**
 * What `pipecheck check` loads before it searches: the modules its static
 * imports reach from cli/main.ts. A command's heavier libraries (fast-check
 * for simulate and conform, ts-morph, a browser driver) are loaded by the
 * commands that use them, with import(), so a small search starts fast.
 */
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project, type SourceFile } from 'ts-morph';
import { ROOT } from '../test-support/imports.js';

/** The packages and project files `entry` reaches through static value imports (no `import type`, no import()). */
function staticallyReached(entry: string): { packages: Set<string>; files: Set<string> } {
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const packages = new Set<string>();
  const files = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (files.has(path)) continue;
    files.add(path);
    const file: SourceFile = project.addSourceFileAtPath(path);
    const specs = [
      ...file
        .getImportDeclarations()
        .filter((d) => !d.isTypeOnly())
        .map((d) => d.getModuleSpecifierValue()),
      ...file.getExportDeclarations().flatMap((d) => (d.isTypeOnly() ? [] : [d.getModuleSpecifierValue() ?? ''])),
    ].filter((s) => s !== '');
    for (const spec of specs) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(path), spec).replace(/\.js$/, '.ts'));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { packages, files };
}

describe('the command line at start-up', () => {
  const { packages, files } = staticallyReached('cli/main.ts');

  it('loads no fast-check, ts-morph or browser driver before a command asks for them', () => {
    for (const heavy of ['fast-check', 'ts-morph', 'playwright-core', 'puppeteer-core']) {
      expect(packages.has(heavy), `${heavy} is reached statically from cli/main.ts`).toBe(false);
    }
    // The walk did reach the libraries every command needs.
    expect(packages).toContain('commander');
    expect(packages).toContain('zod');
  });

  it('loads neither the simulation, the oracle nor the HTML report', () => {
    const reached = [...files].map((f) => relative(ROOT, f));
    for (const lazy of ['explorer/simulate.ts', 'oracle/compare.ts', 'oracle/conform.ts', 'cli/report.ts']) {
      expect(reached, `${lazy} is reached statically from cli/main.ts`).not.toContain(lazy);
    }
    expect(reached).toContain('cli/program.ts');
  });
});
