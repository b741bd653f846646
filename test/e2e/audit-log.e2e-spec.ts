import { anonymousSession, login, type HttpSession } from '../helpers/http-session.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Audit log for the auditor (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let auditor: TestUser;
  let auditorSession: HttpSession;
  let clerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    auditor = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['auditor'] });
    clerk = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['entry'],
      name: '被审计的录入员',
    });
    // Real events: a login and a failed login of the clerk.
    await login(testApp.server, clerk.mobile, clerk.password);
    const failed = await anonymousSession(testApp.server);
    await failed.post('/login', { mobile: clerk.mobile, password: 'Wrong@Pass9' });
    auditorSession = await login(testApp.server, auditor.mobile, auditor.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should list the real login events and filter them by user, action and result', async () => {
    const all = await auditorSession.agent.get(`/audit?user=${clerk.mobile}`);
    expect(all.status).toBe(200);
    expect(all.text).toContain('被审计的录入员');
    expect(all.text).toContain('登录失败');
    expect(all.text).toContain('保存期限不少于 184 天');
    const failures = await auditorSession.agent.get(`/audit?user=${clerk.mobile}&result=failure`);
    const failureRows = [...failures.text.matchAll(/<tr id="audit-\d+" class="audit-failure">/g)];
    expect(failureRows).toHaveLength(1);
    const logins = await auditorSession.agent.get(`/audit?user=${clerk.mobile}&action=login`);
    expect([...logins.text.matchAll(/<tr id="audit-\d+"/g)]).toHaveLength(1);
    const future = await auditorSession.agent.get('/audit?from=2099-01-01');
    expect(future.text).toContain('没有符合条件的日志');
  });

  it('should refuse the audit log to the administrator and every business role', async () => {
    for (const roles of [['admin'], ['office'], ['entry'], ['leader']] as const) {
      const user = await createUser(testApp.dataSource, {
        unitCode: '市委改革办',
        roles: [...roles],
      });
      const session = await login(testApp.server, user.mobile, user.password);
      expect((await session.agent.get('/audit')).status).toBe(403);
      expect((await session.agent.get('/audit/export')).status).toBe(403);
    }
  });

  it('should export exactly the filtered rows, formula-safe, and audit the export', async () => {
    await testApp.dataSource.query(
      `INSERT INTO audit_log (actor_name, actor_mobile, action, result, target_label, detail, ip) VALUES
         ('导出测试', '13600000001', 'user_updated', 'success', '=HYPERLINK("http://x","y")', '{"name": ["+1", "@cmd"]}', '127.0.0.1'),
         ('导出测试', '13600000001', 'user_created', 'success', '-2', NULL, '127.0.0.1')`,
    );
    const response = await auditorSession.agent
      .get('/audit/export?user=13600000001')
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.hasFormula).toBe(false);
    expect(sheet.rows[0]).toEqual([
      '时间',
      '操作人',
      '手机号',
      '单位',
      '角色',
      '操作',
      '结果',
      '对象',
      '详情',
      'IP',
    ]);
    expect(sheet.rows.slice(1).map((row) => row.slice(1))).toEqual([
      ['导出测试', '13600000001', null, null, '新增用户', '成功', `'-2`, null, '127.0.0.1'],
      [
        '导出测试',
        '13600000001',
        null,
        null,
        '修改用户',
        '成功',
        `'=HYPERLINK("http://x","y")`,
        'name："+1" → "@cmd"',
        '127.0.0.1',
      ],
    ]);
    expect(sheet.rows[1][0]).toBeInstanceOf(Date);
    const exported = await testApp.dataSource.query<{ actor_id: string }[]>(
      `SELECT actor_id FROM audit_log WHERE action = 'audit_exported'`,
    );
    expect(exported.map((row) => row.actor_id)).toContain(auditor.id);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of the audit log from the app connection', async () => {
    await expect(testApp.dataSource.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(testApp.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(testApp.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const count = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log`,
    );
    expect(count[0].count).toBeGreaterThan(3);
  });
});
