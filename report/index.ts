/**
 * HTML reports of counterexamples: `pipecheck report FILE`, and (for
 * `check --html DIR`) one page per violation of a check run. A page is built
 * from a replay on the model (build.ts), rendered to one self-contained HTML
 * document (html.ts) and written atomically (files.ts).
 */
export {
  pageOfCheckReport,
  pageOfCounterexample,
  sectionOf,
  type ReportPage,
  type ReportStep,
  type ViolationSection,
} from './build.js';
export { escapeHtml, renderReportHtml } from './html.js';
export {
  defaultHtmlPath,
  readReportPage,
  writeHtmlReports,
  writeReportPage,
  type HtmlReportsWritten,
} from './files.js';
