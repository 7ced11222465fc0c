/**
 * `pipecheck report FILE.json [-o OUT.html]`: one self-contained HTML page
 * (inline CSS and JavaScript, nothing loaded from anywhere) for a
 * counterexample, or for a check's `--json` output (one section per
 * violation, from the counterexample files it names). Bad input exits 2
 * naming the file and the field, and nothing is written.
 */
import { readReportPage, defaultHtmlPath, writeReportPage } from '../report/files.js';
import { EXIT, UsageError } from './exit.js';
import { processIo, type Io } from './io.js';
import { checkOutputFile } from './outputs.js';
import type { CliOptions } from './options.js';

export async function reportCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const file = args[0]!;
  const page = readReportPage(file);
  const out = opts.output ?? defaultHtmlPath(file);
  checkOutputFile(opts.output === undefined ? undefined : '-o', out);
  try {
    writeReportPage(out, page);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  const damaged = page.sections.filter((s) => s.damagingStep !== undefined).map((s) => `step ${s.damagingStep! + 1}`);
  const marked = damaged.length > 0 ? `; the step that changed data in the pipe: ${damaged.join(', ')}` : '';
  const n = page.sections.length;
  io.out(`wrote ${out} (${n} violation${n === 1 ? '' : 's'}${marked})`);
  return EXIT.ok;
}
