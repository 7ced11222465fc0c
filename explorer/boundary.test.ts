import { join } from 'node:path';
import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { importsInto, offenders, ROOT, sourceFiles } from '../test-support/imports.js';

describe('the explorer knows nothing about pipes', () => {
  it('no non-test file under explorer/ imports model/, invariants/, checker/ or cli/', () => {
    const files = sourceFiles(['explorer/*.ts', '!explorer/*.test.ts']);
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(offenders(files, ['model', 'invariants', 'checker', 'cli'])).toEqual([]);
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
  });
});
