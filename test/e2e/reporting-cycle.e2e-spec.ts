import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap.js';
import { Clock } from '../../src/common/time/clock.js';
import { REMINDER_JOB } from '../../src/deadlines/reminders.service.js';
import { every } from '../../src/scheduler/schedule.js';
import { SchedulerService } from '../../src/scheduler/scheduler.service.js';
import { binaryParser, downloadSheet, readSheet } from '../helpers/excel.js';
import { HOSTILE_STRINGS } from '../security/hostile-strings.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * The reporting cycle as the units and the office live it, on two app instances sharing one
 * database: due dates from the work calendar, reminders before / on / after the day (each once),
 * the 填报进度 board, 催报 with its daily limit, and the units' 待报送 on the home page.
 *
 * Hand-worked dates (2026): October's last working day is Friday 30 October (the 31st is a
 * Saturday); a blocker due 2026-10-30 is reminded from Tuesday 27 October (3 days before), on the
 * 30th, as overdue from the 31st, and reported to the office from 3 November (more than 3 days).
 */
describe('Reporting cycle: deadlines, reminders, 催报 (two instances, HTTP, real PostgreSQL)', () => {
  let first: TestApp;
  let second: NestFastifyApplication;
  let office: TestUser;
  let admin: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;
  let otherClerk: TestUser;
  let otherReviewer: TestUser;
  let deptClerk: TestUser;
  let deptReviewer: TestUser;
  let yuzhong: number;
  let jiangbei: number;
  let project: IssuedProject;
  let blockerId: string;
  const sessions = new Map<string, HttpSession>();
  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(first.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const setToday = (iso: string) => {
    for (const app of [first.app, second]) {
      app.get(Clock).now = () => new Date(iso);
    }
  };
  /** Makes the reminder job due at `scheduledAt`, then both instances run due jobs at `now`. */
  const runBoth = async (scheduledAt: string | undefined, now: string) => {
    setToday(now);
    if (scheduledAt) {
      await first.app.get(SchedulerService).scheduleAt(REMINDER_JOB, new Date(scheduledAt));
    }
    const at = new Date(now);
    return Promise.all([
      first.app.get(SchedulerService).runDue(at),
      second.get(SchedulerService).runDue(at),
    ]);
  };
  const notifications = async (user: TestUser, kind = 'reminder') =>
    first.dataSource.query<{ message: string; link: string }[]>(
      `SELECT n.message, n.link FROM notifications n JOIN users u ON u.id = n.user_id
        WHERE u.mobile = $1 AND n.kind = $2 ORDER BY n.id`,
      [user.mobile, kind],
    );

  beforeAll(async () => {
    first = await createTestApp();
    second = await createApp(first.config, first.databaseUrl, { logLevels: ['error'] });
    await second.getHttpAdapter().getInstance().ready();
    const ds = first.dataSource;
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    admin = await createUser(ds, { unitCode: '市委改革办', roles: ['admin'] });
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    otherClerk = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    otherReviewer = await createUser(ds, { unitCode: 'jiangbei', roles: ['reviewer'] });
    deptClerk = await createUser(ds, { unitCode: 'dept-fagai', roles: ['entry'] });
    deptReviewer = await createUser(ds, { unitCode: 'dept-fagai', roles: ['reviewer'] });
    yuzhong = await unitIdByCode(ds, 'yuzhong');
    jiangbei = await unitIdByCode(ds, 'jiangbei');
    project = await createIssuedProject(ds, {
      unit: 'dept-fagai',
      createdBy: office.id,
      name: '营商环境创新试点',
      plans: [
        { measure: 0, month: '2026-01', content: '组建工作专班' },
        { measure: 1, month: '2026-10', content: '开展十月评估' },
      ],
    });
    // Issued on 15 September: September (due Wednesday 30 September) is the first month owed.
    await ds.query(
      `UPDATE map_versions SET created_at = '2026-09-15T10:00:00+08:00' WHERE project_id = $1`,
      [project.projectId],
    );
    setToday('2026-10-20T10:00:00+08:00');
    const assigned = await (
      await as(office)
    ).post('/blockers', {
      title: '跨区通办堵点',
      description: '梳理跨区通办中的堵点',
      deadline: '2026-10-30',
      unitIds: [String(yuzhong), String(jiangbei)],
    });
    expect(assigned.status).toBe(303);
    blockerId = String(assigned.headers.location).split('/').pop()!;
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('should list what each unit owes in October with the last working day as the due day', async () => {
    setToday('2026-10-27T10:00:00+08:00');
    const board = await (await as(office)).agent.get('/reporting-progress?period=2026-10');
    expect(board.status).toBe(200);
    const row = (unitId: number) =>
      new RegExp(`id="board-unit-${unitId}"[\\s\\S]*?</tr>`).exec(board.text)?.[0] ?? '';
    // 渝中区: the blocker, due Friday 30 October, not filed, not yet overdue.
    expect(row(yuzhong)).toMatch(
      /<td class="num">1<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">0<\/td>\s*<td class="num">0<\/td>/,
    );
    const fagai = await unitIdByCode(first.dataSource, 'dept-fagai');
    // 市发展改革委 in October: the indicator report and the month's plan update, both due 10-30.
    expect(row(fagai)).toContain('<td class="num">2</td>');

    const detail = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-10&unit=${fagai}`);
    expect(detail.text).toContain('重大项目量化目标推进更新');
    expect(detail.text).toContain('营商环境创新试点（1项计划）');
    expect(detail.text).toContain('2026-10-30');
    expect(detail.text).toContain('未报送（还有 3 天）');

    // The quarter shows September's report too: due Wednesday 30 September, overdue 27 days.
    const quarter = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-Q3&unit=${fagai}`);
    expect(quarter.text).toContain('2026-09-30');
    expect(quarter.text).toContain('已逾期 27 天');

    const excel = await (
      await as(office)
    ).agent
      .get('/reporting-progress/export?period=2026-10&module=blocker')
      .buffer(true)
      .parse(binaryParser);
    expect(excel.status).toBe(200);
    const file = await readSheet(excel.body as Buffer);
    expect(file.title[1]).toBe('筛选条件：期间：2026年10月；报送事项：堵点卡点任务');
    const sheet = file.rows;
    expect(sheet[0]).toEqual(['单位', '报送事项', '名称', '期次', '应报送日期', '状态']);
    expect(sheet.slice(1).map((line) => line.slice(0, 5))).toEqual([
      ['江北区', '堵点卡点任务', '跨区通办堵点', '首次反馈', '2026-10-30'],
      ['渝中区', '堵点卡点任务', '跨区通办堵点', '首次反馈', '2026-10-30'],
    ]);
    const allModules = await downloadSheet(
      (await as(office)).agent,
      '/reporting-progress/export?period=2026-10&kind=district',
    );
    expect(allModules.title[1]).toBe('筛选条件：期间：2026年10月；单位类型：区县');
  });

  it('should show a unit its own 本月/本季度待报送 on the home page and in 待办', async () => {
    setToday('2026-10-27T10:00:00+08:00');
    const home = await (await as(clerk)).agent.get('/');
    const section = /id="due-filings"[\s\S]*?<\/section>/.exec(home.text)?.[0] ?? '';
    expect(section).toContain('跨区通办堵点');
    expect(section).toContain('2026-10-30');
    expect(section).toContain('未报送（还有 3 天）');
    expect(section).not.toContain('营商环境创新试点');
    const inbox = await (await as(clerk)).agent.get('/inbox');
    expect(inbox.text).toContain('待报送（临近截止和已逾期）');
    expect(inbox.text).toContain('跨区通办堵点');
  });

  it('should send each reminder exactly once from two instances, before, on and after the day', async () => {
    // Tuesday 27 October, 08:00: both instances run the job at once; one of them does the work.
    const [a, b] = await runBoth('2026-10-27T08:00:00+08:00', '2026-10-27T08:00:00+08:00');
    expect([...a, ...b]).toEqual([REMINDER_JOB]);
    expect(await runBoth(undefined, '2026-10-27T08:05:00+08:00')).toEqual([[], []]);

    expect((await notifications(clerk)).map((n) => n.message)).toEqual([
      '【报送提醒】堵点卡点任务《跨区通办堵点》（首次反馈）应于 2026-10-30 前报送，还有 3 天',
    ]);
    expect(await notifications(reviewer)).toEqual([]);
    // 市发展改革委: September overdue (clerk and reviewer), October's two filings ahead (clerk).
    expect((await notifications(deptClerk)).map((n) => n.message).sort()).toEqual(
      [
        '【已逾期】市发展改革委的重大项目量化目标推进更新《营商环境创新试点》（2026年9月）应于 2026-09-30 前报送，至今未报送',
        '【报送提醒】重大项目量化目标推进更新《营商环境创新试点》（2026年10月）应于 2026-10-30 前报送，还有 3 天',
        '【报送提醒】重大项目月度计划推进更新《营商环境创新试点（1项计划）》（2026年10月）应于 2026-10-30 前报送，还有 3 天',
      ].sort(),
    );
    expect(await notifications(deptReviewer)).toHaveLength(1);
    // The office: one summary of what is more than 3 days late (September's report and the
    // survey centre's third-quarter return, due 30 September).
    const officeNotes = await notifications(office);
    expect(officeNotes).toHaveLength(1);
    expect(officeNotes[0].message).toContain('2 项填报逾期超过 3 天仍未报送');
    expect(officeNotes[0].link).toBe('/reporting-progress?status=overdue');

    // 江北区 files its feedback on Wednesday 28 October.
    setToday('2026-10-28T10:00:00+08:00');
    const [task] = await first.dataSource.query<{ id: string }[]>(
      `SELECT id FROM assignment_tasks WHERE assignment_id = $1 AND unit_id = $2`,
      [blockerId, jiangbei],
    );
    const filed = await (
      await as(otherClerk)
    ).post(`/tasks/${task.id}/progress`, {
      status: 'in_progress',
      workDone: '1.成立专班。',
      submit: '1',
    });
    expect(filed.status).toBe(303);

    // The scheduler was down on the 28th and 29th: on Friday 30 October at 09:00 it catches up
    // once, with the reminder right for that day.
    const caughtUp = await runBoth('2026-10-28T08:00:00+08:00', '2026-10-30T09:00:00+08:00');
    expect(caughtUp.flat()).toEqual([REMINDER_JOB]);
    expect(await runBoth(undefined, '2026-10-30T09:01:00+08:00')).toEqual([[], []]);
    const [job] = await first.dataSource.query<{ next_run_at: Date }[]>(
      `SELECT next_run_at FROM scheduled_jobs WHERE name = $1`,
      [REMINDER_JOB],
    );
    expect(job.next_run_at.toISOString()).toBe('2026-10-31T00:00:00.000Z'); // 08:00 China time
    expect((await notifications(clerk)).map((n) => n.message)).toEqual([
      '【报送提醒】堵点卡点任务《跨区通办堵点》（首次反馈）应于 2026-10-30 前报送，还有 3 天',
      '【今日截止】堵点卡点任务《跨区通办堵点》（首次反馈）今天（2026-10-30）截止报送，请及时填报并提醒审核',
    ]);
    // 江北区 filed (in review): no reminder on the day, none after.
    expect(await notifications(otherClerk)).toHaveLength(1);

    // Saturday 31 October: overdue, to the clerk and the reviewer of 渝中区.
    await runBoth('2026-10-31T08:00:00+08:00', '2026-10-31T08:00:00+08:00');
    expect((await notifications(reviewer)).map((n) => n.message)).toEqual([
      '【已逾期】渝中区的堵点卡点任务《跨区通办堵点》（首次反馈）应于 2026-10-30 前报送，至今未报送',
    ]);
    expect(await notifications(clerk)).toHaveLength(3);
    expect(await notifications(otherReviewer)).toEqual([]);

    // Monday 2 November: three days late, still the unit's own; Tuesday 3 November: the office.
    await runBoth('2026-11-02T08:00:00+08:00', '2026-11-02T08:00:00+08:00');
    expect(await notifications(office)).toHaveLength(1);
    await runBoth('2026-11-03T08:00:00+08:00', '2026-11-03T08:00:00+08:00');
    const escalated = await notifications(office);
    expect(escalated).toHaveLength(2);
    // 渝中区's blocker and 市发展改革委's two October filings.
    expect(escalated[1].message).toContain('3 项填报逾期超过 3 天仍未报送，涉及 2 个单位');
    expect(escalated[1].message).toContain('渝中区');

    // Every reminder once: no (item, period, kind) twice, and the clerk got 3 in all.
    const [counts] = await first.dataSource.query<{ total: number; distinct_keys: number }[]>(
      `SELECT count(*)::int AS total,
              count(DISTINCT (module, item_key, period, kind))::int AS distinct_keys FROM reminders_sent`,
    );
    expect(counts.total).toBe(counts.distinct_keys);
    expect(await notifications(clerk)).toHaveLength(3);
  });

  it('should let the office 催报 an overdue unit once a day, notifying its clerks and reviewers', async () => {
    setToday('2026-11-03T10:00:00+08:00');
    const office1 = await as(office);
    const urged = await office1.post('/reporting-progress/urge', {
      period: '2026-10',
      module: 'blocker',
      unitId: String(yuzhong),
    });
    expect(urged.status).toBe(303);
    const board = await office1.agent.get(String(urged.headers.location));
    expect(board.text).toContain('已催报 1 个单位（渝中区·堵点卡点任务 1 项），通知 2 人');
    expect(board.text).toMatch(/id="board-unit-\d+"[\s\S]*?今日已催报/);
    const [clerkNote] = await notifications(clerk, 'urge');
    expect(clerkNote.message).toBe(
      '【催报】市委改革办提醒：贵单位有 1 项堵点卡点任务已逾期未报送（最早应于 2026-10-30 前报送），请尽快填报并审核上报',
    );
    expect(await notifications(reviewer, 'urge')).toHaveLength(1);
    expect(await notifications(otherClerk, 'urge')).toEqual([]); // 江北区 filed: not overdue

    // The same day again: refused with the reason, nobody notified twice.
    const again = await office1.post('/reporting-progress/urge', {
      period: '2026-10',
      module: 'blocker',
      all: '1',
    });
    const refused = await office1.agent.get(String(again.headers.location));
    expect(refused.text).toContain(
      '渝中区的堵点卡点任务今天已催报过，同一单位同一事项每天最多催报一次，请明天再催',
    );
    expect(await notifications(clerk, 'urge')).toHaveLength(1);
    const audits = await first.dataSource.query<{ target_label: string }[]>(
      `SELECT target_label FROM audit_log WHERE action = 'reporting_urged'`,
    );
    expect(audits).toEqual([{ target_label: '渝中区' }]);

    // The next day it may be sent again.
    setToday('2026-11-04T10:00:00+08:00');
    await office1.post('/reporting-progress/urge', {
      period: '2026-10',
      module: 'blocker',
      unitId: String(yuzhong),
    });
    expect(await notifications(clerk, 'urge')).toHaveLength(2);
    // Only the office has the board.
    expect((await (await as(clerk)).agent.get('/reporting-progress')).status).toBe(403);
  });

  it('should owe one update per quarter, due its last day: a task in progress and a pilot stream', async () => {
    const ds = first.dataSource;
    const wanzhou = await unitIdByCode(ds, 'wanzhou');
    const fuling = await unitIdByCode(ds, 'fuling');
    const wanzhouClerk = await createUser(ds, { unitCode: 'wanzhou', roles: ['entry'] });
    const wanzhouReviewer = await createUser(ds, { unitCode: 'wanzhou', roles: ['reviewer'] });
    setToday('2026-08-01T10:00:00+08:00');
    const assigned = await (
      await as(office)
    ).post('/blockers', {
      title: '工程建设审批堵点',
      description: '压减审批环节',
      deadline: '2026-08-31',
      unitIds: [String(wanzhou)],
    });
    const assignmentId = String(assigned.headers.location).split('/').pop()!;
    const [task] = await ds.query<{ id: string }[]>(
      `SELECT id FROM assignment_tasks WHERE assignment_id = $1`,
      [assignmentId],
    );
    const filed = await (
      await as(wanzhouClerk)
    ).post(`/tasks/${task.id}/progress`, {
      status: 'in_progress',
      workDone: '1.梳理环节。',
      submit: '1',
    });
    const progressId = String(filed.headers.location).split('/').pop()!;
    for (const [user, action] of [
      [wanzhouReviewer, 'pass'],
      [office, 'confirm'],
    ] as const) {
      await (await as(user)).htmx('post', `/records/${progressId}/transitions`, { action });
    }
    // Filed on 25 August, approved on 10 September (the database's clock is today's: set back).
    await ds.query(
      `UPDATE workflow_items SET approved_at = '2026-09-10T10:00:00+08:00' WHERE id = $1`,
      [progressId],
    );
    await ds.query(
      `UPDATE workflow_events SET at = '2026-08-25T10:00:00+08:00' WHERE item_id = $1`,
      [progressId],
    );
    await ds.query(
      `UPDATE assignment_tasks SET first_approved_at = '2026-09-10T10:00:00+08:00', latest_approved_at = '2026-09-10T10:00:00+08:00' WHERE id = $1`,
      [task.id],
    );
    // Two confirmed pilots: 万州's stream began 5 November (due this quarter), 涪陵's on
    // 2 December, in the quarter's last month (first due at the end of 2027-Q1).
    const [domain] = await ds.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'domain' ORDER BY id LIMIT 1`,
    );
    const competent = await unitIdByCode(ds, 'dept-fagai');
    for (const [unitId, name, began] of [
      [wanzhou, '数字乡村试点', '2026-11-05T10:00:00+08:00'],
      [fuling, '医保支付改革试点', '2026-12-02T10:00:00+08:00'],
    ] as const) {
      const [pilot] = await ds.query<{ id: string }[]>(
        `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, is_current_approved,
                                     created_by, approved_at)
         VALUES (gen_random_uuid(), 'pilot', gen_random_uuid(), 1, $1, $2, 'approved', true, $3, now()) RETURNING id`,
        [name, unitId, office.id],
      );
      await ds.query(`UPDATE workflow_items SET lineage_id = id WHERE id = $1`, [pilot.id]);
      await ds.query(
        `INSERT INTO pilots (id, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer,
                             deployed_on, competent_unit_id, involved_unit_ids, acceptance_due, domain_id)
         VALUES ($1, $1, $2, $3, 'municipal', '部署文件', $4, '市政府', '2026-06-01', $5, ARRAY[$2::int], '2027-12-31', $6)`,
        [pilot.id, unitId, name, `渝府〔2026〕${unitId}号`, competent, domain.id],
      );
      await ds.query(
        `INSERT INTO pilot_streams (pilot_lineage_id, unit_id, created_at) VALUES ($1, $2, $3)`,
        [pilot.id, unitId, began],
      );
    }

    // Friday 20 November: 万州 owes both fourth-quarter updates by Thursday 31 December, 41 days on.
    setToday('2026-11-20T10:00:00+08:00');
    const board = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-Q4&unit=${wanzhou}`);
    const detail = /id="board-detail"[\s\S]*?<\/section>/.exec(board.text)![0];
    expect(detail).toMatch(
      /堵点卡点任务<\/td><td><a href="\/tasks\/[0-9a-f-]+">工程建设审批堵点<\/a><\/td><td>2026年第四季度<\/td><td>2026-12-31<\/td><td><span class="tag">未报送（还有 41 天）/,
    );
    expect(detail).toMatch(
      /改革试点推进状态<\/td><td><a href="\/pilot-streams\/[0-9a-f-]+">数字乡村试点<\/a><\/td><td>2026年第四季度<\/td><td>2026-12-31<\/td>/,
    );
    // Its first feedback was due (and approved) in the third quarter.
    const third = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-Q3&unit=${wanzhou}`);
    expect(third.text).toMatch(
      /首次反馈<\/td><td>2026-08-31<\/td><td><span class="tag tag-ok">已通过/,
    );
    const fulingQ4 = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-Q4&unit=${fuling}`);
    expect(fulingQ4.text).not.toContain('医保支付改革试点');
    setToday('2027-01-05T10:00:00+08:00');
    const fulingQ1 = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2027-Q1&unit=${fuling}`);
    expect(fulingQ1.text).toContain('医保支付改革试点');
    expect(fulingQ1.text).toContain('2027-03-31');
  });

  it('should move a due day when the admin marks a holiday, and refuse a bad date with a message', async () => {
    setToday('2026-10-27T10:00:00+08:00');
    const adminSession = await as(admin);
    const page = await adminSession.agent.get('/admin/work-calendar?year=2026');
    expect(page.text).toContain('id="calendar-2026-10-01"');
    expect(page.text).toContain('id="calendar-2026-02-28"'); // 春节调休上班
    const bad = await adminSession.post('/admin/work-calendar/days', {
      day: '2026-13-01',
      kind: 'holiday',
      note: '',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写有效的日期（年-月-日）');
    const badSettings = await adminSession.post('/admin/work-calendar/settings', {
      daysBefore: '三天',
      officeGraceDays: '3',
    });
    expect(badSettings.status).toBe(422);
    expect(badSettings.text).toContain('请填写 0 到 30 之间的整数天数');

    expect(
      (
        await adminSession.post('/admin/work-calendar/days', {
          day: '2026-10-30',
          kind: 'holiday',
          note: '假设放假',
        })
      ).status,
    ).toBe(303);
    const fagai = await unitIdByCode(first.dataSource, 'dept-fagai');
    const moved = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-10&unit=${fagai}`);
    expect(moved.text).toContain('2026-10-29');
    expect(moved.text).not.toContain('2026-10-30');
    await adminSession.post('/admin/work-calendar/days', { day: '2026-10-30', kind: 'clear' });
    const back = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=2026-10&unit=${fagai}`);
    expect(back.text).toContain('2026-10-30');
  });
  it('should take a job a module registers later, record its failure and schedule its next run', async () => {
    // What the lead's orphan-upload purge will do: register a job with the same scheduler.
    const scheduler = first.app.get(SchedulerService);
    let runs = 0;
    scheduler.register({
      name: 'test.flaky',
      schedule: every(60),
      run: () => {
        runs += 1;
        return Promise.reject(new Error('存储暂不可用'));
      },
    });
    await scheduler.scheduleAt('test.flaky', new Date('2026-11-20T09:00:00+08:00'));
    // Only the instance that knows the job claims it; the other leaves it alone.
    const [mine, other] = await Promise.all([
      scheduler.runDue(new Date('2026-11-20T10:00:00+08:00')),
      second.get(SchedulerService).runDue(new Date('2026-11-20T10:00:00+08:00')),
    ]);
    expect(mine).toContain('test.flaky');
    expect(other).not.toContain('test.flaky');
    expect(runs).toBe(1);
    const [job] = await first.dataSource.query<{ next_run_at: Date; last_error: string }[]>(
      `SELECT next_run_at, last_error FROM scheduled_jobs WHERE name = 'test.flaky'`,
    );
    expect(job.last_error).toBe('存储暂不可用');
    expect(job.next_run_at.toISOString()).toBe('2026-11-20T03:00:00.000Z'); // an hour later
    setToday('2026-11-20T10:00:00+08:00');
    const page = await (await as(admin)).agent.get('/admin/work-calendar');
    expect(page.text).toContain('test.flaky');
    expect(page.text).toContain('每 60 分钟');
    expect(page.text).toContain('存储暂不可用');
  });
  it('should answer hostile input on its forms and filters with a message, never a 500', async () => {
    setToday('2026-11-20T10:00:00+08:00');
    const adminSession = await as(admin);
    const failures: string[] = [];
    for (const { name, value } of HOSTILE_STRINGS) {
      const day = await adminSession.post('/admin/work-calendar/days', {
        day: '2026-12-31',
        kind: 'holiday',
        note: value,
      });
      if (!(
        day.status === 303 ||
        (day.status === 422 && /说明不超过 50 个字|含有不可见的控制字符/.test(day.text))
      )) {
        failures.push(`day note ${name}: ${day.status}`);
      }
      const settings = await adminSession.post('/admin/work-calendar/settings', {
        daysBefore: value,
        officeGraceDays: value,
      });
      if (settings.status !== 422) {
        failures.push(`settings ${name}: ${settings.status}`);
      }
      if (value.length > 1000) {
        continue; // a URL that long is refused by the HTTP server itself (431)
      }
      const query = encodeURIComponent(value);
      const board = await (
        await as(office)
      ).agent.get(
        `/reporting-progress?period=${query}&module=${query}&status=${query}&unit=${query}`,
      );
      if (board.status !== 200 || board.text.includes('<script>alert(1)</script>')) {
        failures.push(`board ${name}: ${board.status}`);
      }
    }
    expect(failures).toEqual([]);
    const junk = await (await as(office)).post('/reporting-progress/urge', { unitId: 'abc' });
    expect(junk.status).toBe(400);
    expect(junk.text).toContain('参数「unitId」不是有效的编号');
    await adminSession.post('/admin/work-calendar/days', { day: '2026-12-31', kind: 'clear' });
  });
});
