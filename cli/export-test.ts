/**
 * `pipecheck export-test FILE [-o OUT.test.ts]`: write a vitest test that
 * replays the counterexample and asserts it reproduces at the recorded step.
 */
import { InputError } from '../checker/errors.js';
import { resolveInvariants } from '../checker/inputs.js';
import { readCounterexample } from '../counterexamples/file.js';
import { CounterexampleError } from '../counterexamples/format.js';
import { exportTest, runHint } from '../replay/export-test.js';
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
    if (opts.plugin !== undefined) await checkPluginsDefine(file, opts.plugin);
    out = exportTest(file, {
      ...(opts.output !== undefined ? { out: opts.output } : {}),
      ...(opts.plugin !== undefined ? { plugins: opts.plugin } : {}),
    });
  } catch (e) {
    if (e instanceof CounterexampleError || e instanceof InputError) throw new UsageError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.syscall !== undefined) throw new UsageError(`cannot write the test: ${err.message}`);
    throw e;
  }
  io.out(`wrote ${out}`);
  for (const line of runHint(out)) io.out(line);
  return EXIT.ok;
}

/** The plugins load (as `check --plugin` loads them) and one of them defines the counterexample's invariant. */
async function checkPluginsDefine(file: string, plugins: readonly string[]): Promise<void> {
  const cx = readCounterexample(file);
  const { invariants } = await resolveInvariants([], plugins);
  if (!invariants.some((i) => i.id === cx.invariant)) {
    throw new InputError(`${file}: invariant ${cx.invariant} is defined by none of the plugins given (--plugin)`);
  }
}
