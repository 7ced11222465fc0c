/**
 * The project's layering, checked by walking imports with ts-morph: which
 * folders a file's imports (static, re-export, dynamic and type imports)
 * reach into.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, SyntaxKind, type SourceFile } from 'ts-morph';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every module specifier a file imports, exports from, or imports dynamically. */
export function specifiers(file: SourceFile): string[] {
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

/** The imports of `file` that reach into one of `folders` (top-level folder names). */
export function importsInto(file: SourceFile, folders: readonly string[]): string[] {
  const from = dirname(file.getFilePath());
  const dirs = folders.map((d) => join(ROOT, d));
  const named = new RegExp(`(^|/)(${folders.join('|')})(/|$)`);
  return specifiers(file).filter((spec) => {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return spec.startsWith('pipecheck') && named.test(spec);
    const target = resolve(from, spec);
    return dirs.some((dir) => target === dir || target.startsWith(dir + sep));
  });
}

/** The TypeScript files matching `globs` (relative to the root), parsed without type checking. */
export function sourceFiles(globs: readonly string[]): SourceFile[] {
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  return project.addSourceFilesAtPaths(globs.map((g) => join(ROOT, g)));
}

/** `file imports spec` for every import of `files` into `folders`. */
export function offenders(files: readonly SourceFile[], folders: readonly string[]): string[] {
  return files.flatMap((f) =>
    importsInto(f, folders).map((spec) => `${relative(ROOT, f.getFilePath())} imports ${spec}`),
  );
}
