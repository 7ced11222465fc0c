/**
 * Reading a JSON input file (a scenario, a counterexample, a check report):
 * what cannot be read is said in words ("no such file: PATH"), and a syntax
 * error is placed at FILE:LINE:COLUMN with the line and a caret under the
 * spot. JSON.parse decides what is valid (strict JSON); jsonc-parser, in
 * strict mode, only says where the first error is. A UTF-8 byte order mark
 * is accepted (editors on Windows write one) and never shown.
 */
import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';

/** Why `file` could not be read, in words, naming the path. */
export function readProblem(file: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return `no such file: ${file}`;
    case 'EISDIR':
      return `${file} is a directory, not a file`;
    case 'ENOTDIR':
      return `no such file: ${file} (a part of the path is a file, not a directory)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${file}`;
    default:
      return `${file}: ${err.message}`;
  }
}

/** A JSON syntax error, placed: 1-based line and column (in characters), what is wrong, the line with a caret. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
    readonly excerpt: string,
  ) {
    super(`${source}:${line}:${column}: ${problem}\n${excerpt}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Strict JSON.parse of `text` (a leading BOM skipped); a syntax error is a JsonSyntaxError naming `source`. */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw placed(body, source, (e as Error).message);
  }
}

function placed(text: string, source: string, fallback: string): JsonSyntaxError {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // JSON.parse refused what jsonc-parser accepts (none known): place it at the start, with JSON.parse's words.
  const first: ParseError = errors[0] ?? { error: 1 as ParseErrorCode, offset: 0, length: 0 }; // 1: InvalidSymbol
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = first.offset - lineStart + 1;
  const lineEnd = text.indexOf('\n', first.offset);
  const shown = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  // A long line (a minified file) is shown around the spot only.
  const from = Math.max(0, column - 1 - 40);
  const excerpt = `${from > 0 ? '...' : ''}${shown.slice(from, column - 1 + 40)}`;
  const caret = ' '.repeat(column - 1 - from + (from > 0 ? 3 : 0));
  const problem = errors[0] === undefined ? fallback : describe(printParseErrorCode(first.error), text, first);
  return new JsonSyntaxError(source, line, column, problem, `    ${excerpt}\n    ${caret}^`);
}

function describe(code: string, text: string, e: ParseError): string {
  const found =
    e.offset >= text.length
      ? 'the end of the file'
      : JSON.stringify(text.slice(e.offset, e.offset + Math.max(1, Math.min(e.length, 20))));
  switch (code) {
    case 'ValueExpected':
      return `a value was expected, found ${found}`;
    case 'PropertyNameExpected':
      return `a property name in double quotes was expected, found ${found}`;
    case 'CommaExpected':
      return `a comma was expected, found ${found}`;
    case 'ColonExpected':
      return `a colon was expected, found ${found}`;
    case 'CloseBraceExpected':
      return `'}' was expected, found ${found}`;
    case 'CloseBracketExpected':
      return `']' was expected, found ${found}`;
    case 'EndOfFileExpected':
      return `the end of the file was expected, found ${found}`;
    case 'InvalidCommentToken':
      return 'comments are not allowed in JSON';
    case 'InvalidSymbol':
      return `${found} is not JSON (strings and names take double quotes)`;
    default:
      return `${code}, found ${found}`;
  }
}

/**
 * The JSON value in `file`; throws `new Err(message)` with `cannot read the
 * WHAT: no such file: FILE` (and the like) or `FILE:LINE:COLUMN: the WHAT is
 * not JSON: ...` and the line with a caret.
 */
export function readJsonFile(file: string, what: string, Err: new (message: string) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Err(`cannot read the ${what}: ${readProblem(file, e)}`);
  }
  try {
    return parseJsonText(text, file);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new Err(`${file}:${e.line}:${e.column}: the ${what} is not JSON: ${e.problem}\n${e.excerpt}`);
  }
}
