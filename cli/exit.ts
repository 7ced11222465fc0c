/**
 * Exit codes (interface.md) and the one error type the commands throw for
 * bad usage or bad input.
 *
 * - 0: every invariant holds and the search was exhaustive within the bounds;
 * - 1: a violation was found (`conform`: model and kernel disagree;
 *      `replay`: the violation reproduces);
 * - 2: bad usage or bad input (nothing is written); also a plugin that threw
 *      when nothing else decided the run (see check.ts);
 * - 3: a limit (states, time, interrupt) stopped the search before it was
 *      exhaustive and nothing was violated.
 */
export const EXIT = { ok: 0, violated: 1, usage: 2, incomplete: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage or bad input: the message is printed to stderr as is, and the exit code is 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
