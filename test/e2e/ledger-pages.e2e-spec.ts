import type { RoleCode } from '../../src/auth/roles.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

/**
 * Every paged ledger, asked for a page far past its end: it says so and links back to page 1 with
 * the filters kept, instead of "(0)" and its "nothing matches" message.
 */
describe('Ledger pages past the end (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();

  const as = async (unitCode: string, role: RoleCode) => {
    const key = `${unitCode}:${role}`;
    let session = sessions.get(key);
    if (!session) {
      const user = await createUser(testApp.dataSource, { unitCode, roles: [role] });
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(key, session);
    }
    return session;
  };

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  // [ledger path with a filter, unit, role]
  const ledgers: [string, string, RoleCode][] = [
    ['/demands?state=draft', 'yuzhong', 'entry'],
    ['/risk?state=draft', '市委改革办', 'office'],
    ['/pilots?state=draft', '市委改革办', 'office'],
    ['/pilot-filings?kind=progress', '市委改革办', 'office'],
    ['/showcase?state=draft', '市委改革办', 'office'],
    ['/major-projects?status=active', '市委改革办', 'office'],
    ['/major-projects/ledgers/promotions?state=draft', '市委改革办', 'office'],
    ['/tasks?kind=blocker', '市委改革办', 'office'],
    ['/blockers?q=x', '市委改革办', 'office'],
    ['/inbox?type=demand', '市委改革办', 'office'],
    ['/my-submissions?state=draft', 'yuzhong', 'entry'],
    ['/notifications?unread=1', 'yuzhong', 'entry'],
    ['/admin/users?role=entry', '市委改革办', 'admin'],
    ['/admin/units?q=x', '市委改革办', 'admin'],
    ['/audit?action=login', '市委改革办', 'auditor'],
  ];

  it.each(ledgers)(
    'should say page 99 of %s is past the end and link back to page 1',
    async (path, unitCode, role) => {
      const response = await (await as(unitCode, role)).agent.get(`${path}&page=99`);
      expect(response.status).toBe(200);
      const [pathname, filter] = path.split('?');
      // "=" escaped by Handlebars
      const firstHref = `${pathname}?${filter.replace('=', '&#x3D;')}&amp;page&#x3D;1`;
      expect(response.text).toContain(
        `<div class="empty" id="page-past-end">第 99 页没有记录，<a href="${firstHref}" rel="first">返回第 1 页</a></div>`,
      );
      expect(response.text).not.toContain('（0）');
      // Exactly one empty state: the ledger's own "nothing matches" is replaced, not added to.
      expect(response.text.match(/class="empty"/g)).toHaveLength(1);
    },
  );
});
