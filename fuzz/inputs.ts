/**
 * Hostile inputs for the fuzzer, as fast-check arbitraries: the project's
 * own valid scenarios and counterexamples with random mutations (values
 * replaced by any JSON, keys removed or added, arrays grown, values nested
 * deep), and plugin sources built from a valid plugin with a misbehaving
 * check, then corrupted character by character.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

/** The repository's root, from the sources (fuzz/) or the build (dist/fuzz/). */
export const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();

function readJsonFiles(dir: string): unknown[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(ROOT, dir, f), 'utf8')) as unknown);
}

/** The valid scenarios the mutations start from. */
export const SCENARIO_SEEDS: readonly unknown[] = [
  ...readJsonFiles('counterexamples/classic/scenarios'),
  ...readJsonFiles('examples'),
  { bounds: {} },
  { bounds: { pages: 8, cells: 8, values: 15, slots: 8, folioPages: 8, userPages: 4, depth: 64 } },
];

/** The valid counterexamples the mutations start from. */
export const COUNTEREXAMPLE_SEEDS: readonly unknown[] = readJsonFiles('counterexamples/classic');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths to the values inside `v` (objects and arrays included) down to depth 40, in a fixed order, iteratively. */
function paths(v: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const todo: { v: unknown; at: (string | number)[] }[] = [{ v, at: [] }];
  while (todo.length > 0 && out.length < 100_000) {
    const { v: x, at } = todo.pop()!;
    out.push(at);
    if (at.length >= 40 || x === null || typeof x !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(x) ? x.map((y, i) => [i, y]) : Object.entries(x);
    for (let i = entries.length - 1; i >= 0; i--) todo.push({ v: entries[i]![1], at: [...at, entries[i]![0]] });
  }
  return out;
}

/** Text to emit as it is (a marker on the serializer's stack, not a value). */
class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of `v`, iteratively (a fuzzed value may nest thousands deep, past JSON.stringify's stack). */
export function jsonText(v: unknown): string {
  const parts: string[] = [];
  const todo: unknown[] = [v];
  while (todo.length > 0) {
    const x = todo.pop();
    if (x instanceof Raw) parts.push(x.text);
    else if (x === null || typeof x !== 'object') parts.push(JSON.stringify(x) ?? 'null');
    else {
      const isArray = Array.isArray(x);
      const entries: [string, unknown][] = isArray ? x.map((y, i) => [String(i), y]) : Object.entries(x);
      todo.push(new Raw(isArray ? ']' : '}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, y] = entries[i]!;
        todo.push(y, new Raw(`${i > 0 ? ',' : ''}${isArray ? '' : `${JSON.stringify(k)}:`}`));
      }
      parts.push(isArray ? '[' : '{');
    }
  }
  return parts.join('');
}

/** One mutation, applied at the path it picks (modulo the paths there are). */
type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly value: Json }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: Json }
  | { readonly kind: 'nest'; readonly at: number; readonly depth: number }
  | { readonly kind: 'grow'; readonly at: number; readonly times: number }
  | { readonly kind: 'number'; readonly at: number; readonly value: number };

const SPECIAL_NUMBERS = [
  -1,
  0,
  1,
  2,
  3,
  7,
  8,
  9,
  15,
  16,
  63,
  64,
  65,
  255,
  256,
  4096,
  70_000,
  2 ** 24,
  2 ** 31,
  1e21,
  0.5,
  -0.0,
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string(), fc.constantFrom('op', 'process', 'bounds', 'env', '__proto__', 'constructor', 'a\nb')),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(5000)),
  }),
  fc.record({
    kind: fc.constant('grow' as const),
    at: fc.nat(),
    times: fc.oneof(fc.integer({ min: 2, max: 20 }), fc.constant(3000)),
  }),
  fc.record({
    kind: fc.constant('number' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...SPECIAL_NUMBERS), fc.integer()),
  }),
);

function clone(v: unknown): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

/** Apply `m` to `doc` (a fresh copy); returns the new document (the root itself may be replaced). */
function apply(doc: Json, m: Mutation): Json {
  const all = paths(doc);
  const path = all[m.at % all.length]!;
  const get = (p: (string | number)[]): Json => p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, doc);
  const set = (p: (string | number)[], value: Json): Json => {
    if (p.length === 0) return value;
    const parent = get(p.slice(0, -1)) as Record<string | number, Json>;
    parent[p[p.length - 1]!] = value;
    return doc;
  };
  const here = get(path);
  switch (m.kind) {
    case 'replace':
      return set(path, m.value);
    case 'number':
      return set(path, m.value);
    case 'delete': {
      if (path.length === 0) return null;
      const parent = get(path.slice(0, -1));
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key as string];
      return doc;
    }
    case 'add':
      if (here !== null && typeof here === 'object' && !Array.isArray(here)) {
        Object.defineProperty(here, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      } else if (Array.isArray(here)) here.push(m.value);
      return doc;
    case 'nest': {
      let v: Json = here;
      for (let i = 0; i < m.depth; i++) v = [v];
      return set(path, v);
    }
    case 'grow':
      if (Array.isArray(here) && here.length > 0) {
        const grown = Array.from({ length: here.length * m.times }, (_, i) => here[i % here.length]!);
        return set(path, grown);
      }
      return set(
        path,
        Array.from({ length: m.times }, () => here),
      );
  }
}

/** A valid document from `seeds`, then 1 to 4 mutations. */
export function mutatedJson(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    })
    .map(({ seed, mutations }) => mutations.reduce<Json>((doc, m) => apply(doc, m), clone(seeds[seed])));
}

/** What a plugin's check does. `hangs`: loops for ever (only the command line, with its watchdog, runs those). */
const CHECKS = [
  'return undefined;',
  "return observed ? 'a message' : undefined;",
  'return 42;',
  'return {};',
  "return '';",
  'return false;',
  'return null;',
  "return Symbol('s');",
  'return () => 1;',
  'return Promise.resolve(undefined);',
  "throw new Error('boom');",
  "throw 'a string';",
  'throw undefined;',
  "throw Symbol('t');",
  'if (after.bytes) after.bytes.fill(7); return undefined;',
  'after.view().file.push(9); return undefined;',
  'return step.op.repeat(1e9);',
  'const f = (n) => f(n + 1); return f(0);',
  "return String(after.view().folios.length) + (before.size() === after.size() ? '' : ' size changed');",
  "return after.file().includes(2) ? 'a 2 in the file' : undefined;",
] as const;

const HANGING_CHECKS = ['for (;;) {}', 'while (true) { Math.random(); }'] as const;

const TOP_LEVELS = [
  '',
  'const x = 1;',
  "globalThis.leak = 'x';",
  "throw new Error('at load');",
  'export const other = 1;',
] as const;

export interface PluginSource {
  readonly ext: '.ts' | '.js' | '.mjs' | '.txt';
  readonly text: string;
}

/** A plugin source: a check and top-level code from the lists, the id, then a few corrupted characters. */
export function pluginSource(opts: { hangs?: boolean } = {}): fc.Arbitrary<PluginSource> {
  const checks: readonly string[] = opts.hangs ? [...CHECKS, ...HANGING_CHECKS] : CHECKS;
  return fc
    .record({
      ext: fc.oneof(
        { arbitrary: fc.constantFrom('.ts' as const, '.js' as const), weight: 8 },
        { arbitrary: fc.constantFrom('.mjs' as const, '.txt' as const), weight: 1 },
      ),
      check: fc.constantFrom(...checks),
      top: fc.oneof(
        { arbitrary: fc.constant(''), weight: 4 },
        { arbitrary: fc.constantFrom(...TOP_LEVELS), weight: 1 },
      ),
      id: fc.oneof(
        { arbitrary: fc.constant('fuzzed'), weight: 6 },
        { arbitrary: fc.constantFrom('data-stability', 'Bad Id', ''), weight: 1 },
        { arbitrary: fc.stringMatching(/^[a-z]{1,8}$/), weight: 1 },
      ),
      asDefault: fc.oneof(
        { arbitrary: fc.constant('defineInvariant'), weight: 8 },
        { arbitrary: fc.constantFrom('identity', 'object'), weight: 1 },
      ),
      corruptions: fc.oneof(
        { arbitrary: fc.constant([]), weight: 3 },
        {
          arbitrary: fc.array(
            fc.record({ at: fc.nat(), char: fc.constantFrom('', '(', '}', ';', '"', '`', '\n', 'x') }),
            { minLength: 1, maxLength: 2 },
          ),
          weight: 1,
        },
      ),
    })
    .map(({ ext, check, top, id, asDefault, corruptions }) => {
      const body = `{ id: '${id}', description: 'fuzzed', check({ before, after, step, observed }) { ${check} } }`;
      const exported =
        asDefault === 'defineInvariant'
          ? `defineInvariant(${body})`
          : asDefault === 'object'
            ? body
            : `((x) => x)(${body})`;
      let text = `import { defineInvariant } from 'pipecheck';\n${top}\nexport default ${exported};\n`;
      for (const c of corruptions) {
        const at = c.at % (text.length + 1);
        text = text.slice(0, at) + c.char + text.slice(at + (c.char === '' ? 1 : 0));
      }
      return { ext, text };
    });
}
