/**
 * The four-thread example: the importer still turns the log into the
 * committed scenario, and checking it with and without --partial-order gives
 * the same verdicts and the same shortest trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../../test-support/cli-run.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const main = join(here, '..', '..', 'dist', 'cli', 'main.js');
const out = mkdtempSync(join(tmpdir(), 'pipecheck-four-threads-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pipecheck(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('examples/four-threads', () => {
  it('imports to the committed scenario', () => {
    const r = pipecheck('import-strace', join(here, 'four-threads.strace'));
    expect(r.status).toBe(0);
    const committed = readFileSync(join(here, 'four-threads.scenario.json'), 'utf8');
    const strip = (text: string) => ({ ...JSON.parse(text), description: undefined }) as unknown;
    expect(strip(r.stdout)).toEqual(strip(committed));
  });

  it('is violated in 5 steps, with and without --partial-order', () => {
    type Doc = { invariants: Record<string, string>; violations: { length: number; trace: unknown }[] };
    const scenario = join(here, 'four-threads.scenario.json');
    const off = JSON.parse(pipecheck('check', scenario, '--json', '--out', out).stdout) as Doc;
    const on = JSON.parse(pipecheck('check', scenario, '--partial-order', '--json', '--out', out).stdout) as Doc;
    expect(off.invariants['data-stability']).toBe('violated');
    expect(off.violations[0]!.length).toBe(5);
    expect(on.invariants).toEqual(off.invariants);
    expect(on.violations).toEqual(off.violations);
  });
});
