/**
 * The explorer's one page: the session's facts, a toolbar (back, forward,
 * save, download), a button per invariant that goes to its shortest
 * violation, and three parts the script fills from the api (fragments.ts):
 * the path, the steps enabled, the state. Inline style (the HTML report's,
 * and a little more) and an inline script; a Content-Security-Policy lets
 * the page load nothing and talk only to its own server. The path lives in
 * the URL (`#path=3.0.7`), so reloading or sharing the link reproduces it.
 */
import { boundsText } from '../../model/bounds.js';
import { STYLE } from '../../report/assets.js';
import { markup, SafeHtml } from '../../report/html.js';
import type { ExploreSession } from './session.js';

/** Nothing may be loaded; only the inline style and script run, and fetch reaches only this server. */
export const EXPLORE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const EXTRA_STYLE = `
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
.toolbar button, .shortest button { font: inherit; padding: 3px 10px; border: 1px solid var(--line);
  border-radius: 4px; background: var(--panel); cursor: pointer; }
.toolbar button:disabled { cursor: default; opacity: .5; }
.toolbar a[aria-disabled="true"] { color: var(--muted); pointer-events: none; text-decoration: none; }
.shortest { margin: 6px 0; }
.shortest button.sometimes { border-style: dashed; }
#status { min-height: 1.45em; margin: 4px 0; }
#status.bad { color: var(--bad-line); font-weight: 600; }
#where code { font-weight: 600; }
ol.path, ul.enabled { list-style: none; margin: 6px 0 12px; padding: 0; }
ol.path > li { display: grid; grid-template-columns: 2.6em minmax(0, 1fr); gap: 6px; border: 1px solid var(--line);
  border-top: none; padding: 4px 6px; }
ol.path > li:first-child { border-top: 1px solid var(--line); }
ol.path > li.current { outline: 3px solid var(--cur-line); outline-offset: -3px; background: var(--cur); }
ol.path > li.damaging { background: var(--damage); }
ol.path > li.violating { background: var(--bad); }
ol.path button.go { font: inherit; border: 1px solid var(--line); background: var(--bg); border-radius: 3px;
  cursor: pointer; align-self: start; }
ul.enabled > li { margin: 0 0 6px; }
ul.enabled button.take { display: block; width: 100%; text-align: left; font: inherit; padding: 6px 8px;
  border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; }
ul.enabled button.take:hover, ul.enabled button.take:focus { border-color: var(--cur-line); }
ul.enabled button.take.breaks { border: 2px solid var(--bad-line); background: var(--bad); }
.effect { display: block; color: var(--muted); font-size: .85rem; }
.label.witness { color: #276749; }
.who { font-weight: 600; }
#state h3 { font-size: 1rem; margin: 8px 0; }
.states { border: 1px solid var(--line); border-radius: 6px; background: var(--panel); padding: 4px 10px; }
`;

function fact(name: string, value: SafeHtml | string): SafeHtml {
  return markup`<dt>${name}</dt><dd>${value}</dd>`;
}

function facts(session: ExploreSession): SafeHtml {
  const { scenario, model } = session;
  return markup`<dl class="facts">
${fact('Scenario', session.file === null ? 'the default scenario' : markup`<code>${session.file}</code>`)}
${fact('Kernel', markup`<code>${scenario.kernel}</code>`)}
${fact('File system', markup`<code>${model.fs.id}</code> on Linux <code>${model.ctx.release}</code>`)}
${fact('Kernel choices', markup`<code>${scenario.kernelChoices}</code>`)}
${fact('Bounds', markup`<code>${boundsText(scenario.bounds)}</code>`)}
${fact('Processes', scenario.processes.length === 0 ? 'none' : scenario.processes.map((p) => p.name).join(', '))}
${fact('Command line', markup`<code>${session.command}</code>`)}
</dl>`;
}

function shortestButtons(session: ExploreSession): SafeHtml {
  const buttons = session.invariants.map(
    (i) =>
      markup`<button type="button" class="${i.kind}" data-shortest="${i.id}"
title="${i.description}">${i.id}</button> `,
  );
  return markup`<p class="shortest">Go to the shortest violation (dashed: witness) of: ${buttons}</p>`;
}

/** The page's behaviour: it asks the api for the state at the path in the URL and puts the parts in place. */
export const EXPLORE_SCRIPT = `
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var token = new URLSearchParams(location.search).get('token') || '';
  var $ = function (id) { return document.getElementById(id); };
  var main = document.querySelector('main');
  var path = null, trail = [], last = null, asked = 0;
  function parse(hash) {
    var m = /^#path=([0-9.]*)$/.exec(hash || '');
    return m && m[1] !== '' ? m[1].split('.').map(Number) : [];
  }
  function isPrefix(a, b) {
    if (a.length > b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function url(route, params) {
    var q = new URLSearchParams(params);
    q.set('token', token);
    return route + '?' + q.toString();
  }
  function api(route, params, method) {
    return fetch(url(route, params), { method: method || 'GET', cache: 'no-store' }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || r.statusText);
        return body;
      });
    });
  }
  function status(text, bad) {
    $('status').textContent = text;
    $('status').classList.toggle('bad', !!bad);
  }
  function render(r) {
    path = r.path;
    last = r;
    if (!isPrefix(path, trail)) trail = path.slice();
    $('path').innerHTML = r.html.path;
    $('state').innerHTML = r.html.state;
    $('enabled').innerHTML = r.html.enabled;
    $('where').innerHTML = '';
    var code = document.createElement('code');
    code.textContent = path.length === 0 ? '(initial state)' : path.join('.');
    $('where').append('path: ', code, ' (' + path.length + ' step' + (path.length === 1 ? '' : 's') + ')');
    $('back').disabled = path.length === 0;
    $('forward').disabled = trail.length <= path.length && r.enabled.length === 0;
    var breaks = r.steps.length > 0 ? r.steps[r.steps.length - 1].breaks : [];
    $('save').disabled = breaks.length === 0;
    var dl = $('download');
    if (breaks.length > 0) {
      dl.href = url('/api/counterexample', { path: path.join('.') });
      dl.removeAttribute('aria-disabled');
    } else {
      dl.removeAttribute('href');
      dl.setAttribute('aria-disabled', 'true');
    }
    main.setAttribute('data-path', path.join('.'));
    main.setAttribute('aria-busy', 'false');
  }
  function load() {
    var wanted = parse(location.hash);
    var mine = ++asked;
    main.setAttribute('aria-busy', 'true');
    return api('/api/state', { path: wanted.join('.') }).then(function (r) {
      if (mine !== asked) return;
      render(r);
    }, function (e) {
      if (mine !== asked) return;
      main.setAttribute('aria-busy', 'false');
      status(e.message, true);
    });
  }
  function go(p) {
    status('');
    var h = '#path=' + p.join('.');
    if (location.hash === h) load(); else location.hash = h;
  }
  function take(action) {
    if (path === null) return;
    if (trail[path.length] !== action) trail = path.concat([action]);
    go(path.concat([action]));
  }
  function forward() {
    if (path === null) return;
    if (trail.length > path.length) go(trail.slice(0, path.length + 1));
    else if (last && last.enabled.length > 0) take(last.enabled[0].action);
  }
  function back() { if (path !== null && path.length > 0) go(path.slice(0, -1)); }
  window.addEventListener('hashchange', load);
  $('enabled').addEventListener('click', function (e) {
    var b = e.target.closest('button.take');
    if (b) take(Number(b.getAttribute('data-action')));
  });
  $('path').addEventListener('click', function (e) {
    var b = e.target.closest('button.go');
    if (b && path !== null) go(path.slice(0, Number(b.getAttribute('data-go'))));
  });
  $('back').addEventListener('click', back);
  $('forward').addEventListener('click', forward);
  $('home').addEventListener('click', function () { go([]); });
  Array.prototype.forEach.call(document.querySelectorAll('button[data-shortest]'), function (b) {
    b.addEventListener('click', function () {
      var id = b.getAttribute('data-shortest');
      status('searching for the shortest violation of ' + id + '...');
      api('/api/shortest', { invariant: id }).then(function (r) {
        if (!r.found) return status(r.reason, true);
        trail = r.path.slice();
        go(r.path);
        status('the shortest violation of ' + id + ': ' + r.path.length + ' steps (' + r.message + ')');
      }, function (e) { status(e.message, true); });
    });
  });
  $('save').addEventListener('click', function () {
    if (path === null) return;
    api('/api/save', { path: path.join('.') }, 'POST').then(function (r) {
      status('saved ' + r.file + ' (replay it: pipecheck replay ' + r.file + ')');
    }, function (e) { status(e.message, true); });
  });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || path === null) return;
    var t = e.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
    if (typing || (t && t.isContentEditable)) return;
    if (/^[1-9]$/.test(e.key)) {
      var s = last && last.enabled[Number(e.key) - 1];
      if (s) take(s.action);
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowDown': case 'j': forward(); break;
      case 'ArrowUp': case 'k': back(); break;
      case 'Home': go([]); break;
      case 'End': go(trail); break;
      case 'd':
        if (last && last.damagingStep !== undefined) go(path.slice(0, last.damagingStep + 1));
        break;
      default: return;
    }
    e.preventDefault();
  });
  load();
})();
`;

/** The explorer page for `session` (the parts that change come from the api). */
export function explorePage(session: ExploreSession): string {
  const doc = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>pipecheck explore: ${session.file ?? 'the default scenario'} on ${session.scenario.kernel}</title>
<style>${new SafeHtml(STYLE)}${new SafeHtml(EXTRA_STYLE)}</style>
</head>
<body>
<header class="page"><h1>pipecheck explore</h1>
${facts(session)}
${shortestButtons(session)}
<div class="toolbar" role="toolbar" aria-label="Path">
<button type="button" id="back" disabled title="back one step (k or ↑)">← Back</button>
<button type="button" id="forward" disabled
title="forward along the path followed, else the first enabled step (j or ↓)">Forward →</button>
<button type="button" id="home" title="the initial state (Home)">Initial state</button>
<span id="where"></span>
<button type="button" id="save" disabled
title="write the usual counterexample file into the --out directory">Save this path as a counterexample</button>
<a id="download" aria-disabled="true">Download it</a>
</div>
<p class="keys">Keys: <kbd>1</kbd>…<kbd>9</kbd> take that enabled step, <kbd>↓</kbd>/<kbd>j</kbd> forward (along the
path followed, else the first enabled step), <kbd>↑</kbd>/<kbd>k</kbd> back, <kbd>Home</kbd>/<kbd>End</kbd> the initial
state/the end of the path followed, <kbd>d</kbd> the step that changed data already in the pipe. The path is in the URL:
the link reproduces it.</p>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p class="warning">The explorer needs JavaScript (the HTML report, pipecheck report, does not).</p></noscript>
</header>
<main aria-busy="true">
<div class="layout">
<div class="moves"><h2>The path</h2><div id="path"></div><h2>Steps enabled here</h2><div id="enabled"></div></div>
<div class="states" aria-label="The state at the end of the path"><div id="state"></div></div>
</div>
</main>
<script>${new SafeHtml(EXPLORE_SCRIPT)}</script>
</body>
</html>
`;
  return doc.text;
}
