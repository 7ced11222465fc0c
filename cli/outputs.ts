/**
 * Every path a command writes to is checked before any work starts (a search
 * can take minutes): a refusal is a usage error (exit 2) naming the option
 * and the path. Nothing is created by the check.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkWritableDir, checkWritableFile } from '../counterexamples/file.js';
import { UsageError } from './exit.js';

/** `flag DIR` (e.g. `--out`): a directory files will be written into. */
export function checkOutputDir(flag: string, dir: string, what = 'counterexamples'): void {
  try {
    checkWritableDir(dir);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot write ${what} there: ${(e as Error).message}`);
  }
}

/** `flag FILE` (e.g. `-o`; the default path when no flag was given): a file that will be written. */
export function checkOutputFile(flag: string | undefined, file: string): void {
  try {
    checkWritableFile(file);
  } catch (e) {
    throw new UsageError(`${flag === undefined ? '' : `${flag} `}${file}: cannot write it: ${(e as Error).message}`);
  }
}

/** The interface's default for --out (docs/cli.md, interface.md). */
export const DEFAULT_OUT = 'counterexamples';
/** Where counterexamples go instead when DEFAULT_OUT is a folder of source code (a clone of pipecheck). */
export const DEFAULT_OUT_BESIDE_SOURCES = 'pipecheck-counterexamples';

/** Source code, as opposed to what pipecheck writes (counterexamples, reports, exported tests). */
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|c|h|cc|cpp|rs|go|py)$/;
const EXPORTED_TEST = /--[0-9a-f]{8}\.test\.ts$/;

/** Source files in `dir` (not pipecheck's own outputs); none when it does not exist. */
export function sourceFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => SOURCE.test(n) && !EXPORTED_TEST.test(n)).sort();
}

/**
 * `--out`, else ./counterexamples, unless that folder holds source code
 * (as it does in a clone of pipecheck, where counterexamples/ is the
 * module that writes them): then ./pipecheck-counterexamples, said on
 * stderr, so found files never land among sources.
 */
export function outDirOf(out: string | undefined, err: (line: string) => void, cwd = '.'): string {
  if (out !== undefined) return out;
  const sources = sourceFilesIn(join(cwd, DEFAULT_OUT));
  if (sources.length === 0) return DEFAULT_OUT;
  const some = sources.slice(0, 3).join(', ') + (sources.length > 3 ? ', ...' : '');
  err(
    `note: ./${DEFAULT_OUT} holds source code (${some}); ` +
      `counterexamples go to ./${DEFAULT_OUT_BESIDE_SOURCES} instead (--out DIR to choose)`,
  );
  return DEFAULT_OUT_BESIDE_SOURCES;
}
