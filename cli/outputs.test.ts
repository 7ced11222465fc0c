import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';
import { UsageError } from './exit.js';
import { exportTestCommand } from './export-test.js';
import type { Io } from './io.js';
import { checkOutputDir, checkOutputFile, outDirOf } from './outputs.js';
import { reportCommand } from './report.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const io: Io = { out: () => {}, err: () => {} };
const CX = 'counterexamples/classic/truncate.json';

describe('output paths are refused before any work, naming the option and the path', () => {
  // Even root may not create files in proc or sysfs; access(2) says W_OK there, so it is not enough.
  it.each(['/proc/nope', '/proc/nope/deeper', '/sys/nope', '/proc'])(
    '--out %s is refused (no mkdir is tried)',
    (dir) => {
      expect(() => checkOutputDir('--out', dir)).toThrow(UsageError);
      expect(() => checkOutputDir('--out', dir)).toThrow(`--out ${dir}: cannot write counterexamples there`);
      expect(() => checkOutputDir('--out', dir)).toThrow(/pseudo file system/);
      expect(existsSync('/proc/nope')).toBe(false);
    },
  );

  it('a writable directory, existing or not yet, passes; nothing is created', () => {
    checkOutputDir('--out', tmp);
    checkOutputDir('--out', join(tmp, 'a', 'b'));
    expect(existsSync(join(tmp, 'a'))).toBe(false);
  });

  it('a file in the way, or a directory given as a file, is refused', () => {
    const f = join(tmp, 'plain');
    writeFileSync(f, 'x');
    expect(() => checkOutputDir('--out', join(f, 'sub'))).toThrow(/is a file, not a directory/);
    expect(() => checkOutputFile('-o', tmp)).toThrow(`-o ${tmp}: cannot write it: `);
    expect(() => checkOutputFile('-o', '/proc/nope/x.html')).toThrow(/-o \/proc\/nope\/x.html: .*pseudo file system/);
  });

  it('check --out /sys/nope exits 2 before the search (it used to search, print, then exit 2)', async () => {
    await expect(checkCommand([], { out: '/sys/nope' }, io)).rejects.toThrow('--out /sys/nope: cannot write');
    await expect(checkCommand([], { out: '/proc/nope' }, io)).rejects.toThrow(UsageError);
    await expect(checkCommand([], { out: tmp, html: '/proc/nope' }, io)).rejects.toThrow('--html /proc/nope');
  });

  it('report -o and export-test -o under /proc are refused, not spun on', async () => {
    await expect(reportCommand([CX], { output: '/proc/nope/r.html' }, io)).rejects.toThrow('-o /proc/nope/r.html');
    await expect(exportTestCommand([CX], { output: '/proc/nope/t.test.ts' }, io)).rejects.toThrow(
      '-o /proc/nope/t.test.ts',
    );
  });
});

describe('the default --out is never a folder of source code (issue 23)', () => {
  it('in a clone of pipecheck (counterexamples/ holds its .ts sources): ./pipecheck-counterexamples, said', () => {
    const notes: string[] = [];
    expect(outDirOf(undefined, (l) => notes.push(l))).toBe('pipecheck-counterexamples');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^note: \.\/counterexamples holds source code \(build\.ts, .*\); /);
    expect(notes[0]).toMatch(/counterexamples go to \.\/pipecheck-counterexamples instead \(--out DIR to choose\)$/);
  });

  it("in a user's project: ./counterexamples, even with what pipecheck wrote there (JSON, HTML, tests)", () => {
    const project = join(tmp, 'project');
    mkdirSync(join(project, 'counterexamples'), { recursive: true });
    const notes: string[] = [];
    expect(outDirOf(undefined, (l) => notes.push(l), project)).toBe('counterexamples');
    for (const f of ['linux--data-stability--1a2b3c4d.json', 'linux--data-stability--1a2b3c4d.html']) {
      writeFileSync(join(project, 'counterexamples', f), '{}');
    }
    writeFileSync(join(project, 'counterexamples', 'linux--data-stability--1a2b3c4d.test.ts'), '');
    expect(outDirOf(undefined, (l) => notes.push(l), project)).toBe('counterexamples');
    expect(notes).toEqual([]);
  });

  it('--out given is taken as given, sources or not', () => {
    expect(outDirOf('counterexamples', () => {})).toBe('counterexamples');
  });
});
