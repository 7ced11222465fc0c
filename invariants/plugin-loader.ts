/**
 * Loading invariant plugins (`--plugin FILE`, .ts or .js) without a build
 * step. ts-morph inspects the file first: its default export must be a
 * `defineInvariant(...)` call, and its id must not clash with another
 * invariant's. Then the file is transpiled in memory (TypeScript's own
 * transpiler, the one ts-morph ships) and imported.
 *
 * @public
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TsMorph from 'ts-morph';

/** ts-morph is loaded with the first plugin: a command without plugins starts without it (about 0.8 s). */
let tsMorph: typeof TsMorph | undefined;
async function morph(): Promise<typeof TsMorph> {
  return (tsMorph ??= await import('ts-morph'));
}
import type { Invariant } from './define.js';

export class PluginError extends Error {
  constructor(
    /** `file:line`, or the file. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'PluginError';
  }
}

export interface PluginInspection {
  /** The id as written in the file, when it is a string literal. */
  readonly id: string | undefined;
  readonly idLine: number;
}

/** Check the shape of a plugin's source without running it. Throws PluginError. */
export async function inspectPlugin(file: string, text: string): Promise<PluginInspection> {
  const { Node, Project, SyntaxKind } = await morph();
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true } });
  const sf = project.createSourceFile(file.endsWith('.ts') ? 'plugin.ts' : 'plugin.js', text);
  const assignment = sf.getStatements().find((s) => Node.isExportAssignment(s) && !s.isExportEquals());
  if (!assignment || !Node.isExportAssignment(assignment)) {
    const named = sf.getDefaultExportSymbol();
    const line = named?.getDeclarations()[0]?.getStartLineNumber() ?? 1;
    throw new PluginError(
      `${file}:${line}`,
      'the default export must be `export default defineInvariant({ id, description, check })`',
    );
  }
  const expr = assignment.getExpression();
  const line = assignment.getStartLineNumber();
  const call = expr.asKind(SyntaxKind.CallExpression);
  if (!call || call.getExpression().getText() !== 'defineInvariant') {
    throw new PluginError(
      `${file}:${line}`,
      `the default export is \`${truncate(expr.getText())}\`, not a defineInvariant(...) call`,
    );
  }
  const arg = call.getArguments()[0]?.asKind(SyntaxKind.ObjectLiteralExpression);
  if (!arg)
    throw new PluginError(
      `${file}:${line}`,
      'defineInvariant(...) must be given an object literal { id, description, check }',
    );
  const idProp = arg.getProperty('id')?.asKind(SyntaxKind.PropertyAssignment);
  const init = idProp?.getInitializer();
  const id =
    init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init))
      ? init.getLiteralText()
      : undefined;
  if (!idProp) throw new PluginError(`${file}:${arg.getStartLineNumber()}`, 'defineInvariant(...) has no id');
  return { id, idLine: idProp.getStartLineNumber() };
}

/**
 * Refuse a file with a syntax error, naming its line: TypeScript's
 * transpiler repairs some errors silently, and the error a failed import
 * gives has no line.
 */
async function syntaxCheck(file: string, path: string, text: string): Promise<void> {
  const { ts } = await morph();
  const { diagnostics } = ts.transpileModule(text, {
    fileName: path,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, allowJs: true },
  });
  const first = diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (first === undefined) return;
  const line =
    first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start).line + 1 : 1;
  throw new PluginError(`${file}:${line}`, `syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`);
}

function truncate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 50 ? `${one.slice(0, 47)}...` : one;
}

/**
 * Load a plugin file. `taken` are the ids already in use (built-ins and
 * earlier plugins); `packageEntry` is the module that `import ... from
 * 'pipecheck'` resolves to inside the plugin.
 */
export async function loadPlugin(file: string, taken: ReadonlySet<string>, packageEntry: URL): Promise<Invariant> {
  const path = resolve(file);
  const ext = extname(path);
  if (!['.ts', '.mts', '.js', '.mjs'].includes(ext))
    throw new PluginError(file, `a plugin must be a .ts or .js file, not ${ext || 'a file without extension'}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PluginError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  await syntaxCheck(file, path, text);
  const inspection = await inspectPlugin(file, text);
  const { ts } = await morph();
  if (inspection.id !== undefined && taken.has(inspection.id)) {
    throw new PluginError(
      `${file}:${inspection.idLine}`,
      `invariant id "${inspection.id}" is already taken by another invariant`,
    );
  }
  const js =
    ext === '.ts' || ext === '.mts'
      ? ts.transpileModule(text, {
          fileName: path,
          compilerOptions: {
            module: ts.ModuleKind.ESNext,
            target: ts.ScriptTarget.ES2022,
            verbatimModuleSyntax: false,
          },
        }).outputText
      : text;
  const rewritten = rewriteImports(js, dirname(path), packageEntry);
  let mod: { default?: unknown };
  try {
    mod = (await import(`data:text/javascript;base64,${Buffer.from(rewritten).toString('base64')}`)) as {
      default?: unknown;
    };
  } catch (e) {
    throw new PluginError(file, `failed to load: ${(e as Error).message}`);
  }
  const inv = mod.default as Invariant | undefined;
  if (!inv || typeof inv !== 'object' || typeof inv.check !== 'function' || typeof inv.id !== 'string') {
    throw new PluginError(`${file}:1`, 'the default export did not evaluate to an invariant');
  }
  if (taken.has(inv.id))
    throw new PluginError(
      `${file}:${inspection.idLine}`,
      `invariant id "${inv.id}" is already taken by another invariant`,
    );
  return inv;
}

/** Point `'pipecheck'` at this package and relative imports at absolute file URLs (a data: module has no directory). */
function rewriteImports(js: string, dir: string, packageEntry: URL): string {
  return js.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g,
    (all, head: string, q: string, spec: string) => {
      if (spec === 'pipecheck') return `${head}${q}${packageEntry.href}${q}`;
      if (spec.startsWith('./') || spec.startsWith('../'))
        return `${head}${q}${pathToFileURL(resolve(dir, spec)).href}${q}`;
      return all;
    },
  );
}
