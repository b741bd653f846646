import type { DataSource } from 'typeorm';
import { AssignmentsService } from '../../src/assignments/assignments.service.js';
import { AttachmentsService } from '../../src/attachments/attachments.service.js';
import type { AuthUser } from '../../src/auth/auth-context.js';
import { recentPeriods } from '../../src/scoring/reports/report-periods.js';
import { DemandsService } from '../../src/demands/demands.service.js';
import { demoUser } from '../../src/demo/demo-users.js';
import { MeetingsService } from '../../src/meetings/meetings.service.js';
import { BulletinsService } from '../../src/news/bulletins.service.js';
import { NewsRequestsService } from '../../src/news/news-requests.service.js';
import { NewsService } from '../../src/news/news.service.js';
import { PilotStreamsService } from '../../src/pilots/pilot-streams.service.js';
import { PilotsService } from '../../src/pilots/pilots.service.js';
import { RiskService } from '../../src/risk/risk.service.js';
import { SatisfactionService } from '../../src/satisfaction/satisfaction.service.js';
import { ReportsService } from '../../src/scoring/reports/reports.service.js';
import { ShowcaseService } from '../../src/showcase/showcase.service.js';
import { WorkflowService } from '../../src/workflow/workflow.service.js';
import type { WorkflowAction } from '../../src/workflow/workflow-rules.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import type { TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import type { Subject } from './authorization-matrix.js';

/** "Today" for the fixtures and the app under test (business dates come from the Clock). */
export const MATRIX_TODAY = new Date('2026-11-20T10:00:00+08:00');

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

/** The people of the matrix: the subjects (one session each) and the people who build records. */
export interface Cast {
  subjects: Record<Exclude<Subject, 'anonymous'>, TestUser>;
  /** 江北区 clerk and reviewer, 发改委 reviewer, 科技局 clerk and reviewer, 网信办, 调查中心. */
  builders: Record<
    | 'jiangbeiClerk'
    | 'jiangbeiReviewer'
    | 'deptReviewer'
    | 'kejiClerk'
    | 'kejiReviewer'
    | 'riskClerk'
    | 'riskReviewer'
    | 'surveyClerk',
    TestUser
  >;
  /** Users the admin routes act on (deactivated, reset, unlocked by the matrix). */
  victim: TestUser;
}

export async function createCast(dataSource: DataSource): Promise<Cast> {
  const user = (unitCode: string, role: Parameters<typeof createUser>[1]['roles'][number]) =>
    createUser(dataSource, { unitCode, roles: [role] });
  return {
    subjects: {
      clerk: await user('yuzhong', 'entry'),
      reviewer: await user('yuzhong', 'reviewer'),
      deptClerk: await user('dept-fagai', 'entry'),
      office: await user('office', 'office'),
      leader: await user('office', 'leader'),
      admin: await user('office', 'admin'),
      auditor: await user('office', 'auditor'),
      pending: await createUser(dataSource, {
        unitCode: 'yuzhong',
        roles: ['entry'],
        mustChangePassword: true,
      }),
    },
    builders: {
      jiangbeiClerk: await user('jiangbei', 'entry'),
      jiangbeiReviewer: await user('jiangbei', 'reviewer'),
      deptReviewer: await user('dept-fagai', 'reviewer'),
      kejiClerk: await user('dept-keji', 'entry'),
      kejiReviewer: await user('dept-keji', 'reviewer'),
      riskClerk: await user('dept-wangxin', 'entry'),
      riskReviewer: await user('dept-wangxin', 'reviewer'),
      surveyClerk: await user('dept-shiqing', 'entry'),
    },
    victim: await user('beibei', 'entry'),
  };
}

/** Route parameters of one fixture object, by the names routes use (`id`, `projectId`, …). */
export type FixtureParams = Record<string, string>;

/**
 * Builds one object per (kind, scope, state) the matrix names, through the modules' own services
 * (and, for the monthly project updates, through their forms), and returns each object's route
 * parameters by target name. Units: Y = 渝中区 (the clerk's and reviewer's unit), J = 江北区 (another
 * district), D = 市发展改革委 (the department clerk's unit: competent department of Y's pilot and
 * responsible unit of project D), K = 市科技局 (another department), W = 市委网信办 (risk reporter),
 * S = 市社情民意调查中心 (survey centre).
 */
export async function buildFixtures(
  testApp: TestApp,
  cast: Cast,
  sessions: { deptClerk: HttpSession; kejiClerk: HttpSession },
): Promise<Record<string, FixtureParams>> {
  const { app, dataSource } = testApp;
  const workflow = app.get(WorkflowService);
  const as = async (user: TestUser): Promise<AuthUser> => demoUser(dataSource, user.mobile);
  const s = cast.subjects;
  const b = cast.builders;
  const [clerk, reviewer, deptClerk, office] = await Promise.all(
    [s.clerk, s.reviewer, s.deptClerk, s.office].map(as),
  );
  const [jbClerk, jbReviewer, deptReviewer, kjClerk, kjReviewer, riskClerk, riskReviewer, survey] =
    await Promise.all(
      [
        b.jiangbeiClerk,
        b.jiangbeiReviewer,
        b.deptReviewer,
        b.kejiClerk,
        b.kejiReviewer,
        b.riskClerk,
        b.riskReviewer,
        b.surveyClerk,
      ].map(as),
    );
  const unit = (code: string) => unitIdByCode(dataSource, code);
  const dictionary = async (kind: string, code?: string): Promise<number> => {
    const rows: { id: number }[] = await dataSource.query(
      `SELECT id FROM dictionary_items WHERE kind = $1 AND ($2::text IS NULL OR code = $2) AND active
        ORDER BY sort_order, id LIMIT 1`,
      [kind, code ?? null],
    );
    return rows[0].id;
  };
  const rejectReason = await dictionary('reject_reason');
  const act = (id: string, action: WorkflowAction, user: AuthUser) =>
    workflow.transition(
      id,
      action === 'reject' || action === 'return'
        ? { action, reasonId: rejectReason, detail: '请补充材料' }
        : { action: action as Exclude<WorkflowAction, 'revise' | 'reject' | 'return'> },
      user,
    );
  const fixtures: Record<string, FixtureParams> = {};

  // Units, for the cockpit drill-down and the member lists.
  const units = {
    Y: await unit('yuzhong'),
    J: await unit('jiangbei'),
    D: await unit('dept-fagai'),
    K: await unit('dept-keji'),
    O: await unit('office'),
  };
  for (const [name, id] of Object.entries(units)) {
    fixtures[`unit ${name}`] = { unitId: String(id), id: String(id) };
  }

  // Attachments: uploaded by a unit; readable by that unit and whoever may read a linked record.
  const attachments = app.get(AttachmentsService);
  const upload = async (user: AuthUser, name: string) =>
    (
      await attachments.store(
        { fileName: name, content: PDF, truncated: false },
        'attachments',
        user,
      )
    ).id;
  const files = {
    yDraft: await upload(clerk, 'y-draft.pdf'),
    yApproved: await upload(clerk, 'y-approved.pdf'),
    jDraft: await upload(jbClerk, 'j-draft.pdf'),
    jApproved: await upload(jbClerk, 'j-approved.pdf'),
    jLoose: await upload(jbClerk, 'j-loose.pdf'),
  };

  // Demands (own reviewer → office) in each state, of Y and of J.
  const demands = app.get(DemandsService);
  const channel = await dictionary('demand_channel');
  const domain = await dictionary('domain');
  const demand = (user: AuthUser, title: string, attachmentIds: string[] = []) =>
    demands.create(
      {
        title,
        description: `${title}：需求描述`,
        channelId: channel,
        domainId: domain,
        attachments: attachmentIds,
        submit: false,
      },
      user,
    );
  const demandIn = async (
    scope: string,
    user: AuthUser,
    ownReviewer: AuthUser,
    file: { draft: string; approved: string },
    pendingAtOffice: boolean,
  ) => {
    const draft = await demand(user, `${scope} 草稿需求`, [file.draft]);
    const pending = await demand(user, `${scope} 审核中需求`);
    await act(pending, 'submit', user);
    if (pendingAtOffice) {
      await act(pending, 'pass', ownReviewer);
    }
    const approved = await demand(user, `${scope} 已通过需求`, [file.approved]);
    await act(approved, 'submit', user);
    await act(approved, 'pass', ownReviewer);
    await act(approved, 'confirm', office);
    const returned = await demand(user, `${scope} 已退回需求`);
    await act(returned, 'submit', user);
    await act(returned, 'reject', ownReviewer);
    fixtures[`demand ${scope} draft`] = { id: draft };
    fixtures[`demand ${scope} pending`] = { id: pending };
    fixtures[`demand ${scope} approved`] = { id: approved };
    fixtures[`demand ${scope} returned`] = { id: returned };
  };
  await demandIn('Y', clerk, reviewer, { draft: files.yDraft, approved: files.yApproved }, false);
  await demandIn(
    'J',
    jbClerk,
    jbReviewer,
    { draft: files.jDraft, approved: files.jApproved },
    true,
  );
  fixtures['file Y draft'] = { id: files.yDraft };
  fixtures['file Y approved'] = { id: files.yApproved };
  fixtures['file J draft'] = { id: files.jDraft };
  fixtures['file J approved'] = { id: files.jApproved };
  fixtures['file J unlinked'] = { id: files.jLoose };

  // Assigned tasks: one blocker and one demand-list item for Y and J, with progress filings.
  const assignments = app.get(AssignmentsService);
  const blocker = await assignments.create(
    'blocker',
    {
      title: '审批环节多',
      description: '工程建设项目审批环节多、时限长',
      deadline: '2026-12-31',
      unitIds: [units.Y, units.J],
    },
    office,
  );
  const demandList = await assignments.create(
    'demand_list',
    {
      title: '科技人才评价改革',
      description: '构建以创新价值、能力、贡献为导向的评价体系',
      deadline: '2026-12-31',
      unitIds: [units.Y],
    },
    office,
  );
  fixtures['assignment blocker'] = { id: blocker };
  fixtures['assignment demand-list'] = { id: demandList };
  const taskOf = async (assignmentId: string, unitId: number) =>
    (
      await dataSource.query<{ id: string }[]>(
        `SELECT id FROM assignment_tasks WHERE assignment_id = $1 AND unit_id = $2`,
        [assignmentId, unitId],
      )
    )[0].id;
  const taskY = await taskOf(blocker, units.Y);
  const taskJ = await taskOf(blocker, units.J);
  fixtures['task Y'] = { id: taskY };
  fixtures['task J'] = { id: taskJ };
  const progress = (status: 'in_progress' | 'completed', submit: boolean) => ({
    status,
    workDone: '已开展工作',
    problems: '无',
    evidence: [],
    submit,
  });
  fixtures['task-progress Y draft'] = {
    id: await assignments.saveProgress(taskY, progress('in_progress', false), clerk),
  };
  const jProgress = await assignments.saveProgress(taskJ, progress('completed', true), jbClerk);
  await act(jProgress, 'pass', jbReviewer);
  await act(jProgress, 'confirm', office);
  fixtures['task-progress J approved'] = { id: jProgress };

  // Pilots: Y's pilot (competent department D) in each state, and J's approved pilot (K).
  const pilots = app.get(PilotsService);
  let documentNumber = 0;
  const pilot = (user: AuthUser, name: string, competentUnitId: number) => {
    documentNumber += 1;
    return pilots.create(
      {
        name,
        level: 'municipal',
        documentTitle: `关于开展${name}的通知`,
        documentNumber: `渝改〔2026〕${documentNumber}号`,
        issuer: '市委改革办',
        deployedOn: '2026-03-01',
        competentUnitId,
        involvedUnitIds: [],
        acceptanceDue: '2027-12-31',
        domainId: domain,
        citywide: false,
        documentClassified: true,
        finished: false,
        document: [],
        submit: false,
      },
      user,
    );
  };
  const pilotDraft = await pilot(clerk, 'Y 草稿试点', units.D);
  const pilotPending = await pilot(clerk, 'Y 待本单位审核试点', units.D);
  await act(pilotPending, 'submit', clerk);
  const pilotAtDept = await pilot(clerk, 'Y 待主管部门确认试点', units.D);
  await act(pilotAtDept, 'submit', clerk);
  await act(pilotAtDept, 'pass', reviewer);
  const pilotApproved = await pilot(clerk, 'Y 已确认试点', units.D);
  await act(pilotApproved, 'submit', clerk);
  await act(pilotApproved, 'pass', reviewer);
  await pilots.confirm(pilotApproved, { involvedUnitIds: [units.J] }, deptClerk);
  const pilotReturned = await pilot(clerk, 'Y 已退回试点', units.D);
  await act(pilotReturned, 'submit', clerk);
  await act(pilotReturned, 'reject', reviewer);
  const pilotJ = await pilot(jbClerk, 'J 已确认试点', units.K);
  await act(pilotJ, 'submit', jbClerk);
  await act(pilotJ, 'pass', jbReviewer);
  await pilots.confirm(pilotJ, { involvedUnitIds: [] }, kjClerk);
  fixtures['pilot Y draft'] = { id: pilotDraft };
  fixtures['pilot Y pending'] = { id: pilotPending };
  fixtures['pilot Y at D'] = { id: pilotAtDept };
  fixtures['pilot Y approved'] = { id: pilotApproved };
  fixtures['pilot Y returned'] = { id: pilotReturned };
  fixtures['pilot J approved'] = { id: pilotJ };

  // Pilot streams (one per involved district) and their filings.
  const streams: { id: string; unit_id: number; pilot_lineage_id: string }[] =
    await dataSource.query(
      `SELECT id, unit_id, pilot_lineage_id FROM pilot_streams WHERE pilot_lineage_id = ANY($1::uuid[])`,
      [[pilotApproved, pilotJ]],
    );
  const stream = (pilotId: string, unitId: number) =>
    streams.find((row) => row.pilot_lineage_id === pilotId && row.unit_id === unitId)!.id;
  const streamY = stream(pilotApproved, units.Y);
  const streamJ = stream(pilotApproved, units.J);
  const streamJOwn = stream(pilotJ, units.J);
  fixtures['stream Y (pilot Y)'] = { id: streamY };
  fixtures['stream J (pilot Y)'] = { id: streamJ };
  fixtures['stream J (pilot J)'] = { id: streamJOwn };
  const pilotStreams = app.get(PilotStreamsService);
  fixtures['filing Y draft'] = {
    id: await pilotStreams.fileProgress(streamY, progress('in_progress', false), clerk),
  };
  const filingJ = await pilotStreams.fileProgress(
    streamJOwn,
    progress('in_progress', true),
    jbClerk,
  );
  fixtures['filing J pending (pilot J)'] = { id: filingJ };

  // Showcase highlights of Y (draft, approved) and J (pending, approved).
  const showcase = app.get(ShowcaseService);
  const subKindId = (await showcase.subKinds('citywide'))[0].id;
  const highlight = (user: AuthUser, matter: string) =>
    showcase.create(
      {
        matter,
        category: 'citywide',
        subKindId,
        happenedOn: '2026-10-15',
        problemsSolved: '解决的问题',
        results: '取得的成效',
        singleReport: false,
        evidenceClassified: true,
        evidence: [],
        submit: false,
      },
      user,
    );
  const highlightIn = async (scope: string, user: AuthUser, ownReviewer: AuthUser) => {
    const draft = await highlight(user, `${scope} 草稿亮点`);
    const approved = await highlight(user, `${scope} 已通过亮点`);
    await act(approved, 'submit', user);
    await act(approved, 'pass', ownReviewer);
    await act(approved, 'confirm', office);
    fixtures[`highlight ${scope} draft`] = { id: draft };
    fixtures[`highlight ${scope} approved`] = { id: approved };
  };
  await highlightIn('Y', clerk, reviewer);
  await highlightIn('J', jbClerk, jbReviewer);

  // Risk events of W: a draft, one pending at the office and approved ones involving Y and J.
  const risk = app.get(RiskService);
  const event = (involvedUnitId: number) =>
    risk.create(
      {
        occurredOn: '2026-11-01',
        levelCode: 'negative_opinion',
        involvedKind: 'district',
        involvedUnitId,
        details: '某改革事项引发的负面舆情，已妥善处置。',
        submit: false,
      },
      riskClerk,
    );
  const riskDraft = await event(units.Y);
  const riskPending = await event(units.Y);
  await act(riskPending, 'submit', riskClerk);
  await act(riskPending, 'pass', riskReviewer);
  const riskApprovedY = await event(units.Y);
  const riskApprovedJ = await event(units.J);
  for (const id of [riskApprovedY, riskApprovedJ]) {
    await act(id, 'submit', riskClerk);
    await act(id, 'pass', riskReviewer);
    await act(id, 'confirm', office);
  }
  fixtures['risk W draft (Y)'] = { id: riskDraft };
  fixtures['risk W pending (Y)'] = { id: riskPending };
  fixtures['risk W approved (Y)'] = { id: riskApprovedY };
  fixtures['risk W approved (J)'] = { id: riskApprovedJ };
  fixtures['deduction negative_opinion'] = { code: 'negative_opinion' };

  // 深改委会议: a meeting held with Y's adopted topic and a 议定事项 for Y; Y's topic at Y reviewer.
  const meetings = app.get(MeetingsService);
  const meetingForm = (status: 'preparing' | 'held') => ({
    name: '六届市委第三次深改会',
    kind: 'plenary' as const,
    heldOn: '2026-11-10',
    place: '',
    host: '',
    status,
    attendUnitIds: [units.Y],
    observeUnitIds: [],
  });
  const meetingId = await meetings.saveMeeting(meetingForm('preparing'), office);
  const topic = (title: string) =>
    meetings.createTopic(
      {
        title,
        reportingUnitId: units.Y,
        topicKind: 'hear_report',
        summary: '',
        documentsClassified: false,
        documents: [],
        submit: true,
      },
      clerk,
    );
  const topicPending = await topic('关于渝中区营商环境改革的汇报');
  const topicApproved = await topic('关于渝中区基层治理改革的汇报');
  await act(topicApproved, 'pass', reviewer);
  await meetings.adopt(topicApproved, meetingId, office);
  await meetings.saveMeeting(meetingForm('held'), office, undefined, meetingId);
  await meetings.createDecision(
    meetingId,
    {
      title: '深化基层治理改革',
      requirement: '',
      leadUnitId: units.Y,
      assistUnitIds: [],
      deadline: '2099-12-31',
    },
    office,
  );
  const decisionTask: { id: string }[] = await dataSource.query(
    `SELECT t.id FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
      WHERE a.kind = 'meeting_decision' AND t.unit_id = $1`,
    [units.Y],
  );
  fixtures['meeting held'] = { id: meetingId };
  fixtures['topic Y pending'] = { id: topicPending };
  fixtures['topic Y approved'] = { id: topicApproved };
  fixtures['decision task Y'] = { taskId: decisionTask[0].id };

  // Satisfaction returns of S: the approved 2026-Q3 (reports need it) and a 2026-Q2 draft.
  const satisfaction = app.get(SatisfactionService);
  const districts = await satisfaction.districts();
  const satisfactionReturn = (quarter: string) =>
    satisfaction.create(
      {
        quarter,
        conclusion: '总体满意',
        scores: districts.map((district, index) => ({
          row: index + 2,
          district: district.name,
          score: (80 + (index % 15)).toFixed(2),
        })),
        report: [],
        submit: false,
      },
      survey,
    );
  const satisfactionApproved = await satisfactionReturn('2026-Q3');
  await act(satisfactionApproved, 'submit', survey);
  await act(satisfactionApproved, 'confirm', office);
  fixtures['satisfaction S approved'] = { id: satisfactionApproved };
  fixtures['satisfaction S draft'] = { id: await satisfactionReturn('2026-Q2') };

  // Major projects: D's and K's issued projects, D's project whose map is still a draft.
  const projectD = await createIssuedProject(dataSource, {
    unit: 'dept-fagai',
    createdBy: s.office.id,
  });
  const projectK = await createIssuedProject(dataSource, {
    unit: 'dept-keji',
    createdBy: s.office.id,
  });
  const projectDraft = await createIssuedProject(dataSource, {
    unit: 'dept-fagai',
    createdBy: s.office.id,
    issued: false,
  });
  const projectParams = (project: typeof projectD): FixtureParams => ({
    id: project.projectId,
    projectId: project.projectId,
    planKey: project.planKeys[0],
    version: '1',
  });
  fixtures['project D'] = projectParams(projectD);
  fixtures['project K'] = projectParams(projectK);
  fixtures['project D unissued'] = { ...projectParams(projectDraft), version: '1' };
  fixtures['map D issued'] = { itemId: projectD.mapItemId, id: projectD.mapItemId };
  fixtures['map D draft'] = { itemId: projectDraft.mapItemId, id: projectDraft.mapItemId };
  fixtures['map K issued'] = { itemId: projectK.mapItemId, id: projectK.mapItemId };
  fixtures['map-row section ind'] = { section: 'ind' };

  // The monthly updates and a measure iteration, filed through their forms by D's and K's clerks.
  const idOf = (location: unknown) => String(location).split('/').pop()!;
  const file = async (session: HttpSession, url: string, form: Record<string, string>) => {
    const response = await session.post(url, form);
    if (response.status !== 303) {
      throw new Error(`Fixture ${url} answered ${response.status}: ${response.text.slice(0, 500)}`);
    }
    return idOf(response.headers.location);
  };
  const token = (key: string) => key.replaceAll('-', '');
  const promotionMethod = await dictionary('promotion_method', 'media');
  const updates = {
    'indicator-report': (project: typeof projectD, month: string, submit: boolean) => ({
      url: `/major-projects/${project.projectId}/indicator-reports/new`,
      form: {
        month,
        [`actual-${token(project.indicatorKeys[0])}`]: '5',
        [`actual-${token(project.indicatorKeys[1])}`]: '5',
        submit: submit ? '1' : '0',
      },
    }),
    'plan-update': (project: typeof projectD, plan: number, submit: boolean) => ({
      url: `/major-projects/${project.projectId}/plans/${project.planKeys[plan]}/updates/new`,
      form: {
        status: 'completed',
        workDone: '已完成',
        problems: '无',
        evidenceClassified: 'on',
        submit: submit ? '1' : '0',
      },
    }),
    promotion: (project: typeof projectD, day: number, submit: boolean) => ({
      url: `/major-projects/${project.projectId}/promotions/new`,
      form: {
        methodId: String(promotionMethod),
        promotedOn: `2026-10-${String(day).padStart(2, '0')}`,
        description: '组织媒体集中宣传报道',
        evidenceClassified: 'on',
        submit: submit ? '1' : '0',
      },
    }),
    'brand-item': (project: typeof projectD, day: number, submit: boolean) => ({
      url: `/major-projects/${project.projectId}/brand-items/new`,
      form: {
        happenedOn: `2026-10-${String(day).padStart(2, '0')}`,
        kind: 'national',
        situation: '获国家层面肯定',
        measuresResults: '惠及企业三千家',
        details: '详见通报',
        evidenceClassified: 'on',
        submit: submit ? '1' : '0',
      },
    }),
  };
  const [kjSession, dSession] = [sessions.kejiClerk, sessions.deptClerk];
  for (const [kind, build] of Object.entries(updates) as [
    keyof typeof updates,
    (
      project: typeof projectD,
      n: number | string,
      submit: boolean,
    ) => {
      url: string;
      form: Record<string, string>;
    },
  ][]) {
    const arg = (n: number) =>
      kind === 'indicator-report' ? `2026-${String(n).padStart(2, '0')}` : n;
    const draft = build(projectD, arg(kind === 'plan-update' ? 0 : 10), false);
    const approvedOwn = build(projectD, arg(kind === 'plan-update' ? 1 : 7), true);
    const pending = build(projectK, arg(kind === 'plan-update' ? 0 : 9), true);
    const approved = build(projectK, arg(kind === 'plan-update' ? 1 : 8), true);
    fixtures[`${kind} D draft`] = { id: await file(dSession, draft.url, draft.form) };
    const approvedOwnId = await file(dSession, approvedOwn.url, approvedOwn.form);
    await act(approvedOwnId, 'pass', deptReviewer);
    await act(approvedOwnId, 'confirm', office);
    fixtures[`${kind} D approved`] = { id: approvedOwnId };
    fixtures[`${kind} K pending`] = { id: await file(kjSession, pending.url, pending.form) };
    const approvedId = await file(kjSession, approved.url, approved.form);
    await act(approvedId, 'pass', kjReviewer);
    await act(approvedId, 'confirm', office);
    fixtures[`${kind} K approved`] = { id: approvedId };
  }
  const iteration = (project: typeof projectD, submit: boolean) => ({
    kind: 'edit',
    targetMeasure: token(project.measureKeys[0]),
    text: '推进一网通办，实现高频事项全程网办',
    basis: '国务院办公厅关于深化一网通办的意见',
    submit: submit ? '1' : '0',
  });
  fixtures['iteration D draft'] = {
    id: await file(
      dSession,
      `/major-projects/${projectD.projectId}/iterations`,
      iteration(projectD, false),
    ),
  };
  fixtures['iteration K pending'] = {
    id: await file(
      kjSession,
      `/major-projects/${projectK.projectId}/iterations`,
      iteration(projectK, true),
    ),
  };

  // Reports: the district report of 2026-Q3 and the last ended two-month project report.
  const reports = app.get(ReportsService);
  const districtReport = await reports.generate('district', '2026-Q3', office);
  const bimonth = recentPeriods('major_project', '2026-11-20', 3).find(
    (period) => period.end < '2026-11-20',
  )!;
  const projectReport = await reports.generate('major_project', bimonth.code, office);
  const positionOf = async (reportId: string, condition: string, value: string | number) =>
    String(
      (
        await dataSource.query<{ position: number }[]>(
          `SELECT position FROM report_rows WHERE report_id = $1 AND ${condition} = $2`,
          [reportId, value],
        )
      )[0].position,
    );
  fixtures['report district'] = { id: districtReport };
  fixtures['report district row Y'] = {
    id: districtReport,
    position: await positionOf(districtReport, 'unit_id', units.Y),
  };
  fixtures['report district row J'] = {
    id: districtReport,
    position: await positionOf(districtReport, 'unit_id', units.J),
  };
  fixtures['report project'] = { id: projectReport };
  fixtures['report project row D'] = {
    id: projectReport,
    position: await positionOf(projectReport, 'project_id', projectD.projectId),
  };
  fixtures['report project row K'] = {
    id: projectReport,
    position: await positionOf(projectReport, 'project_id', projectK.projectId),
  };

  // Notifications (the transitions above sent them): one of the clerk, one of J's clerk.
  const notificationOf = async (userId: string) =>
    (
      await dataSource.query<{ id: string }[]>(
        `SELECT id FROM notifications WHERE user_id = $1 ORDER BY id LIMIT 1`,
        [userId],
      )
    )[0].id;
  fixtures['notification of clerk'] = { id: String(await notificationOf(s.clerk.id)) };
  fixtures['notification of J clerk'] = {
    id: String(await notificationOf(b.jiangbeiClerk.id)),
  };

  // Sessions on the session list: a second one of the clerk's, and one of K's clerk.
  await login(testApp.server, s.clerk.mobile, s.clerk.password);
  const newestSession = async (userId: string) =>
    (
      await dataSource.query<{ public_id: string }[]>(
        `SELECT public_id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`,
        [userId],
      )
    )[0].public_id;
  fixtures['session of clerk (another)'] = { publicId: await newestSession(s.clerk.id) };
  fixtures['session of K clerk'] = { publicId: await newestSession(b.kejiClerk.id) };

  // 工作动态 of Y (a draft, one at Y's reviewer, one approved and published with an image) and of
  // J (approved, not published); 约稿 sent to Y and to J; a published and a draft 《改革简报》.
  const news = app.get(NewsService);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR'),
    Buffer.alloc(17, 1),
  ]);
  const newsImage = await attachments.store(
    { fileName: '现场.png', content: png, truncated: false },
    'images',
    clerk,
  );
  const newsDomain = await dictionary('domain');
  const newsItem = (user: AuthUser, images: string[] = []) =>
    news.create(
      {
        title: '工作动态',
        body: '正文',
        occurredOn: '2026-11-01',
        domainId: newsDomain,
        images,
        attachments: [],
        submit: false,
      },
      user,
    );
  const newsDraft = await newsItem(clerk);
  const newsPending = await newsItem(clerk);
  await act(newsPending, 'submit', clerk);
  const newsApprovedY = await newsItem(clerk, [newsImage.id]);
  const newsApprovedJ = await newsItem(jbClerk);
  for (const [id, filer, passer] of [
    [newsApprovedY, clerk, reviewer],
    [newsApprovedJ, jbClerk, jbReviewer],
  ] as const) {
    await act(id, 'submit', filer);
    await act(id, 'pass', passer);
    await act(id, 'confirm', office);
  }
  await news.recordUse(newsApprovedY, { kind: 'published', usedOn: '2026-11-02' }, office);
  fixtures['news Y draft'] = { id: newsDraft };
  fixtures['news Y pending'] = { id: newsPending };
  fixtures['news Y approved'] = { id: newsApprovedY };
  fixtures['news J approved'] = { id: newsApprovedJ };
  fixtures['news image Y'] = { id: newsApprovedY, attachmentId: newsImage.id };
  const requests = app.get(NewsRequestsService);
  fixtures['news-request Y'] = {
    id: await requests.create(
      { topic: '约稿', details: '', deadline: '2026-12-31', unitIds: [units.Y] },
      office,
    ),
  };
  fixtures['news-request J'] = {
    id: await requests.create(
      { topic: '约稿', details: '', deadline: '2026-12-31', unitIds: [units.J] },
      office,
    ),
  };
  const bulletins = app.get(BulletinsService);
  const bulletin = (issueNo: number) =>
    bulletins.create(
      {
        issueNo,
        issuedOn: '2026-11-10',
        items: [newsApprovedY],
        candidate: [newsApprovedY],
        order: ['1'],
        itemTitle: ['简报标题'],
      },
      office,
    );
  const publishedBulletin = await bulletin(1);
  await bulletins.publish(publishedBulletin, office);
  fixtures['bulletin published'] = { id: publishedBulletin };
  fixtures['bulletin draft'] = { id: await bulletin(2) };

  // Administration: a user, a unit and a dictionary item nobody else uses; the indicator systems.
  fixtures['user victim'] = { id: cast.victim.id };
  fixtures['unit beibei'] = { id: String(await unit('beibei')) };
  fixtures['dictionary track'] = { id: String(await dictionary('track')) };
  const system: { id: number }[] = await dataSource.query(
    `SELECT id FROM indicator_systems WHERE kind = 'district' ORDER BY version DESC LIMIT 1`,
  );
  fixtures['indicator system district'] = { id: String(system[0].id) };
  fixtures['static app.css'] = { '*': 'css/app.css' };
  fixtures['static htmx'] = { '*': 'htmx.min.js' };
  fixtures['static chart.js'] = { '*': 'chart.umd.js' };
  return fixtures;
}
