/**
 * A report page (report/build.ts) as one self-contained HTML document: inline
 * CSS and inline JavaScript (report/assets.ts), no network, no external file
 * (a Content-Security-Policy forbids any). Everything is in the HTML, so the
 * page reads without JavaScript (tables and <details>); the script only adds
 * a "current step" highlight that the keyboard moves. Every piece of text is
 * escaped: process names and file names are user input. Pure: a value in, a
 * string out.
 */
import { boundsText } from '../model/bounds.js';
import { showCell, showCells } from '../model/cells.js';
import { queueName, SOCKET } from '../model/state.js';
import type { BufferView, FolioView, StateView } from '../model/view.js';
import { CONTENT_SECURITY_POLICY, SCRIPT, STYLE } from './assets.js';
import type { CheckSummary, ReaderView, ReportPage, ReportStep, ViolationSection } from './build.js';

/** HTML that is already safe: `markup` templates produce it, and interpolate it without escaping. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text escaped for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function interpolate(v: Interpolated): string {
  if (v instanceof SafeHtml) return v.text;
  if (Array.isArray(v)) return v.map(interpolate).join('');
  if (v === null || v === undefined || v === false || v === true) return '';
  return escapeHtml(String(v));
}

/**
 * A template of HTML whose interpolations are escaped, unless they are
 * SafeHtml (or arrays of it); null, undefined and booleans give nothing.
 * (Not named `html`: Prettier would reformat the templates as HTML.)
 */
export function markup(strings: TemplateStringsArray, ...values: readonly Interpolated[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** The visible label of the step that changed data already in the pipe. */
export const DAMAGE_LABEL = '⚠ this step changed data already in the pipe';

/** DAMAGE_LABEL, or its socket form when the reader that saw the damage is the socket's peer. */
function damageLabel(s: ViolationSection): string {
  return s.reader?.pipe === SOCKET ? DAMAGE_LABEL.replace(/the pipe$/, 'the socket') : DAMAGE_LABEL;
}

/** Cells as `[1, 0]`, with those that differ from `compare` (same position) marked. */
export function cellsHtml(cells: readonly number[], compare?: readonly number[]): SafeHtml {
  if (compare === undefined) return markup`<code>${showCells(cells)}</code>`;
  const parts = cells.map((c, i) => (c === compare[i] ? markup`${showCell(c)}` : markup`<mark>${showCell(c)}</mark>`));
  return markup`<code>[${parts.map((p, i) => (i === 0 ? p : markup`, ${p}`))}]</code>`;
}

function pagesOf(f: FolioView): string {
  const first = f.cachesPage ?? f.userPage ?? 0;
  return f.pages > 1 ? `${first}-${first + f.pages - 1}` : `${first}`;
}

/** What a folio is for: the file pages it caches, the user page it backs, or a pipe only. */
function folioRole(f: FolioView): string {
  if (f.cachesPage !== null) return `caches file page${f.pages > 1 ? 's' : ''} ${pagesOf(f)}`;
  if (f.userPage !== null) return `backs user page ${f.userPage}`;
  return 'in no page cache (pipe only)';
}

function folioFlags(f: FolioView): string {
  const flags = [f.dirty ? 'dirty' : '', f.uptodate ? 'uptodate' : '', f.mapped ? 'mapped' : ''].filter(Boolean);
  return flags.length > 0 ? flags.join(' ') : '–';
}

function tableOf(caption: string, head: readonly string[], rows: readonly SafeHtml[], cls: string): SafeHtml {
  return markup`<div class="scroll"><table class="${cls}"><caption>${caption}</caption>
<thead><tr>${head.map((h) => markup`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function fileTable(v: StateView, previous: StateView | undefined): SafeHtml {
  const row = (name: string, cells: readonly number[], before: readonly number[] | undefined): SafeHtml =>
    markup`<tr><th scope="row">${name}</th><td>${cellsHtml(cells, before)}</td></tr>`;
  const rows = [
    row('read()', v.file, previous?.file),
    row('disk', v.disk, previous?.disk),
    markup`<tr><th scope="row">size</th><td>${v.size} cells</td></tr>`,
  ];
  const caption = previous ? 'The file (as read() returns it; marked: changed by this step)' : 'The file';
  return tableOf(caption, ['', 'cells'], rows, 'file');
}

function pageCacheTable(v: StateView): SafeHtml {
  const rows = v.pageCache.map((id, page) => {
    const f = id === null ? undefined : v.folios.find((x) => x.id === id);
    const what = f ? `folio ${f.id}${f.pages > 1 ? ` (pages ${pagesOf(f)})` : ''}` : 'not cached';
    return markup`<tr><th scope="row">${page}</th><td>${what}</td></tr>`;
  });
  return tableOf('Page cache: the folio caching each file page', ['file page', 'cached by'], rows, 'page-cache');
}

function foliosTable(v: StateView): SafeHtml {
  if (v.folios.length === 0) return markup`<p class="none">Folios: none.</p>`;
  const rows = v.folios.map(
    (f) => markup`<tr><th scope="row">${f.id}</th><td>${cellsHtml(f.cells)}</td><td>${folioFlags(f)}</td>
<td>${folioRole(f)}</td><td>${f.pipeRefs}</td></tr>`,
  );
  return tableOf('Folios', ['folio', 'cells', 'flags', 'role', 'pipe refs'], rows, 'folios');
}

function userTable(v: StateView): SafeHtml {
  if (v.user.length === 0) return markup`<p class="none">User pages: none.</p>`;
  const rows = v.user.map((cells, u) => markup`<tr><th scope="row">${u}</th><td>${cellsHtml(cells)}</td></tr>`);
  return tableOf('User pages (vmsplice sources)', ['user page', 'cells'], rows, 'user');
}

/** Where a pipe buffer's cells live. */
function bufferSource(v: StateView, b: BufferView): string {
  const f = v.folios.find((x) => x.id === b.folio);
  const where = `page ${b.page}, cells ${b.offset}-${b.offset + b.len - 1}`;
  return f ? `folio ${f.id} (${folioRole(f)}), ${where}` : `folio ${b.folio} (freed), ${where}`;
}

function isDamaged(b: BufferView): boolean {
  return b.cells.some((c, i) => c !== b.ghost[i]);
}

function pipeTable(v: StateView, pipe: number): SafeHtml {
  const buffers = v.pipes[pipe]!.buffers;
  // `Pipe 0`, `Pipe 1`, `The socket`: a socket is not called a pipe.
  const name = queueName(pipe).replace(/^./, (c) => c.toUpperCase());
  const entered = pipe === SOCKET ? 'the socket' : 'the pipe';
  if (buffers.length === 0) return markup`<p class="pipe-empty">${name}: empty.</p>`;
  const rows = buffers.map((b) => {
    const damaged = isDamaged(b);
    const note = damaged ? markup`<strong class="label damage">changed since it entered ${entered}</strong>` : '';
    return markup`<tr class="${damaged ? 'damaged' : ''}"><th scope="row">${b.slot}</th>
<td>${cellsHtml(b.cells, b.ghost)} ${note}</td><td>${cellsHtml(b.ghost)}</td>
<td>${bufferSource(v, b)}</td><td>${b.flags.length > 0 ? b.flags.join(' ') : '–'}</td></tr>`;
  });
  const head = ['slot', 'cells now (what a reader gets)', `ghost (what entered ${entered})`, 'from', 'flags'];
  return tableOf(`${name} buffers`, head, rows, 'pipe');
}

/**
 * The panels of one state: the file (with what changed since `previous`
 * marked), the page cache, the folios, the user pages, and each pipe's and
 * the socket's buffers with their ghost cells. The report's state panels and
 * `pipecheck explore` show a state with this.
 */
export function stateBody(v: StateView, previous: StateView | undefined): SafeHtml {
  return markup`${fileTable(v, previous)}${pageCacheTable(v)}${foliosTable(v)}${userTable(v)}
${v.pipes.map((_, p) => pipeTable(v, p))}`;
}

/** What a step changed, one item per change (`No visible change.` when none). */
export function changesList(changes: readonly string[]): SafeHtml {
  if (changes.length === 0) return markup`<p class="changes none">No visible change.</p>`;
  return markup`<ul class="changes">${changes.map((c) => markup`<li>${c}</li>`)}</ul>`;
}

function readText(r: ReaderView): string {
  if (r.pipe === SOCKET) {
    const peer = `the peer of ${queueName(r.pipe)}`;
    return `${peer} expected ${showCells(r.expected)} (what entered the socket) and saw ${showCells(r.observed)}`;
  }
  const who = r.pipe === undefined ? 'the reader' : `the reader of ${queueName(r.pipe)}`;
  return `${who} expected ${showCells(r.expected)} (what entered the pipe) and saw ${showCells(r.observed)}`;
}

/** Timeline position k: 0 is the initial state, k >= 1 the state after step k (1-based). */
function rowId(s: ViolationSection, k: number): string {
  return `${s.id}-row-${k}`;
}

function stateId(s: ViolationSection, k: number): string {
  return `${s.id}-state-${k}`;
}

function stepLabels(s: ViolationSection, step: ReportStep): SafeHtml {
  const k = step.index + 1;
  const labels: SafeHtml[] = [];
  if (s.damagingStep === step.index) {
    labels.push(markup`<strong class="label damage" id="${rowId(s, k)}-label">${damageLabel(s)}</strong>`);
  }
  if (step.observed) {
    const { observed, expected, pipe } = step.observed;
    const differs = observed.some((c, i) => c !== expected[i]);
    const saw = cellsHtml(observed, expected);
    labels.push(
      markup`<span class="read${differs ? ' differs' : ''}">read ${queueName(pipe)}: saw ${saw},
expected ${cellsHtml(expected)}</span>`,
    );
  }
  if (s.violatingStep === step.index) {
    labels.push(markup`<strong class="label violation">✖ ${s.invariant} violated: ${s.message}</strong>`);
  }
  if (!step.replayed) labels.push(markup`<strong class="label stopped">not replayed: ${s.stopped ?? ''}</strong>`);
  return markup`${labels}`;
}

function stepRow(s: ViolationSection, step: ReportStep): SafeHtml {
  const k = step.index + 1;
  const column = Math.max(0, s.processes.indexOf(step.process));
  const classes = [
    'step',
    s.damagingStep === step.index ? 'damaging' : '',
    s.violatingStep === step.index ? 'violating' : '',
    step.replayed ? '' : 'not-replayed',
  ].filter(Boolean);
  const described = s.damagingStep === step.index ? markup` aria-describedby="${rowId(s, k)}-label"` : '';
  const act = markup`<td class="act"><code class="op">${step.text}</code>${stepLabels(s, step)}
${changesList(step.changes)}</td>`;
  const cells = s.processes.map((p, i) =>
    i === column ? act : markup`<td class="idle"><span class="sr-only">${p}: no step</span></td>`,
  );
  return markup`<tr class="${classes.join(' ')}" id="${rowId(s, k)}" data-step="${k}" tabindex="0"
aria-controls="${stateId(s, k)}"${described}><th scope="row">${k}</th>${cells}</tr>`;
}

function timeline(s: ViolationSection): SafeHtml {
  const head = s.processes.map((p) => markup`<th scope="col">${p === 'env' ? 'env (free environment)' : p}</th>`);
  const initial = markup`<tr class="step initial" id="${rowId(s, 0)}" data-step="0" tabindex="0"
aria-controls="${stateId(s, 0)}"><th scope="row">0</th><td colspan="${s.processes.length}">initial state</td></tr>`;
  return markup`<div class="timeline-wrap"><table class="timeline" aria-label="Steps by process"
aria-describedby="${s.id}-keys"><caption>Steps, one column per process</caption>
<colgroup><col class="num">${s.processes.map(() => markup`<col>`)}</colgroup>
<thead><tr><th scope="col">#</th>${head}</tr></thead>
<tbody>${initial}${s.steps.map((step) => stepRow(s, step))}</tbody></table></div>`;
}

function statePanel(s: ViolationSection, k: number, step: ReportStep | undefined, previous?: StateView): SafeHtml {
  const v = step ? step.state : s.initial;
  const damaging = step !== undefined && s.damagingStep === step.index;
  const important = damaging || (step !== undefined && s.violatingStep === step.index);
  const title = step ? markup`After step ${k}: ${step.process} <code>${step.text}</code>` : markup`Initial state`;
  const mark = damaging ? markup` <strong class="label damage">${damageLabel(s)}</strong>` : '';
  const changed = step ? markup`<h4>What this step changed</h4>${changesList(step.changes)}` : '';
  return markup`<details class="state${important ? ' important' : ''}" id="${stateId(s, k)}" data-step="${k}"
${important ? 'open' : ''} aria-labelledby="${stateId(s, k)}-title">
<summary id="${stateId(s, k)}-title">${title}${mark}</summary>
${changed}${stateBody(v, step ? previous : undefined)}</details>`;
}

function statePanels(s: ViolationSection): SafeHtml {
  const panels = [statePanel(s, 0, undefined)];
  let previous = s.initial;
  for (const step of s.steps) {
    panels.push(statePanel(s, step.index + 1, step, previous));
    previous = step.state;
  }
  return markup`<div class="states" aria-label="State after each step">${panels}</div>`;
}

function judgementText(s: ViolationSection): string {
  const j = s.judgement;
  if (j.kind === 'reproduced') return `reproduces on the model, at step ${j.step + 1}`;
  if (j.kind === 'not-reproduced') {
    return `does NOT reproduce on the model (the file records it at step ${s.violatingStep + 1})`;
  }
  return j.reason;
}

function fact(name: string, value: SafeHtml | string): SafeHtml {
  return markup`<dt>${name}</dt><dd>${value}</dd>`;
}

function withNote(value: string, note: string | undefined): SafeHtml {
  return note ? markup`<code>${value}</code>: ${note}` : markup`<code>${value}</code>`;
}

function sectionFacts(s: ViolationSection): SafeHtml {
  return markup`<dl class="facts">
${fact('Kernel', withNote(s.kernel, s.kernelSummary))}
${fact('Invariant', withNote(s.invariant, s.invariantDescription))}
${fact('File-system profile', withNote(s.fs, s.fsDescription))}
${fact('Bounds', markup`<code>${boundsText(s.bounds)}</code>`)}
${fact('Violation', markup`<span class="message">${s.message}</span>`)}
${s.command !== undefined ? fact('Command line', markup`<code>${s.command}</code>`) : ''}
${s.file !== undefined ? fact('Counterexample', markup`<code>${s.file}</code>`) : ''}
${fact('Replay', judgementText(s))}
${s.stopped !== undefined ? fact('Replay stopped', s.stopped) : ''}
</dl>`;
}

function readerBox(s: ViolationSection): SafeHtml {
  const r = s.reader;
  if (!r) return markup``;
  return markup`<div class="reader" role="note"><p>${readText(r)}.</p>
<dl><dt>Expected</dt><dd class="expected">${cellsHtml(r.expected)}</dd>
<dt>Observed</dt><dd class="observed">${cellsHtml(r.observed, r.expected)}</dd></dl></div>`;
}

function damageLink(s: ViolationSection): SafeHtml {
  const d = s.damagingStep;
  if (d === undefined) return markup``;
  const step = s.steps[d]!;
  return markup`<p class="damage-link"><a href="#${rowId(s, d + 1)}">${damageLabel(s)}: step ${d + 1}, ${step.process}
<code>${step.text}</code></a></p>`;
}

function keysHelp(s: ViolationSection): SafeHtml {
  const damaging = s.damagingStep === undefined ? '' : markup`, <kbd>d</kbd> the damaging step`;
  return markup`<p class="keys" id="${s.id}-keys">Keys: <kbd>↓</kbd>/<kbd>j</kbd> next step,
<kbd>↑</kbd>/<kbd>k</kbd> previous, <kbd>Home</kbd>/<kbd>End</kbd> first/last${damaging};
the panel shows the state after it.</p>`;
}

function violationSection(s: ViolationSection): SafeHtml {
  const steps = `${s.violatingStep + 1} step${s.violatingStep === 0 ? '' : 's'}`;
  return markup`<section class="violation" id="${s.id}" aria-labelledby="${s.id}-title"
data-damaging="${s.damagingStep === undefined ? '' : s.damagingStep + 1}">
<h2 id="${s.id}-title">${s.invariant} violated in ${steps} on <code>${s.kernel}</code></h2>
${sectionFacts(s)}${readerBox(s)}${damageLink(s)}${keysHelp(s)}
<div class="layout">${timeline(s)}${statePanels(s)}</div>
</section>`;
}

function checkHeader(c: CheckSummary): SafeHtml {
  const rows = c.invariants.map(([id, verdict]) => markup`<tr><th scope="row">${id}</th><td>${verdict}</td></tr>`);
  const explored = `${c.statesDistinct} distinct states, ${c.transitions} transitions, depth ${c.depthExplored}`;
  return markup`<dl class="facts">
${fact('Result', `${c.result}${c.complete ? '' : ' (the search did not finish)'}`)}
${fact('Kernel', markup`<code>${c.kernel}</code>`)}
${fact('Scenario', c.scenario === null ? 'the default scenario' : markup`<code>${c.scenario}</code>`)}
${fact('Command line', markup`<code>${c.command}</code>`)}
${fact('Explored', explored)}
</dl>${tableOf('Invariants', ['invariant', 'result'], rows, 'verdicts')}${c.coverage ? coverageTable(c.coverage) : ''}`;
}

/** `check --coverage`: a row per operation, then per value of an argument with few (none for one that never fired). */
function coverageTable(c: NonNullable<CheckSummary['coverage']>): SafeHtml {
  const rows: SafeHtml[] = [];
  for (const o of c.operations) {
    const fired = `${o.stepsFired} of ${o.steps}`;
    rows.push(
      markup`<tr><th scope="row">${o.op}</th><td>${fired}</td><td>${o.transitions}</td><td>${o.newStates}</td></tr>`,
    );
    if (o.transitions === 0) continue;
    for (const [arg, values] of Object.entries(o.byArgument)) {
      for (const v of values) {
        const name = `${arg}=${String(v.value)}`;
        const counts = markup`<td></td><td>${v.transitions}</td><td>${v.newStates}</td>`;
        rows.push(markup`<tr class="value"><th scope="row">${name}</th>${counts}</tr>`);
      }
    }
  }
  const caption =
    'Coverage: per operation, the transitions taken and the new states (first reached by one of its steps)';
  const table = tableOf(caption, ['operation', 'steps fired', 'transitions', 'new states'], rows, 'coverage');
  if (c.neverFired.length === 0) return table;
  const never = `Never fired within the bounds: ${c.neverFired.join(', ')}. A "holds" says nothing about them.`;
  return markup`${table}<p class="warning">${never}</p>`;
}

/** A report page as one self-contained HTML document. */
export function renderReportHtml(page: ReportPage): string {
  const empty =
    page.sections.length === 0 ? markup`<p class="none">No violation: nothing to show step by step.</p>` : '';
  const doc = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${new SafeHtml(CONTENT_SECURITY_POLICY)}">
<title>${page.title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header class="page"><h1>pipecheck report</h1><p>Made from <code>${page.source}</code>.</p>
${page.check ? checkHeader(page.check) : ''}</header>
<main>${empty}${page.sections.map((s) => violationSection(s))}</main>
<script>${new SafeHtml(SCRIPT)}</script>
</body>
</html>
`;
  return doc.text;
}
