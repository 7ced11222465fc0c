/**
 * Debian's chromium, driven through playwright-core (no browser is ever
 * downloaded): where it is, whether it is there, how tests launch it, and
 * how a browser test says why it is skipped where it is not.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Headless, and nothing of the browser's own reaches the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser test's title: `what` in chromium, or why it is skipped. */
export function chromiumTitle(what: string): string {
  return HAVE_CHROMIUM
    ? `${what} in chromium (${CHROMIUM})`
    : `${what} in chromium: needs chromium (apt-get install chromium): not found at ${CHROMIUM}`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
}
