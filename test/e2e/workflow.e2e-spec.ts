import { WorkflowQueries } from '../../src/workflow/workflow-queries.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule, type SampleType } from '../support/sample-records.module.js';

interface Cast {
  clerk: TestUser;
  clerk2: TestUser;
  reviewer: TestUser;
  otherClerk: TestUser;
  otherReviewer: TestUser;
  deptClerk: TestUser;
  deptReviewer: TestUser;
  office: TestUser;
  leader: TestUser;
}

describe('The shared review workflow (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let cast: Cast;
  const sessions = new Map<string, HttpSession>();
  let deptUnitId: number;
  let rejectReasonId: number;

  const as = async (user: TestUser): Promise<HttpSession> => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };

  const itemState = async (id: string) => {
    const rows: { state: string; step: number | null; version: number }[] =
      await testApp.dataSource.query(
        `SELECT state, step, version FROM workflow_items WHERE id = $1`,
        [id],
      );
    return rows[0];
  };

  const eventsOf = async (id: string) => {
    const rows: { action: string; actor_role: string; reason_label: string | null }[] =
      await testApp.dataSource.query(
        `SELECT action, actor_role, reason_label FROM workflow_events WHERE item_id = $1 ORDER BY id`,
        [id],
      );
    return rows;
  };

  /** Creates a record as the clerk (optionally submitted) and returns its id. */
  const createRecord = async (
    type: SampleType,
    options: { submit?: boolean; title?: string; by?: TestUser } = {},
  ) => {
    const session = await as(options.by ?? cast.clerk);
    const response = await session.post('/samples', {
      type,
      title: options.title ?? `记录-${type}`,
      competentUnitId: String(deptUnitId),
      submit: options.submit ? '1' : '0',
    });
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };

  const act = (user: TestUser, id: string, action: string, extra: Record<string, string> = {}) =>
    as(user).then((session) =>
      session.htmx('post', `/records/${id}/transitions`, { action, ...extra }),
    );

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    const ds = testApp.dataSource;
    cast = {
      clerk: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'], name: '渝中录入' }),
      clerk2: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'], name: '渝中录入二' }),
      reviewer: await createUser(ds, {
        unitCode: 'yuzhong',
        roles: ['reviewer'],
        name: '渝中审核',
      }),
      otherClerk: await createUser(ds, {
        unitCode: 'jiangbei',
        roles: ['entry'],
        name: '江北录入',
      }),
      otherReviewer: await createUser(ds, {
        unitCode: 'jiangbei',
        roles: ['reviewer'],
        name: '江北审核',
      }),
      deptClerk: await createUser(ds, {
        unitCode: '市发展改革委',
        roles: ['entry'],
        name: '发改录入',
      }),
      deptReviewer: await createUser(ds, {
        unitCode: '市发展改革委',
        roles: ['reviewer'],
        name: '发改审核',
      }),
      office: await createUser(ds, {
        unitCode: '市委改革办',
        roles: ['office'],
        name: '改革办审核',
      }),
      leader: await createUser(ds, { unitCode: '市委改革办', roles: ['leader'], name: '市领导' }),
    };
    deptUnitId = await unitIdByCode(ds, '市发展改革委');
    const reasons: { id: number }[] = await ds.query(
      `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' ORDER BY sort_order LIMIT 1`,
    );
    rejectReasonId = reasons[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('own reviewer → office', () => {
    it('should walk the chain with only the right people allowed at each step', async () => {
      const id = await createRecord('sample_office');
      expect(await itemState(id)).toMatchObject({ state: 'draft', step: null });

      // Draft: only the owner unit's clerks may submit.
      for (const outsider of [cast.reviewer, cast.otherClerk, cast.office]) {
        const refused = await act(outsider, id, 'submit');
        expect([404, 409]).toContain(refused.status);
      }
      expect((await act(cast.clerk, id, 'submit')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 0 });

      // At the unit reviewer.
      for (const outsider of [cast.clerk, cast.otherReviewer, cast.office, cast.deptClerk]) {
        const refused = await act(outsider, id, 'pass');
        expect([404, 409]).toContain(refused.status);
      }
      expect((await act(cast.reviewer, id, 'pass')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 1 });

      // At the office.
      expect((await act(cast.reviewer, id, 'confirm')).status).toBe(409);
      // A leader of the office's unit does not read what waits for the office's reviewers.
      expect((await act(cast.leader, id, 'confirm')).status).toBe(404);
      const confirmed = await act(cast.office, id, 'confirm');
      expect(confirmed.status).toBe(200);
      expect(confirmed.text).toContain('已通过');
      expect(await itemState(id)).toMatchObject({ state: 'approved', step: null });

      expect((await eventsOf(id)).map((event) => [event.action, event.actor_role])).toEqual([
        ['submit', 'entry'],
        ['pass', 'reviewer'],
        ['confirm', 'office'],
      ]);
      const audit: { count: number }[] = await testApp.dataSource.query(
        `SELECT count(*)::int AS count FROM audit_log WHERE action = 'workflow_transition' AND target_id = $1`,
        [id],
      );
      expect(audit[0].count).toBe(3);
    });

    it('should show only the buttons the user may press', async () => {
      const id = await createRecord('sample_office', { submit: true });
      const reviewerPage = await (await as(cast.reviewer)).agent.get(`/samples/${id}`);
      expect(reviewerPage.text).toContain(`id="record-${id}-pass"`);
      expect(reviewerPage.text).toContain('驳回');
      expect(reviewerPage.text).not.toContain(`id="record-${id}-withdraw"`);
      const clerkPage = await (await as(cast.clerk)).agent.get(`/samples/${id}`);
      expect(clerkPage.text).not.toContain(`id="record-${id}-pass"`);
      expect(clerkPage.text).toContain(`id="record-${id}-withdraw"`);
      expect(clerkPage.text).toContain('审核期间不能修改');
    });

    it('should let the submitter withdraw until the reviewer acts, and the reviewer until the office acts', async () => {
      const id = await createRecord('sample_office', { submit: true });
      expect((await act(cast.clerk2, id, 'withdraw')).status).toBe(409); // not the one who acted
      expect((await act(cast.clerk, id, 'withdraw')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'draft' });

      await act(cast.clerk, id, 'submit');
      await act(cast.reviewer, id, 'pass');
      expect((await act(cast.clerk, id, 'withdraw')).status).toBe(409); // the reviewer acted since
      expect((await act(cast.reviewer, id, 'withdraw')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 0 });

      await act(cast.reviewer, id, 'pass');
      await act(cast.office, id, 'confirm');
      expect((await act(cast.reviewer, id, 'withdraw')).status).toBe(409); // approved is final
      expect((await eventsOf(id)).map((event) => [event.action, event.actor_role])).toEqual([
        ['submit', 'entry'],
        ['withdraw', 'entry'],
        ['submit', 'entry'],
        ['pass', 'reviewer'],
        ['withdraw', 'reviewer'],
        ['pass', 'reviewer'],
        ['confirm', 'office'],
      ]);
    });

    it('should refuse a reject without reason or detail, changing nothing', async () => {
      const id = await createRecord('sample_office', { submit: true });
      const before = await itemState(id);
      const noReason = await act(cast.reviewer, id, 'reject', { detail: '缺少佐证' });
      expect(noReason.status).toBe(422);
      expect(noReason.text).toContain('请选择驳回理由');
      const noDetail = await act(cast.reviewer, id, 'reject', {
        reasonId: String(rejectReasonId),
        detail: '  ',
      });
      expect(noDetail.status).toBe(422);
      expect(noDetail.text).toContain('请填写详细描述');
      const wrongKind = await act(cast.reviewer, id, 'reject', { reasonId: '999999', detail: 'x' });
      expect(wrongKind.status).toBe(422);
      expect(await itemState(id)).toEqual(before);
      expect(await eventsOf(id)).toHaveLength(1);
    });

    it('should send the record back with its reason shown to the clerk, who fixes and resubmits', async () => {
      const id = await createRecord('sample_office', { submit: true, title: '被驳回的记录' });
      const rejected = await act(cast.reviewer, id, 'reject', {
        reasonId: String(rejectReasonId),
        detail: '请补充佐证材料',
      });
      expect(rejected.status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'returned' });
      const page = await (await as(cast.clerk)).agent.get(`/samples/${id}`);
      expect(page.text).toContain(`id="record-${id}-returned"`);
      expect(page.text).toContain('请补充佐证材料');
      const mine = await (await as(cast.clerk)).agent.get('/my-submissions?state=returned');
      expect(mine.text).toContain('被驳回的记录');
      expect(mine.text).toContain('请补充佐证材料');
      expect((await act(cast.clerk, id, 'submit')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 0 });
    });

    it('should count office returns and rejects apart, per unit and record type', async () => {
      const since = new Date(Date.now() - 1000);
      const returnedId = await createRecord('sample_office', { submit: true, by: cast.otherClerk });
      await act(cast.otherReviewer, returnedId, 'pass');
      expect(
        (
          await act(cast.office, returnedId, 'return', {
            reasonId: String(rejectReasonId),
            detail: '内容不完整',
          })
        ).status,
      ).toBe(200);
      const rejectedId = await createRecord('sample_office', { submit: true, by: cast.otherClerk });
      await act(cast.otherReviewer, rejectedId, 'pass');
      expect(
        (
          await act(cast.office, rejectedId, 'reject', {
            reasonId: String(rejectReasonId),
            detail: '不符合计分条件',
          })
        ).status,
      ).toBe(200);
      await act(cast.otherClerk, rejectedId, 'submit');
      expect(
        (
          await act(cast.otherReviewer, rejectedId, 'reject', {
            reasonId: String(rejectReasonId),
            detail: '再次驳回',
          })
        ).status,
      ).toBe(200);

      const jiangbei = await unitIdByCode(testApp.dataSource, 'jiangbei');
      const counts = await testApp.app
        .get(WorkflowQueries)
        .sendBackCounts(since, new Date(Date.now() + 60_000));
      expect(counts.filter((row) => row.unitId === jiangbei)).toEqual([
        { unitId: jiangbei, recordType: 'sample_office', rejected: 2, returned: 1 },
      ]);
    });

    it('should let exactly one of 20 concurrent approvals win, with one event', async () => {
      const id = await createRecord('sample_office', { submit: true });
      await act(cast.reviewer, id, 'pass');
      const { version } = await itemState(id);
      const office2 = await createUser(testApp.dataSource, {
        unitCode: '市委改革办',
        roles: ['office'],
      });
      const officeSessions = [await as(cast.office), await as(office2)];
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_unused, index) =>
          officeSessions[index % 2].htmx('post', `/records/${id}/transitions`, {
            action: 'confirm',
            version: String(version),
          }),
        ),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);
      const losers = responses.filter((response) => response.status === 409);
      expect(losers.every((response) => response.text.includes('该记录已被他人处理，请刷新'))).toBe(
        true,
      );
      expect((await eventsOf(id)).filter((event) => event.action === 'confirm')).toHaveLength(1);
      expect(await itemState(id)).toMatchObject({ state: 'approved', version: version + 1 });
    });

    it('should refuse a stale page (an older version) with the conflict message', async () => {
      const id = await createRecord('sample_office', { submit: true });
      const { version } = await itemState(id);
      await act(cast.clerk, id, 'withdraw');
      await act(cast.clerk, id, 'submit');
      const stale = await act(cast.reviewer, id, 'pass', { version: String(version) });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('该记录已被他人处理，请刷新');
    });
  });

  describe('revisions', () => {
    it('should keep the approved revision current while a change is pending, then switch', async () => {
      const first = await createRecord('sample_office', { submit: true, title: '第一版' });
      await act(cast.reviewer, first, 'pass');
      await act(cast.office, first, 'confirm');

      expect((await (await as(cast.reviewer)).post(`/samples/${first}/revision`)).status).toBe(409);
      const revised = await (await as(cast.clerk)).post(`/samples/${first}/revision`);
      expect(revised.status).toBe(303);
      const second = String(revised.headers.location).split('/').pop()!;
      expect(second).not.toBe(first);
      // Only one open change at a time.
      expect((await (await as(cast.clerk)).post(`/samples/${first}/revision`)).status).toBe(409);

      const current = async () =>
        testApp.dataSource.query<{ id: string; revision: number }[]>(
          `SELECT id, revision FROM workflow_items WHERE lineage_id = $1 AND is_current_approved`,
          [first],
        );
      await act(cast.clerk, second, 'submit');
      expect(await current()).toEqual([{ id: first, revision: 1 }]);
      // The leader (approved data only) reads revision 1 while revision 2 is pending.
      expect((await (await as(cast.leader)).agent.get(`/samples/${first}`)).status).toBe(200);
      expect((await (await as(cast.leader)).agent.get(`/samples/${second}`)).status).toBe(404);

      await act(cast.reviewer, second, 'pass');
      await act(cast.office, second, 'confirm');
      expect(await current()).toEqual([{ id: second, revision: 2 }]);
      const page = await (await as(cast.clerk)).agent.get(`/samples/${second}`);
      expect(page.text).toContain('历史版本');
      expect(page.text).toContain('基于第 1 版发起变更');
      const oldPage = await (await as(cast.clerk)).agent.get(`/samples/${first}`);
      expect(oldPage.text).toContain('这是历史版本');
    });
  });

  describe('competent department chains (pilots)', () => {
    it('should let only the competent department clerk confirm a pilot creation', async () => {
      const id = await createRecord('sample_competent', { submit: true });
      await act(cast.reviewer, id, 'pass');
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 1 });
      expect((await act(cast.deptReviewer, id, 'confirm')).status).toBe(409);
      expect((await act(cast.office, id, 'confirm')).status).toBe(409);
      expect((await act(cast.otherClerk, id, 'confirm')).status).toBe(404);
      expect((await act(cast.deptClerk, id, 'confirm')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'approved' });
    });

    it('should go reviewer → competent department → office for progress updates', async () => {
      const id = await createRecord('sample_three', { submit: true });
      await act(cast.reviewer, id, 'pass');
      expect((await act(cast.deptClerk, id, 'pass')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 2 });
      expect((await act(cast.deptClerk, id, 'withdraw')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'pending', step: 1 });
      await act(cast.deptClerk, id, 'pass');
      expect((await act(cast.office, id, 'confirm')).status).toBe(200);
      expect((await eventsOf(id)).map((event) => event.actor_role)).toEqual([
        'entry',
        'reviewer',
        'entry',
        'entry',
        'entry',
        'office',
      ]);
    });

    it('should let the office issue (确认下发) a battle map, or return it', async () => {
      const id = await createRecord('sample_issue', { submit: true });
      await act(cast.reviewer, id, 'pass');
      const page = await (await as(cast.office)).agent.get(`/samples/${id}`);
      expect(page.text).toContain('确认下发');
      expect(page.text).toContain('退回完善');
      expect((await act(cast.office, id, 'issue')).status).toBe(200);
      expect(await itemState(id)).toMatchObject({ state: 'approved' });
    });

    it('should send a survey centre return straight to the office', async () => {
      const id = await createRecord('sample_office_only', { submit: true });
      expect((await act(cast.reviewer, id, 'pass')).status).toBe(409);
      expect((await act(cast.office, id, 'confirm')).status).toBe(200);
    });
  });

  describe('inbox, my submissions, notifications, scope', () => {
    it('should list what waits for the reviewer with a count in the navigation, and notify', async () => {
      const reviewer = await createUser(testApp.dataSource, {
        unitCode: 'wanzhou',
        roles: ['reviewer'],
      });
      const clerk = await createUser(testApp.dataSource, { unitCode: 'wanzhou', roles: ['entry'] });
      const id = await createRecord('sample_office', {
        submit: true,
        title: '万州待审记录',
        by: clerk,
      });
      const session = await as(reviewer);
      const inbox = await session.agent.get('/inbox');
      expect(inbox.status).toBe(200);
      expect(inbox.text).toContain('万州待审记录');
      expect(inbox.text).toContain(`id="inbox-${id}"`);
      expect(inbox.text).toMatch(/待办 <span class="badge" id="nav-badge-inbox">1<\/span>/);
      const notes: { user_id: string; kind: string }[] = await testApp.dataSource.query(
        `SELECT user_id, kind FROM notifications WHERE item_id = $1`,
        [id],
      );
      expect(notes).toEqual([{ user_id: reviewer.id, kind: 'inbox' }]);

      const rejected = await act(reviewer, id, 'reject', {
        reasonId: String(rejectReasonId),
        detail: '请补充',
      });
      // The answer carries the navigation's counts as they now stand: 待办 empty (hidden).
      expect(rejected.text).toContain(
        '<hx-partial hx-target="#nav-badge-inbox" hx-swap="outerHTML"><span class="badge" id="nav-badge-inbox" hidden></span></hx-partial>',
      );
      const afterReject: { user_id: string; kind: string }[] = await testApp.dataSource.query(
        `SELECT user_id, kind FROM notifications WHERE item_id = $1 ORDER BY id`,
        [id],
      );
      expect(afterReject).toEqual([{ user_id: clerk.id, kind: 'returned' }]);
      const clerkNotifications = await (await as(clerk)).agent.get('/notifications');
      expect(clerkNotifications.text).toContain('被驳回');
      expect((await session.agent.get('/inbox')).text).toContain('暂无待审核事项');
    });

    it('should filter the inbox by module and unit, and page it', async () => {
      const response = await (await as(cast.office)).agent.get('/inbox?type=sample_issue');
      expect(response.status).toBe(200);
      const none = await (
        await as(cast.office)
      ).agent.get(`/inbox?unit=${await unitIdByCode(testApp.dataSource, 'wanzhou')}`);
      expect(none.text).toContain('暂无待审核事项');
    });

    it('should hide drafts from everyone outside the unit (404, not 403)', async () => {
      const id = await createRecord('sample_office', { title: '渝中草稿' });
      for (const outsider of [cast.otherClerk, cast.office, cast.leader, cast.deptClerk]) {
        expect((await (await as(outsider)).agent.get(`/samples/${id}`)).status).toBe(404);
        expect((await (await as(outsider)).agent.get(`/records/${id}`)).status).toBe(404);
      }
      expect((await (await as(cast.clerk2)).agent.get(`/samples/${id}`)).status).toBe(200);
      expect((await (await as(cast.reviewer)).agent.get(`/samples/${id}`)).status).toBe(200);
    });

    it('should mark notifications read only for their owner', async () => {
      const rows: { id: string; user_id: string }[] = await testApp.dataSource.query(
        `SELECT id, user_id FROM notifications WHERE user_id = $1 LIMIT 1`,
        [cast.clerk.id],
      );
      expect(rows.length).toBe(1);
      const foreign = await (await as(cast.otherClerk)).post(`/notifications/${rows[0].id}/read`);
      expect(foreign.status).toBe(404);
      const own = await (await as(cast.clerk)).post(`/notifications/${rows[0].id}/read`);
      expect(own.status).toBe(303);
    });
  });
});
