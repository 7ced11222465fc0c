/**
 * Exit codes (README: Command line) and the one error type the commands throw for
 * bad usage. Only the command line maps results to exit codes.
 *
 * - 0: every invariant holds and the search was exhaustive within the bounds;
 * - 1: a violation was found (`conform`: model and kernel disagree;
 *      `replay`: the violation reproduces);
 * - 2: bad usage or bad input (nothing is written); also a plugin that threw
 *      when nothing else decided the run;
 * - 3: a limit (states, time, interrupt) stopped the search before it was
 *      exhaustive and nothing was violated.
 */
import { InputError } from '../checker/errors.js';
import type { ExploreResult } from '../explorer/result.js';

export const EXIT = { ok: 0, violated: 1, usage: 2, incomplete: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage: the message is printed to stderr as is, and the exit code is 2 (as for bad input). */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Exit code of an exploration: 1 a violation; else 3 a limit stopped the
 * search; else 2 when a plugin threw (its verdict is unknown, so the run
 * cannot say 0); else 0.
 */
export function exitCodeOf(result: ExploreResult<unknown>): ExitCode {
  if (result.status === 'violated') return EXIT.violated;
  if (result.status === 'incomplete') return EXIT.incomplete;
  if (result.propertyErrors.length > 0) return EXIT.usage;
  return EXIT.ok;
}
