/**
 * The generated parts of docs/: markdown tables built from the code (the
 * commands and their options, the operations and their arguments, the
 * invariants, the kernel variants, the file-system profiles, the bounds) and
 * the JSON Schemas of scenario and counterexample files. A table sits in a
 * .md file between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`;
 * `npm run docs` rewrites every such section and both schema files, and
 * docs/docs.test.ts fails when a committed one differs from what this module
 * generates now, so the documentation cannot drift from the code.
 *
 * What a table says comes from the code's own words: descriptors (`summary`,
 * `description`, `source`), the option table, and the TSDoc comments of the
 * operation modules, the argument kinds, `Bounds` and `FsProfile`, read with
 * ts-morph from the sources (the repository's, also when run from dist/).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, SyntaxKind, type JSDocableNode, type SourceFile } from 'ts-morph';
import { z } from 'zod';
import { COMMANDS, defaultTextOf, descriptionOf } from '../cli/program.js';
import { OPTIONS, flagOf, type CliOptions } from '../cli/options.js';
import { CounterexampleSchema, COUNTEREXAMPLE_FORMAT } from '../counterexamples/format.js';
import { BUILTIN_INVARIANTS, BUILTIN_WITNESSES, DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { BOUND_LIMITS, BOUND_NAMES, DEFAULT_BOUNDS } from '../model/bounds.js';
import {
  DEFAULT_FS,
  DEFAULT_RELEASE,
  FS_PROFILES,
  KERNEL_RELEASES,
  profileFor,
  type FsProfile,
} from '../model/fs/index.js';
import { KERNEL_INFO } from '../model/kernels/index.js';
import * as argKinds from '../model/ops/args.js';
import { OPERATION_LIST } from '../model/ops/index.js';
import type { AnyOperation } from '../model/ops/operation.js';
import { DEFAULT_CHECK_DEPTH, ScenarioSchema } from '../model/scenario.js';
import { isEntry } from '../cli/entry.js';

/** The repository's root: the nearest folder above this module with a package.json (docs/ or dist/docs/). */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let d = resolve(from); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`no package.json above ${from}`);
  }
}

// ---------------------------------------------------------------- TSDoc from the sources

/** One paragraph: the comment's description (tags left out), whitespace collapsed. */
function docText(node: JSDocableNode): string {
  return node
    .getJsDocs()
    .map((d) => d.getDescription())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The sources the comments are read from, parsed once per call of `generatedSections`. */
export class Sources {
  private readonly project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
  });
  constructor(private readonly root: string) {}

  file(path: string): SourceFile | undefined {
    const full = join(this.root, path);
    if (!existsSync(full)) return undefined;
    return this.project.getSourceFile(full) ?? this.project.addSourceFileAtPath(full);
  }

  /** Per operation name, the TSDoc of its `defineOperation({ name, ... })` in model/ops/. */
  operationDocs(): Map<string, string> {
    const out = new Map<string, string>();
    const dir = join(this.root, 'model/ops');
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const sf = this.file(`model/ops/${name}`)!;
      for (const st of sf.getVariableStatements()) {
        for (const decl of st.getDeclarations()) {
          const call = decl.getInitializer()?.asKind(SyntaxKind.CallExpression);
          if (!call || call.getExpression().getText() !== 'defineOperation') continue;
          const arg = call.getArguments()[0]?.asKind(SyntaxKind.ObjectLiteralExpression);
          const init = arg?.getProperty('name')?.asKind(SyntaxKind.PropertyAssignment)?.getInitializer();
          if (init && Node.isStringLiteral(init)) out.set(init.getLiteralText(), docText(st));
        }
      }
    }
    return out;
  }

  /**
   * Per exported variable of `path`, its TSDoc; a variable without one takes
   * that of the statement just before it when that one is not exported (a
   * helper of the same definition, as `pipeSchema` is of `pipeIndex`).
   */
  variableDocs(path: string): Map<string, string> {
    const out = new Map<string, string>();
    const sf = this.file(path);
    if (!sf) return out;
    const statements = sf.getStatements();
    statements.forEach((st, i) => {
      if (!Node.isVariableStatement(st) || !st.isExported()) return;
      let doc = docText(st);
      const prev = statements[i - 1];
      if (doc === '' && prev && Node.isVariableStatement(prev) && !prev.isExported()) doc = docText(prev);
      for (const decl of st.getDeclarations()) out.set(decl.getName(), doc);
    });
    return out;
  }

  /** Per property of interface `name` in `path`, its TSDoc. */
  interfaceDocs(path: string, name: string): Map<string, string> {
    const out = new Map<string, string>();
    const decl = this.file(path)?.getInterface(name);
    for (const p of decl?.getProperties() ?? []) out.set(p.getName(), docText(p));
    return out;
  }
}

// ---------------------------------------------------------------- markdown

/** A table cell: pipes escaped, never a line break. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (r: readonly string[]): string => `| ${r.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const code = (s: string): string => `\`${s}\``;

// ---------------------------------------------------------------- the command line

/** `pipecheck check [scenario] [options]` */
function synopsis(spec: (typeof COMMANDS)[number]): string {
  return ['pipecheck', spec.name, ...spec.args, ...(spec.options.length > 0 ? ['[options]'] : [])].join(' ');
}

function optionFlag(key: keyof CliOptions): string {
  const o = OPTIONS[key];
  const short = o.short ? `-${o.short}, ` : '';
  return `${short}${flagOf(key)}${o.argument ? ` ${o.argument}` : ''}`;
}

/** Every command: its synopsis and what it does. */
export function commandsTable(): string {
  return mdTable(
    ['command', 'what it does'],
    COMMANDS.map((c) => [`[${code(synopsis(c))}](#pipecheck-${c.name})`, c.summary]),
  );
}

/** The options of command `name`: flag, meaning, default. */
export function optionsTable(name: string): string {
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new Error(`no command ${name}`);
  if (spec.options.length === 0) return `${code(`pipecheck ${name}`)} takes no options (but \`--help\`).`;
  return mdTable(
    ['option', 'what it does', 'default'],
    spec.options.map((k) => [code(optionFlag(k)), descriptionOf(spec, k), defaultTextOf(spec, k) ?? '']),
  );
}

// ---------------------------------------------------------------- operations

/** The name an argument kind is exported under in model/ops/args.ts. */
function kindName(kind: unknown): string | undefined {
  return Object.entries(argKinds).find(([, v]) => v === kind)?.[0];
}

interface ArgRow {
  readonly name: string;
  readonly doc: string;
  readonly required: boolean;
  readonly default?: number | boolean | string;
}

function argRows(op: AnyOperation, kindDocs: ReadonlyMap<string, string>): ArgRow[] {
  return op.argNames.map((name) => {
    const kind = op.args[name]!;
    const exported = kindName(kind);
    const doc = (exported && kindDocs.get(exported)) || '';
    return {
      name,
      doc,
      required: kind.default === undefined,
      ...(kind.default === undefined ? {} : { default: kind.default }),
    };
  });
}

/** Every operation: its arguments and the system call it stands for. */
export function operationsTable(): string {
  return mdTable(
    ['op', 'arguments', 'the system call', 'core'],
    OPERATION_LIST.map((op) => [
      `[${code(op.name)}](#${op.name})`,
      op.argNames.length === 0 ? 'none' : op.argNames.map(code).join(', '),
      op.summary,
      op.inDefaultEnvironment ? 'yes' : 'no: name it',
    ]),
  );
}

/** Per operation: a heading, its arguments (kind, range, default) and what its module says it does. */
export function operationDetails(sources: Sources): string {
  const docs = sources.operationDocs();
  const kindDocs = sources.variableDocs('model/ops/args.ts');
  const parts: string[] = [];
  for (const op of OPERATION_LIST as readonly AnyOperation[]) {
    parts.push(`### ${code(op.name)}`, '', `${op.summary}.`, '');
    const rows = argRows(op, kindDocs);
    if (rows.length === 0) parts.push('No arguments.', '');
    else {
      parts.push(
        mdTable(
          ['argument', 'what it is', 'if left out'],
          rows.map((r) => [code(r.name), r.doc, r.required ? 'required' : `${String(r.default)}`]),
        ),
        '',
      );
    }
    // The simplest step the default bounds allow, with the arguments a step must give.
    const first = (op.domain(DEFAULT_BOUNDS)[0] ?? {}) as Record<string, unknown>;
    const example = [
      `"op": "${op.name}"`,
      ...rows.filter((r) => r.required).map((r) => `"${r.name}": ${first[r.name]}`),
    ];
    parts.push(`As a step: ${code(`{ ${example.join(', ')} }`)}.`, '');
    const doc = docs.get(op.name);
    if (doc) parts.push(doc, '');
  }
  return parts.join('\n').trimEnd();
}

// ---------------------------------------------------------------- invariants, kernels, profiles, bounds

/** Every built-in invariant and witness: kind, when it is checked, what it says. */
export function invariantsTable(): string {
  const rows = [...BUILTIN_INVARIANTS, ...BUILTIN_WITNESSES].map((i) => [
    code(i.id),
    i.kind === 'always' ? 'invariant (always)' : 'witness (sometimes)',
    DEFAULT_INVARIANTS.includes(i) ? 'default' : 'on request',
    i.description,
  ]);
  return mdTable(['id', 'kind', 'checked', 'what it says'], rows);
}

/** Every kernel variant: what it does and where it comes from (`pipecheck list kernels`). */
export function kernelsTable(): string {
  return mdTable(
    ['id', 'what it does', 'source'],
    KERNEL_INFO.map((k) => [code(k.id), k.summary, k.source]),
  );
}

function profileValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  // A hook: the function the profile gives it (model/fs/, model/pagecache.ts).
  if (typeof v === 'function') return code(v.name);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => code(String(x))).join(', ');
  if (typeof v === 'object' && v !== null) return code(JSON.stringify(v));
  return code(String(v));
}

/**
 * The file-system profiles: one column each, one row per property and per
 * hook (the function each profile gives it), with what each means.
 */
export function fsProfilesTable(sources: Sources): string {
  const docs = sources.interfaceDocs('model/fs/profile.ts', 'FsProfile');
  const skip = new Set(['id', 'description', 'conform']);
  const keys = Object.keys(DEFAULT_FS).filter((k) => !skip.has(k)) as (keyof FsProfile)[];
  const head = ['', ...FS_PROFILES.map((p) => code(p.id) + (p === DEFAULT_FS ? ' (default)' : ''))];
  const rows = [
    ['what it is', ...FS_PROFILES.map((p) => p.description)],
    ...keys.map((k) => [code(k), ...FS_PROFILES.map((p) => profileValue(p[k]))]),
  ];
  const meanings = keys.map((k) => `- ${code(k)}: ${docs.get(k) ?? ''}`);
  const what = 'What each property and hook means (a hook names the function the profile gives it):';
  return [mdTable(head, rows), '', what, '', ...meanings].join('\n');
}

/**
 * The Linux releases beside the default one (model/fs/release.ts): per
 * release and profile, each property and hook whose value differs from the
 * default release's profile (model/fs/linux-6.1.ts), with both values.
 */
export function releasesTable(): string {
  const rows: string[][] = [];
  for (const release of KERNEL_RELEASES) {
    if (release === DEFAULT_RELEASE) continue;
    for (const base of FS_PROFILES) {
      const other = profileFor(base.id, release)!;
      const keys = (Object.keys(base) as (keyof FsProfile)[]).filter(
        (k) => k !== 'id' && k !== 'description' && k !== 'recognise' && !sameValue(base[k], other[k]),
      );
      const changes = keys.map((k) => `${code(k)}: ${profileValue(base[k])} → ${profileValue(other[k])}`);
      rows.push([release, code(base.id), other.description, changes.join('; ') || 'nothing']);
    }
  }
  return mdTable(['release', 'profile', 'what it is there', `what differs from ${DEFAULT_RELEASE}`], rows);
}

/** Whether two profile values are the same (arrays and objects by their JSON). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a !== 'function' && JSON.stringify(a) === JSON.stringify(b));
}

/** The bounds: range, default, what each bounds. */
export function boundsTable(sources: Sources): string {
  const docs = sources.interfaceDocs('model/bounds.ts', 'Bounds');
  return mdTable(
    ['bound', 'range', 'default', 'what it bounds'],
    BOUND_NAMES.map((k) => {
      const { min, max } = BOUND_LIMITS[k];
      const range = k === 'cells' || k === 'folioPages' ? '1, 2, 4 or 8' : `${min} to ${max}`;
      const dflt = k === 'depth' ? `${DEFAULT_BOUNDS[k]} (${DEFAULT_CHECK_DEPTH} for the default scenario)` : '';
      return [code(k), range, dflt || String(DEFAULT_BOUNDS[k]), docs.get(k) ?? ''];
    }),
  );
}

// ---------------------------------------------------------------- sections and schemas

/** Every generated section by name, as it must appear between its markers. */
export function generatedSections(root: string = repoRoot()): Record<string, string> {
  const sources = new Sources(root);
  const out: Record<string, string> = {
    commands: commandsTable(),
    operations: operationsTable(),
    'operation-details': operationDetails(sources),
    invariants: invariantsTable(),
    kernels: kernelsTable(),
    'fs-profiles': fsProfilesTable(sources),
    releases: releasesTable(),
    bounds: boundsTable(sources),
  };
  for (const c of COMMANDS) out[`options-${c.name}`] = optionsTable(c.name);
  return out;
}

function withMeta(schema: Record<string, unknown>, title: string, description: string): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, title, description, ...rest };
}

/** The JSON Schema of scenario files (zod's `toJSONSchema` of ScenarioSchema; the bounds rules are in scenario.md). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return withMeta(
    z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    'pipecheck scenario',
    'A pipecheck scenario file (docs/scenario.md). Generated from model/scenario.ts by npm run docs; ' +
      'the rules that depend on the bounds are checked by pipecheck, not by this schema.',
  );
}

/** The JSON Schema of counterexample files. */
export function counterexampleJsonSchema(): Record<string, unknown> {
  return withMeta(
    z.toJSONSchema(CounterexampleSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    `pipecheck counterexample (${COUNTEREXAMPLE_FORMAT})`,
    'A counterexample file written by pipecheck check (docs/counterexample.md). ' +
      'Generated from counterexamples/format.ts by npm run docs.',
  );
}

/** The generated files under docs/, by name, with their text. */
export function generatedFiles(): Record<string, string> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return {
    'scenario.schema.json': json(scenarioJsonSchema()),
    'counterexample.schema.json': json(counterexampleJsonSchema()),
  };
}

const MARKER = /<!-- generated:([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/generated:\1 -->/g;

/** The generated sections of a markdown text, by name, with what they hold now. */
export function sectionsIn(text: string): { readonly name: string; readonly content: string }[] {
  return [...text.matchAll(MARKER)].map((m) => ({ name: m[1]!, content: m[2]! }));
}

/** What goes between the markers of a section: the table, on lines of its own. */
export function sectionBody(generated: string): string {
  return `${generated}\n`;
}

/**
 * `text` with every generated section replaced by its current content.
 * Throws on a section this module does not generate, or on an opening
 * marker without its closing one.
 */
export function rewriteSections(text: string, sections: Record<string, string>, file = 'the text'): string {
  const opened = [...text.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((m) => m[1]!);
  const found = sectionsIn(text).map((s) => s.name);
  for (const name of opened) {
    if (!found.includes(name)) throw new Error(`${file}: <!-- generated:${name} --> has no closing marker`);
    if (!(name in sections)) throw new Error(`${file}: no generated section is called "${name}"`);
  }
  return text.replace(MARKER, (_m, name: string) => {
    return `<!-- generated:${name} -->\n${sectionBody(sections[name]!)}<!-- /generated:${name} -->`;
  });
}

/** The markdown files whose sections are generated: README.md and docs/*.md. */
export function markdownFiles(root: string = repoRoot()): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join('docs', f));
  return ['README.md', ...docs];
}

/** Rewrite every generated section and schema file under `root`; returns the files that changed. */
export function writeDocs(root: string = repoRoot()): string[] {
  const sections = generatedSections(root);
  const changed: string[] = [];
  for (const file of markdownFiles(root)) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const after = rewriteSections(before, sections, file);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(file);
    }
  }
  for (const [name, text] of Object.entries(generatedFiles())) {
    const path = join(root, 'docs', name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      writeFileSync(path, text);
      changed.push(join('docs', name));
    }
  }
  return changed;
}

if (isEntry(import.meta.url)) {
  const changed = writeDocs();
  process.stdout.write(changed.length === 0 ? 'docs: up to date\n' : `docs: rewrote ${changed.join(', ')}\n`);
}
