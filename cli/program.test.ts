import { describe, expect, it } from 'vitest';
import { OPTIONS, flagOf } from './options.js';
import { COMMANDS, CommanderError, parseCommandLine, type ProgramIo } from './program.js';

const quiet: ProgramIo = { writeOut: () => {}, writeErr: () => {} };

describe('the command line parser (built from the one option table)', () => {
  it('parses check with repeatable and list options, loading no command', () => {
    const inv = parseCommandLine(
      [
        'check',
        's.json',
        '--kernel',
        'copy',
        '--ops',
        'splice,write',
        '--ops',
        'pipe-read',
        '--folio-pages',
        '2',
        '--invariant',
        'a',
        '--invariant',
        'b',
        '--plugin',
        'p.ts',
        '--json',
        '--max-states',
        '10',
        '--timeout',
        '1.5',
      ],
      quiet,
    );
    expect(inv?.command.name).toBe('check');
    expect(inv?.args).toEqual(['s.json']);
    expect(inv?.options).toEqual({
      kernel: 'copy',
      ops: ['splice', 'write', 'pipe-read'],
      folioPages: 2,
      invariant: ['a', 'b'],
      plugin: ['p.ts'],
      json: true,
      maxStates: 10,
      timeout: 1.5,
    });
  });

  it('parses export-test -o and matrix lists', () => {
    expect(parseCommandLine(['export-test', 'x.json', '-o', 'y.test.ts'], quiet)?.options).toEqual({
      output: 'y.test.ts',
    });
    expect(parseCommandLine(['matrix', '--kernels', 'linux,copy', '--depth', '2'], quiet)?.options).toEqual({
      kernels: ['linux', 'copy'],
      depth: 2,
    });
  });

  it("parses explore: check's options and --port (0 to 65535)", () => {
    expect(parseCommandLine(['explore', 's.json', '--kernel', 'copy', '--port', '8080'], quiet)?.options).toEqual({
      kernel: 'copy',
      port: 8080,
    });
    expect(() => parseCommandLine(['explore', '--port', '65536'], quiet)).toThrow(CommanderError);
    expect(() => parseCommandLine(['explore', '--port', '-1'], quiet)).toThrow(CommanderError);
  });

  it('rejects bad usage with a CommanderError', () => {
    for (const argv of [
      ['check', '--nope'],
      ['check', '--depth', '-1'],
      ['check', '--pages', '1.5'],
      ['replay'],
      ['list'],
      ['check', '--timeout', '0'],
    ]) {
      expect(() => parseCommandLine(argv, quiet), argv.join(' ')).toThrow(CommanderError);
    }
  });

  it('every option in the table is used by some command, and flags are kebab-case', () => {
    const used = new Set(COMMANDS.flatMap((c) => c.options));
    expect([...used].sort()).toEqual(Object.keys(OPTIONS).sort());
    expect(flagOf('folioPages')).toBe('--folio-pages');
    expect(flagOf('maxStates')).toBe('--max-states');
  });
});

describe('--help says what the command does (issue 23)', () => {
  const help = (cmd: string): string => {
    let text = '';
    const io: ProgramIo = { writeOut: (s) => (text += s), writeErr: (s) => (text += s) };
    expect(() => parseCommandLine([cmd, '--help'], io)).toThrow(CommanderError);
    return text.replace(/\s+/g, ' ');
  };

  it('check: the default scenario is the core operations; every bound shows its default', () => {
    expect(COMMANDS.find((c) => c.name === 'check')?.summary).toContain('default: the core operations');
    expect(COMMANDS.find((c) => c.name === 'matrix')?.summary).toContain('default: the core operations');
    const text = help('check');
    expect(text).toContain("--pages <N> pages the file may span (default: the scenario's, else 2)");
    expect(text).toMatch(/--depth <N> .*\(default: the scenario's, else \d+ \(\d+ without a scenario\)\)/);
  });

  it('report -o defaults to NAME.html; export-test to NAME.test.ts', () => {
    expect(help('report')).toContain('(default: next to FILE: NAME.html)');
    expect(help('report')).not.toContain('test.ts');
    expect(help('export-test')).toContain('(default: next to FILE: NAME.test.ts)');
  });

  it("simulate's --runs is about walks, conform's about step sequences", () => {
    expect(help('simulate')).toContain('--runs <N> random walks to run (default: 10000)');
    expect(help('simulate')).not.toContain('conform');
    expect(help('conform')).toContain('--runs <N> random step sequences to run (default: 200)');
  });
});

describe('--all-violations says precisely what it lists (issue 23)', () => {
  it('one trace per state and violating step, minimized, duplicates once', () => {
    const d = OPTIONS.allViolations.description;
    expect(d).toContain('minimized');
    expect(d).toContain('one per distinct state before the violating step');
  });
});
