/**
 * The one error the library throws for input it cannot use: a malformed
 * scenario, an unknown kernel or invariant, a plugin that does not load. The
 * message names the file and the field; the command line prints it and exits
 * 2, and nothing has been written.
 *
 * @public
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * What a worker thread's failure message stands for: `input-error` (bad
 * input, found while loading or judging: exit 2) is an InputError, any other
 * an Error, with the worker's message.
 */
export function workerFailure(m: { readonly type: 'input-error' | 'error'; readonly message: string }): Error {
  return m.type === 'input-error' ? new InputError(m.message) : new Error(m.message);
}
