import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import { XSS_HTMX, XSS_HTMX_ON, XSS_IMG, XSS_SCRIPT } from '../security/hostile-strings.js';

/**
 * SECURITY.md C4 in the browser: script, img-onerror and htmx-attribute payloads stored through
 * the real forms (a demand, a rejected demand's reason, a showcase highlight, a risk event, a
 * project's name and lead leader, a battle-map measure, a user's name set by the admin) are opened
 * where they render (record pages, ledgers, inboxes, home, notifications, cockpits, the project
 * page and map, the audit log, the admin's user list) in chromium. On every page: no dialog, no
 * window.__xss (every payload would set it), no request to /xss-probe (the htmx payload's hx-get),
 * no CSP report of a blocked inline script, no element the payloads would create, no on* attribute
 * at all, and no hx-* attribute outside the set the templates use (the baseline: what
 * views/**\/*.hbs write) nor one carrying a payload's value.
 */

/** Fits 50 characters (a user's name). */
const NAME = XSS_IMG.replace(';alert(1)', '');
/** Fits 200 characters (titles, names, a measure of 300). */
const TITLE = `${XSS_SCRIPT}${XSS_IMG}${XSS_HTMX}`;
/** Fits 100 characters (the lead leader). */
const SHORT = XSS_HTMX;
/** For long texts: every payload, the Handlebars and javascript: ones too. */
const LONG = [
  XSS_SCRIPT,
  XSS_IMG,
  XSS_HTMX,
  XSS_HTMX_ON,
  "{{constructor.constructor('window.__xss=1')()}}",
  '{{{x}}}',
  'javascript:window.__xss=1',
  '<a href="javascript:window.__xss=1">链接</a><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
].join('\n');

/** The hx-* attributes the templates write: the baseline every page's attributes must stay within. */
function templateHxAttributes(): string[] {
  const walk = (directory: string): string[] =>
    readdirSync(directory).flatMap((entry) => {
      const path = join(directory, entry);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.hbs') ? [path] : [];
    });
  const names = new Set<string>();
  for (const file of walk(join(process.cwd(), 'views'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\s(hx-[a-z-]+)(?=[:=\s>])/g)) {
      names.add(match[1]);
    }
  }
  return [...names].sort();
}

interface Findings {
  dialogs: string[];
  probes: string[];
  cspReports: string[];
}

describe('Browser: stored script, img-onerror and htmx payloads never run (chromium)', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let users: Record<
    | 'clerk'
    | 'reviewer'
    | 'reporter'
    | 'reporterReviewer'
    | 'deptClerk'
    | 'deptReviewer'
    | 'office'
    | 'admin'
    | 'auditor'
    | 'survey',
    TestUser
  >;
  const ids: Record<'demand' | 'rejected' | 'highlight' | 'risk' | 'project' | 'mapItem', string> =
    { demand: '', rejected: '', highlight: '', risk: '', project: '', mapItem: '' };
  const sessions = new Map<string, HttpSession>();
  const pages = new Map<string, { page: Page; findings: Findings }>();
  let allowedHx: string[];

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;
  const created = (response: { status: number; headers: Record<string, string> }) => {
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const act = async (user: TestUser, id: string, action: string, extra = {}) => {
    const response = await (
      await as(user)
    ).htmx('post', `/records/${id}/transitions`, { action, ...extra });
    expect(response.status).toBe(200);
  };

  /** One logged-in chromium page per user, with the traps set. */
  async function pageOf(user: TestUser): Promise<{ page: Page; findings: Findings }> {
    let entry = pages.get(user.mobile);
    if (!entry) {
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const findings: Findings = { dialogs: [], probes: [], cspReports: [] };
      page.on('dialog', (dialog) => {
        findings.dialogs.push(`${page.url()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('request', (request) => {
        if (request.url().includes('xss-probe')) {
          findings.probes.push(`${page.url()} → ${request.url()}`);
        }
      });
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) {
          findings.cspReports.push(`${page.url()}: ${message.text()}`);
        }
      });
      await loginInBrowser(page, baseUrl, user.mobile, user.password);
      entry = { page, findings };
      pages.set(user.mobile, entry);
    }
    return entry;
  }

  /** Opens a page and returns what went wrong on it (nothing, when the payloads stayed text). */
  async function inspect(user: TestUser, path: string, shows?: string): Promise<string[]> {
    const { page, findings } = await pageOf(user);
    const response = await page.goto(`${baseUrl}${path}`);
    // htmx processes the page on load; an injected hx-trigger="load" would have fired and its
    // request settled once the network is idle (no fixed sleep: a busy machine is slower).
    await page.waitForLoadState('networkidle');
    const problems: string[] = [];
    if (response?.status() !== 200) {
      problems.push(`${path}: answered ${response?.status()}`);
    }
    const dom = await page.evaluate((allowed: string[]) => {
      const found: string[] = [];
      for (const element of Array.from(document.querySelectorAll('*'))) {
        for (const attribute of Array.from(element.attributes)) {
          const name = attribute.name.toLowerCase();
          const label = `<${element.tagName.toLowerCase()} ${name}="${attribute.value.slice(0, 60)}">`;
          if (name.startsWith('on')) {
            found.push(`event handler ${label}`);
          }
          if (name.startsWith('hx-') || name.startsWith('data-hx-')) {
            const base = name.replace(/^data-/, '').split(':')[0];
            if (!allowed.includes(base)) {
              found.push(`hx attribute not in the templates ${label}`);
            }
            if (/__xss|xss-probe/.test(attribute.value)) {
              found.push(`hx attribute with a payload ${label}`);
            }
          }
          if (
            /^(href|src|action|formaction)$/.test(name) &&
            /^\s*javascript:/i.test(attribute.value)
          ) {
            found.push(`javascript: URL ${label}`);
          }
        }
      }
      if (document.querySelector('img[src="x"], iframe[srcdoc]')) {
        found.push('an element made by a payload (img src=x or iframe srcdoc)');
      }
      for (const script of Array.from(document.querySelectorAll('script'))) {
        if (script.textContent?.includes('__xss') && script.type !== 'application/json') {
          found.push('a script element made by a payload');
        }
      }
      return {
        found,
        xss: (window as unknown as { __xss?: unknown }).__xss,
        text: document.body.innerText,
      };
    }, allowedHx);
    problems.push(...dom.found.map((text) => `${path}: ${text}`));
    if (dom.xss !== undefined) {
      problems.push(`${path}: window.__xss was set`);
    }
    if (shows && !dom.text.includes(shows)) {
      problems.push(`${path}: the payload is not shown as text`);
    }
    problems.push(...findings.dialogs.splice(0), ...findings.probes.splice(0));
    problems.push(...findings.cspReports.splice(0));
    return problems;
  }

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    allowedHx = templateHxAttributes();
    const ds = testApp.dataSource;
    users = {
      clerk: await createUser(ds, { unitCode: 'tongnan', roles: ['entry'] }),
      reviewer: await createUser(ds, { unitCode: 'tongnan', roles: ['reviewer'] }),
      reporter: await createUser(ds, { unitCode: '市委网信办', roles: ['entry'] }),
      reporterReviewer: await createUser(ds, { unitCode: '市委网信办', roles: ['reviewer'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      deptReviewer: await createUser(ds, { unitCode: '市科技局', roles: ['reviewer'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
      admin: await createUser(ds, { unitCode: '市委改革办', roles: ['admin'] }),
      auditor: await createUser(ds, { unitCode: '市委改革办', roles: ['auditor'] }),
      survey: await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] }),
    };
    const tongnan = await unitIdByCode(ds, 'tongnan');
    const dept = await unitIdByCode(ds, '市科技局');
    const domain = await dictionaryId('domain', 'economy');

    // The admin gives the clerk a hostile name: it shows wherever the clerk acted.
    expect(
      (
        await (
          await as(users.admin)
        ).post(`/admin/users/${users.clerk.id}`, {
          name: NAME,
          unitId: String(tongnan),
          roles: ['entry'],
        })
      ).status,
    ).toBe(303);
    users.clerk.name = NAME;

    const demandForm = {
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(domain),
    };
    const clerk = await as(users.clerk);
    ids.demand = created(
      await clerk.post('/demands', { ...demandForm, title: TITLE, description: LONG, submit: '1' }),
    );
    ids.rejected = created(
      await clerk.post('/demands', {
        ...demandForm,
        title: `被驳回的需求${XSS_SCRIPT}`,
        description: LONG,
        submit: '1',
      }),
    );
    ids.highlight = created(
      await clerk.post('/showcase', {
        matter: TITLE,
        category: 'national',
        subKindId: String(await dictionaryId('affirmation_kind', 'national_1')),
        happenedOn: '2026-05-20',
        problemsSolved: LONG,
        results: LONG,
        evidenceClassified: 'on',
        submit: '1',
      }),
    );
    ids.risk = created(
      await (
        await as(users.reporter)
      ).post('/risk', {
        occurredOn: '2026-08-05',
        levelCode: 'incident_major',
        involvedUnitId: String(tongnan),
        details: LONG,
        submit: '1',
      }),
    );
    ids.project = created(
      await (
        await as(users.office)
      ).post('/major-projects', {
        name: TITLE,
        domainId: String(domain),
        responsibleUnitId: String(dept),
        leadLeader: SHORT,
        planYear: '2026',
      }),
    );
    ids.mapItem = (
      await ds.query<{ id: string }[]>(
        `SELECT wi.id FROM major_projects p JOIN workflow_items wi ON wi.lineage_id = p.map_lineage_id WHERE p.id = $1`,
        [ids.project],
      )
    )[0].id;
    const map: Record<string, string> = {};
    ['i0', 'i1'].forEach((token, index) => {
      map[`ind-${token}-name`] = index === 0 ? TITLE.slice(0, 100) : '一网通办覆盖率';
      map[`ind-${token}-unit`] = '家';
      map[`ind-${token}-annual`] = '12';
      map[`ind-${token}-cumulative`] = '0';
      for (let month = 1; month <= 12; month += 1) {
        map[`ind-${token}-m${month}`] = '1';
      }
    });
    [TITLE, '开展一件事一次办', '建立好差评制度'].forEach((text, index) => {
      map[`mea-m${index}-text`] = text;
    });
    Object.assign(map, {
      'plan-p0-measure': 'm0',
      'plan-p0-month': '2026-03',
      'plan-p0-type': String(await dictionaryId('plan_type', 'reform_plan')),
      'plan-p0-content': TITLE,
      submit: '1',
    });
    expect(
      (await (await as(users.deptClerk)).post(`/major-projects/${ids.project}/map`, map)).status,
    ).toBe(303);
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('should keep pending records inert in the reviewers inboxes', async () => {
    const problems = [
      ...(await inspect(users.reviewer, '/inbox', XSS_SCRIPT)),
      ...(await inspect(users.reviewer, `/demands/${ids.demand}`, XSS_SCRIPT)),
      ...(await inspect(users.deptReviewer, '/inbox')),
      ...(await inspect(users.deptReviewer, `/major-projects/${ids.project}/map`, XSS_SCRIPT)),
    ];
    expect(problems).toEqual([]);
  });

  it('should keep approved and returned records inert on record pages, ledgers and home pages', async () => {
    const reason = String(await dictionaryId('reject_reason', 'incomplete'));
    await act(users.reviewer, ids.rejected, 'reject', { reasonId: reason, detail: LONG });
    for (const id of [ids.demand, ids.highlight]) {
      await act(users.reviewer, id, 'pass');
      await act(users.office, id, 'confirm');
    }
    await act(users.reporterReviewer, ids.risk, 'pass');
    await act(users.office, ids.risk, 'confirm');
    const problems = [
      ...(await inspect(users.clerk, '/', NAME)),
      ...(await inspect(users.clerk, `/demands/${ids.demand}`, XSS_SCRIPT)),
      ...(await inspect(users.clerk, `/demands/${ids.rejected}`, XSS_HTMX)),
      ...(await inspect(users.clerk, `/showcase/${ids.highlight}`, XSS_IMG)),
      ...(await inspect(users.clerk, '/demands', XSS_SCRIPT)),
      ...(await inspect(users.clerk, '/showcase', XSS_SCRIPT)),
      ...(await inspect(users.clerk, '/my-submissions')),
      ...(await inspect(users.clerk, '/notifications')),
      ...(await inspect(users.clerk, `/risk/${ids.risk}`, XSS_HTMX_ON)),
      ...(await inspect(users.office, '/risk', XSS_SCRIPT)),
      ...(await inspect(users.office, '/inbox')),
      ...(await inspect(users.office, `/demands/${ids.demand}`, NAME)),
    ];
    await screenshot((await pageOf(users.clerk)).page, 'stored-xss-returned-demand');
    expect(problems).toEqual([]);
  });

  it('should keep a project name, lead leader and measure inert on the project pages and cockpits', async () => {
    await act(users.deptReviewer, ids.mapItem, 'pass');
    await act(users.office, ids.mapItem, 'issue');
    const office = await as(users.office);
    // The quarter's satisfaction return (its conclusion hostile too), then the district report.
    const scores: Record<string, string> = { quarter: '2026-Q3', conclusion: LONG };
    for (const row of await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active`,
    )) {
      scores[`score_${row.id}`] = '88';
    }
    const survey = created(await (await as(users.survey)).post('/satisfaction', scores));
    await act(users.survey, survey, 'submit');
    await act(users.office, survey, 'confirm');
    expect((await office.post('/reports', { kind: 'district', period: '2026-Q3' })).status).toBe(
      303,
    );
    const problems = [
      ...(await inspect(users.office, '/major-projects', XSS_SCRIPT)),
      ...(await inspect(users.office, `/major-projects/${ids.project}`, XSS_SCRIPT)),
      ...(await inspect(users.office, `/major-projects/${ids.project}/map`, XSS_IMG)),
      ...(await inspect(users.office, `/major-projects/${ids.project}`, SHORT)),
      ...(await inspect(users.office, '/cockpit')),
      ...(await inspect(users.office, '/cockpit/projects')),
      ...(await inspect(users.office, `/satisfaction/${survey}`, XSS_SCRIPT)),
    ];
    await screenshot((await pageOf(users.office)).page, 'stored-xss-cockpit');
    expect(problems).toEqual([]);
  });

  it('should keep hostile names inert in the audit log and the user administration', async () => {
    const problems = [
      ...(await inspect(users.auditor, '/audit', NAME)),
      ...(await inspect(users.admin, '/admin/users', NAME)),
      ...(await inspect(users.admin, `/admin/users/${users.clerk.id}`)),
    ];
    expect(problems).toEqual([]);
  });
});
