/**
 * `pipecheck merge REPORT...`: the `simulate --shard I/N --json` reports of
 * one simulation's N shards combined into the report one run of it gives
 * (checker/merge.ts), printed as simulate prints it (or --json), with
 * simulate's exit code: 1 a violation; else 2 a plugin threw; else 3. A file
 * that cannot be read, is not such a report, or is not a shard of the same
 * simulation as the others exits 2, naming it.
 */
import { readFileSync } from 'node:fs';
import { mergeSimulateReports, parseSimulateReport, type ShardInput } from '../checker/merge.js';
import { UsageError } from './exit.js';
import { processIo, type Io } from './io.js';
import type { CliOptions } from './options.js';
import { renderSimulate, simulateExitCode } from './simulate.js';

/** Read and parse each report, naming the file that fails. */
export function readShardReports(files: readonly string[]): ShardInput[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`${file}: cannot read it (${(e as Error).message})`);
    }
    return { file, report: parseSimulateReport(text, file) };
  });
}

export async function mergeCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const merged = mergeSimulateReports(readShardReports(args));
  if (opts.json) io.out(JSON.stringify(merged, null, 2));
  else {
    io.err(`pipecheck merge: ${args.length} shard report${args.length === 1 ? '' : 's'} of one simulation`);
    for (const line of renderSimulate(merged)) io.out(line);
  }
  return simulateExitCode(merged);
}
