import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { DEMO_PASSWORD } from '../../src/database/seed/seed-demo-data.js';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * One demo user per kind of person using the app (the demo data gives every page rows), with the
 * role whose pages they see: the two clerks (district and department) share the entry role.
 */
const PEOPLE = [
  { who: '区县录入人员', role: 'entry', mobile: '19900000001' },
  { who: '区县审核人员', role: 'reviewer', mobile: '19900000002' },
  { who: '部门录入人员', role: 'entry', mobile: '19900000011' },
  { who: '市委改革办', role: 'office', mobile: '19900000031' },
  { who: '领导', role: 'leader', mobile: '19900000041' },
  { who: '系统管理员', role: 'admin', mobile: '19900000051' },
  { who: '审计管理员', role: 'auditor', mobile: '19900000061' },
];
const ACCOUNT_PAGES = ['/account/password', '/account/mfa', '/account/sessions'];
const RECORD_ID = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=\/|$)/g;
const RECORD_LINK = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|\/\d+$/;

/**
 * The page template a path renders: its ids and its query (a filter, a tab of the same list, the
 * report a page shows) left out. `/tasks?kind=blocker` and `/tasks?kind=demand_list` are one
 * template (the task list), `/news/<id>` of two items is one (the news item page).
 */
const templateOf = (path: string): string => path.split('?')[0].replace(RECORD_ID, '/:id');

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * axe-core on every page template of every role: each demo person logs in and walks their
 * navigation, the forms and the first record each page links to, and their account pages (the
 * login page too). No violation of critical or serious impact is allowed; the counts are printed
 * per impact.
 *
 * Sampled, not exhaustive: a page is audited once per role and template (`templateOf`). Skipped
 * are the pages that render a template this role has already been audited on with only another
 * id or filter: the second and later records of one type (a news item linked from the feed and
 * from the ledger, two tasks of different kinds), the same list under another query
 * (`/tasks?kind=…`), and the department clerk's pages that the district clerk (same role, entry)
 * already covered. The department clerk still opens those pages, unaudited, to reach the records
 * only a department has (its major projects, their indicator reports). 255 pages were audited
 * before this sampling, 203 are now; the printed summary lists them.
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
      const axe = (
        window as unknown as {
          axe: { run: (context: Document, options: object) => Promise<unknown> };
        }
      ).axe;
      // Only violations are read: axe then keeps one node, not all, of its passes and inapplicables.
      const results = (await axe.run(document, { resultTypes: ['violations'] })) as {
        violations: Violation[];
      };
      return results.violations.map(({ id, impact, nodes }) => ({
        id,
        impact,
        nodes: nodes.map(({ target }) => ({ target })),
      }));
    });
  };

  const found: { who: string; path: string; violation: Violation }[] = [];
  const visited: string[] = [];
  /** `role template` pairs audited so far. */
  const audited = new Set<string>();

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
      `axe: ${visited.length} pages (one per role and template)\n  ${visited.join('\n  ')}\nviolations by impact ${JSON.stringify(byImpact)}; rules: ${rules.sort().join(', ')}\n  ${notMinor.join('\n  ')}`,
    );
  });

  /** Opens the page; audits it unless this role's template was audited already. */
  const check = async (page: Page, who: string, role: string, path: string): Promise<string[]> => {
    const response = await page.goto(`${baseUrl}${path}`);
    expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
    const sample = `${role} ${templateOf(path)}`;
    if (audited.has(sample)) {
      return [];
    }
    audited.add(sample);
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
    expect(await check(page, '未登录', 'anonymous', '/login')).toEqual([]);
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
        blocking.push(...(await check(page, person.who, person.role, path)));
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
        const sample = `${person.role} ${templateOf(path)}`;
        if (!navigation.includes(path) && !audited.has(sample)) {
          blocking.push(...(await check(page, person.who, person.role, path)));
        }
      }
      await context.close();
      expect(blocking).toEqual([]);
    },
    600_000,
  );
});
