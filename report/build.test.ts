/**
 * Report pages' data: real counterexamples replayed (the seed's reproducer
 * as the checker finds it, the classic files), a check's --json output with
 * the counterexample files it names, bad input named by file and field, and
 * one page per violation for `check --html`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../checker/errors.js';
import { writeCounterexample } from '../counterexamples/file.js';
import { parseCounterexample, type Counterexample } from '../counterexamples/format.js';
import { formatStep } from '../model/step.js';
import { ROOT } from '../test-support/imports.js';
import { checkDataStability, SEED_REPRODUCER, seedCounterexample } from '../test-support/seed-counterexample.js';
import { pageOfCounterexample, sectionOf } from './build.js';
import { defaultHtmlPath, readReportPage, writeHtmlReports } from './files.js';

const CLASSIC = join(ROOT, 'counterexamples', 'classic');
const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-report-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function readClassic(name: string): Counterexample {
  return parseCounterexample(JSON.parse(readFileSync(join(CLASSIC, name), 'utf8')));
}

describe("a counterexample's section", () => {
  const cx = seedCounterexample();
  const s = sectionOf(cx, 'seed.json');

  it("the seed's reproducer: five steps of wilcox, the second write damaging, the read violating", () => {
    expect(s.processes).toEqual(['wilcox']);
    expect(s.steps.map((st) => st.text)).toEqual(cx.trace.map((st) => formatStep(st)));
    expect(s.steps.every((st) => st.process === 'wilcox' && st.replayed)).toBe(true);
    expect(s.damagingStep).toBe(3);
    expect(s.violatingStep).toBe(4);
    expect(s.judgement).toEqual({ kind: 'reproduced', step: 4, message: cx.violation.message });
    expect(s.reader).toEqual({ pipe: 0, expected: [1, 0], observed: [2, 0] });
  });

  it('the header facts come from the file and the model', () => {
    expect(s).toMatchObject({ kernel: 'linux', invariant: 'data-stability', fs: 'ext4', bounds: cx.bounds });
    expect(s.command).toBe(cx.command);
    expect(s.invariantDescription).toMatch(/pipe reader sees exactly/);
    expect(s.kernelSummary).toMatch(/zero copy/);
    expect(s.message).toBe('the reader of pipe 0 expected [1, 0] (what entered the pipe) but saw [2, 0]');
  });

  it("each step's state is the model's: the file, the page cache and the pipe with its ghost", () => {
    expect(s.initial.size).toBe(0);
    expect(s.steps[0]!.changes).toContain('file size 0 -> 2 cells');
    const afterSplice = s.steps[2]!.state;
    expect(afterSplice.pipes[0]!.buffers).toMatchObject([{ cells: [1, 0], ghost: [1, 0] }]);
    const afterWrite = s.steps[3]!.state;
    expect(afterWrite.file).toEqual([2, 0]);
    expect(afterWrite.pageCache).toEqual([afterWrite.folios[0]!.id]);
    expect(afterWrite.folios[0]).toMatchObject({ cells: [2, 0], dirty: true, pipeRefs: 1 });
    expect(afterWrite.pipes[0]!.buffers).toMatchObject([{ cells: [2, 0], ghost: [1, 0] }]);
    expect(s.steps[4]!.observed).toEqual({ pipe: 0, observed: [2, 0], expected: [1, 0] });
    expect(s.steps[4]!.state.pipes[0]!.buffers).toEqual([]);
  });

  it("Whitlock's punch: a column per process in the scenario's order, the punch damaging", () => {
    const w = sectionOf(readClassic('whitlock-punch-large-folio.json'), 'w.json');
    expect(w.processes).toEqual(['backup', 'reader']);
    expect(w.steps.map((st) => st.process)).toEqual(['backup', 'backup', 'reader']);
    expect(w.damagingStep).toBe(1);
    expect(w.reader).toEqual({ pipe: 0, expected: [1, 1], observed: [0, 0] });
  });

  it('Dirty Pipe (file-integrity): no damaging step and no reader, the violation on the last step', () => {
    const d = sectionOf(readClassic('dirty-pipe.json'), 'd.json');
    expect(d.processes).toEqual(['env']);
    expect(d.damagingStep).toBeUndefined();
    expect(d.reader).toBeUndefined();
    expect(d.violatingStep).toBe(3);
    expect(d.judgement.kind).toBe('reproduced');
  });

  it("a plugin's invariant is not judged again: the recorded violation is shown", () => {
    const w = readClassic('whitlock-punch-large-folio.json');
    const p = sectionOf({ ...w, invariant: 'no-zero-read' }, 'p.json');
    expect(p.judgement.kind).toBe('not-judged');
    expect(p.message).toBe(w.violation.message);
    expect(p.damagingStep).toBe(1);
  });

  it('a trace that stops replaying: the steps before it, the stopping step flagged, why', () => {
    const w = readClassic('write.json');
    const bad = { ...w, trace: [w.trace[0]!, { ...w.trace[1]!, process: 'nobody' }, w.trace[2]!] };
    const b = sectionOf(bad, 'bad.json');
    expect(b.steps.map((st) => st.replayed)).toEqual([true, false]);
    expect(b.stopped).toMatch(/step 2 says nobody runs write/);
    expect(b.judgement.kind).toBe('not-reproduced');
  });
});

describe('pages from files', () => {
  const { report, counterexamples } = checkDataStability(SEED_REPRODUCER, join(tmp, 'out'));
  const cxFile = writeCounterexample(join(tmp, 'out'), counterexamples[0]!);
  const reportFile = join(tmp, 'check.json');
  writeFileSync(reportFile, JSON.stringify(report, null, 2));

  it('FILE.json -> FILE.html', () => {
    expect(defaultHtmlPath('out/a--b--c.json')).toBe(join('out', 'a--b--c.html'));
    expect(defaultHtmlPath('x.txt')).toBe('x.txt.html');
  });

  it("a check's --json: its summary, one section per violation from the file it names", () => {
    const page = readReportPage(reportFile);
    expect(report.violations[0]!.counterexample).toBe(cxFile);
    expect(page.check).toMatchObject({ result: 'violated', kernel: 'linux', command: report.command });
    expect(page.check!.invariants).toEqual([['data-stability', 'violated']]);
    expect(page.sections.map((s) => [s.file, s.damagingStep])).toEqual([[cxFile, 3]]);
  });

  it('a counterexample named relative to the report file is found next to it', () => {
    const relative = {
      ...report,
      violations: [{ ...report.violations[0]!, counterexample: 'out/' + cxFile.split('/').pop() }],
    };
    const file = join(tmp, 'relative.json');
    writeFileSync(file, JSON.stringify(relative));
    expect(readReportPage(file).sections[0]!.file).toBe(cxFile);
  });

  const bad: [string, unknown, RegExp][] = [
    [
      'no counterexample',
      { violations: [{ invariant: 'data-stability' }] },
      /violations\[0\]\.counterexample: missing/,
    ],
    [
      'a missing file',
      { violations: [{ invariant: 'data-stability', counterexample: 'nowhere/x.json' }] },
      /violations\[0\]\.counterexample: nowhere\/x\.json: no such file/,
    ],
    [
      'the wrong invariant',
      { violations: [{ invariant: 'pipe-fifo', counterexample: 'CX' }] },
      /is a counterexample of data-stability, but violations\[0\]\.invariant is pipe-fifo/,
    ],
    ['a bad field', { violations: [], statesDistinct: 'many' }, /statesDistinct: /],
  ];
  for (const [what, patch, message] of bad) {
    it(`a check report with ${what} is an InputError naming the file and the field`, () => {
      const text = JSON.stringify({ ...report, ...(patch as object) }).replace('"CX"', JSON.stringify(cxFile));
      const file = join(tmp, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, text);
      expect(() => readReportPage(file)).toThrow(InputError);
      expect(() => readReportPage(file)).toThrow(message);
      expect(() => readReportPage(file)).toThrow(file);
    });
  }

  it('a malformed counterexample is an InputError naming the field', () => {
    const cx = JSON.parse(readFileSync(cxFile, 'utf8')) as { trace: { op: string }[] };
    cx.trace[1]!.op = 'scribble';
    const file = join(tmp, 'malformed.json');
    writeFileSync(file, JSON.stringify(cx));
    expect(() => readReportPage(file)).toThrow(InputError);
    expect(() => readReportPage(file)).toThrow(/malformed\.json: not a valid counterexample:\n {2}- trace\[1\]\.op/);
  });

  it('a counterexample page has one section; its title names the file', () => {
    const page = readReportPage(cxFile);
    expect(page.check).toBeUndefined();
    expect(page.sections).toHaveLength(1);
    expect(page.title).toContain(cxFile);
    expect(pageOfCounterexample(counterexamples[0]!, 'x.json').sections[0]!.damagingStep).toBe(3);
  });
});

describe('writeHtmlReports (check --html DIR)', () => {
  const { report, counterexamples } = checkDataStability(SEED_REPRODUCER, join(tmp, 'never-written'));

  it('one page per violation, named as its counterexample, from the counterexamples given', () => {
    const dir = join(tmp, 'html');
    const r = writeHtmlReports(dir, report, counterexamples);
    expect(r.skipped).toEqual([]);
    expect(r.files).toEqual([
      join(dir, report.violations[0]!.counterexample!.split('/').pop()!.replace('.json', '.html')),
    ]);
    expect(readdirSync(dir)).toEqual([r.files[0]!.split('/').pop()]);
    const text = readFileSync(r.files[0]!, 'utf8');
    expect(text).toContain('⚠ this step changed data already in the pipe');
    expect(text).toContain(report.command);
  });

  it('a violation without a counterexample is skipped, saying why; nothing else is written', () => {
    const dir = join(tmp, 'html-none');
    const without = { ...report, violations: report.violations.map(({ counterexample: _c, ...v }) => v) };
    const r = writeHtmlReports(dir, without);
    expect(r.files).toEqual([]);
    expect(r.skipped).toEqual([{ invariant: 'data-stability', reason: 'no counterexample was written' }]);
    expect(() => readdirSync(dir)).toThrow();
  });
});
