/**
 * A report whose counterexamples are written after it is built, all together
 * or not at all (check and simulate alike): the builder is given a writer
 * that queues a counterexample and returns the path it will have. When the
 * files cannot be written, none is, the report loses their paths, and the
 * error says why.
 */
import { join } from 'node:path';
import { counterexampleFileName, writeCounterexamples } from '../counterexamples/file.js';
import type { Counterexample } from '../counterexamples/format.js';

interface WithCounterexamples {
  readonly violations: readonly { readonly counterexample?: string | undefined }[];
}

export interface WrittenReport<R> {
  readonly report: R;
  /** The counterexamples written (or that could not be). */
  readonly written: readonly Counterexample[];
  readonly writeError?: string;
}

export function writtenReport<R extends WithCounterexamples>(
  outDir: string,
  build: (write: (cx: Counterexample) => string) => R,
): WrittenReport<R> {
  const pending: Counterexample[] = [];
  const report = build((cx) => {
    pending.push(cx);
    return join(outDir, counterexampleFileName(cx));
  });
  try {
    writeCounterexamples(outDir, pending);
    return { report, written: pending };
  } catch (e) {
    const writeError = `--out ${outDir}: cannot write the counterexamples (${(e as Error).message}); none was written`;
    const violations = report.violations.map(({ counterexample: _c, ...v }) => v);
    return { report: { ...report, violations }, written: pending, writeError };
  }
}
