/**
 * The HTML of a report page: the seed's reproducer's damaging step marked,
 * what the reader expected and saw, every step's state in the document, user
 * input escaped, nothing loaded from anywhere.
 */
import { describe, expect, it } from 'vitest';
import { parseCounterexample, type Counterexample } from '../counterexamples/format.js';
import { join } from 'node:path';
import { ROOT } from '../test-support/imports.js';
import { checkDataStability, seedCounterexample } from '../test-support/seed-counterexample.js';
import { pageOfCounterexample } from './build.js';
import { escapeHtml, markup, renderReportHtml, SafeHtml } from './html.js';

const seed = seedCounterexample();
const text = renderReportHtml(pageOfCounterexample(seed, 'out/seed.json'));

/** The HTML of the element with id `id` up to its closing tag `tag` (the first one: no nesting of `tag` inside). */
function element(doc: string, tag: string, id: string): string {
  const start = doc.indexOf(`id="${id}"`);
  expect(start, `#${id}`).toBeGreaterThan(0);
  const open = doc.lastIndexOf(`<${tag}`, start);
  return doc.slice(open, doc.indexOf(`</${tag}>`, start) + tag.length + 3);
}

/** `cx` with its one process renamed (in the scenario and in the trace). */
function renamed(cx: Counterexample, name: string): Counterexample {
  const scenario = { ...cx.scenario, processes: cx.scenario.processes!.map((p) => ({ ...p, name })) };
  return parseCounterexample({ ...cx, scenario, trace: cx.trace.map((s) => ({ ...s, process: name })) });
}

describe('html templates', () => {
  it('escape every interpolated string, keep SafeHtml, drop null and false', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const name = '<b>';
    expect(markup`<p title="${name}">${name}${new SafeHtml('<i>ok</i>')}${null}${false}${[name, 1]}</p>`.text).toBe(
      '<p title="&lt;b&gt;">&lt;b&gt;<i>ok</i>&lt;b&gt;1</p>',
    );
  });
});

describe("the seed reproducer's page", () => {
  it('is one document with a Content-Security-Policy that loads nothing, and no external reference', () => {
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/\ssrc=/i);
    expect(text).not.toMatch(/<link\b|@import|url\(/i);
    expect(text.match(/<script>/g)).toHaveLength(1);
    expect(text.match(/<style>/g)).toHaveLength(1);
  });

  it('has the header: kernel, invariant, profile, bounds, the violation and the command line', () => {
    const facts = text.slice(text.indexOf('<dl class="facts">'), text.indexOf('</dl>'));
    expect(facts).toContain('<dt>Kernel</dt><dd><code>linux</code>: splice and vmsplice');
    expect(facts).toContain('<code>data-stability</code>: a pipe reader sees exactly');
    expect(facts).toContain('<dt>File-system profile</dt><dd><code>ext4</code>');
    expect(facts).toContain('pages=1 cells=2 values=2 slots=2 folioPages=1 userPages=0 depth=5');
    expect(facts).toContain('the reader of pipe 0 expected [1, 0] (what entered the pipe) but saw [2, 0]');
    expect(facts).toContain(`<code>${escapeHtml(seed.command!)}</code>`);
    expect(facts).toContain('reproduces on the model, at step 5');
  });

  it('marks step 4 (the second write) as the step that changed data already in the pipe', () => {
    const row = element(text, 'tr', 'v0-row-4');
    expect(row).toMatch(/^<tr class="step damaging" id="v0-row-4" data-step="4" tabindex="0"/);
    expect(row).toContain('aria-describedby="v0-row-4-label"');
    expect(row).toContain('<code class="op">write(off=0, len=1, value=2)</code>');
    expect(row).toContain('⚠ this step changed data already in the pipe');
    expect(text.match(/class="step damaging/g)).toHaveLength(1);
    expect(text).toContain('<a href="#v0-row-4">⚠ this step changed data already in the pipe: step 4, wilcox');
    expect(text).toContain('data-damaging="4"');
  });

  it('shows what the reader expected and saw, the changed cell marked', () => {
    const reader = text.slice(
      text.indexOf('<div class="reader"'),
      text.indexOf('</div>', text.indexOf('class="reader"')),
    );
    expect(reader).toContain('the reader of pipe 0 expected [1, 0] (what entered the pipe) and saw [2, 0].');
    expect(reader).toContain('<dd class="expected"><code>[1, 0]</code></dd>');
    expect(reader).toContain('<dd class="observed"><code>[<mark>2</mark>, 0]</code></dd>');
    const row = element(text, 'tr', 'v0-row-5');
    expect(row).toContain('class="step violating"');
    expect(row).toContain('✖ data-stability violated: the reader of pipe 0 expected [1, 0]');
  });

  it('has a timeline row and a state panel for the initial state and every step, all in the HTML', () => {
    expect(text.match(/<tr class="step[^"]*" id="v0-row-\d"/g)).toHaveLength(6);
    expect(text.match(/<details class="state[^"]*" id="v0-state-\d"/g)).toHaveLength(6);
    for (let k = 0; k <= 5; k++) expect(element(text, 'tr', `v0-row-${k}`)).toContain(`aria-controls="v0-state-${k}"`);
    const after4 = element(text, 'details', 'v0-state-4');
    // Open without JavaScript: the damaging and the violating steps.
    expect(after4).toMatch(/^<details class="state important" id="v0-state-4" data-step="4"\nopen/);
    expect(after4).toContain('<li>file reads [1, 0] -&gt; [2, 0]</li>');
    expect(after4).toContain('<tr><th scope="row">read()</th><td><code>[<mark>2</mark>, 0]</code></td></tr>');
    expect(after4).toMatch(/<th scope="row">0<\/th><td><code>\[2, 0\]<\/code><\/td><td>dirty uptodate<\/td>/);
    // The pipe buffer: cells now (changed cell marked) and its ghost.
    expect(after4).toContain('<tr class="damaged"><th scope="row">0</th>\n<td><code>[<mark>2</mark>, 0]</code>');
    expect(after4).toContain('<td><code>[1, 0]</code></td>');
    expect(after4).toContain('Pipe 1: empty.');
    expect(element(text, 'details', 'v0-state-1')).not.toMatch(/\nopen/);
  });

  it('one column per process, the step in its column', () => {
    const head = text.slice(text.indexOf('<thead><tr><th scope="col">#</th>'), text.indexOf('</thead>'));
    expect(head).toBe('<thead><tr><th scope="col">#</th><th scope="col">wilcox</th></tr>');
  });
});

describe('user input in the page', () => {
  const name = '<script>alert("pwned")</script>';
  const doc = renderReportHtml(pageOfCounterexample(renamed(seed, name), 'dir/<evil>&.json'));

  it('a process named <script> is escaped in the column, the steps and the panels', () => {
    expect(doc).not.toContain(name);
    expect(doc.match(/<script>/g)).toHaveLength(1);
    expect(doc).toContain('<th scope="col">&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;</th>');
    expect(doc).toContain('After step 4: &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; <code>write');
    expect(doc).toContain('Made from <code>dir/&lt;evil&gt;&amp;.json</code>.');
    expect(doc).not.toContain('<evil>');
  });

  it('the same page otherwise: the damaging step is still step 4', () => {
    expect(doc).toContain('<tr class="step damaging" id="v0-row-4"');
  });
});

describe('a socket is called a socket (issue 23)', () => {
  const { counterexamples } = checkDataStability(join(ROOT, 'examples', 'sendfile', 'scenario.json'));
  const page = renderReportHtml(pageOfCounterexample(counterexamples[0]!, 'out/sendfile.json'));

  it("the red box names the socket's peer and what entered the socket", () => {
    expect(page).toContain('the peer of the socket expected [1, 1] (what entered the socket) and saw [2, 1]');
    expect(page).not.toMatch(/pipe 2/i);
  });

  it("the read label and the socket's table say socket", () => {
    expect(page).toContain('read the socket: saw');
    expect(page).toContain('The socket buffers');
    expect(page).toContain('ghost (what entered the socket)');
  });

  it('the damaging step is marked as changing data already in the socket', () => {
    expect(page).toContain('⚠ this step changed data already in the socket');
    expect(page).not.toContain('already in the pipe');
  });
});
