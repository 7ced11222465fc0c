/**
 * The report page in a real browser (Debian's chromium through
 * playwright-core, headless): what a person sees, with and without
 * JavaScript, the keyboard moving the current step, and the layout at a
 * phone's width and a laptop's (no horizontal overflow; the timeline and the
 * state panel stacked, then side by side). Screenshots of both widths go to
 * a temporary directory (printed), not compared with baselines: fonts and
 * chromium versions differ between machines, the layout properties do not.
 * Skipped, saying why, where chromium is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCounterexample, type Counterexample } from '../counterexamples/format.js';
import { chromiumTitle, HAVE_CHROMIUM, launchChromium } from '../test-support/chromium.js';
import { seedCounterexample } from '../test-support/seed-counterexample.js';
import { pageOfCounterexample } from './build.js';
import { renderReportHtml } from './html.js';

const TITLE = chromiumTitle('the report page');

const DAMAGE_LABEL = '⚠ this step changed data already in the pipe';

/** `cx` with its one process renamed (in the scenario and in the trace). */
function renamed(cx: Counterexample, name: string): Counterexample {
  const scenario = { ...cx.scenario, processes: cx.scenario.processes!.map((p) => ({ ...p, name })) };
  return parseCounterexample({ ...cx, scenario, trace: cx.trace.map((s) => ({ ...s, process: name })) });
}

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-report-browser-'));
  const shots = mkdtempSync(join(tmpdir(), 'pipecheck-report-screenshots-'));
  const seed = seedCounterexample();
  const seedPage = join(dir, 'seed.html');
  writeFileSync(seedPage, renderReportHtml(pageOfCounterexample(seed, 'out/seed.json')));
  const evilName = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>';
  const evilPage = join(dir, 'evil.html');
  writeFileSync(evilPage, renderReportHtml(pageOfCounterexample(renamed(seed, evilName), 'evil.json')));
  const longName = `a-process-whose-name-is-long-and-has-no-space-${'x'.repeat(60)}`;
  const longPage = join(dir, 'long.html');
  writeFileSync(longPage, renderReportHtml(pageOfCounterexample(renamed(seed, longName), 'long.json')));

  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
    // The screenshots are for a person to look at: kept only when asked for (PIPECHECK_KEEP_SCREENSHOTS=1).
    if (process.env.PIPECHECK_KEEP_SCREENSHOTS) console.log(`report screenshots: ${shots}`);
    else rmSync(shots, { recursive: true, force: true });
  });

  /** A fresh context and page on `file`; every request the page makes is recorded. */
  async function open(
    file: string,
    options: { javaScriptEnabled?: boolean; width?: number; height?: number } = {},
  ): Promise<{ context: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    return { context, page, requests, errors };
  }

  const current = (page: Page): Promise<string | null> =>
    page.locator('tr[aria-current="step"]').getAttribute('data-step');

  it('shows the damaging step, marked, and what the reader expected and saw; loads nothing else', async () => {
    const { context, page, requests, errors } = await open(seedPage);
    const damaging = page.locator('tr.damaging');
    await expect(damaging.count()).resolves.toBe(1);
    const text = await damaging.innerText();
    expect(text).toContain('write(off=0, len=1, value=2)');
    expect(text).toContain(DAMAGE_LABEL);
    expect(await damaging.locator('th').innerText()).toBe('4');
    expect(await page.locator('.reader .expected').innerText()).toBe('[1, 0]');
    expect(await page.locator('.reader .observed').innerText()).toBe('[2, 0]');
    expect(await page.locator('.reader').innerText()).toContain(
      'the reader of pipe 0 expected [1, 0] (what entered the pipe) and saw [2, 0]',
    );
    expect(await page.locator('tr.violating').innerText()).toContain('data-stability violated');
    expect(requests).toEqual([pathToFileURL(seedPage).href]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the keyboard moves the current step, and the state panel follows it', async () => {
    const { context, page, errors } = await open(seedPage);
    const visiblePanels = (): Promise<(string | null)[]> =>
      page.locator('details.state:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(await current(page)).toBe('0');
    expect(await visiblePanels()).toEqual(['0']);
    expect(await page.locator('.keys').isVisible()).toBe(true);

    await page.keyboard.press('ArrowDown');
    expect(await current(page)).toBe('1');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('v0-row-1');
    expect(await visiblePanels()).toEqual(['1']);
    expect(await page.locator('#v0-state-1').innerText()).toContain('file size 0 -> 2 cells');

    await page.keyboard.press('j');
    expect(await current(page)).toBe('2');
    await page.keyboard.press('ArrowUp');
    expect(await current(page)).toBe('1');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    expect(await current(page)).toBe('0');
    await page.keyboard.press('End');
    expect(await current(page)).toBe('5');
    await page.keyboard.press('ArrowDown');
    expect(await current(page)).toBe('5');
    await page.keyboard.press('Home');
    expect(await current(page)).toBe('0');

    await page.keyboard.press('d');
    expect(await current(page)).toBe('4');
    expect(await visiblePanels()).toEqual(['4']);
    const panel = await page.locator('#v0-state-4').innerText();
    expect(panel).toContain('changed since it entered the pipe');
    expect(panel).toContain('file reads [1, 0] -> [2, 0]');

    await page.locator('#v0-row-2').click();
    expect(await current(page)).toBe('2');
    await page.locator('.damage-link a').click();
    expect(await current(page)).toBe('4');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without JavaScript every step and every state is in the page; the key ones open', async () => {
    const { context, page } = await open(seedPage, { javaScriptEnabled: false });
    expect(await page.locator('tr.step:visible').count()).toBe(6);
    expect(await page.locator('details.state:visible').count()).toBe(6);
    expect(await page.locator('tr[aria-current]').count()).toBe(0);
    expect(await page.locator('.keys').isVisible()).toBe(false);
    expect(await page.locator('tr.damaging').innerText()).toContain(DAMAGE_LABEL);
    // The damaging and the violating steps' states are open; the others open on a click.
    expect(await page.locator('#v0-state-4 .pipe tr.damaged').innerText()).toContain(
      'changed since it entered the pipe',
    );
    expect(await page.locator('#v0-state-5').innerText()).toContain('Pipe 0: empty.');
    const afterSplice = page.locator('#v0-state-3 table.pipe');
    expect(await afterSplice.isVisible()).toBe(false);
    await page.locator('#v0-state-3 > summary').click();
    expect(await afterSplice.isVisible()).toBe(true);
    expect(await afterSplice.innerText()).toContain('[1, 0]');
    // The link to the damaging step still goes there.
    await page.locator('.damage-link a').click();
    expect(new URL(page.url()).hash).toBe('#v0-row-4');
    await context.close();
  });

  it('a process named with HTML is shown as text and runs nothing', async () => {
    const { context, page, errors, requests } = await open(evilPage);
    expect(await page.locator('table.timeline thead th').nth(1).innerText()).toBe(evilName);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(evilPage).href]);
    await context.close();
  });

  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    const arrangement = width < 900 ? 'stacked' : 'side by side';
    it(`at ${width}x${height}: no horizontal overflow, the panels ${arrangement}`, async () => {
      for (const [name, file] of [
        ['seed', seedPage],
        ['long-name', longPage],
      ] as const) {
        const { context, page } = await open(file, { width, height });
        await page.keyboard.press('d');
        const png = await page.screenshot({ path: join(shots, `${name}-${width}x${height}.png`), fullPage: true });
        expect(png.length).toBeGreaterThan(10_000);
        // A string: this project's TypeScript has no DOM types.
        const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
          '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
        );
        expect(scrollWidth, `${name}: document width`).toBeLessThanOrEqual(clientWidth);
        const timeline = (await page.locator('.timeline-wrap').boundingBox())!;
        const states = (await page.locator('.states').boundingBox())!;
        if (width < 900) {
          expect(states.y, `${name}: the state panel below the timeline`).toBeGreaterThanOrEqual(
            timeline.y + timeline.height - 1,
          );
          expect(Math.abs(states.x - timeline.x)).toBeLessThanOrEqual(1);
        } else {
          expect(states.x, `${name}: the state panel right of the timeline`).toBeGreaterThanOrEqual(
            timeline.x + timeline.width - 1,
          );
          expect(Math.abs(states.y - timeline.y)).toBeLessThanOrEqual(40);
        }
        expect(states.x + states.width).toBeLessThanOrEqual(clientWidth + 1);
        await context.close();
      }
    });
  }
});
