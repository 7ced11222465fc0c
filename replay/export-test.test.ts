import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runHint } from './export-test.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pipecheck-hint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runHint: how to run a generated test from where the user stands', () => {
  it('inside this project (vitest and pipecheck resolve): vitest run with the path from the project root', () => {
    expect(runHint(join(repo, 'counterexamples', 'x.test.ts'), repo)).toEqual([
      'run it: npx vitest run counterexamples/x.test.ts',
    ]);
    expect(runHint(join(repo, 'counterexamples', 'x.test.ts'), join(repo, 'model'))).toEqual([
      'run it: cd .. && npx vitest run counterexamples/x.test.ts',
    ]);
  });

  it('in a project without vitest or pipecheck: says what to install, and where', () => {
    const project = join(scratch, 'app');
    mkdirSync(join(project, 'test'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name":"app"}');
    const hint = runHint(join(project, 'test', 'x.test.ts'), project);
    expect(hint[0]).toBe('run it: npx vitest run test/x.test.ts');
    expect(hint[1]).toContain(`(first, in ${project}: npm install --save-dev vitest ${repo.replace(/\/$/, '')})`);
  });

  it('outside any npm project: says to put it in one', () => {
    const hint = runHint(join(scratch, 'loose', 'x.test.ts'), scratch);
    expect(hint.join('\n')).toContain('the test is in no npm project');
    expect(hint.join('\n')).toContain(`npm install --save-dev vitest ${repo.replace(/\/$/, '')}`);
  });
});
