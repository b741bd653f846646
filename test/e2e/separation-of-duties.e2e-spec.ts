import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * Issue 18 item 6: nobody acts on two consecutive steps of one record, whatever roles they hold.
 * A user with 录入 and 审核 in one unit files a demand: they cannot pass it, their 待办 shows it as
 * waiting for another reviewer, and another reviewer of the unit passes it.
 */
describe('One person on two steps (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let both: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let admin: TestUser;
  const sessions = new Map<string, HttpSession>();
  let form: Record<string, string>;

  const as = async (user: TestUser): Promise<HttpSession> => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const act = (user: TestUser, id: string, action: string, extra: Record<string, string> = {}) =>
    as(user).then((session) =>
      session.htmx('post', `/records/${id}/transitions`, { action, ...extra }),
    );
  const itemState = async (id: string) =>
    (
      await testApp.dataSource.query<{ state: string; step: number | null }[]>(
        `SELECT state, step FROM workflow_items WHERE id = $1`,
        [id],
      )
    )[0];
  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    both = await createUser(ds, {
      unitCode: 'yuzhong',
      roles: ['entry', 'reviewer'],
      name: '兼任录入审核',
    });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'], name: '另一审核' });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    admin = await createUser(ds, { unitCode: '市委改革办', roles: ['admin'] });
    form = {
      title: '一人两环节测试需求',
      description: '同一人不能连续办理两个环节。',
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
      trackId: String(await dictionaryId('track', 'business_environment')),
      submit: '1',
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse the submitter the review of their own demand and leave it to another reviewer', async () => {
    const created = await (await as(both)).post('/demands', form);
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    expect(await itemState(id)).toEqual({ state: 'pending', step: 0 });

    // The record page offers no 通过 or 驳回 to them, only 撤回, and says why.
    const page = await (await as(both)).agent.get(`/demands/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/name="action" value="pass"/);
    expect(page.text).not.toMatch(/name="action" value="reject"/);
    expect(page.text).toMatch(/name="action" value="withdraw"/);
    expect(page.text).toContain('等待其他审核人员');

    // Posting the transition anyway changes nothing.
    const refused = await act(both, id, 'pass');
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('同一人不能连续办理两个环节');
    const rejected = await act(both, id, 'reject', {
      reasonId: String(await dictionaryId('reject_reason', 'incomplete')),
      detail: '自己驳回自己',
    });
    expect(rejected.status).toBe(409);
    expect(await itemState(id)).toEqual({ state: 'pending', step: 0 });

    // 待办: listed, marked as waiting for another reviewer, and not counted in the badge.
    const inbox = await (await as(both)).agent.get('/inbox');
    expect(inbox.text).toContain(`id="inbox-${id}-waiting"`);
    expect(inbox.text).toContain('等待其他审核人员');
    const otherInbox = await (await as(reviewer)).agent.get('/inbox');
    expect(otherInbox.text).toContain(`id="inbox-${id}"`);
    expect(otherInbox.text).not.toContain(`id="inbox-${id}-waiting"`);

    // Another reviewer of the unit passes it; the office confirms.
    expect((await act(reviewer, id, 'pass')).status).toBe(200);
    expect(await itemState(id)).toEqual({ state: 'pending', step: 1 });
    expect((await act(office, id, 'confirm')).status).toBe(200);
    expect(await itemState(id)).toEqual({ state: 'approved', step: null });
  });

  it('should still refuse the submitter after the reviewer who passed it withdrew it', async () => {
    const created = await (await as(both)).post('/demands', { ...form, title: '撤回后的需求' });
    const id = String(created.headers.location).split('/').pop()!;
    expect((await act(reviewer, id, 'pass')).status).toBe(200);
    expect((await act(reviewer, id, 'withdraw')).status).toBe(200);
    expect(await itemState(id)).toEqual({ state: 'pending', step: 0 });
    expect((await act(both, id, 'pass')).status).toBe(409);
    expect((await act(reviewer, id, 'pass')).status).toBe(200);
  });

  it('should let the same user review what a colleague submitted', async () => {
    const colleague = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['entry'],
    });
    const created = await (await as(colleague)).post('/demands', { ...form, title: '同事的需求' });
    const id = String(created.headers.location).split('/').pop()!;
    const inbox = await (await as(both)).agent.get('/inbox');
    expect(inbox.text).toContain(`id="inbox-${id}"`);
    expect(inbox.text).not.toContain(`id="inbox-${id}-waiting"`);
    expect((await act(both, id, 'pass')).status).toBe(200);
  });

  it('should warn on the admin user form when 录入 and 审核 are combined', async () => {
    const session = await as(admin);
    const page = await session.agent.get(`/admin/users/${both.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="roles-combined-warning"');
    expect(page.text).toContain('其上报的记录须由本单位其他审核人员审核');
    const plain = await session.agent.get(`/admin/users/${reviewer.id}`);
    expect(plain.text).not.toContain('id="roles-combined-warning"');

    // Saving such a user says it again; an invalid form shows the warning next to the roles.
    const unitId = String(await unitIdByCode(testApp.dataSource, 'yuzhong'));
    const saved = await session.post(`/admin/users/${reviewer.id}`, {
      name: '另一审核',
      unitId,
      roles: ['entry', 'reviewer'],
    });
    expect(saved.status).toBe(303);
    const list = await session.agent.get('/admin/users');
    expect(list.text).toContain('其上报的记录须由本单位其他审核人员审核');
    const invalid = await session.post(`/admin/users/${reviewer.id}`, {
      name: '',
      unitId,
      roles: ['entry', 'reviewer'],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('id="roles-combined-warning"');
  });
});
