import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { DEMO_PASSWORD } from '../../src/database/seed/seed-demo-data.js';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** One demo user per kind of person using the app (the demo data gives every page rows). */
const PEOPLE = [
  { who: '区县录入人员', mobile: '19900000001' },
  { who: '区县审核人员', mobile: '19900000002' },
  { who: '部门录入人员', mobile: '19900000011' },
  { who: '市委改革办', mobile: '19900000031' },
  { who: '领导', mobile: '19900000041' },
  { who: '系统管理员', mobile: '19900000051' },
  { who: '审计管理员', mobile: '19900000061' },
];
const ACCOUNT_PAGES = ['/account/password', '/account/mfa', '/account/sessions'];
const RECORD_LINK = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|\/\d+$/;

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * axe-core on every page of every role: each demo person logs in and walks their navigation, the
 * forms and the first record each page links to, and their account pages (the login page too).
 * No violation of critical or serious impact is allowed; the counts are printed per impact.
 */
describe('Browser: accessibility (axe-core) on every page of every role', () => {
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

  /** axe's findings on the page as it stands (axe is injected past the CSP, as a tool would). */
  const audit = async (page: Page): Promise<Violation[]> => {
    await page.addScriptTag({ path: AXE_SCRIPT });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } })
        .axe;
      const results = (await axe.run(document)) as { violations: Violation[] };
      return results.violations.map(({ id, impact, nodes }) => ({
        id,
        impact,
        nodes: nodes.map(({ target }) => ({ target })),
      }));
    });
  };

  const found: { who: string; path: string; violation: Violation }[] = [];
  const visited: string[] = [];

  afterAll(() => {
    const byImpact: Record<string, number> = {};
    for (const { violation } of found) {
      byImpact[violation.impact ?? 'none'] = (byImpact[violation.impact ?? 'none'] ?? 0) + 1;
    }
    const rules = [
      ...new Set(found.map(({ violation }) => `${violation.id} (${violation.impact})`)),
    ];
    const notMinor = found
      .filter(({ violation }) => violation.impact !== 'minor')
      .map(({ who, path, violation }) => `${who} ${path}: ${violation.impact} ${violation.id}`);
    console.log(
      `axe: ${visited.length} pages, violations by impact ${JSON.stringify(byImpact)}; rules: ${rules.sort().join(', ')}\n  ${notMinor.join('\n  ')}`,
    );
  });

  const check = async (page: Page, who: string, path: string): Promise<string[]> => {
    const response = await page.goto(`${baseUrl}${path}`);
    expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
    visited.push(`${who} ${path}`);
    const violations = await audit(page);
    found.push(...violations.map((violation) => ({ who, path, violation })));
    return violations
      .filter(({ impact }) => impact === 'critical' || impact === 'serious')
      .map(
        (violation) =>
          `${who} ${path}: ${violation.impact} ${violation.id} at ${violation.nodes
            .slice(0, 3)
            .map((node) => node.target.join(' '))
            .join(' | ')}`,
      );
  };

  it('should find no critical or serious violation on the login page', async () => {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    expect(await check(page, '未登录', '/login')).toEqual([]);
    await page.context().close();
  });

  it.each(PEOPLE)(
    'should find no critical or serious violation on the pages of $who',
    async (person) => {
      const context = await browser.newContext({
        bypassCSP: true,
        viewport: { width: 1366, height: 900 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await loginInBrowser(page, baseUrl, person.mobile, DEMO_PASSWORD);
      const navigation = await page.$$eval('nav.sidenav a', (links) =>
        links.map((link) => link.getAttribute('href') ?? ''),
      );
      const pages = new Set<string>([...navigation, ...ACCOUNT_PAGES]);
      const blocking: string[] = [];
      for (const path of navigation) {
        blocking.push(...(await check(page, person.who, path)));
        const links = await page.$$eval('main a[href^="/"]', (anchors) =>
          anchors.map((anchor) => anchor.getAttribute('href') ?? ''),
        );
        for (const link of links.filter((href) => href.endsWith('/new'))) {
          pages.add(link);
        }
        const record = links.find((href) => RECORD_LINK.test(href.split('?')[0]));
        if (record) {
          pages.add(record);
        }
      }
      for (const path of pages) {
        if (!navigation.includes(path)) {
          blocking.push(...(await check(page, person.who, path)));
        }
      }
      await context.close();
      expect(blocking).toEqual([]);
    },
    600_000,
  );
});
