import { Clock } from '../../src/common/time/clock.js';
import { SchedulerService } from '../../src/scheduler/scheduler.service.js';
import { REPORT_JOB } from '../../src/scoring/reports/report-autogen.service.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * A report is for a period that has ended (China time): the generator offers only closed periods,
 * the running one is a 期中预览 that is neither stored nor shown in 历次排名 or the cockpit, and
 * the scheduler generates each closed period's report once, on the first day its inputs are
 * complete, telling the office.
 */
describe('Report periods: closed periods, 期中预览, automatic generation (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let office: TestUser;
  let survey: TestUser;
  const sessions = new Map<string, HttpSession>();
  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const setToday = (iso: string) => {
    testApp.app.get(Clock).now = () => new Date(iso);
  };
  const reports = () =>
    testApp.dataSource.query<{ kind: string; period: string; generated_by_name: string }[]>(
      `SELECT kind, period, generated_by_name FROM reports ORDER BY generated_at`,
    );
  /** The scheduler's report job, made due and run at `iso` (the test switch). */
  const runReportJob = async (iso: string) => {
    setToday(iso);
    const scheduler = testApp.app.get(SchedulerService);
    await scheduler.scheduleAt(REPORT_JOB, new Date(iso));
    return scheduler.runDue(new Date(iso));
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    survey = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    await createIssuedProject(testApp.dataSource, {
      unit: 'dept-fagai',
      createdBy: office.id,
      name: '营商环境创新试点',
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should generate each closed period once, when its inputs are complete, and tell the office', async () => {
    // Sunday 1 November 2026: September–October (2026-B5) has closed; the third quarter too, but
    // its satisfaction scores are not approved yet, so the district report waits.
    expect(await runReportJob('2026-11-01T06:30:00+08:00')).toEqual([REPORT_JOB]);
    expect(await reports()).toEqual([
      { kind: 'major_project', period: '2026-B5', generated_by_name: '系统自动生成' },
    ]);
    const notes = await testApp.dataSource.query<{ message: string; link: string }[]>(
      `SELECT message, link FROM notifications WHERE kind = 'report' AND user_id = $1`,
      [office.id],
    );
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toBe(
      '系统已自动生成市级重大改革项目指数报表（2026年9—10月），数据截至 2026-10-31，请查看',
    );
    expect(notes[0].link).toMatch(/^\/reports\/[0-9a-f-]{36}$/);

    // The next morning: nothing new (B5 has its report; Q3 still lacks satisfaction).
    await runReportJob('2026-11-02T06:30:00+08:00');
    expect(await reports()).toHaveLength(1);

    // The survey centre's Q3 return is approved on the 2nd; the district report comes on the 3rd.
    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active`,
    );
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意。' };
    for (const district of districts) {
      form[`score_${district.id}`] = '82';
    }
    const draft = await (await as(survey)).post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const returnId = String(draft.headers.location).split('/').pop()!;
    for (const [user, action] of [
      [survey, 'submit'],
      [office, 'confirm'],
    ] as const) {
      const acted = await (
        await as(user)
      ).htmx('post', `/records/${returnId}/transitions`, { action });
      expect(acted.status).toBe(200);
    }
    await runReportJob('2026-11-03T06:30:00+08:00');
    expect(await reports()).toEqual([
      { kind: 'major_project', period: '2026-B5', generated_by_name: '系统自动生成' },
      { kind: 'district', period: '2026-Q3', generated_by_name: '系统自动生成' },
    ]);
    await runReportJob('2026-11-04T06:30:00+08:00');
    expect(await reports()).toHaveLength(2);

    // Generating by hand stays possible for a closed period.
    setToday('2026-11-20T10:00:00+08:00');
    const byHand = await (
      await as(office)
    ).post('/reports', { kind: 'major_project', period: '2026-B5' });
    expect(byHand.status).toBe(303);
    expect(await reports()).toHaveLength(3);
  });

  it('should offer only closed periods and refuse the running one with the reason', async () => {
    setToday('2026-11-20T10:00:00+08:00');
    const page = await (await as(office)).agent.get('/reports?kind=district');
    const picker = /<select id="period"[\s\S]*?<\/select>/.exec(page.text)![0];
    expect(picker).not.toContain('value="2026-Q4"');
    expect(picker).toContain('<option value="2026-Q3" selected>');
    expect(page.text).toContain('查看2026年第四季度期中预览');

    const refused = await (
      await as(office)
    ).post('/reports', { kind: 'district', period: '2026-Q4' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(
      '2026年第四季度尚未结束（至 2026-12-31），不能生成正式报表；期末后次日起可生成',
    );
    // On the last day of a period it is still running; the day after it has closed.
    setToday('2026-12-31T23:59:00+08:00');
    expect(
      (await (await as(office)).post('/reports', { kind: 'major_project', period: '2026-B6' }))
        .status,
    ).toBe(422);
  });

  it('should show the running period as an unstored 期中预览, never in 历次排名 or the cockpit', async () => {
    setToday('2026-11-20T10:00:00+08:00');
    const before = (await reports()).length;
    const preview = await (
      await as(office)
    ).agent.get('/reports/preview?kind=major_project&period=2026-B6');
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('期中预览，不是正式报表。');
    expect(preview.text).toContain('2026年11—12月至 2026-12-31 结束，尚未结束');
    expect(preview.text).toContain('营商环境创新试点');
    expect(await reports()).toHaveLength(before);

    // The cockpit still shows the last generated report, September–October.
    const cockpit = await (await as(office)).agent.get('/cockpit/projects');
    const banner = /id="report-banner"[\s\S]*?<\/p>/.exec(cockpit.text)![0];
    expect(banner).toContain('2026年9—10月');
    expect(banner).not.toContain('11—12月');
    // 历次排名 of the project lists generated reports only.
    const [row] = await testApp.dataSource.query<{ report_id: string; position: number }[]>(
      `SELECT rr.report_id, rr.position FROM report_rows rr JOIN reports r ON r.id = rr.report_id
        WHERE r.kind = 'major_project' LIMIT 1`,
    );
    const history = await (
      await as(office)
    ).agent.get(`/reports/${row.report_id}/rows/${row.position}`);
    expect(history.text).toContain('2026年9—10月');
    expect(history.text).not.toContain('2026年11—12月');

    // The running quarter has no satisfaction scores yet: its preview reads the third quarter's.
    const district = await (await as(office)).agent.get('/reports/preview?kind=district');
    expect(district.status).toBe(200);
    expect(district.text).toContain(
      '2026年第四季度的改革满意度尚未审核通过，预览暂用2026年第三季度的得分',
    );
    expect(await reports()).toHaveLength(before);

    // A closed period has no preview: it is generated instead.
    const closed = await (
      await as(office)
    ).agent.get('/reports/preview?kind=major_project&period=2026-B5');
    expect(closed.status).toBe(422);
    expect(closed.text).toContain('2026年9—10月已结束，请生成正式报表');
  });
});
