import { AssignmentStatsService } from '../../src/assignments/assignment-stats.service.js';
import { Clock } from '../../src/common/time/clock.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Assigned tasks: demand list (需求清单) and blockers (堵点卡点) (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let office: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;
  let otherClerk: TestUser;
  let thirdClerk: TestUser;
  let yuzhong: number;
  let jiangbei: number;
  const sessions = new Map<string, HttpSession>();
  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  /** The business clock the due rules read; the database's own now() is untouched. */
  const setToday = (iso: string | undefined) => {
    const clock = testApp.app.get(Clock);
    clock.now = iso ? () => new Date(iso) : () => new Date();
  };

  const assign = async (
    path: '/demand-list' | '/blockers',
    title: string,
    deadline: string,
    unitIds: number[],
  ) => {
    const response = await (
      await as(office)
    ).post(path, {
      title,
      description: `${title}的具体要求`,
      deadline,
      unitIds: unitIds.map(String),
    });
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const taskOf = async (assignmentId: string, unitId: number) =>
    (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM assignment_tasks WHERE assignment_id = $1 AND unit_id = $2`,
        [assignmentId, unitId],
      )
    )[0].id;

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    otherClerk = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    thirdClerk = await createUser(ds, { unitCode: 'wanzhou', roles: ['entry'] });
    yuzhong = await unitIdByCode(ds, 'yuzhong');
    jiangbei = await unitIdByCode(ds, 'jiangbei');
  });

  afterEach(() => setToday(undefined));

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse an assignment without units or deadline, keeping the typed title', async () => {
    const response = await (
      await as(office)
    ).post('/blockers', { title: '审批环节多', description: '', deadline: '' });
    expect(response.status).toBe(422);
    expect(response.text).toContain('请至少选择一个承办单位');
    expect(response.text).toContain('反馈时限');
    expect(response.text).toContain('value="审批环节多"');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM assignments`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should report the form errors and the rule errors of an assignment at once, keeping what was typed', async () => {
    // No title (refused by the DTO), a date that does not exist and a unit that cannot be assigned (rules).
    const response = await (
      await as(office)
    ).post('/blockers', {
      title: '',
      description: '一次报全',
      deadline: '2026-02-30',
      unitIds: [String(yuzhong), '999999'],
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'title')).toBe('请填写标题');
    expect(fieldError(response.text, 'deadline')).toBe('请填写有效的反馈时限（年-月-日）');
    expect(fieldError(response.text, 'unitIds')).toBe('承办单位有误，请重新选择');
    expect(response.text).toContain('一次报全');
    expect(response.text).toContain('value="2026-02-30"');
  });

  it('should create one task per assigned unit and notify their clerks; other roles cannot assign', async () => {
    const id = await assign('/blockers', '工程建设项目审批堵点', '2026-03-31', [yuzhong, jiangbei]);
    const tasks = await testApp.dataSource.query<{ unit_id: number }[]>(
      `SELECT unit_id FROM assignment_tasks WHERE assignment_id = $1 ORDER BY unit_id`,
      [id],
    );
    expect(tasks.map((task) => task.unit_id)).toEqual([yuzhong, jiangbei].sort((a, b) => a - b));
    const notes = await testApp.dataSource.query<{ user_id: string }[]>(
      `SELECT user_id FROM notifications WHERE kind = 'assigned' AND message LIKE '%工程建设项目审批堵点%'`,
    );
    expect(notes.map((note) => note.user_id).sort()).toEqual([clerk.id, otherClerk.id].sort());
    expect(
      (
        await (
          await as(clerk)
        ).post('/blockers', { title: 'x', deadline: '2026-01-01', unitIds: [String(yuzhong)] })
      ).status,
    ).toBe(403);
    const audit = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'assignment_created' AND target_id = $1`,
      [id],
    );
    expect(audit[0].count).toBe(1);
  });

  it('should let the unit feed back through its reviewer and the office, and mark the task completed', async () => {
    const id = await assign('/blockers', '企业开办跨部门数据不通', '2026-06-30', [
      yuzhong,
      jiangbei,
    ]);
    const taskId = await taskOf(id, yuzhong);
    const list = await (await as(clerk)).agent.get('/tasks?kind=blocker');
    expect(list.text).toContain('企业开办跨部门数据不通');
    // Another district never sees this unit's task.
    expect((await (await as(thirdClerk)).agent.get(`/tasks/${taskId}`)).status).toBe(404);
    expect((await (await as(otherClerk)).agent.get(`/tasks/${taskId}`)).status).toBe(404);

    const missing = await (
      await as(clerk)
    ).post(`/tasks/${taskId}/progress`, {
      status: 'completed',
      workDone: '',
      problems: '',
      submit: '1',
    });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('上报前请填写已开展工作');

    const filed = await (
      await as(clerk)
    ).post(`/tasks/${taskId}/progress`, {
      status: 'completed',
      workDone: '1.出台《企业开办数据共享办法》，实现一网通办。',
      problems: '无',
      submit: '1',
    });
    expect(filed.status).toBe(303);
    const progressId = String(filed.headers.location).split('/').pop()!;
    // A second filing while one is open is refused.
    expect(
      (
        await (
          await as(clerk)
        ).post(`/tasks/${taskId}/progress`, { status: 'in_progress', workDone: 'x' })
      ).status,
    ).toBe(422);

    expect(
      (
        await (
          await as(reviewer)
        ).htmx('post', `/records/${progressId}/transitions`, { action: 'pass' })
      ).status,
    ).toBe(200);
    expect(
      (
        await (
          await as(office)
        ).htmx('post', `/records/${progressId}/transitions`, { action: 'confirm' })
      ).status,
    ).toBe(200);
    const task = await testApp.dataSource.query<{ latest_status: string; first: boolean }[]>(
      `SELECT latest_status, first_approved_at IS NOT NULL AS first FROM assignment_tasks WHERE id = $1`,
      [taskId],
    );
    expect(task[0]).toEqual({ latest_status: 'completed', first: true });
    const detail = await (await as(office)).agent.get(`/blockers/${id}`);
    expect(detail.text).toContain('已完成');
  });

  it('should report the form error and the submit rule of a task progress filing at once, keeping what was typed', async () => {
    const assignment = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM assignments WHERE title = '企业开办跨部门数据不通'`,
      )
    )[0].id;
    const taskId = await taskOf(assignment, jiangbei);
    // No 推进状态 (refused by the DTO), submitted without 已开展工作 (the submit rule).
    const refused = await (
      await as(otherClerk)
    ).post(`/tasks/${taskId}/progress`, {
      status: '',
      workDone: '',
      problems: '两部门数据标准不一致',
      submit: '1',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'status')).toBe('请选择推进状态');
    expect(fieldError(refused.text, 'workDone')).toBe('上报前请填写已开展工作');
    expect(refused.text).toContain('两部门数据标准不一致');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM task_progress WHERE task_id = $1`,
          [taskId],
        )
      )[0].count,
    ).toBe(0);
  });

  it('should flag 已逾期 after the deadline and 待季度更新 once a new quarter starts (clock injected)', async () => {
    const id = await assign('/demand-list', '推进数据要素市场化配置改革', '2026-03-31', [yuzhong]);
    const taskId = await taskOf(id, yuzhong);
    const flags = async () => (await (await as(clerk)).agent.get('/tasks?kind=demand_list')).text;

    setToday('2026-03-31T12:00:00+08:00');
    expect(
      (await (await as(clerk)).agent.get('/tasks?kind=demand_list&overdue=1')).text,
    ).not.toContain(`id="task-${taskId}"`);
    setToday('2026-04-01T09:00:00+08:00');
    const overdue = await flags();
    expect(overdue).toMatch(new RegExp(`id="task-${taskId}"[\\s\\S]*?已逾期`));
    expect((await (await as(clerk)).agent.get('/tasks?kind=demand_list&overdue=1')).text).toContain(
      `id="task-${taskId}"`,
    );
    // The unit's clerks see it in their 待办 too, flagged.
    const inbox = (await (await as(clerk)).agent.get('/inbox')).text;
    expect(inbox).toMatch(
      new RegExp(
        `href="/tasks/${taskId}">需求清单任务：推进数据要素市场化配置改革</a>[\\s\\S]*?已逾期`,
      ),
    );

    // An approved progress (approved now, in real time) clears the overdue flag...
    const filed = await (
      await as(clerk)
    ).post(`/tasks/${taskId}/progress`, {
      status: 'in_progress',
      workDone: '1.成立专班。',
      submit: '1',
    });
    const progressId = String(filed.headers.location).split('/').pop()!;
    await (
      await as(reviewer)
    ).htmx('post', `/records/${progressId}/transitions`, { action: 'pass' });
    await (
      await as(office)
    ).htmx('post', `/records/${progressId}/transitions`, { action: 'confirm' });
    const approvedAt = (
      await testApp.dataSource.query<{ at: Date }[]>(
        `SELECT latest_approved_at AS at FROM assignment_tasks WHERE id = $1`,
        [taskId],
      )
    )[0].at;

    // ...and in the quarter after the approval an update is due again.
    const sameQuarter = new Date(approvedAt.getTime() + 60_000).toISOString();
    setToday(sameQuarter);
    const listed = (query: string) =>
      as(clerk).then(
        async (session) => (await session.agent.get(`/tasks?kind=demand_list&${query}`)).text,
      );
    expect(await listed('')).toContain(`id="task-${taskId}"`);
    expect(await listed('overdue=1')).not.toContain(`id="task-${taskId}"`);
    expect(await listed('quarterlyDue=1')).not.toContain(`id="task-${taskId}"`);
    const nextQuarter = new Date(approvedAt.getTime() + 100 * 24 * 3600 * 1000).toISOString();
    setToday(nextQuarter);
    expect(
      (await (await as(clerk)).agent.get('/tasks?kind=demand_list&quarterlyDue=1')).text,
    ).toContain(`id="task-${taskId}"`);
    expect(
      (await (await as(clerk)).agent.get('/tasks?kind=demand_list&overdue=1')).text,
    ).not.toContain(`id="task-${taskId}"`);
  });

  it('should count blockers per unit for 问题破解 over approved progress only', async () => {
    const wanzhou = await unitIdByCode(testApp.dataSource, 'wanzhou');
    const before = new Map(
      (await testApp.app.get(AssignmentStatsService).problemSolving()).map((row) => [
        row.unitId,
        row,
      ]),
    );
    // Wanzhou: one blocker completed (approved), one with a filing still under review, one overdue.
    const done = await assign('/blockers', '万州堵点一', '2026-12-31', [wanzhou]);
    const pending = await assign('/blockers', '万州堵点二', '2026-12-31', [wanzhou]);
    await assign('/blockers', '万州堵点三', '2020-01-31', [wanzhou]);
    const reviewerWanzhou = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['reviewer'],
    });
    const fileProgress = async (assignmentId: string, status: string) => {
      const response = await (
        await as(thirdClerk)
      ).post(`/tasks/${await taskOf(assignmentId, wanzhou)}/progress`, {
        status,
        workDone: '1.已办理。',
        submit: '1',
      });
      return String(response.headers.location).split('/').pop()!;
    };
    const doneProgress = await fileProgress(done, 'completed');
    await (
      await as(reviewerWanzhou)
    ).htmx('post', `/records/${doneProgress}/transitions`, { action: 'pass' });
    await (
      await as(office)
    ).htmx('post', `/records/${doneProgress}/transitions`, { action: 'confirm' });
    await fileProgress(pending, 'completed'); // submitted, not approved: must not count as completed

    const after = (await testApp.app.get(AssignmentStatsService).problemSolving()).find(
      (row) => row.unitId === wanzhou,
    )!;
    const base = before.get(wanzhou)!;
    expect({
      assigned: after.assigned - base.assigned,
      completed: after.completed - base.completed,
      inProgress: after.inProgress - base.inProgress,
      overdue: after.overdue - base.overdue,
      awaitingFirst: after.awaitingFirst - base.awaitingFirst,
    }).toEqual({ assigned: 3, completed: 1, inProgress: 0, overdue: 1, awaitingFirst: 1 });
    // Jiangbei's demand-list figures are untouched by blockers.
    const heat = (await testApp.app.get(AssignmentStatsService).demandHeat()).find(
      (row) => row.unitId === wanzhou,
    )!;
    expect(heat.assigned).toBe(0);
  });

  it('should show the office every unit in the ledger and a unit only its own, with filters', async () => {
    const id = await assign('/blockers', '台账筛选用堵点', '2027-01-31', [yuzhong, jiangbei]);
    const yuzhongTask = await taskOf(id, yuzhong);
    const jiangbeiTask = await taskOf(id, jiangbei);
    const officeLedger = (await (await as(office)).agent.get('/tasks?kind=blocker&q=台账筛选'))
      .text;
    expect(officeLedger).toContain(`id="task-${yuzhongTask}"`);
    expect(officeLedger).toContain(`id="task-${jiangbeiTask}"`);
    const byUnit = (
      await (await as(office)).agent.get(`/tasks?kind=blocker&q=台账筛选&unit=${jiangbei}`)
    ).text;
    expect(byUnit).not.toContain(`id="task-${yuzhongTask}"`);
    expect(byUnit).toContain(`id="task-${jiangbeiTask}"`);
    const unitLedger = (await (await as(clerk)).agent.get('/tasks?kind=blocker&q=台账筛选')).text;
    expect(unitLedger).toContain(`id="task-${yuzhongTask}"`);
    expect(unitLedger).not.toContain(`id="task-${jiangbeiTask}"`);
    // A unit filter cannot widen a unit's scope.
    const widened = (
      await (await as(clerk)).agent.get(`/tasks?kind=blocker&q=台账筛选&unit=${jiangbei}`)
    ).text;
    expect(widened).not.toContain(`id="task-${jiangbeiTask}"`);
    const outOfRange = (
      await (await as(office)).agent.get('/tasks?kind=blocker&q=台账筛选&from=2027-02-01')
    ).text;
    expect(outOfRange).toContain('没有符合条件的任务');
    // The demand list is a separate ledger.
    expect(
      (await (await as(office)).agent.get('/tasks?kind=demand_list&q=台账筛选')).text,
    ).toContain('没有符合条件的任务');
  });

  it('should download the task ledger with the same filters as Excel', async () => {
    const id = await assign('/blockers', '导出用堵点', '2027-03-31', [yuzhong, jiangbei]);
    const response = await (
      await as(office)
    ).agent
      .get(`/tasks/export?kind=blocker&q=导出用&unit=${jiangbei}`)
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.rows[0]).toEqual([
      '任务',
      '承办单位',
      '领域',
      '反馈时限',
      '推进状态',
      '最近审核通过',
      '已逾期',
      '待季度更新',
    ]);
    expect(sheet.rows.slice(1)).toEqual([
      ['导出用堵点', '江北区', null, new Date('2027-03-31T00:00:00Z'), '未反馈', null, '否', '否'],
    ]);
    expect(id).toBeDefined();
  });
});
