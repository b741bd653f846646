import request from 'supertest';
import { anonymousSession, fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Administration: users, units, dictionaries (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let admin: TestUser;
  let adminSession: HttpSession;
  let yuzhong: number;

  const auditOf = (action: string, targetId: string | number) =>
    testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = $1 AND target_id = $2`,
      [action, String(targetId)],
    );
  const userId = async (mobile: string) =>
    (
      await testApp.dataSource.query<{ id: string }[]>(`SELECT id FROM users WHERE mobile = $1`, [
        mobile,
      ])
    )[0]?.id;

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['admin'] });
    adminSession = await login(testApp.server, admin.mobile, admin.password);
    yuzhong = await unitIdByCode(testApp.dataSource, 'yuzhong');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should create a user who logs in with the initial password and must change it', async () => {
    const created = await adminSession.post('/admin/users', {
      mobile: '13700000001',
      name: '新录入员',
      unitId: String(yuzhong),
      roles: ['entry'],
    });
    expect(created.status).toBe(303);
    const id = await userId('13700000001');
    expect((await auditOf('user_created', id))[0].count).toBe(1);
    const session = await anonymousSession(testApp.server);
    const loggedIn = await session.post('/login', { mobile: '13700000001', password: '123456' });
    expect(loggedIn.status).toBe(303);
    expect(loggedIn.headers.location).toBe('/account/password');
    expect((await session.agent.get('/')).headers.location).toBe('/account/password');
  });

  it('should refuse a duplicate mobile and the 三员分立 combinations, keeping what was typed', async () => {
    const duplicate = await adminSession.post('/admin/users', {
      mobile: admin.mobile,
      name: '重复号码',
      unitId: String(yuzhong),
      roles: ['entry'],
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.text).toContain('该手机号已有账号');
    expect(duplicate.text).toContain('value="重复号码"');
    for (const roles of [
      ['admin', 'entry'],
      ['auditor', 'office'],
      ['admin', 'auditor'],
    ]) {
      const refused = await adminSession.post('/admin/users', {
        mobile: '13700000009',
        name: '兼任',
        unitId: String(yuzhong),
        roles,
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('三员分立');
    }
    expect(await userId('13700000009')).toBeUndefined();
    const empty = await adminSession.post('/admin/users', {
      mobile: '123',
      name: '',
      unitId: '',
      roles: [],
    });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('请填写 11 位手机号');
    expect(empty.text).toContain('请填写姓名');
    expect(empty.text).toContain('请至少选择一个角色');
  });

  it('should report every error of the user form at once, each next to its field, keeping what was typed', async () => {
    // A bad mobile and no unit (refused by the form's DTO) with 系统管理员 + 审计管理员 (三员分立).
    const refused = await adminSession.post('/admin/users', {
      mobile: '123',
      name: '一次报全',
      unitId: '',
      roles: ['admin', 'auditor'],
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'mobile')).toBe('请填写 11 位手机号');
    expect(fieldError(refused.text, 'unitId')).toBe('请选择所属单位');
    expect(fieldError(refused.text, 'roles')).toBe('系统管理员不能兼任其他角色（三员分立）');
    expect(refused.text).toContain('value="一次报全"');
    expect(refused.text).toContain('value="123"');
    expect(refused.text).toMatch(/value="admin" checked/);
    expect(refused.text).toMatch(/value="auditor" checked/);

    // A form the DTO accepts: a taken mobile, an unknown unit and 三员分立, all in one answer.
    const taken = await adminSession.post('/admin/users', {
      mobile: admin.mobile,
      name: '一次报全',
      unitId: '999999',
      roles: ['auditor', 'entry'],
    });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.text, 'mobile')).toBe('该手机号已有账号');
    expect(fieldError(taken.text, 'unitId')).toBe('请选择有效的单位');
    expect(fieldError(taken.text, 'roles')).toBe('审计管理员不能兼任其他角色（三员分立）');

    // Editing: an empty name with 三员分立.
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const edit = await adminSession.post(`/admin/users/${clerk.id}`, {
      name: '',
      unitId: String(yuzhong),
      roles: ['admin', 'entry'],
    });
    expect(edit.status).toBe(422);
    expect(fieldError(edit.text, 'name')).toBe('请填写姓名');
    expect(fieldError(edit.text, 'roles')).toBe('系统管理员不能兼任其他角色（三员分立）');
    expect(await userId('123')).toBeUndefined();
  });

  it('should report the unit and dictionary rules together with the form errors', async () => {
    const unit = await adminSession.post('/admin/units', {
      name: '',
      code: 'Bad Code',
      kind: 'district',
    });
    expect(unit.status).toBe(422);
    expect(fieldError(unit.text, 'name')).toBe('请填写单位名称');
    expect(fieldError(unit.text, 'code')).toContain('编码须为');
    expect(fieldError(unit.text, 'districtType')).toBe('区县须选择区县类型');
    const track = await adminSession.post('/admin/dictionaries?kind=track', { label: '' });
    expect(track.status).toBe(422);
    expect(fieldError(track.text, 'label')).toBe('请填写名称');
    expect(fieldError(track.text, 'parentId')).toBe('请选择所属领域');
  });

  it('should end the sessions of a user whose password is reset or who is deactivated', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    expect((await adminSession.post(`/admin/users/${clerk.id}/password-reset`)).status).toBe(303);
    expect((await session.agent.get('/')).status).toBe(303);
    expect((await auditOf('password_reset', clerk.id))[0].count).toBe(1);
    const again = await anonymousSession(testApp.server);
    expect(
      (await again.post('/login', { mobile: clerk.mobile, password: '123456' })).headers.location,
    ).toBe('/account/password');

    const other = await createUser(testApp.dataSource, { roles: ['entry'] });
    const otherSession = await login(testApp.server, other.mobile, other.password);
    expect((await adminSession.post(`/admin/users/${other.id}/deactivation`)).status).toBe(303);
    expect((await otherSession.agent.get('/')).status).toBe(303);
    const relogin = await anonymousSession(testApp.server);
    expect(
      (await relogin.post('/login', { mobile: other.mobile, password: other.password })).status,
    ).toBe(401);
    expect((await auditOf('user_deactivated', other.id))[0].count).toBe(1);
  });

  it('should unlock a locked user and change roles (ending their session)', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    await testApp.dataSource.query(
      `UPDATE users SET locked_until = now() + interval '10 minutes' WHERE id = $1`,
      [clerk.id],
    );
    const page = await adminSession.agent.get('/admin/users?q=' + clerk.mobile);
    expect(page.text).toContain('已锁定');
    expect((await adminSession.post(`/admin/users/${clerk.id}/unlock`)).status).toBe(303);
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const updated = await adminSession.post(`/admin/users/${clerk.id}`, {
      name: clerk.name,
      unitId: String(yuzhong),
      roles: ['entry', 'reviewer'],
    });
    expect(updated.status).toBe(303);
    expect((await session.agent.get('/')).status).toBe(303);
    const roles = await testApp.dataSource.query<{ roles: string[] }[]>(
      `SELECT roles FROM users WHERE id = $1`,
      [clerk.id],
    );
    expect(roles[0].roles).toEqual(['entry', 'reviewer']);
    expect((await auditOf('user_unlocked', clerk.id))[0].count).toBe(1);
    expect((await auditOf('user_updated', clerk.id))[0].count).toBe(1);
  });

  it('should not let an admin demote or deactivate themself', async () => {
    const demote = await adminSession.post(`/admin/users/${admin.id}`, {
      name: admin.name,
      unitId: String(admin.unitId),
      roles: ['office'],
    });
    expect(demote.status).toBe(422);
    const deactivate = await adminSession.post(`/admin/users/${admin.id}/deactivation`);
    expect(deactivate.status).toBe(400);
    expect(deactivate.text).toContain('不能停用自己的账号');
  });

  it('should refuse every admin page to other roles', async () => {
    for (const roles of [['entry'], ['office'], ['auditor'], ['leader']] as const) {
      const user = await createUser(testApp.dataSource, {
        unitCode: '市委改革办',
        roles: [...roles],
      });
      const session = await login(testApp.server, user.mobile, user.password);
      for (const url of [
        '/admin/users',
        '/admin/units',
        '/admin/dictionaries',
        `/admin/users/${admin.id}`,
      ]) {
        expect((await session.agent.get(url)).status).toBe(403);
      }
      expect(
        (
          await session.post('/admin/users', {
            mobile: '13700000077',
            name: 'x',
            unitId: String(yuzhong),
            roles: ['entry'],
          })
        ).status,
      ).toBe(403);
    }
    expect(await userId('13700000077')).toBeUndefined();
    expect((await request(testApp.server).get('/admin/users')).status).toBe(303);
  });

  it('should create and edit units, refusing a duplicate name, and set capabilities', async () => {
    const created = await adminSession.post('/admin/units', {
      name: '市乡村振兴局',
      code: 'dept-xiangcun',
      kind: 'department',
      capabilities: ['risk_reporter'],
    });
    expect(created.status).toBe(303);
    const unit = await testApp.dataSource.query<{ id: number; capabilities: string[] }[]>(
      `SELECT id, capabilities FROM units WHERE code = 'dept-xiangcun'`,
    );
    expect(unit[0].capabilities).toEqual(['risk_reporter']);
    expect((await auditOf('unit_created', unit[0].id))[0].count).toBe(1);
    const duplicate = await adminSession.post('/admin/units', {
      name: '渝中区',
      code: 'yuzhong-2',
      kind: 'district',
      districtType: '区',
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.text).toContain('已有同名单位');
    const noType = await adminSession.post('/admin/units', {
      name: '新区县',
      code: 'xinquxian',
      kind: 'district',
    });
    expect(noType.status).toBe(422);
    expect(noType.text).toContain('区县须选择区县类型');
    expect((await adminSession.post(`/admin/units/${unit[0].id}/deactivation`)).status).toBe(303);
    const list = await adminSession.agent.get('/admin/units?q=乡村振兴');
    expect(list.text).toContain('已停用');
  });

  it('should add a reject reason and a track under a domain, and deactivate an item', async () => {
    const reason = await adminSession.post('/admin/dictionaries?kind=reject_reason', {
      label: '未按模板填写',
    });
    expect(reason.status).toBe(303);
    const rows = await testApp.dataSource.query<{ id: number; active: boolean }[]>(
      `SELECT id, active FROM dictionary_items WHERE kind = 'reject_reason' AND label = '未按模板填写'`,
    );
    expect(rows).toHaveLength(1);
    const domain = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND code = 'digital'`,
      )
    )[0].id;
    const track = await adminSession.post('/admin/dictionaries?kind=track', {
      label: '数字乡村',
      parentId: String(domain),
    });
    expect(track.status).toBe(303);
    const tracks = await testApp.dataSource.query<{ parent_id: number }[]>(
      `SELECT parent_id FROM dictionary_items WHERE kind = 'track' AND label = '数字乡村'`,
    );
    expect(tracks).toEqual([{ parent_id: domain }]);
    const noDomain = await adminSession.post('/admin/dictionaries?kind=track', {
      label: '无领域跑道',
    });
    expect(noDomain.status).toBe(422);
    expect(noDomain.text).toContain('请选择所属领域');
    expect((await adminSession.post(`/admin/dictionaries/${rows[0].id}/deactivation`)).status).toBe(
      303,
    );
    const after = await testApp.dataSource.query<{ active: boolean }[]>(
      `SELECT active FROM dictionary_items WHERE id = $1`,
      [rows[0].id],
    );
    expect(after[0].active).toBe(false);
    expect((await auditOf('dictionary_created', rows[0].id))[0].count).toBe(1);
    const domains = await adminSession.agent.get('/admin/dictionaries?kind=domain');
    expect(domains.status).toBe(200);
    expect(domains.text).toMatch(/数字化改革[\s\S]*数字乡村/);
    expect((await adminSession.agent.get(`/admin/dictionaries/${rows[0].id}`)).text).toContain(
      '未按模板填写',
    );
  });

  it('should render the lists with search, paging and empty states', async () => {
    const users = await adminSession.agent.get('/admin/users?q=不存在的人');
    expect(users.status).toBe(200);
    expect(users.text).toContain('没有符合条件的用户');
    const units = await adminSession.agent.get('/admin/units?kind=district');
    expect(units.text).toContain('共 41 条');
    expect(units.text).toContain('下一页');
    const page3 = await adminSession.agent.get('/admin/units?kind=district&page=3');
    expect(page3.text).toContain('万盛经开区');
    expect((await adminSession.agent.get(`/admin/units/${yuzhong}`)).text).toContain(
      'value="yuzhong"',
    );
    expect((await adminSession.agent.get('/admin/users/new')).status).toBe(200);
  });
});
