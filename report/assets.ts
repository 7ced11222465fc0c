/**
 * What every report page carries inline (report/html.ts puts it in): its
 * style sheet, its one script and the Content-Security-Policy that forbids
 * loading anything else. Static text: no input reaches it. The script adds a
 * "current step" to each violation's timeline, moved with the keyboard
 * (ArrowDown/ArrowUp or j/k, Home/End, d for the damaging step) or a click,
 * and shows only that step's state panel; without it every panel is there.
 */
/** The page's style sheet (inline: nothing is loaded). */
export const STYLE = `
:root { color-scheme: light; --fg: #1d1f23; --muted: #5b6270; --line: #d5d9e0; --bg: #ffffff; --panel: #f6f7f9;
  --damage: #fff1c2; --damage-line: #b7791f; --bad: #fde2e1; --bad-line: #c53030; --cur: #dbeafe; --cur-line: #2563eb; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); overflow-wrap: anywhere; }
header.page, main { max-width: 1400px; margin: 0 auto; padding: 0 12px; }
h1 { font-size: 1.35rem; margin: 16px 0 4px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
h4 { margin: 8px 0 4px; font-size: .95rem; }
code, kbd { font: .9em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; background: var(--panel); }
mark { background: #f6ad55; color: #000; font-weight: bold; padding: 0 1px; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 8px 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; min-width: 0; }
@media (max-width: 600px) {
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: 4px; }
}
.reader { border: 2px solid var(--bad-line); background: var(--bad); border-radius: 6px; padding: 8px 12px;
  margin: 12px 0; }
.reader p { margin: 0 0 4px; font-weight: 600; }
.reader dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; }
.reader dt { font-weight: 600; } .reader dd { margin: 0; }
.damage-link a { color: #7b4a00; font-weight: 600; }
.label { display: block; font-size: .85rem; margin-top: 3px; }
.label.damage { color: #7b4a00; }
.label.violation, .label.stopped { color: var(--bad-line); }
.keys { display: none; color: var(--muted); font-size: .85rem; }
.js .keys { display: block; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; align-items: start; }
@media (min-width: 900px) {
  .layout { grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); }
  .js .states { position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow: auto; }
}
.scroll, .timeline-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
caption { text-align: left; font-weight: 600; padding: 2px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th, td { overflow-wrap: break-word; }
td code { overflow-wrap: anywhere; }
thead th { background: var(--panel); }
table.timeline { table-layout: fixed; }
table.timeline col.num { width: 2.6em; }
tr.step { cursor: pointer; }
tr.step:focus { outline: 3px solid var(--cur-line); outline-offset: -3px; }
tr.step:target { outline: 3px solid var(--damage-line); outline-offset: -3px; }
tr.damaging > * { background: var(--damage); }
tr.damaging > th { border-left: 5px solid var(--damage-line); }
tr.violating > * { background: var(--bad); }
tr.violating > th { border-left: 5px solid var(--bad-line); }
tr.current { outline: 3px solid var(--cur-line); outline-offset: -3px; }
tr.current > th { background: var(--cur); }
td.act .op { font-weight: 600; }
ul.changes { margin: 4px 0 0; padding-left: 1.1em; color: var(--muted); font-size: .85rem; }
p.changes.none { margin: 4px 0 0; color: var(--muted); font-size: .85rem; }
.read { display: block; font-size: .85rem; margin-top: 3px; }
.read.differs { color: var(--bad-line); }
.states { min-width: 0; }
details.state { border: 1px solid var(--line); border-radius: 6px; background: var(--panel); padding: 4px 10px;
  margin-bottom: 8px; }
details.state > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
details.state.important { border-color: var(--damage-line); }
.js details.state { display: none; }
.js details.state.current { display: block; border-color: var(--cur-line); }
tr.damaged > * { background: var(--damage); }
.none, .pipe-empty { margin: 6px 0; color: var(--muted); }
table.coverage tr.value th { padding-left: 1.5em; font-weight: normal; color: var(--muted); }
p.warning { border-left: 4px solid var(--damage-line); background: var(--damage); padding: 4px 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** The page's only behaviour: a current step, moved by the keyboard, that picks the state panel shown. */
export const SCRIPT = `
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  function byStep(list, k) {
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute('data-step') === String(k)) return list[i];
    return null;
  }
  var viewers = [];
  Array.prototype.forEach.call(document.querySelectorAll('section.violation'), function (section) {
    var rows = Array.prototype.slice.call(section.querySelectorAll('tr.step'));
    var panels = Array.prototype.slice.call(section.querySelectorAll('details.state'));
    var damaging = section.getAttribute('data-damaging');
    var viewer = { section: section, current: 0 };
    viewer.select = function (k, focus) {
      if (k < 0 || k >= rows.length) return;
      viewer.current = k;
      rows.forEach(function (row, i) {
        row.classList.toggle('current', i === k);
        if (i === k) row.setAttribute('aria-current', 'step'); else row.removeAttribute('aria-current');
      });
      panels.forEach(function (panel) { panel.classList.remove('current'); });
      var panel = byStep(panels, rows[k].getAttribute('data-step'));
      if (panel) { panel.classList.add('current'); panel.open = true; }
      if (focus) { rows[k].focus({ preventScroll: true }); rows[k].scrollIntoView({ block: 'nearest' }); }
    };
    viewer.damaging = function () {
      var row = damaging ? byStep(rows, damaging) : null;
      if (row) viewer.select(rows.indexOf(row), true);
    };
    viewer.indexOf = function (row) { return rows.indexOf(row); };
    viewer.last = rows.length - 1;
    rows.forEach(function (row, i) {
      row.addEventListener('click', function () { viewer.select(i, true); });
      row.addEventListener('focus', function () { if (viewer.current !== i) viewer.select(i, false); });
    });
    Array.prototype.forEach.call(section.querySelectorAll('a[href^="#"]'), function (a) {
      a.addEventListener('click', function (e) {
        var row = document.getElementById(a.getAttribute('href').slice(1));
        if (row && rows.indexOf(row) >= 0) { e.preventDefault(); viewer.select(rows.indexOf(row), true); }
      });
    });
    viewer.select(0, false);
    viewers.push(viewer);
  });
  function active() {
    var el = document.activeElement;
    for (var i = 0; i < viewers.length; i++) if (viewers[i].section.contains(el)) return viewers[i];
    return viewers[0];
  }
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || !viewers.length) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    var v = active();
    switch (e.key) {
      case 'ArrowDown': case 'j': v.select(Math.min(v.current + 1, v.last), true); break;
      case 'ArrowUp': case 'k': v.select(Math.max(v.current - 1, 0), true); break;
      case 'Home': v.select(0, true); break;
      case 'End': v.select(v.last, true); break;
      case 'd': v.damaging(); break;
      default: return;
    }
    e.preventDefault();
  });
})();
`;

/** The Content-Security-Policy of every page: nothing may be loaded, only the inline style and script run. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";
