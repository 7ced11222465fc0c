/**
 * The project's layers, as data: the table in docs/extending.md (its "layer"
 * and "folder" columns, in this order; test-support/layers.test.ts checks that
 * they match). Each layer imports only itself and the layers above it; tests
 * (`*.test.ts`) may also import test-support/ and, where they check a layer
 * together with what runs it, the layers in `testsAlsoImport`.
 */
export interface Layer {
  /** The name in the doc's "layer" column. */
  readonly name: string;
  /** Top-level folders (`name/`) and root files (`name.ts`) that make up the layer. */
  readonly paths: readonly string[];
  /** Layers below this one that this layer's tests import (integration tests). */
  readonly testsAlsoImport?: readonly string[];
}

export const LAYERS: readonly Layer[] = [
  { name: 'engine', paths: ['explorer/'] },
  {
    name: 'model',
    paths: ['model/'],
    // The operations' tests check them through the invariants, a whole check and the oracle helper.
    testsAlsoImport: ['invariants', 'library', 'kernel'],
  },
  { name: 'strace importer', paths: ['strace/'] },
  { name: 'invariants', paths: ['invariants/'] },
  { name: 'files', paths: ['counterexamples/'] },
  { name: 'library', paths: ['checker/'], testsAlsoImport: ['replay'] },
  { name: 'replay', paths: ['replay/'] },
  { name: 'report', paths: ['report/'] },
  { name: 'kernel', paths: ['oracle/'] },
  { name: 'fuzzer', paths: ['fuzz/'] },
  { name: 'benchmarks', paths: ['bench/'] },
  { name: 'package', paths: ['index.ts', 'package.test.ts'] },
  { name: 'examples', paths: ['examples/'] },
  { name: 'test support', paths: ['test-support/', 'vitest.config.ts'] },
  { name: 'command line', paths: ['cli/'] },
  { name: 'docs', paths: ['docs/'] },
];

/** The layer every test may import, whatever its own layer. */
export const TEST_SUPPORT = 'test support';

/** The layer of a repository-relative path (`a/b.ts`), or undefined when no layer holds it. */
export function layerOf(path: string): Layer | undefined {
  const slash = path.indexOf('/');
  const key = slash < 0 ? path : path.slice(0, slash + 1);
  return LAYERS.find((l) => l.paths.includes(key));
}

/** Whether a file of layer `from` (a test when `test`) may import layer `to`. */
export function mayImport(from: Layer, to: Layer, test: boolean): boolean {
  // Test support is not shipped (tsconfig.build.json leaves it out of dist/): only tests and itself use it.
  if (to.name === TEST_SUPPORT && from !== to) return test;
  if (LAYERS.indexOf(to) <= LAYERS.indexOf(from)) return true;
  if (!test) return false;
  return to.name === TEST_SUPPORT || (from.testsAlsoImport ?? []).includes(to.name);
}
