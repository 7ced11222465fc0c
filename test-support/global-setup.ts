/**
 * vitest globalSetup: compile to dist/ once before the tests, so the CLI's
 * end-to-end tests (which run `node dist/cli/main.js`) and the tests that
 * import 'pipecheck' (resolved through package.json "exports" to dist/) see
 * the current sources. An incremental-free `tsc -p tsconfig.build.json` takes
 * a few seconds. A failed build fails the run: testing a stale dist/ would
 * pass on code that no longer compiles.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Set (to 1) by a test that runs vitest again inside a run: dist/ was built by the outer run's setup. */
export const SKIP_BUILD = 'PIPECHECK_SKIP_BUILD';

export default function setup(): void {
  if (process.env[SKIP_BUILD] === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    throw new Error(`the build (tsc -p tsconfig.build.json) failed:\n${out}`, { cause: e });
  }
}
