import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { DemandsService } from '../demands/demands.service.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { PilotStreamsService } from '../pilots/pilot-streams.service.js';
import { PilotsService } from '../pilots/pilots.service.js';
import { RiskService } from '../risk/risk.service.js';
import { SatisfactionService } from '../satisfaction/satisfaction.service.js';
import { DemoReportsSeeder } from './demo-reports.seeder.js';
import { ShowcaseService } from '../showcase/showcase.service.js';
import { DemoMajorProjectsSeeder } from './demo-major-projects.seeder.js';
import { DemoMeetingsSeeder } from './demo-meetings.seeder.js';
import { DemoNewsSeeder } from './demo-news.seeder.js';
import { demoDictionaryId, demoUnitId, demoUser } from './demo-users.js';

/** An arbitrary constant: the advisory lock that keeps two starting instances from both seeding. */
const DEMO_SEED_LOCK = 720_303;

/**
 * Demo records in every workflow state, filed through the same services the pages use, so a
 * newcomer sees inboxes, returned records and ledgers with content. Runs once, on a database
 * whose demo users exist and that has no demand yet.
 */
@Injectable()
export class DemoRecordsSeeder {
  constructor(
    private readonly demoReports: DemoReportsSeeder,
    private readonly dataSource: DataSource,
    private readonly demands: DemandsService,
    private readonly assignments: AssignmentsService,
    private readonly workflow: WorkflowService,
    private readonly pilots: PilotsService,
    private readonly pilotStreams: PilotStreamsService,
    private readonly showcase: ShowcaseService,
    private readonly risk: RiskService,
    private readonly satisfaction: SatisfactionService,
    private readonly majorProjects: DemoMajorProjectsSeeder,
    private readonly meetings: DemoMeetingsSeeder,
    private readonly demoNews: DemoNewsSeeder,
  ) {}

  /** A confirmed pilot of 渝中区 that 江北区 joined, with progress; and one waiting for its department. */
  private async seedPilots(
    yuzhongClerk: AuthUser,
    yuzhongReviewer: AuthUser,
    jiangbeiClerk: AuthUser,
    jiangbeiReviewer: AuthUser,
    office: AuthUser,
  ) {
    const department = await demoUser(this.dataSource, '19900000011');
    const digital = await demoDictionaryId(this.dataSource, 'domain', 'digital');
    const pilot = (
      name: string,
      documentNumber: string,
      deployedOn: string,
      acceptanceDue: string,
      clerk: AuthUser,
    ) =>
      this.pilots.create(
        {
          name,
          level: 'national',
          documentTitle: `关于开展${name}的通知`,
          documentNumber,
          issuer: '国家发展改革委',
          deployedOn,
          competentUnitId: department.unitId,
          involvedUnitIds: [],
          acceptanceDue,
          domainId: digital,
          citywide: false,
          documentClassified: true,
          finished: false,
          document: [],
          submit: true,
        },
        clerk,
      );
    const confirmed = await pilot(
      '营商环境创新试点',
      '发改办〔2021〕12号',
      '2021-11-01',
      '2026-06-30',
      yuzhongClerk,
    );
    await this.workflow.transition(confirmed, { action: 'pass' }, yuzhongReviewer);
    await this.pilots.confirm(confirmed, { involvedUnitIds: [jiangbeiClerk.unitId] }, department);
    const streams: { id: string; unit_id: number }[] = await this.dataSource.query(
      `SELECT id, unit_id FROM pilot_streams WHERE pilot_lineage_id = $1`,
      [confirmed],
    );
    const yuzhongStream = streams.find((stream) => stream.unit_id === yuzhongClerk.unitId)!;
    const progress = await this.pilotStreams.fileProgress(
      yuzhongStream.id,
      {
        status: 'in_progress',
        workDone: '1.推行企业开办“一网通办”，开办时间压缩至1个工作日。',
        problems: '跨部门数据共享仍需市级统筹。',
        evidence: [],
        submit: true,
      },
      yuzhongClerk,
    );
    await this.workflow.transition(progress, { action: 'pass' }, yuzhongReviewer);
    await this.workflow.transition(progress, { action: 'pass' }, department);
    await this.workflow.transition(progress, { action: 'confirm' }, office);
    const waiting = await pilot(
      '数据要素流通试点',
      '发改办〔2023〕5号',
      '2023-05-01',
      '2027-12-31',
      jiangbeiClerk,
    );
    await this.workflow.transition(waiting, { action: 'pass' }, jiangbeiReviewer);
  }

  /** An approved and a pending highlight, an approved risk event, an approved satisfaction return. */
  private async seedShowcaseRiskSatisfaction(
    yuzhongClerk: AuthUser,
    yuzhongReviewer: AuthUser,
    office: AuthUser,
  ) {
    const year = this.showcase.yearStart().slice(0, 4);
    const subKind = async (category: 'national' | 'citywide' | 'central_media') =>
      (await this.showcase.subKinds(category))[0].id;
    const highlight = await this.showcase.create(
      {
        matter: '“一件事一次办”经验获全市推广',
        category: 'citywide',
        subKindId: await subKind('citywide'),
        happenedOn: `${year}-03-15`,
        problemsSolved: '企业群众办事多头跑、反复跑。',
        results: '办理环节压缩70%，经验被市委“最佳实践”案例收录。',
        singleReport: false,
        evidenceClassified: true,
        evidence: [],
        submit: true,
      },
      yuzhongClerk,
    );
    await this.workflow.transition(highlight, { action: 'pass' }, yuzhongReviewer);
    await this.workflow.transition(highlight, { action: 'confirm' }, office);
    await this.showcase.create(
      {
        matter: '社区治理积分制获全国性会议交流',
        category: 'national',
        subKindId: await subKind('national'),
        happenedOn: `${year}-04-20`,
        problemsSolved: '居民参与社区治理积极性不高。',
        results: '参与率提升至65%。',
        singleReport: false,
        evidenceClassified: true,
        evidence: [],
        submit: true,
      },
      yuzhongClerk,
    );

    const [reporter, reporterReviewer, survey] = await Promise.all(
      ['19900000013', '19900000014', '19900000017'].map((mobile) =>
        demoUser(this.dataSource, mobile),
      ),
    );
    const event = await this.risk.create(
      {
        occurredOn: `${year}-02-10`,
        levelCode: 'negative_opinion',
        involvedKind: 'district',
        involvedUnitId: await demoUnitId(this.dataSource, 'wanzhou'),
        details: '某改革事项引发的负面网络舆情，已妥善处置。',
        submit: true,
      },
      reporter,
    );
    await this.workflow.transition(event, { action: 'pass' }, reporterReviewer);
    await this.workflow.transition(event, { action: 'confirm' }, office);

    const districts = await this.satisfaction.districts();
    const returnId = await this.satisfaction.create(
      {
        quarter: `${year}-Q1`,
        conclusion: '全市区县改革满意度总体较高，渝中区、两江新区位居前列。',
        scores: districts.map((district, index) => ({
          row: index + 2,
          district: district.name,
          score: (85 + ((index * 7) % 13) + 0.5).toFixed(2),
        })),
        report: [],
        submit: false,
      },
      survey,
    );
    await this.workflow.transition(returnId, { action: 'submit' }, survey);
    await this.workflow.transition(returnId, { action: 'confirm' }, office);
  }

  /**
   * Each part runs once: the records when there is no demand yet, the major projects when there
   * is no project yet (so a database seeded before the major projects existed gets them on its
   * next start). A session lock keeps two instances starting together from both seeding.
   */
  async seed(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [DEMO_SEED_LOCK]);
      const ready: { users: number; demands: number }[] = await this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM users WHERE mobile = '19900000001') AS users, (SELECT count(*)::int FROM demands) AS demands`,
      );
      if (ready[0].users === 0) {
        return;
      }
      if (ready[0].demands === 0) {
        await this.seedRecords();
      }
      // Each seeder fills its part once (true when it did so now).
      const parts: [{ seed(): Promise<boolean> }, string][] = [
        [
          this.majorProjects,
          "Demo major projects loaded: battle maps in every state, a version 2, the year's satisfaction.",
        ],
        [
          this.meetings,
          'Demo meetings loaded: a held meeting with decisions in every state, one in preparation.',
        ],
        [
          this.demoNews,
          'Demo 工作动态 loaded: items in every state, uses, a 约稿, two 《改革简报》 issues.',
        ],
        [
          this.demoReports,
          'Demo reports generated: monthly project progress, the district and project reports.',
        ],
      ];
      for (const [part, loaded] of parts) {
        if (await part.seed()) {
          console.log(loaded);
        }
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [DEMO_SEED_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  private async seedRecords(): Promise<void> {
    const [yuzhongClerk, yuzhongReviewer, jiangbeiClerk, jiangbeiReviewer, wanzhouClerk, office] =
      await Promise.all(
        [
          '19900000001',
          '19900000002',
          '19900000003',
          '19900000004',
          '19900000005',
          '19900000031',
        ].map((mobile) => demoUser(this.dataSource, mobile)),
      );
    const channel = (code: string) => demoDictionaryId(this.dataSource, 'demand_channel', code);
    const economy = await demoDictionaryId(this.dataSource, 'domain', 'economy');
    const society = await demoDictionaryId(this.dataSource, 'domain', 'society');
    const businessEnvironment = await demoDictionaryId(
      this.dataSource,
      'track',
      'business_environment',
    );
    const grassroots = await demoDictionaryId(this.dataSource, 'track', 'grassroots');
    const incomplete = await demoDictionaryId(this.dataSource, 'reject_reason', 'incomplete');

    const demand = async (
      clerk: AuthUser,
      title: string,
      description: string,
      channelCode: string,
      domainId: number,
      trackId: number,
      submit: boolean,
    ) =>
      this.demands.create(
        {
          title,
          description,
          channelId: await channel(channelCode),
          domainId,
          trackId,
          attachments: [],
          submit,
        },
        clerk,
      );
    const act = (
      id: string,
      user: AuthUser,
      action: 'pass' | 'confirm' | 'reject',
      detail?: string,
    ) =>
      this.workflow.transition(
        id,
        { action, reasonId: action === 'reject' ? incomplete : undefined, detail },
        user,
      );

    // 渝中区: approved, at the reviewer, returned, draft. 江北区: waiting for the office.
    const approved = await demand(
      yuzhongClerk,
      '建立“一件事一次办”集成服务机制',
      '群众企业基层有期盼：企业开办、不动产登记等事项需多部门往返。拟推动跨部门业务流程再造，建立一件事一次办集成服务机制。',
      'public_expectation',
      economy,
      businessEnvironment,
      true,
    );
    await act(approved, yuzhongReviewer, 'pass');
    await act(approved, office, 'confirm');
    await demand(
      yuzhongClerk,
      '探索建立社区治理积分制度',
      '先进省市有经验：浙江等地推行社区治理积分制，激发居民参与。拟在渝中区试点社区治理积分制度。',
      'advanced_experience',
      society,
      grassroots,
      true,
    );
    const returned = await demand(
      yuzhongClerk,
      '健全老旧小区改造长效管理体系',
      '重庆发展有堵点：老旧小区改造后管理主体缺位。',
      'chongqing_bottleneck',
      society,
      grassroots,
      true,
    );
    await act(
      returned,
      yuzhongReviewer,
      'reject',
      '请按“来源渠道+具体问题+改革举措”的结构补充改革举措。',
    );
    await demand(
      yuzhongClerk,
      '开展数据要素市场化配置改革',
      '党中央国务院有部署：（草稿，待补充）',
      'central_deployment',
      economy,
      businessEnvironment,
      false,
    );
    const atOffice = await demand(
      jiangbeiClerk,
      '深化“放管服”改革优化营商环境',
      '党中央国务院有部署：持续优化营商环境。拟推行涉企事项“免申即享”。',
      'central_deployment',
      economy,
      businessEnvironment,
      true,
    );
    await act(atOffice, jiangbeiReviewer, 'pass');

    // A blocker for 渝中区 and 江北区: 渝中区 completed it, 江北区's feedback waits for its reviewer.
    const blocker = await this.assignments.create(
      'blocker',
      {
        title: '工程建设项目审批环节多、时限长',
        description: '工程建设项目审批涉及部门多，串联审批导致时限长，企业反映强烈。',
        deadline: '2026-12-31',
        unitIds: [
          await demoUnitId(this.dataSource, 'yuzhong'),
          await demoUnitId(this.dataSource, 'jiangbei'),
        ],
      },
      office,
    );
    const taskOf = async (assignmentId: string, unitCode: string) =>
      (
        await this.dataSource.query<{ id: string }[]>(
          `SELECT id FROM assignment_tasks WHERE assignment_id = $1 AND unit_id = $2`,
          [assignmentId, await demoUnitId(this.dataSource, unitCode)],
        )
      )[0].id;
    const done = await this.assignments.saveProgress(
      await taskOf(blocker, 'yuzhong'),
      {
        status: 'completed',
        workDone: '1.推行并联审批，审批时限压缩40%。\n2.上线工程建设项目审批管理系统。',
        problems: '无',
        evidence: [],
        submit: true,
      },
      yuzhongClerk,
    );
    await act(done, yuzhongReviewer, 'pass');
    await act(done, office, 'confirm');
    await this.assignments.saveProgress(
      await taskOf(blocker, 'jiangbei'),
      {
        status: 'in_progress',
        workDone: '1.梳理审批事项清单。',
        problems: '部门数据尚未打通。',
        evidence: [],
        submit: true,
      },
      jiangbeiClerk,
    );

    // A demand-list item for 万州区 whose deadline has passed with no feedback (已逾期).
    await this.assignments.create(
      'demand_list',
      {
        title: '推进科技人才评价改革',
        description: '按照创新活动类型，构建以创新价值、能力、贡献为导向的科技人才评价体系。',
        deadline: '2026-06-30',
        unitIds: [wanzhouClerk.unitId],
      },
      office,
    );
    await this.seedPilots(yuzhongClerk, yuzhongReviewer, jiangbeiClerk, jiangbeiReviewer, office);
    await this.seedShowcaseRiskSatisfaction(yuzhongClerk, yuzhongReviewer, office);
    console.log(
      'Demo records loaded: demands, pilots, tasks, highlights, a risk event, a satisfaction return.',
    );
  }
}
