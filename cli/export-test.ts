/**
 * `pipecheck export-test FILE [-o OUT.test.ts]`: write a vitest test that
 * replays the counterexample and asserts it reproduces at the recorded step.
 */
import { CounterexampleError } from '../counterexamples/format.js';
import { exportTest, runHint } from '../counterexamples/export-test.js';
import { processIo, type Io } from './io.js';
import { checkOutputFile } from './outputs.js';
import { EXIT, UsageError } from './exit.js';
import type { CliOptions } from './options.js';

export async function exportTestCommand(
  args: readonly string[],
  opts: CliOptions,
  io: Io = processIo,
): Promise<number> {
  const file = args[0]!;
  if (opts.output !== undefined) checkOutputFile('-o', opts.output);
  let out: string;
  try {
    out = exportTest(file, opts.output !== undefined ? { out: opts.output } : {});
  } catch (e) {
    if (e instanceof CounterexampleError) throw new UsageError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.syscall !== undefined) throw new UsageError(`cannot write the test: ${err.message}`);
    throw e;
  }
  io.out(`wrote ${out}`);
  for (const line of runHint(out)) io.out(line);
  return EXIT.ok;
}
