import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, SyntaxKind, type SourceFile } from 'ts-morph';
import { describe, expect, it } from 'vitest';

const explorerDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(explorerDir, '..');
const FORBIDDEN = ['model', 'invariants'].map((d) => join(root, d));

/** Every module specifier a file imports, exports from, or imports dynamically. */
function specifiers(file: SourceFile): string[] {
  const out: string[] = [];
  for (const d of file.getImportDeclarations()) out.push(d.getModuleSpecifierValue());
  for (const d of file.getExportDeclarations()) {
    const s = d.getModuleSpecifierValue();
    if (s !== undefined) out.push(s);
  }
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const arg = call.getArguments()[0];
    if (call.getExpression().getKind() === SyntaxKind.ImportKeyword && arg?.isKind(SyntaxKind.StringLiteral)) {
      out.push(arg.getLiteralValue());
    }
  }
  for (const t of file.getDescendantsOfKind(SyntaxKind.ImportType)) {
    const lit = t.getArgument().getFirstDescendantByKind(SyntaxKind.StringLiteral);
    if (lit) out.push(lit.getLiteralValue());
  }
  return out;
}

/** The imports of `file` that reach into model/ or invariants/. */
function forbiddenImports(file: SourceFile): string[] {
  const from = dirname(file.getFilePath());
  return specifiers(file).filter((spec) => {
    if (!spec.startsWith('.') && !spec.startsWith('/'))
      return /(^|\/)(model|invariants)(\/|$)/.test(spec) && spec.startsWith('pipecheck');
    const target = resolve(from, spec);
    return FORBIDDEN.some((dir) => target === dir || target.startsWith(dir + sep));
  });
}

describe('the explorer knows nothing about pipes', () => {
  it('no non-test file under explorer/ imports model/ or invariants/', () => {
    const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
    const files = project
      .addSourceFilesAtPaths(join(explorerDir, '*.ts'))
      .filter((f) => !f.getFilePath().endsWith('.test.ts'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const offenders = files.flatMap((f) =>
      forbiddenImports(f).map((spec) => `${relative(root, f.getFilePath())} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the check catches static, re-export, dynamic and type imports', () => {
    const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true });
    const file = project.createSourceFile(
      join(explorerDir, '__probe__.ts'),
      [
        "import type { X } from '../model/state.js';",
        "export * from '../invariants/index.js';",
        "const m = await import('../model/step.js');",
        "type T = import('../model/bounds.js').Bounds;",
        "import { ok } from './model.js';",
      ].join('\n'),
    );
    expect(forbiddenImports(file)).toEqual([
      '../model/state.js',
      '../invariants/index.js',
      '../model/step.js',
      '../model/bounds.js',
    ]);
  });
});
