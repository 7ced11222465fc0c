/**
 * `pipecheck report` end to end: `node dist/cli/main.js report ...` as a
 * subprocess, on what `check` writes (a counterexample, and its --json
 * output), and on bad input (exit 2, the file and the field named, nothing
 * written). dist/ is built by test-support/global-setup.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../test-support/cli-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const main = join(repo, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-report-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pipecheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: HANG_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pipecheck report', () => {
  const out = join(tmp, 'out');
  const check = pipecheck('check', 'examples/seed-reproducer.json', '--out', out, '--json');
  const checkJson = join(tmp, 'check.json');
  writeFileSync(checkJson, check.stdout);
  const cxFile = join(
    out,
    readdirSync(out).find((f) => f.endsWith('.json'))!,
  );

  it('check found the seed reproducer and wrote its counterexample (exit 1)', () => {
    expect(check.status).toBe(1);
    expect(JSON.parse(check.stdout).violations[0].counterexample).toBe(cxFile);
  });

  it('a counterexample: FILE.html next to it by default, exit 0, the damaging step named', () => {
    const r = pipecheck('report', cxFile);
    const html = cxFile.replace(/\.json$/, '.html');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${html} (1 violation; the step that changed data in the pipe: step 4)\n`);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('<tr class="step damaging" id="v0-row-4"');
    expect(text).toContain('write(off=0, len=1, value=2)');
  });

  it("a check's --json output with -o: one section per violation, the run's summary", () => {
    const html = join(tmp, 'x.html');
    const r = pipecheck('report', checkJson, '-o', html);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${html} (1 violation; the step that changed data in the pipe: step 4)\n`);
    const text = readFileSync(html, 'utf8');
    expect(text.match(/<section class="violation"/g)).toHaveLength(1);
    expect(text).toContain('<dt>Result</dt><dd>violated</dd>');
    expect(text).toContain(`<code>${cxFile}</code>`);
  });

  it('check --coverage: its table and warning on the --html pages and on the page of its --json output', () => {
    // Nothing ever enters the socket: socket-read never fires.
    const dir = join(tmp, 'coverage');
    const args = ['--ops', 'splice,write,pipe-read,socket-read', '--pages', '1', '--depth', '3', '--coverage'];
    const c = pipecheck('check', ...args, '--out', join(dir, 'cx'), '--html', join(dir, 'html'), '--json');
    expect(c.status).toBe(1);
    const pages = readdirSync(join(dir, 'html')).map((f) => readFileSync(join(dir, 'html', f), 'utf8'));
    writeFileSync(join(dir, 'check.json'), c.stdout);
    expect(pipecheck('report', join(dir, 'check.json'), '-o', join(dir, 'x.html')).status).toBe(0);
    for (const text of [...pages, readFileSync(join(dir, 'x.html'), 'utf8')]) {
      expect(text).toContain('<table class="coverage"><caption>Coverage: per operation');
      expect(text).toMatch(/<tr><th scope="row">write<\/th><td>\d+ of \d+<\/td><td>\d+<\/td><td>\d+<\/td><\/tr>/);
      expect(text).toContain('<tr><th scope="row">socket-read</th><td>0 of 4</td><td>0</td><td>0</td></tr>');
      expect(text).toContain('<p class="warning">Never fired within the bounds: socket-read.');
    }
    // Without --coverage, no table.
    expect(readFileSync(cxFile.replace(/\.json$/, '.html'), 'utf8')).not.toContain('class="coverage"');
  });

  it('a malformed counterexample: exit 2 naming the file and the field; nothing written', () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir);
    const cx = JSON.parse(readFileSync(cxFile, 'utf8'));
    cx.violation.step = 'last';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(cx));
    const r = pipecheck('report', bad, '-o', join(dir, 'bad.html'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pipecheck report: ${bad}: not a valid counterexample:`);
    expect(r.stderr).toContain('  - violation.step: ');
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('a check report naming a counterexample that is not there: exit 2 naming the field; nothing written', () => {
    const report = JSON.parse(check.stdout);
    report.violations[0].counterexample = join(tmp, 'gone.json');
    const file = join(tmp, 'gone-report.json');
    writeFileSync(file, JSON.stringify(report));
    const r = pipecheck('report', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: violations[0].counterexample: ${join(tmp, 'gone.json')}: no such file`);
    expect(existsSync(join(tmp, 'gone-report.html'))).toBe(false);
  });

  it('a file that is not there, or not JSON: exit 2', () => {
    const missing = pipecheck('report', join(tmp, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      `cannot read the counterexample or check report: no such file: ${join(tmp, 'nope.json')}`,
    );
    const notJson = join(tmp, 'text.json');
    writeFileSync(notJson, 'hello');
    const r = pipecheck('report', notJson);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not JSON');
  });

  it('an output that cannot be written: exit 2, no temporary left', () => {
    const r = pipecheck('report', cxFile, '-o', join(tmp, 'no-such-dir', 'x.html'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot write ${join(tmp, 'no-such-dir', 'x.html')}`);
    expect(existsSync(join(tmp, 'no-such-dir'))).toBe(false);
  });
});
