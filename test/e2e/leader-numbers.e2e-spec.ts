import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/time/clock.js';
import {
  DISTRICT_SYSTEM,
  MAJOR_PROJECT_SYSTEM,
} from '../../src/scoring/calculation/default-systems.js';
import { ProjectInputsService } from '../../src/scoring/reports/project-inputs.service.js';
import { parsePeriod } from '../../src/scoring/reports/report-periods.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { draftFormOf } from '../helpers/indicator-system-form.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * The numbers a leader sees (issue 17 §2–3), each against figures worked out by hand: months still
 * to come, the cockpit's freshness, the 0/0 rule, ties in the five-colour chart, the usage score,
 * cumulative targets, and the major-project satisfaction and plan updates on the cockpit.
 */
describe('Numbers a leader sees (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let leader: TestUser;
  let survey: TestUser;
  let now = new Date('2026-12-07T10:00:00+08:00');

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const section = (html: string, id: string) =>
    html.split(`id="${id}"`)[1]?.split('</section>')[0] ?? '';

  const idOf = (location: unknown) => String(location).split('/').pop()!;
  const act = async (user: TestUser, id: string, action: string) =>
    expect(
      (await (await as(user)).htmx('post', `/records/${id}/transitions`, { action })).status,
    ).toBe(200);
  /** The quarter's satisfaction return of every district, approved by the office. */
  const approveSatisfaction = async (quarter: string, score: (unitId: number) => string) => {
    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active`,
    );
    const form: Record<string, string> = { quarter, conclusion: '总体满意。' };
    for (const district of districts) {
      form[`score_${district.id}`] = score(district.id);
    }
    const draft = await (await as(survey)).post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const returnId = idOf(draft.headers.location);
    await act(survey, returnId, 'submit');
    await act(office, returnId, 'confirm');
  };

  /** An approved plan update (its own revision 1), first submitted at `submittedAt`. */
  const approvedPlanUpdate = async (
    project: IssuedProject,
    planIndex: number,
    status: 'completed' | 'in_progress',
    submittedAt: string,
    text: { workDone: string; problems: string },
  ) => {
    const id = randomUUID();
    const unitId = await unitIdByCode(testApp.dataSource, '市发展改革委');
    await testApp.dataSource.query(
      `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, is_current_approved,
                                   created_by, submitted_by, last_actor_id, last_action, submitted_at, approved_at)
       VALUES ($1, 'plan_update', $1, 1, '计划推进更新', $2, 'approved', true, $3, $3, $3, 'confirm', $4, $4)`,
      [id, unitId, office.id, submittedAt],
    );
    await testApp.dataSource.query(
      `INSERT INTO plan_updates (id, lineage_id, project_id, plan_key, status, work_done, problems, next_steps,
                                 evidence_classified, first_submitted_at)
       VALUES ($1, $1, $2, $3, $4, $5, $6, '继续推进', true, $7)`,
      [
        id,
        project.projectId,
        project.planKeys[planIndex],
        status,
        text.workDone,
        text.problems,
        submittedAt,
      ],
    );
    return id;
  };

  let project: IssuedProject;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => now;
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    survey = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });

    // A project of 2026 with two plans in November and one in December; both November plans were
    // completed (approved) in November, December's is not done yet.
    project = await createIssuedProject(testApp.dataSource, {
      unit: '市发展改革委',
      createdBy: office.id,
      name: '年末冲刺改革项目',
      indicators: [
        {
          name: '新增市场主体',
          unit: '家',
          annual: '20',
          monthly: ['0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '10', '10'],
        },
        {
          name: '一网通办覆盖率',
          unit: '%',
          annual: '90',
          // Cumulative targets: 80% by November, 90% by December.
          monthly: ['0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '80', '90'],
          cumulative: true,
        },
      ],
      plans: [
        { measure: 0, month: '2026-11', content: '出台实施细则' },
        { measure: 1, month: '2026-11', content: '上线办事指南' },
        { measure: 2, month: '2026-12', content: '开展年度评估' },
      ],
    });
    await approvedPlanUpdate(project, 0, 'completed', '2026-11-20T10:00:00+08:00', {
      workDone: '细则已印发',
      problems: '无',
    });
    await approvedPlanUpdate(project, 1, 'completed', '2026-11-30T10:00:00+08:00', {
      workDone: '办事指南已上线',
      problems: '部分区县对接慢',
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('months still to come (issue 17 §2)', () => {
    it('should count only November in the 11—12月 figures on 12-07, the same in the report inputs and on the cockpit', async () => {
      // Plans due by 12-07: the two of November, both on time → 2 / 2 = 100%. (Measured at 12-31
      // the December plan would be due and missed: 2 / 3 = 66.7%.) Monthly targets: none reported,
      // November due for both indicators → 0 / 2; December is not due.
      const inputs = await testApp.app
        .get(ProjectInputsService)
        .gather(MAJOR_PROJECT_SYSTEM, parsePeriod('major_project', '2026-B6')!);
      const subject = inputs.find((candidate) => candidate.projectId === project.projectId)!;
      expect(subject.values.plan_on_time_rate.toString()).toBe('1');
      expect(subject.evidence.plan_on_time_rate[0].note).toContain('按期完成 2 / 应完成 2 项');
      expect(subject.evidence.monthly_target_rate[0].note).toContain('完成 0 / 应完成 2 个指标月');

      const cockpit = await (await as(leader)).agent.get('/cockpit/projects');
      expect(cockpit.status).toBe(200);
      const card = section(cockpit.text, 'project-cards')
        .split('年末冲刺改革项目')[1]
        .split('</article>')[0];
      expect(card).toContain('<dt>计划按期完成</dt><dd>100.0%</dd>');
      expect(card).toContain('<dt>月度目标完成</dt><dd>0.0%</dd>');

      // The project page shows the same figures, as of the same day.
      const page = await (await as(leader)).agent.get(`/major-projects/${project.projectId}`);
      expect(page.status).toBe(200);
      const summary = section(page.text, 'progress-summary');
      expect(summary).toContain('截至 2026-12-07');
      expect(summary).toContain('<dd id="summary-plans">2 / 2（100.0%）</dd>');
      expect(summary).toContain('<dd id="summary-monthly">0 / 2（0.0%）</dd>');
    });
  });

  describe('cockpit freshness (issue 17 §2)', () => {
    it('should say when the district panels were computed, and never show them fresher than they are', async () => {
      now = new Date('2026-12-07T10:00:00+08:00');
      const first = await (await as(leader)).agent.get('/cockpit');
      expect(first.status).toBe(200);
      expect(first.text).toContain('其余面板为截至 2026-12-07 10:00 已审核通过的数据');
      expect(section(first.text, 'satisfaction-trend')).toContain('暂无已审核的满意度数据');

      // Approved 30 seconds later: the panels computed at 10:00 are reused and say so.
      now = new Date('2026-12-07T10:00:30+08:00');
      await approveSatisfaction('2026-Q3', () => '85');
      const reused = await (await as(leader)).agent.get('/cockpit');
      expect(reused.text).toContain('其余面板为截至 2026-12-07 10:00 已审核通过的数据');
      expect(section(reused.text, 'satisfaction-trend')).toContain('暂无已审核的满意度数据');

      // After the minute the panels are computed again, with the new return, and say 10:01.
      now = new Date('2026-12-07T10:01:30+08:00');
      const fresh = await (await as(leader)).agent.get('/cockpit');
      expect(fresh.text).toContain('其余面板为截至 2026-12-07 10:01 已审核通过的数据');
      expect(section(fresh.text, 'satisfaction-trend')).toContain('<td class="num">85');
    });

    it('should call the project cards live, at the time of viewing', async () => {
      now = new Date('2026-12-07T10:02:00+08:00');
      const page = await (await as(leader)).agent.get('/cockpit/projects');
      expect(page.text).toContain('其余面板为查看时（2026-12-07 10:02）已审核通过的实时数据');
      // A project with nothing due yet says so instead of a 100% it has not earned.
      const idle = await createIssuedProject(testApp.dataSource, {
        unit: '市发展改革委',
        createdBy: office.id,
        name: '明年启动改革项目',
        planYear: 2027,
      });
      const cards = section(
        (await (await as(leader)).agent.get('/cockpit/projects')).text,
        'project-cards',
      );
      const card = cards.split('明年启动改革项目')[1].split('</article>')[0];
      expect(idle.projectId).toBeDefined();
      expect(card).toContain('<dt>月度目标完成</dt><dd>无应完成事项</dd>');
      expect(card).toContain('<dt>计划按期完成</dt><dd>无应完成事项</dd>');
    });
  });

  describe('ties in the five-colour chart (issue 17 §3)', () => {
    let reportId: string;

    it('should say 各区县得分相同，不分档 on the cockpit, the report and its Excel when every district scores the same', async () => {
      // 2026-Q3: every district 85 in satisfaction, no pilot, highlight or risk event → all 41
      // score the same total, share rank 1, and no band is claimed.
      const generated = await (
        await as(office)
      ).post('/reports', { kind: 'district', period: '2026-Q3' });
      expect(generated.status).toBe(303);
      reportId = idOf(generated.headers.location);

      const cockpit = await (await as(leader)).agent.get('/cockpit');
      for (const id of ['index-total', 'index-implementation', 'index-brand']) {
        const chart = section(cockpit.text, id);
        expect(chart).toContain('各区县得分相同，不分档');
        expect(chart).not.toMatch(/band-tile band-\d/);
        expect(chart).toContain('band-tile band-none');
      }

      const report = await (await as(office)).agent.get(`/reports/${reportId}`);
      expect(report.text).toContain('id="bands-undivided"');
      expect(report.text).toContain('各区县得分相同，不分档');
      expect(report.text).not.toContain('第一档');

      const row = await (await as(office)).agent.get(`/reports/${reportId}/rows/0`);
      expect(row.text).toContain('不分档');
      expect(row.text).not.toContain('第一档');

      const excel = await (
        await as(office)
      ).agent
        .get(`/reports/${reportId}/export`)
        .buffer(true)
        .parse(binaryParser);
      expect(excel.status).toBe(200);
      const sheet = await readSheet(excel.body as Buffer);
      const bandColumn = sheet.rows[0].indexOf('五色图');
      const bands = new Set(sheet.rows.slice(1).map((excelRow) => excelRow[bandColumn]));
      expect([...bands]).toEqual(['不分档']);
    });
  });

  describe('试点按时通过验收率 with nothing due (0/0 rule, issue 17 §3)', () => {
    /** A confirmed municipal pilot of one district, due for acceptance on 2026-06-30. */
    const confirmedPilot = async (district: string, acceptedOn: string | null) => {
      const id = randomUUID();
      const unitId = await unitIdByCode(testApp.dataSource, district);
      const competent = await unitIdByCode(testApp.dataSource, '市发展改革委');
      const [domain] = await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' ORDER BY id LIMIT 1`,
      );
      await testApp.dataSource.query(
        `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, is_current_approved,
                                     created_by, submitted_by, last_actor_id, last_action, submitted_at, approved_at)
         VALUES ($1, 'pilot', $1, 1, '试点', $2, 'approved', true, $3, $3, $3, 'confirm', now(), now())`,
        [id, unitId, office.id],
      );
      await testApp.dataSource.query(
        `INSERT INTO pilots (id, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer,
                             deployed_on, competent_unit_id, involved_unit_ids, acceptance_due, domain_id)
         VALUES ($1, $1, $2, $3, 'municipal', '试点方案', $4, '市政府', '2026-01-10', $5, ARRAY[$2::int], '2026-06-30', $6)`,
        [
          id,
          unitId,
          `${district} 试点 ${id.slice(0, 4)}`,
          `渝府〔2026〕${id.slice(0, 6)}号`,
          competent,
          domain.id,
        ],
      );
      await testApp.dataSource.query(
        `INSERT INTO pilot_streams (pilot_lineage_id, unit_id, accepted_on) VALUES ($1, $2, $3)`,
        [id, unitId, acceptedOn],
      );
    };

    it('should let the office choose the rule in the draft, and name the districts it scored in the report', async () => {
      // 万州 1 pilot accepted on time (1/1), 涪陵 2 pilots one on time (1/2), 大足 1 not accepted
      // (0/1); the other 38 districts have none due (0/0).
      await confirmedPilot('wanzhou', '2026-06-20');
      await confirmedPilot('fuling', '2026-06-25');
      await confirmedPilot('fuling', null);
      await confirmedPilot('dazu', null);

      const session = await as(office);
      const draft = await session.post('/indicator-systems/drafts', { kind: 'district' });
      expect(draft.status).toBe(303);
      const draftId = idOf(draft.headers.location);
      const page = await session.agent.get(`/indicator-systems/${draftId}`);
      // The setting, with the rule in force preselected, and every rule stated on the page.
      expect(page.text).toMatch(
        /<select name="ind-pilot_acceptance_rate-nothingDue"[^>]*>[\s\S]*?<option value="full" selected>按满分计<\/option>/,
      );
      expect(section(page.text, 'nothing-due-rules')).toContain(
        '不参与该项、按该项中位数计</strong>：该单位不参与该项计算',
      );
      const saved = await session.post(`/indicator-systems/${draftId}`, {
        ...draftFormOf(DISTRICT_SYSTEM),
        'ind-pilot_acceptance_rate-nothingDue': 'median',
      });
      expect(saved.status).toBe(303);
      const reopened = await session.agent.get(`/indicator-systems/${draftId}`);
      expect(reopened.text).toContain(
        '<option value="median" selected>不参与该项、按该项中位数计</option>',
      );
      expect((await session.post(`/indicator-systems/${draftId}/activate`)).status).toBe(303);

      const generated = await session.post('/reports', { kind: 'district', period: '2026-Q3' });
      expect(generated.status).toBe(303);
      const reportId = idOf(generated.headers.location);
      // By hand. 试点按时通过验收率 (10, single tier 0.8–1.0) over 万州 1, 涪陵 0.5, 大足 0 only:
      // 10, 9, 8; the 38 others get the median of (8, 9, 10) = 9.
      // 承接试点项目数 (20, single tier) over 1, 2, 1 and 38 × 0: min 0, max 2 → 万州 18, 涪陵 20,
      // 大足 18, others 16. Brand (all 0) and satisfaction (all 85) give everyone the top: 50 + 20.
      // Totals: 涪陵 20 + 9 + 70 = 99; 万州 18 + 10 + 70 = 98; 大足 18 + 8 + 70 = 96; others 16 + 9 + 70 = 95.
      const rows = await testApp.dataSource.query<
        { subject_name: string; total: string; rank: number; nothing_due: string[] }[]
      >(`SELECT subject_name, total, rank, nothing_due FROM report_rows WHERE report_id = $1`, [
        reportId,
      ]);
      const byName = new Map(rows.map((row) => [row.subject_name, row]));
      expect(byName.get('涪陵区')).toMatchObject({ total: '99', rank: 1, nothing_due: [] });
      expect(byName.get('万州区')).toMatchObject({ total: '98', rank: 2 });
      expect(byName.get('大足区')).toMatchObject({ total: '96', rank: 3 });
      expect(byName.get('铜梁区')).toMatchObject({
        total: '95',
        rank: 4,
        nothing_due: ['pilot_acceptance_rate'],
      });
      expect(rows.filter((row) => row.nothing_due.length > 0)).toHaveLength(38);

      const report = await session.agent.get(`/reports/${reportId}`);
      const note = section(report.text, 'nothing-due-note');
      expect(note).toContain(
        '试点按时通过验收率</strong>无应考核事项（0/0）的区县按本指标体系规则「不参与该项、按该项中位数计」计分',
      );
      expect(note).toContain('（38 个）');
      expect(note).toContain('铜梁区');
      expect(note).not.toContain('涪陵区');
      expect(section(report.text, 'ranking')).toContain('<td class="num">0/0</td>');
    });
  });

  describe('monthly targets of 当期值 and 累计值 indicators (issue 17 §3)', () => {
    it('should check each kind by its own rule on the battle map form, with the message next to the field', async () => {
      const clerk = await createUser(testApp.dataSource, {
        unitCode: '市发展改革委',
        roles: ['entry'],
      });
      const draft = await createIssuedProject(testApp.dataSource, {
        unit: '市发展改革委',
        createdBy: office.id,
        issued: false,
      });
      const [planType] = await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'plan_type' ORDER BY id LIMIT 1`,
      );
      const indicator = (token: string, annual: string, cumulative: boolean, months: string[]) => ({
        [`ind-${token}-name`]: `指标${token}`,
        [`ind-${token}-unit`]: '个',
        [`ind-${token}-annual`]: annual,
        [`ind-${token}-cumulative`]: cumulative ? '1' : '0',
        ...Object.fromEntries(months.map((value, index) => [`ind-${token}-m${index + 1}`, value])),
      });
      const rest = {
        'mea-m0-text': '举措一',
        'mea-m1-text': '举措二',
        'mea-m2-text': '举措三',
        'plan-p0-measure': 'm0',
        'plan-p0-month': '2026-03',
        'plan-p0-type': String(planType.id),
        'plan-p0-content': '制定方案',
        submit: '1',
      };
      const right = indicator('ok', '90', true, [
        '10',
        '20',
        '30',
        '40',
        '50',
        '60',
        '70',
        '80',
        '90',
        '',
        '',
        '',
      ]);
      const session = await as(clerk);
      const refused = await session.post(`/major-projects/${draft.projectId}/map`, {
        ...indicator('inc', '12', false, Array<string>(12).fill('1.1')),
        ...indicator('drop', '90', true, [
          '10',
          '20',
          '15',
          '40',
          '50',
          '60',
          '70',
          '80',
          '90',
          '90',
          '90',
          '90',
        ]),
        ...indicator('short', '90', true, [
          '10',
          '20',
          '30',
          '40',
          '50',
          '60',
          '70',
          '80',
          '85',
          '85',
          '85',
          '85',
        ]),
        ...right,
        ...rest,
      });
      expect(refused.status).toBe(422);
      // 当期值: 12 × 1.1 = 13.2 ≠ 12.
      expect(fieldError(refused.text, 'ind-inc-months')).toBe(
        '当期值指标 12个月目标值合计 13.2，须与年度目标值 12 一致',
      );
      expect(fieldError(refused.text, 'ind-drop-months')).toBe(
        '累计值指标的月度目标是截至当月底的累计目标，不能低于上月：3月 15 低于 2月 20',
      );
      expect(fieldError(refused.text, 'ind-short-months')).toBe(
        '累计值指标 12月的累计目标 85 须等于年度目标值 90',
      );
      // Cumulative targets ending at the annual target are right (the old rule wanted 10 + 20 + … = 90).
      expect(fieldError(refused.text, 'ind-ok-months')).toBeUndefined();
      expect(refused.text).toContain('<strong>累计值</strong>：填写截至每月底应达到的累计目标');

      const accepted = await session.post(`/major-projects/${draft.projectId}/map`, {
        ...indicator('inc', '12', false, Array<string>(12).fill('1')),
        ...right,
        ...rest,
      });
      expect(accepted.status).toBe(303);
      // Stored as targets to date: the empty October–December keep September's 90.
      const [stored] = await testApp.dataSource.query<{ monthly_targets: string[] }[]>(
        `SELECT mi.monthly_targets::text[] AS monthly_targets FROM map_indicators mi
           JOIN battle_maps bm ON bm.id = mi.content_id
          WHERE bm.project_id = $1 AND mi.cumulative`,
        [draft.projectId],
      );
      expect(stored.monthly_targets.slice(8)).toEqual(['90.00', '90.00', '90.00', '90.00']);
    });
  });

  describe('major-project satisfaction and plan updates (issue 17 §3)', () => {
    it('should show the year satisfaction as a display indicator on the report and the cockpit, and the latest approved plan updates', async () => {
      await testApp.dataSource.query(
        `INSERT INTO project_satisfaction (project_id, survey_year, score, conclusion, entered_by)
         VALUES ($1, 2026, 92.5, '群众满意', $2)`,
        [project.projectId, office.id],
      );
      await testApp.dataSource.query(
        `INSERT INTO project_satisfaction_surveys (survey_year, conclusion, entered_by) VALUES (2026, '总体满意', $1)`,
        [office.id],
      );
      const generated = await (
        await as(office)
      ).post('/reports', { kind: 'major_project', period: '2026-B5' });
      expect(generated.status).toBe(303);
      const report = await (await as(office)).agent.get(generated.headers.location);
      const display = section(report.text, 'project-satisfaction');
      expect(display).toContain('2026年度项目满意度');
      expect(display).toContain('展示指标，不计分、不计入综合指数');
      expect(display).toMatch(/年末冲刺改革项目<\/td><td class="num">92.50</);
      // Not an indicator of the index: no column of it in the ranking.
      expect(section(report.text, 'ranking')).not.toContain('满意度');

      const cockpit = await (await as(leader)).agent.get('/cockpit/projects');
      const card = section(cockpit.text, 'project-cards')
        .split('年末冲刺改革项目')[1]
        .split('</article>')[0];
      expect(card).toContain('2026年度项目满意度');
      expect(card).toContain('<dd>92.50</dd>');
      const updates = card.split(`id="plan-updates-${project.projectId}"`)[1];
      // Newest approval first: 11-30 (上线办事指南), then 11-20 (出台实施细则).
      expect(updates.indexOf('上线办事指南')).toBeLessThan(updates.indexOf('出台实施细则'));
      expect(updates).toContain(
        '<strong>已开展工作：</strong><span class="prewrap">办事指南已上线</span>',
      );
      expect(updates).toContain(
        '<strong>存在问题：</strong><span class="prewrap">部分区县对接慢</span>',
      );
    });
  });
});
