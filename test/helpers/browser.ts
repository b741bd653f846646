import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestApp } from './test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long one browser step (a click, a navigation, a selector) may take before it counts as
 * failed. Sized for a slow, shared machine: it bounds a hang, it is no speed goal (that is
 * `npm run bench`).
 */
export const STEP_TIMEOUT_MS = 30_000;

/** Screenshots and traces of browser journeys, kept as CI artifacts. */
export const ARTIFACTS_DIR = join(process.cwd(), 'test-results');

/**
 * Debian's chromium driven by playwright-core (playwright's own browser download cannot work on
 * these machines). `npm test` installs it first (ops/ensure-test-tools.sh).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Starts the test app on a free loopback port and returns its base URL. */
export async function listen(testApp: TestApp): Promise<string> {
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const address = testApp.server.address();
  if (!address || typeof address === 'string') {
    throw new Error('The app is not listening');
  }
  return `http://127.0.0.1:${address.port}`;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Logs in through the real form. */
export async function loginInBrowser(
  page: Page,
  baseUrl: string,
  mobile: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#mobile', mobile);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.click('#login-form button[type=submit]'),
  ]);
}
