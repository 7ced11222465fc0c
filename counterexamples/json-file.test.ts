import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonText, readJsonFile } from './json-file.js';

/** Stands for the caller's error class (checker's InputError). */
class InputError extends Error {}

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-json-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const messageOf = (text: string): string => {
  try {
    parseJsonText(text, 'f.json');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('a JSON syntax error is placed at FILE:LINE:COLUMN', () => {
  it('a trailing comma in a program: the line, the column, the line itself and a caret', () => {
    const text = '{\n  "processes": [\n    { "program": ["write",] }, "in"\n  ]\n}\n';
    expect(messageOf(text)).toBe(
      'f.json:3:27: a value was expected, found "]"\n' +
        '        { "program": ["write",] }, "in"\n' +
        '                              ^',
    );
  });

  it.each([
    ['{"a":1,}', '1:8: a property name in double quotes was expected, found "}"'],
    ['{"a" 1}', '1:6: a colon was expected'],
    ['{"a":1', "1:7: '}' was expected, found the end of the file"],
    ['{a:1}', '1:2: "a" is not JSON (strings and names take double quotes)'],
    ['{"a":1 // no\n}', '1:8: comments are not allowed'],
    ['{"a":\'x\'}', '1:6: '],
    ['[1,2] 3', '1:7: the end of the file was expected'],
    ['', '1:1: a value was expected, found the end of the file'],
  ])('%j', (text, expected) => {
    expect(messageOf(text)).toContain(`f.json:${expected}`);
  });

  it('a UTF-8 byte order mark is accepted, not shown as an invisible character', () => {
    expect(parseJsonText('\uFEFF{"a":1}', 'f.json')).toEqual({ a: 1 });
    expect(messageOf('\uFEFF{"a":}')).toContain('f.json:1:6: a value was expected');
  });

  it('what cannot be read is said in words, naming the path', () => {
    const missing = join(tmp, 'missing.json');
    expect(() => readJsonFile(missing, 'scenario', InputError)).toThrow(
      `cannot read the scenario: no such file: ${missing}`,
    );
    expect(() => readJsonFile(tmp, 'scenario', InputError)).toThrow(`${tmp} is a directory, not a file`);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{\n  "bounds": {"pages": 1,}\n}\n');
    expect(() => readJsonFile(bad, 'scenario', InputError)).toThrow(
      `${bad}:2:25: the scenario is not JSON: a property name in double quotes was expected, found "}"`,
    );
  });
});
