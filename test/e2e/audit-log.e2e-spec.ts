import { anonymousSession, login, type HttpSession } from '../helpers/http-session.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

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

  /**
   * A user with this mobile and name: the database fills an audit row's actor from users by
   * actor_id (a row cannot name an actor by itself), so fixture rows need a real user.
   */
  async function actorWith(mobile: string, name: string): Promise<string> {
    const rows = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO users (mobile, name, unit_id, roles, password_hash)
       VALUES ($1, $2, $3, '{entry}', 'x') RETURNING id`,
      [mobile, name, await unitIdByCode(testApp.dataSource, 'yuzhong')],
    );
    return rows[0].id;
  }

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
    const exporter = await actorWith('13600000001', '导出测试');
    await testApp.dataSource.query(
      `INSERT INTO audit_log (actor_id, action, result, target_label, detail, ip) VALUES
         ($1, 'user_updated', 'success', '=HYPERLINK("http://x","y")', '{"name": ["+1", "@cmd"]}', '127.0.0.1'),
         ($1, 'user_created', 'success', '-2', NULL, '127.0.0.1')`,
      [exporter],
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
      [
        '导出测试',
        '13600000001',
        '渝中区',
        '录入人员',
        '新增用户',
        '成功',
        `'-2`,
        null,
        '127.0.0.1',
      ],
      [
        '导出测试',
        '13600000001',
        '渝中区',
        '录入人员',
        '修改用户',
        '成功',
        `'=HYPERLINK("http://x","y")`,
        '姓名：+1 → @cmd',
        '127.0.0.1',
      ],
    ]);
    expect(sheet.rows[1][0]).toBeInstanceOf(Date);
    const exported = await testApp.dataSource.query<{ actor_id: string }[]>(
      `SELECT actor_id FROM audit_log WHERE action = 'audit_exported'`,
    );
    expect(exported.map((row) => row.actor_id)).toContain(auditor.id);
  });

  it('should show every recorded detail key in Chinese, old rows included, on the page and in the export', async () => {
    const yuzhong = await unitIdByCode(testApp.dataSource, 'yuzhong');
    // The shapes the callers of AuditService.record store (the log is append-only: old rows stay).
    const details: [string, string, unknown][] = [
      [
        'workflow_transition',
        'success',
        {
          to: '审核中',
          from: '草稿',
          role: '录入人员',
          action: 'submit',
          actionLabel: '保存并上报',
        },
      ],
      ['mfa_verified', 'success', { method: 'totp' }],
      ['login', 'success', { secondFactor: 'pending' }],
      ['user_created', 'success', { mobile: '13700000077', unitId: yuzhong, roles: ['entry'] }],
      ['user_updated', 'success', { roles: [['entry'], ['reviewer', 'leader']] }],
      ['assignment_created', 'success', { deadline: '2026-06-30', units: ['渝中区', '江北区'] }],
      ['sessions_ended', 'success', { scope: 'others', count: 2 }],
      ['mfa_failed', 'failure', { reason: 'replayed_code' }],
      ['dictionary_updated', 'success', { active: false }],
      ['audit_exported', 'success', { action: 'login', result: 'failure', unitId: yuzhong }],
      ['login', 'success', { someFutureKey: '补充说明', reason: 'brand_new_reason' }],
    ];
    const actor = await actorWith('13600000002', '详情测试');
    for (const [action, result, detail] of details) {
      await testApp.dataSource.query(
        `INSERT INTO audit_log (actor_id, action, result, detail) VALUES ($4, $1, $2, $3)`,
        [action, result, JSON.stringify(detail), actor],
      );
    }
    const expected = [
      '从 草稿 到 审核中；角色：录入人员；操作：保存并上报',
      '方式：动态口令(TOTP)',
      '第二因素：待验证',
      '手机号：13700000077；单位：渝中区；角色：录入人员',
      '角色：录入人员 → 审核人员、领导人员',
      '反馈期限：2026-06-30；单位：渝中区、江北区',
      '范围：其他设备上的登录；结束的登录：2 个',
      '原因：动态口令已使用过',
      '状态：停用',
      '单位：渝中区；操作：登录；结果：失败',
      '原因：其他；其他：补充说明',
    ].reverse(); // newest first

    const page = await auditorSession.agent.get('/audit?user=13600000002');
    expect(page.status).toBe(200);
    const cells = [...page.text.matchAll(/<td class="audit-detail">([^<]*)<\/td>/g)].map(
      (match) => match[1],
    );
    expect(cells).toEqual(expected);
    for (const cell of cells) {
      // No stored key or code reaches the auditor (TOTP is part of the Chinese label).
      expect(cell.replace('(TOTP)', '')).not.toMatch(/[A-Za-z]/);
    }

    const response = await auditorSession.agent
      .get('/audit/export?user=13600000002')
      .buffer(true)
      .parse(binaryParser);
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.rows.slice(1).map((row) => row[8])).toEqual(expected);

    // The 成功 / 失败 badges stay on one line in the narrow 结果 column.
    const css = await auditorSession.agent.get('/static/css/app.css');
    expect(css.text).toMatch(/^\.tag \{[^}]*white-space: nowrap;[^}]*\}/m);
  });

  it('should show the reason of a real failed login in Chinese', async () => {
    const page = await auditorSession.agent.get(`/audit?user=${clerk.mobile}&action=login_failed`);
    expect(page.text).toContain('<td class="audit-detail">原因：密码错误</td>');
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
