/**
 * `pipecheck conform [--fs DIR] [--runs N] [--seed S]`: the differential test
 * of the model against the running kernel, when this build has the oracle
 * (oracle/conform.js, exporting `runConform(opts): Promise<exit code>`).
 */
import { processIo, type Io } from './check.js';
import { UsageError } from './exit.js';
import type { CliOptions } from './options.js';
import { optionalModule } from './replay.js';

export async function conformCommand(_args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const mod = await optionalModule('../oracle/conform.js');
  const runConform = mod?.['runConform'];
  if (typeof runConform !== 'function') {
    throw new UsageError('the live-kernel oracle is not available in this build (oracle/conform.js is missing)');
  }
  const run = runConform as (o: Record<string, unknown>) => Promise<number>;
  return run({
    ...(opts.fs !== undefined ? { fs: opts.fs } : {}),
    ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    log: io.out,
  });
}
