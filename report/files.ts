/**
 * Report pages from files and to files: read a counterexample or a check's
 * `--json` output (with the counterexample file each violation names) into a
 * page, and write pages atomically (a temporary file in the same directory,
 * then a rename), so nothing is ever half-written. Bad input is an
 * InputError naming the file and the field.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../checker/errors.js';
import { readJson } from '../checker/inputs.js';
import type { CheckReport } from '../checker/report.js';
import {
  counterexampleFileName,
  readCounterexample,
  writeFileAtomic,
  writeFilesAllOrNone,
} from '../counterexamples/file.js';
import { CounterexampleError, parseCounterexample, type Counterexample } from '../counterexamples/format.js';
import { jsonFileKind, notACounterexample } from '../counterexamples/kind.js';
import { capProblems, fieldPath } from '../model/field-path.js';
import { ScenarioError } from '../model/scenario.js';
import { checkSummaryOf, pageOfCheckReport, pageOfCounterexample, sectionOf, type ReportPage } from './build.js';
import { renderReportHtml } from './html.js';

/** What a page needs of a check's `--json` output; the rest of the document is not read. */
const CheckReportSchema = z.looseObject({
  result: z.string(),
  complete: z.boolean(),
  kernel: z.string(),
  scenario: z.string().nullable(),
  command: z.string(),
  statesDistinct: z.number(),
  transitions: z.number(),
  depthExplored: z.number(),
  invariants: z.record(z.string(), z.string()),
  coverage: z
    .object({
      operations: z.array(
        z.object({
          op: z.string(),
          steps: z.number(),
          stepsFired: z.number(),
          transitions: z.number(),
          newStates: z.number(),
          byArgument: z.record(
            z.string(),
            z.array(
              z.object({
                value: z.union([z.number(), z.string(), z.boolean()]),
                transitions: z.number(),
                newStates: z.number(),
              }),
            ),
          ),
        }),
      ),
      neverFired: z.array(z.string()),
    })
    .optional(),
  violations: z.array(z.looseObject({ invariant: z.string(), counterexample: z.string().optional() })),
});

type CheckReportJson = z.infer<typeof CheckReportSchema>;

/** `FILE.json` -> `FILE.html` (any other name gets `.html` appended), in the same directory. */
export function defaultHtmlPath(file: string): string {
  const name = basename(file);
  return join(dirname(file), `${name.endsWith('.json') ? name.slice(0, -'.json'.length) : name}.html`);
}

/** Run `build`, turning the model's and the format's input errors into InputErrors. */
function asInputError<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof CounterexampleError || e instanceof ScenarioError) throw new InputError(e.message);
    throw e;
  }
}

/** Whether a parsed JSON document is a check's `--json` output rather than a counterexample. */
function isCheckReport(json: unknown): json is Record<string, unknown> {
  return json !== null && typeof json === 'object' && 'violations' in json && !('format' in json);
}

function parseCheckReport(json: unknown, file: string): CheckReportJson {
  const r = CheckReportSchema.safeParse(json);
  if (!r.success) {
    const problems = capProblems(r.error.issues.map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`));
    throw new InputError(`${file}: not a check report (check --json):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return r.data;
}

/** The counterexample file a report names: as given (relative to the working directory), else next to the report. */
function locate(path: string, reportFile: string): string | undefined {
  if (existsSync(path)) return path;
  const beside = join(dirname(reportFile), path);
  return !isAbsolute(path) && existsSync(beside) ? beside : undefined;
}

/** Read the counterexample of violation `i` of a check report, checking it is that violation's. */
function violationCounterexample(
  v: CheckReportJson['violations'][number],
  i: number,
  file: string,
): { cx: Counterexample; file: string } {
  const field = `violations[${i}].counterexample`;
  if (v.counterexample === undefined) {
    throw new InputError(
      `${file}: ${field}: missing: the report needs the counterexample file of each violation ` +
        '(check writes them to --out; none is written when the trace did not replay or --out failed)',
    );
  }
  const path = locate(v.counterexample, file);
  if (path === undefined) {
    throw new InputError(
      `${file}: ${field}: ${v.counterexample}: no such file (looked in the working directory and next to ${file})`,
    );
  }
  let cx: Counterexample;
  try {
    cx = readCounterexample(path);
  } catch (e) {
    if (e instanceof CounterexampleError) throw new InputError(`${file}: ${field}: ${e.message}`);
    throw e;
  }
  if (cx.invariant !== v.invariant) {
    throw new InputError(
      `${file}: ${field}: ${path} is a counterexample of ${cx.invariant}, ` +
        `but violations[${i}].invariant is ${v.invariant}`,
    );
  }
  return { cx, file: path };
}

/**
 * The page for `file`: a counterexample (`format: "pipecheck-counterexample/1"`)
 * or a check's `--json` output, whose violations' counterexample files are
 * read too (one section each). Throws an InputError naming the file and the
 * field for bad input.
 */
export function readReportPage(file: string): ReportPage {
  const json = readJson(file, 'counterexample or check report');
  return asInputError(() => {
    if (isCheckReport(json)) {
      const report = parseCheckReport(json, file);
      const cxs = report.violations.map((v, i) => violationCounterexample(v, i, file));
      return pageOfCheckReport(report, file, cxs);
    }
    const otherKind = notACounterexample(file, jsonFileKind(json));
    if (otherKind !== undefined) throw new InputError(`${file}: ${otherKind}`);
    return pageOfCounterexample(parseCounterexample(json, file), file);
  });
}

/** Write `page` as HTML to `out`, atomically. */
export function writeReportPage(out: string, page: ReportPage): void {
  writeFileAtomic(out, renderReportHtml(page));
}

/** What `writeHtmlReports` did: the pages written, and the violations that have no page, with why. */
export interface HtmlReportsWritten {
  readonly files: readonly string[];
  readonly skipped: readonly { readonly invariant: string; readonly reason: string }[];
}

/** The counterexample of violation `v`: one of `given` (by file name, else by invariant), else its file. */
function counterexampleFor(v: CheckReport['violations'][number], given: readonly Counterexample[]): Counterexample {
  const named = v.counterexample === undefined ? undefined : basename(v.counterexample);
  const match = given.find((cx) =>
    named === undefined ? cx.invariant === v.invariant : counterexampleFileName(cx) === named,
  );
  if (match) return match;
  if (v.counterexample === undefined) throw new InputError(`${v.invariant}: no counterexample`);
  return asInputError(() => readCounterexample(v.counterexample!));
}

/**
 * One HTML page per violation of a check run, into `dir` (created if
 * needed), named as its counterexample with `.html`: for `check --html DIR`.
 * `counterexamples` are the run's counterexamples (those not given are read
 * from the files the report names). A violation without a counterexample (its
 * trace did not replay) is skipped and said so. All pages or none are written.
 */
export function writeHtmlReports(
  dir: string,
  report: CheckReport,
  counterexamples: readonly Counterexample[] = [],
): HtmlReportsWritten {
  const skipped: { invariant: string; reason: string }[] = [];
  const pages: { path: string; text: string }[] = [];
  for (const v of report.violations) {
    if (v.counterexample === undefined && !counterexamples.some((cx) => cx.invariant === v.invariant)) {
      skipped.push({ invariant: v.invariant, reason: v.replayError ?? 'no counterexample was written' });
      continue;
    }
    const cx = counterexampleFor(v, counterexamples);
    const source = v.counterexample ?? counterexampleFileName(cx);
    const page: ReportPage = {
      title: `pipecheck: ${cx.invariant} on ${cx.kernel} (${source})`,
      source,
      check: checkSummaryOf(report),
      sections: [asInputError(() => sectionOf(cx, source))],
    };
    pages.push({ path: join(dir, defaultHtmlPath(counterexampleFileName(cx))), text: renderReportHtml(page) });
  }
  if (pages.length > 0) {
    mkdirSync(dir, { recursive: true });
    writeFilesAllOrNone(pages);
  }
  return { files: pages.map((p) => p.path), skipped };
}
