/**
 * vitest globalSetup: compile to dist/ once before the tests, so the CLI's
 * end-to-end tests (which run `node dist/cli/main.js`) and the tests that
 * import 'pipecheck' (resolved through package.json "exports" to dist/) see
 * the current sources. An incremental-free `tsc -p tsconfig.build.json` takes
 * a few seconds. If the build fails but an older dist exists, the tests run
 * against it with a warning (other suites need not fail for one type error).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    if (!existsSync(`${root}/dist/cli/main.js`)) throw new Error(`the build failed:\n${out}`);
    process.stderr.write(`warning: the build failed; testing the existing dist/:\n${out.split('\n').slice(0, 10).join('\n')}\n`);
  }
}
