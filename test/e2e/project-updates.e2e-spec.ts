import { join } from 'node:path';
import { Clock } from '../../src/common/time/clock.js';
import { createHandlebarsEngine } from '../../src/common/views/handlebars-engine.js';
import { ProjectsService } from '../../src/major-projects/projects.service.js';
import { ProjectProgressService } from '../../src/major-projects/updates/project-progress.service.js';
import { ProjectStatsService } from '../../src/major-projects/updates/project-stats.service.js';
import { Fraction } from '../../src/scoring/calculation/fraction.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

describe('Major project monthly updates (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let leader: TestUser;
  let otherClerk: TestUser;
  let project: IssuedProject;
  let unissued: IssuedProject;
  let methods: { media: number; pressConference: number };

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  /** Moves "now" (business dates and first submissions come from the Clock). */
  const at = (instant: string) => {
    testApp.app.get(Clock).now = () => new Date(instant);
  };
  const idOf = (location: unknown) => String(location).split('/').pop()!;
  const token = (key: string) => key.replaceAll('-', '');
  const [A, B] = [0, 1];
  const actuals = (a: string, b: string) => ({
    [`actual-${token(project.indicatorKeys[A])}`]: a,
    [`actual-${token(project.indicatorKeys[B])}`]: b,
  });
  const fileReport = async (month: string, a: string, b: string, submit = true) => {
    const response = await (
      await as(clerk)
    ).post(`/major-projects/${project.projectId}/indicator-reports/new`, {
      month,
      ...actuals(a, b),
      submit: submit ? '1' : '0',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const filePlanUpdate = async (plan: number, status: string, submit = true) => {
    const response = await (
      await as(clerk)
    ).post(`/major-projects/${project.projectId}/plans/${project.planKeys[plan]}/updates/new`, {
      status,
      workDone: `计划${plan + 1}：已完成专题调研并形成报告`,
      problems: '无',
      nextSteps: status === 'completed' ? '' : '继续推进',
      nextFrom: status === 'completed' ? '' : '2026-05-01',
      nextTo: status === 'completed' ? '' : '2026-05-31',
      evidenceClassified: 'on',
      submit: submit ? '1' : '0',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const filePromotion = async (promotedOn: string, submit = true) => {
    const response = await (
      await as(clerk)
    ).post(`/major-projects/${project.projectId}/promotions/new`, {
      methodId: String(methods.media),
      promotedOn,
      description: `${promotedOn} 组织媒体集中宣传报道`,
      evidenceClassified: 'on',
      submit: submit ? '1' : '0',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const fileBrand = async (happenedOn: string, kind: string, submit = true) => {
    const response = await (
      await as(clerk)
    ).post(`/major-projects/${project.projectId}/brand-items/new`, {
      happenedOn,
      kind,
      situation: `${happenedOn} 获肯定`,
      measuresResults: '建立直达机制，惠及企业三千家',
      details: '详见通报',
      evidenceClassified: 'on',
      submit: submit ? '1' : '0',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const pass = async (id: string) => {
    const response = await (
      await as(reviewer)
    ).htmx('post', `/records/${id}/transitions`, { action: 'pass' });
    expect(response.status).toBe(200);
  };
  const approve = async (id: string) => {
    await pass(id);
    const response = await (
      await as(office)
    ).htmx('post', `/records/${id}/transitions`, { action: 'confirm' });
    expect(response.status).toBe(200);
  };
  const stats = (asOf: string) =>
    testApp.app.get(ProjectStatsService).statsForProject(project.projectId, asOf);

  beforeAll(async () => {
    testApp = await createTestApp();
    at('2026-01-20T10:00:00+08:00');
    clerk = await createUser(testApp.dataSource, { unitCode: 'dept-fagai', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: 'dept-fagai',
      roles: ['reviewer'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'dept-keji', roles: ['entry'] });
    project = await createIssuedProject(testApp.dataSource, {
      unit: 'dept-fagai',
      createdBy: office.id,
      name: '惠企政策直达改革',
      planYear: 2026,
      indicators: [
        {
          name: '惠企政策直达企业数',
          unit: '家',
          annual: '120',
          monthly: ['10', '10', '10', '10', '10', '10', '10', '10', '10', '10', '10', '10'],
        },
        {
          name: '一网通办事项覆盖率',
          unit: '%',
          annual: '100',
          // 累计值: targets to date. February adds nothing (5 again): it is skipped by the monthly
          // completion.
          monthly: ['5', '5', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100'],
          cumulative: true,
        },
      ],
      measures: ['建立惠企政策直达机制', '推进一网通办', '开展成效评估'],
      plans: [
        { measure: 0, month: '2026-01', type: 'task_force', content: '组建工作专班' },
        { measure: 0, month: '2026-02', type: 'research', content: '开展企业需求调研' },
        { measure: 1, month: '2026-03', type: 'reform_plan', content: '制定改革方案' },
        { measure: 1, month: '2026-04', type: 'platform', content: '搭建政策直达平台' },
        { measure: 2, month: '2026-06', type: 'evaluation', content: '开展成效评估' },
      ],
    });
    unissued = await createIssuedProject(testApp.dataSource, {
      unit: 'dept-fagai',
      createdBy: office.id,
      name: '尚未下发的项目',
      issued: false,
    });
    const methodRows = await testApp.dataSource.query<{ id: number; code: string }[]>(
      `SELECT id, code FROM dictionary_items WHERE kind = 'promotion_method'`,
    );
    methods = {
      media: methodRows.find((row) => row.code === 'media')!.id,
      pressConference: methodRows.find((row) => row.code === 'press_conference')!.id,
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('who may file', () => {
    it('should refuse every update before the battle map is issued, with the reason', async () => {
      for (const path of ['indicator-reports/new', 'promotions/new', 'brand-items/new']) {
        const page = await (
          await as(clerk)
        ).agent.get(`/major-projects/${unissued.projectId}/${path}`);
        expect(page.status).toBe(409);
        expect(page.text).toContain('作战图确认下发后才能更新推进情况');
      }
      const post = await (
        await as(clerk)
      ).post(`/major-projects/${unissued.projectId}/promotions/new`, {
        methodId: String(methods.media),
        promotedOn: '2026-01-10',
        description: 'x',
        evidenceClassified: 'on',
      });
      expect(post.status).toBe(409);
      expect(
        (
          await testApp.dataSource.query<{ count: number }[]>(
            `SELECT count(*)::int AS count FROM project_promotions`,
          )
        )[0].count,
      ).toBe(0);
    });

    it('should answer 404 to a clerk of another unit and refuse reviewers and the office', async () => {
      const paths = [
        `/major-projects/${project.projectId}/indicator-reports/new`,
        `/major-projects/${project.projectId}/plans/${project.planKeys[0]}/updates/new`,
        `/major-projects/${project.projectId}/promotions/new`,
        `/major-projects/${project.projectId}/brand-items/new`,
      ];
      for (const path of paths) {
        expect((await (await as(otherClerk)).agent.get(path)).status).toBe(404);
        expect((await (await as(reviewer)).agent.get(path)).status).toBe(403);
        expect((await (await as(office)).agent.get(path)).status).toBe(403);
      }
      // A plan key that is not in the version in force.
      const unknownPlan = await (
        await as(clerk)
      ).agent.get(
        `/major-projects/${project.projectId}/plans/00000000-0000-0000-0000-000000000000/updates/new`,
      );
      expect(unknownPlan.status).toBe(404);
    });
  });

  describe('量化目标推进更新', () => {
    it('should ask for each indicator with its reporting basis (cumulative or the month)', async () => {
      const page = await (
        await as(clerk)
      ).agent.get(`/major-projects/${project.projectId}/indicator-reports/new`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('惠企政策直达企业数');
      expect(page.text).toContain('当月值：填写当月完成量');
      expect(page.text).toContain('累计值：填写截至当月底的累计完成值（%）');
      expect(page.text).toContain('value="2026-01"');
    });

    it('should refuse months outside the plan year or ahead, negative and three-decimal values, and keep what was typed', async () => {
      const post = (form: Record<string, string>) =>
        as(clerk).then((session) =>
          session.post(`/major-projects/${project.projectId}/indicator-reports/new`, form),
        );
      const lastYear = await post({ month: '2025-12', ...actuals('1', '1') });
      expect(lastYear.status).toBe(422);
      expect(lastYear.text).toContain('只能填报作战图年度（2026 年）的月份');
      const ahead = await post({ month: '2026-02', ...actuals('1', '1') });
      expect(ahead.status).toBe(422);
      expect(ahead.text).toContain('不能填报尚未到来的月份');
      const bad = await post({ month: '2026-01', ...actuals('-1', '1.234'), submit: '1' });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('实际值不能为负数');
      expect(bad.text).toContain('请填写数字，最多保留两位小数');
      expect(bad.text).toContain('value="1.234"');
      const missing = await post({ month: '2026-01', ...actuals('', '3'), submit: '1' });
      expect(missing.status).toBe(422);
      expect(missing.text).toContain('请填写「惠企政策直达企业数」的实际值');
      expect(
        (
          await testApp.dataSource.query<{ count: number }[]>(
            `SELECT count(*)::int AS count FROM indicator_reports`,
          )
        )[0].count,
      ).toBe(0);
    });

    it('should stamp the first submission, flag a report submitted after the last working day as late, and allow one report per month', async () => {
      // January's last working day is Friday 30 January.
      at('2026-01-30T17:00:00+08:00');
      const january = await fileReport('2026-01', '12', '5');
      const onTime = await (
        await as(clerk)
      ).agent.get(`/major-projects/indicator-reports/${january}`);
      expect(onTime.text).toContain('2026-01-30（当月最后一个工作日）');
      expect(onTime.text).toContain('2026-01-30 17:00');
      expect(onTime.text).not.toContain('逾期报送');
      // February's report is due Friday 27 February and comes on Monday 2 March.
      at('2026-03-02T09:00:00+08:00');
      const february = await fileReport('2026-02', '8', '6');
      const late = await (
        await as(reviewer)
      ).agent.get(`/major-projects/indicator-reports/${february}`);
      expect(late.text).toContain('id="late-flag"');
      expect(late.text).toContain('逾期报送');
      const duplicate = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/indicator-reports/new`, {
        month: '2026-01',
        ...actuals('1', '1'),
      });
      expect(duplicate.status).toBe(422);
      expect(duplicate.text).toContain('2026-01 的量化目标推进更新已填报（审核中）');
      await approve(january);
      await approve(february);
    });

    it('should show the month target, the target to date and whether it was met', async () => {
      const rows = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM indicator_reports WHERE report_month = '2026-02'`,
      );
      const page = await (
        await as(office)
      ).agent.get(`/major-projects/indicator-reports/${rows[0].id}`);
      expect(page.status).toBe(200);
      // A: February target 10, to date 20, actual 8 → not met; B: target increment 0 → no target.
      expect(page.text).toMatch(
        /惠企政策直达企业数[\s\S]*?10.00 家[\s\S]*?20.00 家[\s\S]*?8 家[\s\S]*?未完成/,
      );
      expect(page.text).toMatch(/一网通办事项覆盖率[\s\S]*?当月无目标/);
    });
  });

  describe('statistics (approved data only)', () => {
    it('should file the rest of the spring through HTTP: some approved, some pending or drafts', async () => {
      // March: pending at the office (passed by the reviewer only). April: a draft.
      at('2026-03-31T10:00:00+08:00');
      const march = await fileReport('2026-03', '100', '100');
      await pass(march);
      at('2026-04-30T10:00:00+08:00');
      await fileReport('2026-04', '100', '100', false);

      // Plans: P1 completed on time, P2 completed after February, P3 in progress (approved) and
      // completed but pending, P4 completed on time, P5 (June) completed but not yet due.
      at('2026-01-30T10:00:00+08:00');
      await approve(await filePlanUpdate(0, 'completed'));
      at('2026-03-02T10:00:00+08:00');
      await approve(await filePlanUpdate(1, 'completed'));
      at('2026-03-20T10:00:00+08:00');
      await approve(await filePlanUpdate(2, 'in_progress'));
      at('2026-03-31T10:00:00+08:00');
      await pass(await filePlanUpdate(2, 'completed'));
      at('2026-04-10T10:00:00+08:00');
      await approve(await filePlanUpdate(3, 'completed'));
      at('2026-04-12T10:00:00+08:00');
      await approve(await filePlanUpdate(4, 'completed'));

      // Promotions: approved 03-15 (counts), approved 05-05 (after the as-of date), pending, draft.
      at('2026-05-06T10:00:00+08:00');
      await approve(await filePromotion('2026-03-15'));
      await approve(await filePromotion('2026-05-05'));
      await pass(await filePromotion('2026-02-01'));
      await filePromotion('2026-02-02', false);
      // Brand items: national 04-01, central media 02-10 and 04-30 (the as-of day) approved;
      // a pending national one.
      await approve(await fileBrand('2026-04-01', 'national'));
      await approve(await fileBrand('2026-02-10', 'central_media'));
      await approve(await fileBrand('2026-04-30', 'central_media'));
      await pass(await fileBrand('2026-03-03', 'national'));
    });

    it('should compute the project figures as of 2026-04-30 by hand', async () => {
      const figures = await stats('2026-04-30');
      expect(figures).toBeDefined();
      // Months ended by 2026-04-30: January to April (4).
      // A (periodic, 10 a month): Jan 12 ≥ 10 met; Feb 8 < 10; Mar pending and Apr draft → missing.
      //   due 4, met 1.
      // B (cumulative: 5, 0, 5, 10 → to date 5, 5, 10, 20): Jan 5 ≥ 5 met; Feb increment 0 skipped;
      //   Mar pending, Apr draft → missing. due 3, met 1.
      expect(figures!.endedMonths).toBe(4);
      expect(figures!.monthlyTargets).toEqual({ met: 2, due: 7 });
      // A: 12 + 8 = 20 of 120; B: February's 6 (the latest approved month) of 100.
      expect(figures!.annualTargets).toEqual([
        {
          indicatorKey: project.indicatorKeys[A],
          name: '惠企政策直达企业数',
          value: '20.00',
          target: '120.00',
        },
        {
          indicatorKey: project.indicatorKeys[B],
          name: '一网通办事项覆盖率',
          value: '6.00',
          target: '100.00',
        },
      ]);
      // (20/120 + 6/100) / 2 = (1/6 + 3/50) / 2 = (25/150 + 9/150) / 2 = 34/300 = 17/150.
      expect(figures!.annualRate).toEqual(Fraction.of(17, 150));
      // Plans due (month ended): P1–P4. On time: P1 (01-30 ≤ 01-31) and P4 (04-10 ≤ 04-30);
      // P2 was completed 03-02 (after February); P3's completion is still pending.
      expect(figures!.plans).toEqual({ onTime: 2, due: 4 });
      // Promotions dated 2026-01-01..04-30 and approved: 03-15 only.
      expect(figures!.promotions).toBe(1);
      // National: 04-01 (the pending 03-03 does not count); central media: 02-10 and 04-30.
      expect(figures!.brand).toEqual({ national: 1, centralMedia: 2 });
    });

    it('should look only at months and plans that have ended', async () => {
      const figures = await stats('2026-04-29');
      // Months 1..3. A: Jan met, Feb, Mar not → 1/3. B: Jan met, Mar (to date 10) pending → 1/2.
      expect(figures!.monthlyTargets).toEqual({ met: 2, due: 5 });
      // P1–P3 due; on time P1 only.
      expect(figures!.plans).toEqual({ onTime: 1, due: 3 });
      // Brand: the 04-30 central media item is after the as-of date.
      expect(figures!.brand).toEqual({ national: 1, centralMedia: 1 });
    });

    it('should count a corrected month once its revision is approved', async () => {
      const rows = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM indicator_reports WHERE report_month = '2026-01'`,
      );
      const revised = await (
        await as(clerk)
      ).post(`/major-projects/indicator-reports/${rows[0].id}/revision`);
      expect(revised.status).toBe(303);
      const revisionId = idOf(revised.headers.location);
      expect(revisionId).not.toBe(rows[0].id);
      const form = await (
        await as(clerk)
      ).agent.get(`/major-projects/indicator-reports/${revisionId}`);
      expect(form.text).toContain('id="month-fixed"');
      expect(form.text).toContain('value="12"');
      at('2026-05-06T11:00:00+08:00');
      const saved = await (
        await as(clerk)
      ).post(`/major-projects/indicator-reports/${revisionId}`, {
        month: '2026-03', // ignored: a revision keeps its month
        ...actuals('9', '5'),
        submit: '1',
      });
      expect(saved.status).toBe(303);
      // Pending: the approved revision still counts (A Jan 12).
      expect((await stats('2026-04-30'))!.monthlyTargets).toEqual({ met: 2, due: 7 });
      await approve(revisionId);
      const figures = await stats('2026-04-30');
      // A: Jan 9 < 10 → no month of A met; B unchanged (1). Met 1 of 7.
      expect(figures!.monthlyTargets).toEqual({ met: 1, due: 7 });
      // A: 9 + 8 = 17 of 120. (17/120 + 6/100) / 2 = (85/600 + 36/600) / 2 = 121/1200.
      expect(figures!.annualTargets[A].value).toBe('17.00');
      expect(figures!.annualRate).toEqual(Fraction.of(121, 1200));
      // The correction keeps January's first submission: still on time.
      const revision = await (
        await as(office)
      ).agent.get(`/major-projects/indicator-reports/${revisionId}`);
      expect(revision.text).toContain('2026-01-30 17:00');
      expect(revision.text).not.toContain('逾期报送');
      const all = await testApp.app.get(ProjectStatsService).statsForProjects('2026-04-30');
      expect(all.map((row) => row.projectId)).toEqual([project.projectId]);
    });
  });

  describe('月度计划推进更新', () => {
    it('should show the plan and its history, and require evidence for 已完成 unless classified', async () => {
      at('2026-05-06T10:00:00+08:00');
      const page = await (
        await as(clerk)
      ).agent.get(`/major-projects/${project.projectId}/plans/${project.planKeys[2]}/updates/new`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('制定改革方案');
      expect(page.text).toContain('举措2：推进一网通办');
      // The approved 推进中 and the pending 已完成 update of P3.
      const history = page.text.slice(page.text.indexOf('id="plan-history"'));
      const rows = history.slice(0, history.indexOf('</section>')).split('id="history-').slice(1);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toContain('已完成');
      expect(rows[0]).toContain('审核中');
      expect(rows[1]).toContain('推进中');

      const url = `/major-projects/${project.projectId}/plans/${project.planKeys[2]}/updates/new`;
      const noEvidence = await (
        await as(clerk)
      ).post(url, {
        status: 'completed',
        workDone: '方案已印发',
        problems: '无',
        submit: '1',
      });
      expect(noEvidence.status).toBe(422);
      expect(noEvidence.text).toContain('推进状态为“已完成”时务必上传佐证材料');
      expect(noEvidence.text).toContain('市委党政内网邮箱');
      expect(noEvidence.text).toContain('方案已印发');

      const dates = await (
        await as(clerk)
      ).post(url, {
        status: 'in_progress',
        workDone: '起草中',
        problems: '无',
        nextSteps: '征求意见',
        nextFrom: '2026-06-10',
        nextTo: '2026-06-01',
      });
      expect(dates.status).toBe(422);
      expect(dates.text).toContain('结束日期不能早于开始日期');

      const upload = await (
        await as(clerk)
      ).agent
        .post('/attachments?field=evidence')
        .set('HX-Request', 'true')
        .set('X-CSRF-Token', (await as(clerk)).csrfToken)
        .attach('upload_evidence', PDF, '印发通知.pdf');
      expect(upload.status).toBe(200);
      const attachmentId = /name="evidence" value="([^"]+)"/.exec(upload.text)![1];
      const withFile = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/plans/${project.planKeys[1]}/updates/new`, {
        status: 'completed',
        workDone: '调研报告已形成',
        problems: '无',
        evidence: attachmentId,
        submit: '1',
      });
      expect(withFile.status).toBe(303);
      const record = await (await as(reviewer)).agent.get(String(withFile.headers.location));
      expect(record.text).toContain('印发通知.pdf');
      expect(record.text).toContain('调研报告已形成');
    });

    it('should report the form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
      at('2026-05-06T10:00:00+08:00');
      // No 已开展工作 (refused by the DTO) with 推进中 but no next steps and an end before the start
      // (the service's rules).
      const refused = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/plans/${project.planKeys[2]}/updates/new`, {
        status: 'in_progress',
        workDone: '',
        problems: '征求意见周期较长',
        nextSteps: '',
        nextFrom: '2026-06-10',
        nextTo: '2026-06-01',
      });
      expect(refused.status).toBe(422);
      expect(fieldError(refused.text, 'workDone')).toBe('请填写已开展工作');
      expect(fieldError(refused.text, 'nextSteps')).toBe(
        '请填写下一步工作计划（具体时间安排和具体内容）',
      );
      expect(fieldError(refused.text, 'nextTo')).toBe('结束日期不能早于开始日期');
      expect(refused.text).toContain('征求意见周期较长');
      expect(refused.text).toContain('value="2026-06-10"');
      expect(refused.text).toContain('value="2026-06-01"');

      // A 推进状态 the DTO refuses: the rules that depend on it are not run.
      const noStatus = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/plans/${project.planKeys[2]}/updates/new`, {
        status: '',
        workDone: '起草中',
        problems: '无',
      });
      expect(noStatus.status).toBe(422);
      expect(fieldError(noStatus.text, 'status')).toBe('请选择本次推进状态');
      expect(fieldError(noStatus.text, 'nextSteps')).toBeUndefined();
      expect(fieldError(noStatus.text, 'nextFrom')).toBeUndefined();
    });
  });

  describe('经验复制推广 and 品牌显示度', () => {
    it('should refuse a date in the future and a missing evidence on submit', async () => {
      at('2026-05-06T10:00:00+08:00');
      const promotion = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/promotions/new`, {
        methodId: String(methods.pressConference),
        promotedOn: '2026-05-07',
        description: '新闻发布会',
        submit: '1',
      });
      expect(promotion.status).toBe(422);
      expect(promotion.text).toContain('推广日期不能晚于今天');
      expect(promotion.text).toContain('请上传佐证材料；材料涉密的请勾选“材料涉密”');
      const brand = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/brand-items/new`, {
        happenedOn: '2026-05-07',
        kind: 'national',
        situation: 'x',
        measuresResults: 'y',
        details: 'z',
        evidenceClassified: 'on',
      });
      expect(brand.status).toBe(422);
      expect(brand.text).toContain('品牌创建日期不能晚于今天');
      const noKind = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/brand-items/new`, {
        happenedOn: '2026-05-01',
        situation: 'x',
        measuresResults: 'y',
        details: 'z',
      });
      expect(noKind.status).toBe(422);
      expect(noKind.text).toContain('请选择获肯定方式');
    });

    it('should report the form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
      at('2026-05-06T10:00:00+08:00');
      // 经验复制推广: no 简介 (refused by the DTO) with a date in the future (the rule).
      const promotion = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/promotions/new`, {
        methodId: String(methods.pressConference),
        promotedOn: '2026-05-07',
        description: '',
        evidenceClassified: 'on',
      });
      expect(promotion.status).toBe(422);
      expect(fieldError(promotion.text, 'description')).toBe('请填写具体情况简介');
      expect(fieldError(promotion.text, 'promotedOn')).toBe('推广日期不能晚于今天');
      expect(promotion.text).toContain('value="2026-05-07"');
      expect(promotion.text).toMatch(new RegExp(`value="${methods.pressConference}" checked`));

      // 品牌显示度: no 获肯定方式 (refused by the DTO) with a date in the future (the rule).
      const brand = await (
        await as(clerk)
      ).post(`/major-projects/${project.projectId}/brand-items/new`, {
        happenedOn: '2026-05-07',
        situation: '获国务院通报表扬',
        measuresResults: '建立直达机制',
        details: '详见通报',
        evidenceClassified: 'on',
      });
      expect(brand.status).toBe(422);
      expect(fieldError(brand.text, 'kind')).toBe('请选择获肯定方式');
      expect(fieldError(brand.text, 'happenedOn')).toBe('品牌创建日期不能晚于今天');
      expect(brand.text).toContain('value="2026-05-07"');
      expect(brand.text).toContain('获国务院通报表扬');
    });

    it('should let the clerk open an approved item for a change, while other units get 404', async () => {
      const rows = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT x.id FROM project_promotions x JOIN workflow_items wi ON wi.id = x.id
          WHERE x.promoted_on = '2026-03-15' AND wi.is_current_approved`,
      );
      const page = await (await as(clerk)).agent.get(`/major-projects/promotions/${rows[0].id}`);
      expect(page.text).toContain('发起变更');
      expect(page.text).toContain('组织媒体宣传报道');
      expect(
        (await (await as(otherClerk)).agent.get(`/major-projects/promotions/${rows[0].id}`)).status,
      ).toBe(404);
      expect(
        (await (await as(leader)).agent.get(`/major-projects/promotions/${rows[0].id}`)).status,
      ).toBe(200);
      // The inbox link of the record type leads to the record page.
      const link = await (await as(office)).agent.get(`/records/${rows[0].id}`);
      expect(link.headers.location).toBe(`/major-projects/promotions/${rows[0].id}`);
    });
  });

  describe('ledgers', () => {
    it('should list one row per indicator and approved month for the office, with the late flag', async () => {
      const page = await (await as(leader)).agent.get('/major-projects/ledgers/indicators');
      expect(page.status).toBe(200);
      // Approved: January (revised) and February, two indicators each; March is pending: leaders
      // see approved records only.
      expect(page.text).toContain('（4）');
      expect(page.text).toContain('逾期报送');
      expect(page.text).not.toContain('2026-03');
      const office_ = await (await as(office)).agent.get('/major-projects/ledgers/indicators');
      // The office also reads what waits for review: March.
      expect(office_.text).toContain('（6）');
      const clerkPage = await (
        await as(clerk)
      ).agent.get('/major-projects/ledgers/indicators?state=draft');
      // The clerk's April draft: two indicators.
      expect(clerkPage.text).toContain('（2）');
      expect(clerkPage.text).toContain('2026-04');
      const other = await (await as(otherClerk)).agent.get('/major-projects/ledgers/indicators');
      expect(other.text).toContain('没有符合条件的量化目标推进记录');
    });

    it('should export exactly what the filters select', async () => {
      const excel = await (
        await as(office)
      ).agent
        .get(
          `/major-projects/ledgers/indicators/export?project=${project.projectId}&state=approved&from=2026-02&to=2026-02`,
        )
        .buffer(true)
        .parse(binaryParser);
      expect(excel.status).toBe(200);
      const sheet = await readSheet(excel.body as Buffer);
      // The title block names the project, not its id, and the chosen month and state.
      expect(sheet.title.slice(0, 2)).toEqual([
        '量化目标推进台账',
        '筛选条件：项目：惠企政策直达改革；月份：2026-02；状态：已通过',
      ]);
      expect(sheet.rows[0]).toEqual([
        '项目名称',
        '责任单位',
        '核心指标',
        '计量单位',
        '填报口径',
        '月份',
        '当月目标',
        '累计目标',
        '实际值',
        '完成情况',
        '报送情况',
        '审核状态',
      ]);
      expect(sheet.rows.slice(1)).toEqual([
        [
          '惠企政策直达改革',
          '市发展改革委',
          '惠企政策直达企业数',
          '家',
          '当月值',
          '2026-02',
          10,
          20,
          8,
          '未完成',
          '逾期报送',
          '已通过',
        ],
        [
          '惠企政策直达改革',
          '市发展改革委',
          '一网通办事项覆盖率',
          '%',
          '累计值',
          '2026-02',
          0,
          5,
          6,
          '当月无目标',
          '逾期报送',
          '已通过',
        ],
      ]);
    });

    it('should filter the other ledgers and page them', async () => {
      const plans = await (
        await as(office)
      ).agent.get('/major-projects/ledgers/plan-updates?status=completed&state=approved');
      expect(plans.status).toBe(200);
      // Approved completions: P1, P2, P4, P5.
      expect(plans.text).toContain('（4）');
      const promotions = await (
        await as(leader)
      ).agent.get('/major-projects/ledgers/promotions?from=2026-03-01&to=2026-04-30');
      expect(promotions.text).toContain('（1）');
      expect(promotions.text).toContain('2026-03-15');
      const brands = await (
        await as(leader)
      ).agent.get('/major-projects/ledgers/brand-items?kind=central_media');
      expect(brands.text).toContain('（2）');
      const empty = await (
        await as(leader)
      ).agent.get('/major-projects/ledgers/brand-items?from=2025-01-01&to=2025-12-31');
      expect(empty.text).toContain('没有符合条件的品牌显示度记录');
      const paged = await (
        await as(clerk)
      ).agent.get('/major-projects/ledgers/plan-updates?page=2');
      expect(paged.status).toBe(200);
      // Odd ids in the filters are a 400 naming the parameter (issue 18: src/common/http/params.ts),
      // never a server error; an odd date is still ignored.
      const oddIds = await (
        await as(office)
      ).agent.get(
        '/major-projects/ledgers/promotions?unit=1.5&method=abc&project=x&from=2026-13-01',
      );
      expect(oddIds.status).toBe(400);
      expect(oddIds.text).toMatch(/参数「(unit|method|project)」/);
      const odd = await (
        await as(office)
      ).agent.get('/major-projects/ledgers/promotions?from=2026-13-01');
      expect(odd.status).toBe(200);
      // Two approved and one pending (the office reads it); the draft stays with the unit.
      expect(odd.text).toContain('（3）');
      const excel = await (
        await as(leader)
      ).agent
        .get('/major-projects/ledgers/promotions/export?from=2026-03-01&to=2026-04-30')
        .buffer(true)
        .parse(binaryParser);
      const sheet = await readSheet(excel.body as Buffer);
      expect(sheet.rows).toHaveLength(2);
      expect(sheet.rows[1][2]).toBe('组织媒体宣传报道');
    });
  });

  describe('project page sections', () => {
    it('should give the clerk the buttons and every reader the approved progress, chart data included', async () => {
      const projects = testApp.app.get(ProjectsService);
      const progress = testApp.app.get(ProjectProgressService);
      const clerkUser = { id: clerk.id, unitId: clerk.unitId, roles: ['entry'] } as never;
      const leaderUser = { id: leader.id, unitId: leader.unitId, roles: ['leader'] } as never;
      const row = await projects.find(project.projectId, leaderUser);
      const forLeader = await progress.pageSections(row, leaderUser);
      expect(forLeader.map((section) => section.partial)).toEqual([
        'major-projects/updates/_indicator-progress',
        'major-projects/updates/_plans-status',
        'major-projects/updates/_promotions',
        'major-projects/updates/_brand-items',
      ]);
      const forClerk = await progress.pageSections(row, clerkUser);
      expect(forClerk[0].partial).toBe('major-projects/updates/_update-actions');

      const engine = createHandlebarsEngine(join(process.cwd(), 'views'));
      const render = (partial: string, data: unknown) =>
        engine.compile(`{{> ${partial} data}}`)({ data });
      const indicatorHtml = render(forLeader[0].partial, forLeader[0].data);
      // The chart's data: A's target to date 10, 20, …; actual to date Jan 9, Feb 9 + 8 = 17.
      const json =
        /<script type="application\/json" id="indicator-chart-data-[0-9a-f]+">(.*?)<\/script>/.exec(
          indicatorHtml,
        )![1];
      const chart = JSON.parse(json) as { series: { label: string; values: (number | null)[] }[] };
      expect(chart.series[0].values.slice(0, 4)).toEqual([10, 20, 30, 40]);
      expect(chart.series[1].values.slice(0, 4)).toEqual([9, 17, null, null]);
      expect(indicatorHtml).toContain('<summary>查看数据</summary>');
      expect(indicatorHtml).toContain('<canvas');
      expect(indicatorHtml).toContain('/static/js/project-charts.js');

      const plansHtml = render(forClerk[2].partial, forClerk[2].data);
      // P3's latest approved status is 推进中 (its 已完成 is still pending).
      expect(plansHtml).toMatch(new RegExp(`id="plan-${project.planKeys[2]}"[\\s\\S]*?推进中`));
      expect(plansHtml).toContain(
        `/major-projects/${project.projectId}/plans/${project.planKeys[0]}/updates/new`,
      );
      const actionsHtml = render(forClerk[0].partial, forClerk[0].data);
      expect(actionsHtml).toContain('更新本月进度');
      expect(actionsHtml).toContain(
        `/major-projects/${project.projectId}/indicator-reports/new?month&#x3D;2026-05`, // "=" escaped by Handlebars
      );
      // The project page renders them (registered with the page's section registry).
      const clerkPage = await (await as(clerk)).agent.get(`/major-projects/${project.projectId}`);
      expect(clerkPage.status).toBe(200);
      expect(clerkPage.text).toContain('id="update-actions"');
      expect(clerkPage.text.match(/id="indicator-progress"/g)).toHaveLength(1);
      expect(clerkPage.text).toContain('/static/vendor/chart.js/chart.umd.min.js');
      const leaderPage = await (await as(leader)).agent.get(`/major-projects/${project.projectId}`);
      expect(leaderPage.text).not.toContain('id="update-actions"');
      expect(leaderPage.text).toContain('id="plans-status"');
      const brandHtml = render(forLeader[3].partial, forLeader[3].data);
      expect(brandHtml).toContain('被5家中央级媒体深度报道');
      expect(brandHtml).not.toContain('品牌显示度更新');
    });
  });
});
