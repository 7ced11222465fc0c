/**
 * Every path a command writes to is checked before any work starts (a search
 * can take minutes): a refusal is a usage error (exit 2) naming the option
 * and the path. Nothing is created by the check.
 */
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
