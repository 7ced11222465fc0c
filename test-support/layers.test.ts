/**
 * The layers, checked: every import of every TypeScript file (tests included;
 * static, re-export, dynamic and type imports) goes to its own layer or one
 * above it in the table (test-support/layers.ts, the same as the table in
 * docs/extending.md), and a few rules the table cannot say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { importsInto, offenders, ROOT, sourceFiles, specifiers } from './imports.js';
import { LAYERS, layerOf, mayImport } from './layers.js';

const path = (abs: string): string => relative(ROOT, abs).split('\\').join('/');

/** Every .ts file of the repository (not node_modules/, dist/ or hidden folders), repository-relative. */
function tsFiles(dir = ''): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name.startsWith('.') || ['node_modules', 'dist'].includes(p) ? [] : tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const files = sourceFiles(tsFiles());

/** The repository-relative path an import specifier reaches, or null for another package. */
function target(from: string, spec: string): string | null {
  if (spec === 'pipecheck' || spec.startsWith('pipecheck/')) return 'index.ts';
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
  return path(resolve(dirname(join(ROOT, from)), spec)).replace(/\.js$/, '.ts');
}

describe('the layers (docs/extending.md)', () => {
  it('every TypeScript file belongs to a layer', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.map((f) => path(f.getFilePath())).filter((p) => layerOf(p) === undefined)).toEqual([]);
  });

  it('every import goes to the same layer or one above it (tests: or test support, or what the table allows)', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = path(f.getFilePath());
      const layer = layerOf(from)!;
      for (const spec of specifiers(f)) {
        const to = target(from, spec);
        if (to === null) continue;
        const into = layerOf(to);
        if (into === undefined) bad.push(`${from} imports ${spec}: outside every layer`);
        else if (!mayImport(layer, into, from.endsWith('.test.ts')))
          bad.push(`${from} (${layer.name}) imports ${spec} (${into.name})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('is the table in docs/extending.md: its layer and folder columns, in order', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'extending.md'), 'utf8').split('\n');
    const start = doc.findIndex((l) => /^\| layer \| folder \|/.test(l));
    expect(start).toBeGreaterThanOrEqual(0);
    const end = doc.findIndex((l, i) => i > start && !l.startsWith('|'));
    const rows = doc.slice(start + 2, end).map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
    expect(
      rows.map(([name, folders]) => ({ name, paths: folders!.split(',').map((p) => p.trim().replace(/^`|`$/g, '')) })),
    ).toEqual(LAYERS.map(({ name, paths }) => ({ name, paths: [...paths] })));
  });

  it('a layer may import only those above it; tests also test support and their extra layers', () => {
    const [engine, model] = [LAYERS[0]!, LAYERS[1]!];
    const support = LAYERS.find((l) => l.name === 'test support')!;
    expect(mayImport(model, engine, false)).toBe(true);
    expect(mayImport(engine, model, false)).toBe(false);
    expect(mayImport(engine, model, true)).toBe(false);
    expect(mayImport(engine, support, false)).toBe(false);
    expect(mayImport(engine, support, true)).toBe(true);
    const cli = LAYERS.find((l) => l.name === 'command line')!;
    expect(mayImport(cli, support, false)).toBe(false);
    for (const l of LAYERS)
      for (const extra of l.testsAlsoImport ?? []) expect(LAYERS.map((x) => x.name)).toContain(extra);
  });
});

describe('what the table cannot say', () => {
  it('the explorer knows nothing about pipes: explorer/ imports no other layer, tests aside', () => {
    const engine = sourceFiles(['explorer/**/*.ts', '!explorer/**/*.test.ts']);
    expect(engine.length).toBeGreaterThanOrEqual(7);
    const others = LAYERS.flatMap((l) => l.paths)
      .filter((p) => p.endsWith('/') && p !== 'explorer/')
      .map((p) => p.slice(0, -1));
    expect(offenders(engine, others)).toEqual([]);
  });

  it('the library layer (checker/) prints nothing and exits with nothing', () => {
    const text = sourceFiles(['checker/*.ts', '!checker/*.test.ts']).map((f) => f.getFullText());
    expect(text.length).toBeGreaterThanOrEqual(5);
    for (const t of text) expect(t).not.toMatch(/process\.(stdout|stderr|exit)|console\./);
  });

  it('the check catches static, re-export, dynamic and type imports', () => {
    const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true });
    const file = project.createSourceFile(
      join(ROOT, 'explorer', '__probe__.ts'),
      [
        "import type { X } from '../model/state.js';",
        "export * from '../invariants/index.js';",
        "const m = await import('../model/step.js');",
        "type T = import('../model/bounds.js').Bounds;",
        "import { ok } from './model.js';",
      ].join('\n'),
    );
    expect(importsInto(file, ['model', 'invariants'])).toEqual([
      '../model/state.js',
      '../invariants/index.js',
      '../model/step.js',
      '../model/bounds.js',
    ]);
    expect(specifiers(file)).toHaveLength(5);
  });
});
