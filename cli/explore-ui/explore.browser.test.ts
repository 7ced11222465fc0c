/**
 * `pipecheck explore` in a real browser (Debian's chromium through
 * playwright-core, headless): the seed's reproducer clicked step by step
 * until the reader gets "new" (2, where it expected "old", 1), the path in
 * the URL (a reload reproduces it), back and forward by button and key,
 * "go to the shortest violation", "save this path as a counterexample", and
 * the server refusing a request without its token and serving nothing
 * outside its routes. The page loads nothing but its own server's answers.
 * With PIPECHECK_SCREENSHOT=1 it writes the README's screenshot,
 * docs/img/explore.png (a normal run rewrites no tracked file). Skipped,
 * saying why, where chromium is not installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTitle, HAVE_CHROMIUM, launchChromium } from '../../test-support/chromium.js';
import { ROOT } from '../../test-support/imports.js';
import { SEED_REPRODUCER } from '../../test-support/seed-counterexample.js';
import { sessionOf } from './command.js';
import { startServer, type RunningServer } from './server.js';

const quiet = { out: () => {}, err: () => {} };
const SCREENSHOT = join(ROOT, 'docs', 'img', 'explore.png');

describe.skipIf(!HAVE_CHROMIUM)(chromiumTitle('pipecheck explore'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-explore-browser-'));
  const out = join(dir, 'out');
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // The file named as a person would type it in the repository (the page and its screenshot show it).
    server = await startServer(await sessionOf(relative(process.cwd(), SEED_REPRODUCER), { out }, quiet));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Wait until the page shows the state at `path`. */
  async function at(path: string): Promise<void> {
    await page.locator(`main[data-path="${path}"][aria-busy="false"]`).waitFor({ timeout: 20_000 });
  }

  const currentStep = (): Promise<string> => page.locator('ol.path li.current').innerText();

  it('clicks the reproducer step by step and sees the reader get "new"', async () => {
    await page.goto(server.url);
    await at('');
    expect(await page.locator('ul.enabled button.take').count()).toBe(1);
    const texts = [
      'truncate(size=2)',
      'write(off=0, len=1, value=1)',
      'splice(off=0, len=2)',
      'write(off=0, len=1, value=2)',
      'pipe-read(len=2)',
    ];
    for (const [k, text] of texts.entries()) {
      const take = page.locator('ul.enabled button.take');
      expect(await take.innerText()).toContain(text);
      if (k === 4) {
        // Before it is taken, the read says what it would see and that it breaks data stability.
        expect(await take.innerText()).toContain('read pipe 0: saw [2, 0], expected [1, 0]');
        expect(await take.innerText()).toContain('✖ breaks data-stability');
        expect(await page.locator('#state table.pipe').innerText()).toContain('changed since it entered the pipe');
        if (process.env.PIPECHECK_SCREENSHOT === '1') {
          await page.evaluate('window.scrollTo(0, 0)');
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }
      }
      await take.first().click();
      await at(
        Array(k + 1)
          .fill('0')
          .join('.'),
      );
      expect(await currentStep()).toContain(text);
    }
    const read = await currentStep();
    expect(read).toContain('read pipe 0: saw [2, 0], expected [1, 0]');
    expect(read).toContain('✖ breaks data-stability');
    expect(await page.locator('ol.path li.damaging').innerText()).toContain(
      '⚠ this step changed data already in the pipe',
    );
    expect(new URL(page.url()).hash).toBe('#path=0.0.0.0.0');
    expect(await page.locator('ul.enabled').count()).toBe(0);
    expect(await page.locator('#enabled').innerText()).toContain('No step is enabled here');
  });

  it('the path is in the URL: a reload shows the same state', async () => {
    await page.reload();
    await at('0.0.0.0.0');
    expect(await currentStep()).toContain('saw [2, 0]');
  });

  it('back and forward, by button and by key', async () => {
    await page.locator('#back').click();
    await at('0.0.0.0');
    await page.locator('#forward').click();
    await at('0.0.0.0.0');
    await page.keyboard.press('k');
    await at('0.0.0.0');
    await page.keyboard.press('ArrowUp');
    await at('0.0.0');
    await page.keyboard.press('j');
    await at('0.0.0.0');
    await page.keyboard.press('Home');
    await at('');
    expect(await page.locator('#back').isDisabled()).toBe(true);
    await page.keyboard.press('End');
    await at('0.0.0.0.0');
    // d: back to the step that changed the data the read then saw.
    await page.keyboard.press('d');
    await at('0.0.0.0');
    expect(await currentStep()).toContain('write(off=0, len=1, value=2)');
    // The browser's own back goes through the same paths.
    await page.goBack();
    await at('0.0.0.0.0');
    await page.locator('ol.path li[data-go="2"] button.go').click();
    await at('0.0');
  });

  it('goes to the shortest violation of data-stability, and saves the path as a counterexample', async () => {
    await page.locator('#home').click();
    await at('');
    await page.locator('button[data-shortest="data-stability"]').click();
    await at('0.0.0.0.0');
    expect(await page.locator('#status').innerText()).toContain('the shortest violation of data-stability: 5 steps');
    expect(await page.locator('#download').getAttribute('href')).toContain('/api/counterexample?');
    await page.locator('#save').click();
    await page.locator('#status', { hasText: 'saved ' }).waitFor();
    const file = /saved (\S+) /.exec(await page.locator('#status').innerText())![1]!;
    expect(file.startsWith(out)).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  it('loaded nothing but its own server, and ran without an error', () => {
    const origin = new URL(server.url).origin;
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the server refuses a request without the token and serves nothing outside its routes', async () => {
    const origin = new URL(server.url).origin;
    const api = context.request;
    expect((await api.get(`${origin}/`)).status()).toBe(403);
    expect((await api.get(`${origin}/api/state?path=0`)).status()).toBe(403);
    expect((await api.get(`${origin}/?token=${server.token.replace(/.$/, 'x')}`)).status()).toBe(403);
    expect((await api.get(`${origin}/style.css?token=${server.token}`)).status()).toBe(404);
    expect((await api.get(`${origin}/api/state?token=${server.token}&path=9`)).status()).toBe(400);
  });
});
