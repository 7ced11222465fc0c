/**
 * `pipecheck export-itf FILE [-o OUT.itf.json]`: the counterexample as an ITF
 * trace (the Informal Trace Format of Apalache and Quint), one state per step.
 */
import { dirname, basename, join } from 'node:path';
import { readCounterexample, writeFileAtomic } from '../counterexamples/file.js';
import { CounterexampleError } from '../counterexamples/format.js';
import { toItf } from '../replay/itf.js';
import { processIo, type Io } from './io.js';
import { checkOutputFile } from './outputs.js';
import { EXIT, UsageError } from './exit.js';
import type { CliOptions } from './options.js';

export async function exportItfCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0]!;
  let itf;
  try {
    itf = toItf(readCounterexample(file), file);
  } catch (e) {
    if (e instanceof CounterexampleError) throw new UsageError(e.message);
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const out = opts.output ?? join(dirname(file), `${basename(file, '.json')}.itf.json`);
  checkOutputFile(opts.output === undefined ? undefined : '-o', out);
  try {
    writeFileAtomic(out, `${JSON.stringify(itf, null, 2)}\n`);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  io.out(`wrote ${out} (${itf.states.length} states, vars ${itf.vars.join(', ')})`);
  return EXIT.ok;
}
