import { Clock } from '../../src/common/time/clock.js';
import { ProjectSatisfactionService } from '../../src/major-projects/satisfaction/project-satisfaction.service.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

describe('Major-project satisfaction (重大改革项目满意度): yearly scores entered by the office (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let leader: TestUser;
  let clerk: TestUser;
  /** Project ids by name. */
  const projects = new Map<string, string>();

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const id = (name: string) => projects.get(name)!;

  const uploadReport = async (name: string): Promise<string> => {
    const session = await as(office);
    const response = await session.agent
      .post('/attachments?field=report')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach('upload_report', PDF, name);
    expect(response.status).toBe(200);
    return /name="report" value="([0-9a-f-]{36})"/.exec(response.text)![1];
  };

  const scoresOf = (year: number) =>
    testApp.dataSource.query<{ name: string; score: string; conclusion: string }[]>(
      `SELECT p.name, s.score::text AS score, s.conclusion FROM project_satisfaction s JOIN major_projects p ON p.id = s.project_id
        WHERE s.survey_year = $1 ORDER BY p.name`,
      [year],
    );

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    // A leader outside the office's unit: the report is readable by role, not by unit.
    leader = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['leader'] });
    clerk = await createUser(testApp.dataSource, { unitCode: '市大数据发展局', roles: ['entry'] });
    const [domain] = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'domain' ORDER BY sort_order LIMIT 1`,
    );
    for (const [name, unit, closed, planYear, issued] of [
      ['数字重庆建设', '市大数据发展局', false, '2026', true],
      ['营商环境创新试点', '市发展改革委', false, '2026', true],
      ['国企改革深化提升行动', '市国资委', true, '2025', true],
      ['明年才启动的改革', '市科技局', false, '2027', true],
      ['作战图尚未下发的改革', '市科技局', false, '2026', false],
    ] as const) {
      const [unitRow] = await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM units WHERE name = $1`,
        [unit],
      );
      const response = await (
        await as(office)
      ).post('/major-projects', {
        name,
        domainId: String(domain.id),
        responsibleUnitId: String(unitRow.id),
        leadLeader: '张副市长',
        planYear,
        ...(closed ? { closed: 'on' } : {}),
      });
      expect(response.status).toBe(303);
      const projectId = String(response.headers.location).split('/').pop()!;
      projects.set(name, projectId);
      if (issued) {
        // Version 1 as 确认下发 makes it (the battle-map journey is tested elsewhere).
        await testApp.dataSource.query(
          `INSERT INTO map_versions (project_id, version, source_item_id, note)
           SELECT id, 1, map_lineage_id, '作战图确认下发' FROM major_projects WHERE id = $1`,
          [projectId],
        );
      }
    }
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show an empty year with a link to enter it, and a form with one row per project issued for the year', async () => {
    const page = await (await as(office)).agent.get('/major-projects/satisfaction?year=2026');
    expect(page.status).toBe(200);
    expect(page.text).toContain('2026 年尚未录入重大改革项目满意度');
    expect(page.text).toContain('href="/major-projects/satisfaction/edit?year=2026"');

    const form = await (await as(office)).agent.get('/major-projects/satisfaction/edit?year=2026');
    expect(form.status).toBe(200);
    expect(form.text).toContain(`name="score_${id('数字重庆建设')}"`);
    expect(form.text).toContain(`name="score_${id('国企改革深化提升行动')}"`);
    // Not under way in 2026: a battle map of next year, a map not issued yet.
    expect(form.text).not.toContain(`name="score_${id('明年才启动的改革')}"`);
    expect(form.text).not.toContain(`name="score_${id('作战图尚未下发的改革')}"`);
    expect(form.text).toContain('hx-post="/attachments?field=report&key=');
    // Years after the current one cannot be entered.
    expect(
      (await (await as(office)).agent.get('/major-projects/satisfaction/edit?year=2027')).status,
    ).toBe(404);
  });

  it('should refuse a score of 101 and a missing score, naming each project and keeping every typed value', async () => {
    const report = await uploadReport('2026年度重大改革项目满意度调查报告.pdf');
    const response = await (
      await as(office)
    ).post('/major-projects/satisfaction/edit?year=2026', {
      [`score_${id('数字重庆建设')}`]: '101',
      [`remark_${id('数字重庆建设')}`]: '群众获得感强',
      [`score_${id('营商环境创新试点')}`]: '',
      [`remark_${id('营商环境创新试点')}`]: '企业评价较高',
      [`score_${id('国企改革深化提升行动')}`]: '88.5',
      conclusion: '重大改革项目总体满意度较高。',
      report,
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('「数字重庆建设」的得分“101”须为 0–100 之间、最多两位小数的数');
    expect(response.text).toContain('请填写「营商环境创新试点」的满意度得分');
    // The messages sit next to their fields.
    expect(response.text).toContain(`id="score_${id('数字重庆建设')}-error"`);
    expect(response.text).toContain(`id="score_${id('营商环境创新试点')}-error"`);
    // Nothing typed is lost: scores, remarks, the conclusion and the uploaded report.
    expect(response.text).toContain(`name="score_${id('数字重庆建设')}" type="text"`);
    expect(response.text).toMatch(new RegExp(`id="score_${id('数字重庆建设')}"[^>]*value="101"`));
    expect(response.text).toMatch(
      new RegExp(`id="score_${id('国企改革深化提升行动')}"[^>]*value="88.5"`),
    );
    expect(response.text).toContain('value="群众获得感强"');
    expect(response.text).toContain('value="企业评价较高"');
    expect(response.text).toContain('重大改革项目总体满意度较高。');
    expect(response.text).toContain(`name="report" value="${report}"`);
    expect(await scoresOf(2026)).toEqual([]);
  });

  it('should refuse the save when the report posted without JavaScript is refused, keeping what was typed', async () => {
    const session = await as(office);
    // The form as a browser without JavaScript posts it: one multipart request, the token in the URL.
    const refused = await session.agent
      .post(`/major-projects/satisfaction/edit?year=2026&_csrf=${session.csrfToken}`)
      .field(`score_${id('数字重庆建设')}`, '92.5')
      .field(`score_${id('营商环境创新试点')}`, '95')
      .field(`score_${id('国企改革深化提升行动')}`, '88.05')
      .field('conclusion', '无脚本提交的结论')
      .attach(
        'upload_report',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
        '报告.pdf',
      );
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('文件「报告.pdf」的类型不受支持或与扩展名不符');
    expect(refused.text).toContain('无脚本提交的结论');
    expect(refused.text).toMatch(new RegExp(`id="score_${id('数字重庆建设')}"[^>]*value="92.5"`));
    expect(await scoresOf(2026)).toEqual([]);
  });

  it('should let the office save a year, then replace it in one go with an audit row each time', async () => {
    const report = await uploadReport('2026年度调查报告.pdf');
    const first = await (
      await as(office)
    ).post('/major-projects/satisfaction/edit?year=2026', {
      [`score_${id('数字重庆建设')}`]: '92.5',
      [`remark_${id('数字重庆建设')}`]: '群众获得感强',
      [`score_${id('营商环境创新试点')}`]: '95',
      [`remark_${id('营商环境创新试点')}`]: '',
      [`score_${id('国企改革深化提升行动')}`]: '88.05',
      conclusion: '重大改革项目总体满意度较高。',
      report,
    });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/major-projects/satisfaction?year=2026');
    expect(await scoresOf(2026)).toEqual([
      { name: '国企改革深化提升行动', score: '88.05', conclusion: '' },
      { name: '数字重庆建设', score: '92.50', conclusion: '群众获得感强' },
      { name: '营商环境创新试点', score: '95.00', conclusion: '' },
    ]);

    // The form shows what was saved; saving again replaces the year (the closed project left out).
    const form = await (await as(office)).agent.get('/major-projects/satisfaction/edit?year=2026');
    expect(form.text).toMatch(new RegExp(`id="score_${id('数字重庆建设')}"[^>]*value="92.50"`));
    expect(form.text).toContain(`name="report" value="${report}"`);
    const second = await (
      await as(office)
    ).post('/major-projects/satisfaction/edit?year=2026', {
      [`score_${id('数字重庆建设')}`]: '93',
      [`score_${id('营商环境创新试点')}`]: '93',
      [`score_${id('国企改革深化提升行动')}`]: '',
      conclusion: '重大改革项目总体满意度较高，数字重庆建设与营商环境并列第一。',
      report,
    });
    expect(second.status).toBe(303);
    expect((await scoresOf(2026)).map((row) => [row.name, row.score])).toEqual([
      ['数字重庆建设', '93.00'],
      ['营商环境创新试点', '93.00'],
    ]);
    const [survey] = await testApp.dataSource.query<
      { conclusion: string; report_attachment_id: string }[]
    >(
      `SELECT conclusion, report_attachment_id FROM project_satisfaction_surveys WHERE survey_year = 2026`,
    );
    expect(survey).toEqual({
      conclusion: '重大改革项目总体满意度较高，数字重庆建设与营商环境并列第一。',
      report_attachment_id: report,
    });
    const audit = await testApp.dataSource.query<{ target_id: string; detail: unknown }[]>(
      `SELECT target_id, detail FROM audit_log WHERE action = 'project_satisfaction_saved' ORDER BY id`,
    );
    expect(audit).toEqual([
      { target_id: '2026', detail: { year: 2026, projects: 3, replaced: false } },
      { target_id: '2026', detail: { year: 2026, projects: 2, replaced: true } },
    ]);
    expect(
      await testApp.app.get(ProjectSatisfactionService).historyByProject(id('数字重庆建设')),
    ).toEqual([{ year: 2026, score: 93 }]);
  });

  it('should keep department users out (403) and let a leader read the ranked table and download the report', async () => {
    const clerkSession = await as(clerk);
    expect((await clerkSession.agent.get('/major-projects/satisfaction')).status).toBe(403);
    expect((await clerkSession.agent.get('/major-projects/satisfaction/edit')).status).toBe(403);
    expect(
      (
        await clerkSession.post('/major-projects/satisfaction/edit?year=2026', {
          conclusion: 'x',
        })
      ).status,
    ).toBe(403);

    const leaderSession = await as(leader);
    expect((await leaderSession.agent.get('/major-projects/satisfaction/edit')).status).toBe(403);
    const page = await leaderSession.agent.get('/major-projects/satisfaction?year=2026');
    expect(page.status).toBe(200);
    // Equal scores share rank 1.
    const ranks = [
      ...page.text.matchAll(
        /<tr id="satisfaction-[^"]+"><td class="num">(\d+)<\/td><td><a[^>]*>([^<]+)</g,
      ),
    ].map((match) => [match[1], match[2]]);
    expect(ranks.sort()).toEqual([
      ['1', '数字重庆建设'],
      ['1', '营商环境创新试点'],
    ]);
    expect(page.text).toContain('数字重庆建设与营商环境并列第一');
    expect(page.text).not.toContain('修改 2026 年满意度');
    const reportId = /href="\/attachments\/([0-9a-f-]{36})"/.exec(page.text)![1];
    const download = await leaderSession.agent.get(`/attachments/${reportId}`).buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(Buffer.from(download.body as Buffer).equals(PDF)).toBe(true);
    // A department clerk may not read the report.
    expect((await clerkSession.agent.get(`/attachments/${reportId}`)).status).toBe(404);
    // With no year given, the page shows the latest surveyed year.
    const latest = await leaderSession.agent.get('/major-projects/satisfaction');
    expect(latest.text).toContain('2026 年重大改革项目满意度');
  });
});
