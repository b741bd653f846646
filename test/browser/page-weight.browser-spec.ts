import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { DEMO_PASSWORD } from '../../src/database/seed/seed-demo-data.js';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const LEADER = '19900000041';
const PAGES = [
  { name: '区县改革驾驶舱', path: '/cockpit', budget: 120 * 1024 },
  { name: '改革需求台账', path: '/demands', budget: 120 * 1024 },
];

/**
 * Pages travel light: a cold load of the district cockpit (the heaviest page: chart.js) and of a
 * ledger stays within its budget of bytes on the wire (compressed HTML, CSS and scripts), and a
 * second visit asks the server for the page alone (assets fingerprinted and cached as immutable).
 * Sizes, not speed: the same on a busy machine.
 */
describe('Browser: bytes on the wire and warm pages', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp({ seedDemo: true });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  /**
   * Opens a path and counts what went over the network (Chrome's own view through CDP: a file
   * served from the browser cache is no request to the server) and the bytes it brought,
   * headers included.
   */
  const visit = async (
    page: Page,
    path: string,
  ): Promise<{ requests: string[]; bytes: number }> => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    const cached = new Set<string>();
    let bytes = 0;
    cdp.on('Network.requestWillBeSent', (event) => {
      urls.set(event.requestId, new URL(event.request.url).pathname);
    });
    cdp.on('Network.requestServedFromCache', (event) => {
      cached.add(event.requestId);
    });
    cdp.on('Network.responseReceived', (event) => {
      if (event.response.fromDiskCache || event.response.fromPrefetchCache) {
        cached.add(event.requestId);
      }
    });
    cdp.on('Network.loadingFinished', (event) => {
      bytes += event.encodedDataLength;
    });
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' });
    await cdp.detach();
    const requests = [...urls].filter(([id]) => !cached.has(id)).map(([, url]) => url);
    return { requests, bytes };
  };

  it('should load the cockpit and a ledger within budget, and a warm page in one request', async () => {
    const figures: string[] = [];
    const results: { path: string; withinBudget: boolean; warm: string[] }[] = [];
    for (const { name, path, budget } of PAGES) {
      const context: BrowserContext = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await loginInBrowser(page, baseUrl, LEADER, DEMO_PASSWORD);
      // A cold cache: what the login page brought is forgotten.
      await (await context.newCDPSession(page)).send('Network.clearBrowserCache');
      const cold = await visit(page, path);
      const warm = await visit(page, path);
      figures.push(
        `${name} ${path}: cold ${cold.requests.length} requests ${(cold.bytes / 1024).toFixed(1)} KB, warm ${warm.requests.length} requests ${(warm.bytes / 1024).toFixed(1)} KB`,
      );
      results.push({ path, withinBudget: cold.bytes <= budget, warm: warm.requests });
      await context.close();
    }
    console.log(`page weight:\n  ${figures.join('\n  ')}`);
    expect(results).toEqual(PAGES.map(({ path }) => ({ path, withinBudget: true, warm: [path] })));
  });
});
