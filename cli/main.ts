#!/usr/bin/env node
/**
 * pipecheck's command line. Exit codes (docs/cli.md; see exit.ts): 0 holds
 * and exhaustive, 1 violation, 2 bad usage or input, 3 a limit stopped the
 * search.
 */
import { InputError } from '../checker/errors.js';
import { EXIT } from './exit.js';
import { CommanderError, parseCommandLine } from './program.js';
import { isEntry } from './entry.js';

export async function main(argv: readonly string[]): Promise<number> {
  let inv;
  try {
    inv = parseCommandLine(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, `help` and --version exit 0; everything else commander rejects (no command too) is bad usage.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw e;
  }
  if (!inv) return EXIT.usage;
  try {
    const run = await inv.command.load();
    return await run(inv.args, inv.options);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`pipecheck ${inv.command.name}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

/** The reader of stdout went away (`pipecheck check | head`): stop quietly, as a process killed by SIGPIPE. */
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
}

if (isEntry(import.meta.url)) {
  process.stdout.on('error', onStdoutError);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`pipecheck: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
