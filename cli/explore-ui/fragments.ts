/**
 * The explorer page's parts for a state (api.ts `StateAt`), as HTML the page
 * puts in place: the path taken, the state's panels (the HTML report's own:
 * report/html.ts `stateBody`) and the steps enabled there. Every piece of
 * text is escaped (`markup`): process names are user input. Pure.
 */
import { queueName, SOCKET } from '../../model/state.js';
import { cellsHtml, changesList, DAMAGE_LABEL, markup, SafeHtml, stateBody } from '../../report/html.js';
import type { StateAt, StepInfo } from './api.js';

export interface Fragments {
  /** The steps taken, the initial state first: each a link back to that point of the path. */
  readonly path: string;
  /** The state at the end of the path: what the last step changed, then the report's panels. */
  readonly state: string;
  /** The steps enabled there, each a button that takes it. */
  readonly enabled: string;
}

function readLine(step: StepInfo): SafeHtml | string {
  const o = step.observed;
  if (o === undefined) return '';
  const differs = o.observed.some((c, i) => c !== o.expected[i]);
  return markup`<span class="read${differs ? ' differs' : ''}">read ${queueName(o.pipe)}: saw
${cellsHtml(o.observed, o.expected)}, expected ${cellsHtml(o.expected)}</span>`;
}

function verdictLines(step: StepInfo): SafeHtml {
  const breaks = step.breaks.map(
    (b) => markup`<strong class="label violation">✖ breaks ${b.invariant}: ${b.message}</strong>`,
  );
  const shows = step.witnesses.map(
    (w) => markup`<span class="label witness">✔ shows ${w.invariant}: ${w.message}</span>`,
  );
  const errors = step.errors.map(
    (e) => markup`<strong class="label stopped">plugin error in ${e.invariant}: ${e.message}</strong>`,
  );
  return markup`${breaks}${shows}${errors}`;
}

/** The damage label, said of the socket when the reader that saw the damage is the socket's peer. */
function damageLabel(at: StateAt): string {
  const v = at.violatingStep === undefined ? undefined : at.steps[at.violatingStep];
  return v?.observed?.pipe === SOCKET ? DAMAGE_LABEL.replace(/the pipe$/, 'the socket') : DAMAGE_LABEL;
}

function pathHtml(at: StateAt): SafeHtml {
  const last = at.steps.length;
  const row = (k: number, body: SafeHtml, classes: readonly string[]): SafeHtml =>
    markup`<li class="${[...classes, k === last ? 'current' : ''].filter(Boolean).join(' ')}" data-go="${k}"
${k === last ? new SafeHtml('aria-current="step"') : ''}><button type="button" class="go" data-go="${k}"
title="go back to this point of the path">${k}</button><div>${body}</div></li>`;
  const rows = [row(0, markup`initial state`, ['initial'])];
  at.steps.forEach((s, i) => {
    const damaging = at.damagingStep === i;
    const classes = [damaging ? 'damaging' : '', s.breaks.length > 0 ? 'violating' : ''];
    const mark = damaging ? markup`<strong class="label damage">${damageLabel(at)}</strong>` : '';
    const body = markup`<span class="who">${s.process}</span> <code class="op">${s.text}</code>${mark}${readLine(s)}
${verdictLines(s)}${changesList(s.changes)}`;
    rows.push(row(i + 1, body, classes));
  });
  return markup`<ol class="path" aria-label="The path: steps taken">${rows}</ol>`;
}

function stateHtml(at: StateAt): SafeHtml {
  const k = at.steps.length;
  const last = at.steps[k - 1];
  const title = last ? markup`After step ${k}: ${last.process} <code>${last.text}</code>` : markup`Initial state`;
  const changed = last ? markup`<h4>What this step changed</h4>${changesList(last.changes)}${readLine(last)}` : '';
  return markup`<h3 id="state-title">${title}</h3>${changed}${stateBody(at.state, at.previous)}`;
}

function enabledHtml(at: StateAt): SafeHtml {
  if (at.enabled.length === 0) return markup`<p class="none">No step is enabled here: every path ends.</p>`;
  const past =
    at.path.length >= at.depthBound
      ? markup`<p class="warning">The path has reached the scenario's depth bound (${at.depthBound}): check explores no
longer path. You may go on here.</p>`
      : '';
  const items = at.enabled.map((s, i) => {
    const effect = s.changes.length > 0 ? s.changes.join('; ') : 'no visible change';
    const classes = ['take', s.breaks.length > 0 ? 'breaks' : '', s.witnesses.length > 0 ? 'shows' : ''];
    const key = i < 9 ? markup`<kbd>${i + 1}</kbd> ` : '';
    return markup`<li><button type="button" class="${classes.filter(Boolean).join(' ')}" data-action="${s.action}">
${key}<span class="who">${s.process}</span> <code class="op">${s.text}</code>
<span class="effect">${effect}</span>${readLine(s)}${verdictLines(s)}</button></li>`;
  });
  return markup`${past}<ul class="enabled" aria-label="Steps enabled here">${items}</ul>`;
}

/** The page's parts for `at`. */
export function fragmentsOf(at: StateAt): Fragments {
  return { path: pathHtml(at).text, state: stateHtml(at).text, enabled: enabledHtml(at).text };
}
