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
