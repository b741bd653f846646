import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { BattleMapService } from '../major-projects/battle-map.service.js';
import { IterationsService } from '../major-projects/iterations.service.js';
import type { ProjectFormDto } from '../major-projects/project-form.dto.js';
import { ProjectsService } from '../major-projects/projects.service.js';
import { ProjectSatisfactionService } from '../major-projects/satisfaction/project-satisfaction.service.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { demoUser } from './demo-users.js';

interface DemoIndicator {
  name: string;
  unit: string;
  annual: string;
  /** Twelve monthly increments adding up to the annual target, space-separated (missing: blank). */
  months: string;
  cumulative?: boolean;
}

/**
 * A monthly plan as one line: `<measure index> <month> <plan_type code> <content>`, e.g.
 * `'0 3 reform_plan 印发……方案'`.
 */
type DemoPlan = string;

interface DemoMap {
  indicators: DemoIndicator[];
  measures: string[];
  plans: DemoPlan[];
}

interface DemoProject {
  name: string;
  domain: string;
  unit: string;
  leader: string;
  map?: DemoMap;
}

const twelve = (value: string) => Array<string>(12).fill(value).join(' ');

const DIGITAL_CHONGQING: DemoProject = {
  name: '数字重庆建设',
  domain: 'digital',
  unit: 'dept-dashuju',
  leader: '张副市长',
  map: {
    indicators: [
      {
        name: '一体化智能化公共数据平台接入系统数',
        unit: '个',
        annual: '120',
        months: '5 5 8 8 10 10 12 12 12 12 13 13',
      },
      {
        name: '三级数字化城市运行和治理中心建成区县数',
        unit: '个',
        annual: '41',
        months: '0 0 3 6 10 14 18 22 27 32 37 41',
        cumulative: true,
      },
      {
        name: '重大应用上线数',
        unit: '个',
        annual: '24',
        months: '1 1 2 2 2 2 2 2 2 3 3 2',
      },
    ],
    measures: [
      '迭代升级一体化智能化公共数据平台，完善数据资源目录和共享交换体系，推动市、区县两级数据按需共享。',
      '建设三级数字化城市运行和治理中心，贯通市、区县、镇街三级，实现“一屏观全域、一网管全城”。',
      '聚焦党建统领、数字政府、数字经济、数字社会、数字文化、数字法治六大系统，谋划上线一批跨部门多业务协同的重大应用。',
    ],
    plans: [
      '0 1 task_force 组建数字重庆建设工作专班，明确专班成员和职责分工',
      '0 3 reform_plan 印发一体化智能化公共数据平台迭代升级方案',
      '1 4 pilot_demo 在渝中区、两江新区开展三级治理中心建设试点',
      '1 9 platform 市级数字化城市运行和治理中心上线运行',
      '2 6 application 首批12个重大应用上线试运行',
      '2 11 evaluation 开展重大应用实战实效评估',
    ],
  },
};

const CHENGYU: DemoProject = {
  name: '成渝地区双城经济圈经济区与行政区适度分离改革',
  domain: 'economy',
  unit: 'dept-fagai',
  leader: '李副市长',
  map: {
    indicators: [
      { name: '新增“川渝通办”事项数', unit: '项', annual: '60', months: twelve('5') },
      { name: '毗邻地区合作平台新增共建项目数', unit: '个', annual: '24', months: twelve('2') },
    ],
    measures: [
      '深化川渝毗邻地区合作平台建设，探索经济区与行政区适度分离的统计分算、税收分享和成本共担机制。',
      '扩大“川渝通办”事项范围，推动政务服务标准互认、数据互通、证照互认。',
      '建立川渝两省市改革协同推进机制，定期会商重大改革事项，联合争取国家支持。',
    ],
    plans: [
      '0 2 research 赴川渝高竹新区开展经济区与行政区适度分离专题调研',
      '0 5 supporting_policy 出台跨省域共建园区税收分享办法',
      '1 3 application 新增第五批“川渝通办”事项60项',
      '2 6 seek_support 向国家发展改革委汇报争取经济区与行政区适度分离政策支持',
      '2 10 evaluation 开展改革成效中期评估',
    ],
  },
};

const BUSINESS_ENVIRONMENT: DemoProject = {
  name: '营商环境创新试点',
  domain: 'economy',
  unit: 'dept-fagai',
  leader: '王副市长',
  map: {
    indicators: [
      {
        name: '涉企经营许可事项“证照分离”改革覆盖率',
        unit: '%',
        annual: '100',
        months: '10 20 30 40 50 60 70 80 85 90 95 100',
        cumulative: true,
      },
      {
        name: '惠企政策“免申即享”兑现资金',
        unit: '亿元',
        annual: '36.5',
        months: '3 3 3 3 3 3 3 3 3 3 3 3.5',
      },
    ],
    measures: [
      '对标国际一流营商环境评价体系，全面落实国家部署的营商环境创新试点改革举措。',
      '推行惠企政策“免申即享”“直达快享”，实现符合条件的企业免予申报、直接享受。',
      '深化“证照分离”改革，推进涉企经营许可事项全覆盖清单管理。',
    ],
    plans: [
      '0 1 reform_plan 印发营商环境创新试点年度工作要点',
      '0 7 supervision 开展试点任务落实情况督导',
      '1 4 application 惠企政策兑现平台上线“免申即享”专区',
      '2 5 supporting_policy 出台涉企经营许可事项清单管理办法',
      '2 12 promotion 总结推广试点典型经验',
    ],
  },
};

const TECH_TRANSFER: DemoProject = {
  name: '科技成果转化体制机制改革',
  domain: 'economy',
  unit: 'dept-keji',
  leader: '陈副市长',
  map: {
    indicators: [
      {
        name: '技术合同成交额',
        unit: '亿元',
        annual: '900',
        months: '60 60 70 70 75 75 75 75 80 80 90 90',
      },
      {
        name: '职务科技成果赋权改革试点单位数',
        unit: '家',
        annual: '30',
        months: '0 2 5 8 11 14 17 20 23 26 28 30',
        cumulative: true,
      },
    ],
    measures: [
      '扩大职务科技成果赋权改革试点范围，赋予科研人员职务科技成果所有权或长期使用权。',
      '建设西部科学城技术转移转化服务平台，培育专业化技术经理人队伍。',
      '完善科技成果转化收益分配和尽职免责机制。',
    ],
    plans: [
      '0 3 pilot_demo 新增10家高校院所纳入赋权改革试点',
      '1 6 platform 技术转移转化服务平台上线运行',
      '1 9 research 开展技术经理人队伍建设专题调研',
      '2 5 supporting_policy 出台科技成果转化尽职免责办法',
    ],
  },
};

const STATE_ENTERPRISES: DemoProject = {
  name: '国企改革深化提升行动',
  domain: 'economy',
  unit: 'dept-guozi',
  leader: '刘副市长',
};

const PUBLIC_DATA: DemoProject = {
  name: '公共数据资源开发利用改革',
  domain: 'digital',
  unit: 'dept-dashuju',
  leader: '张副市长',
  map: {
    indicators: [
      {
        name: '公共数据开放数据集数',
        unit: '个',
        annual: '500',
        months: '40 40 40 40',
      },
      { name: '公共数据授权运营场景数', unit: '个', annual: '12', months: twelve('1') },
    ],
    measures: ['建立公共数据授权运营机制，明确授权主体、运营主体和收益分配规则。'],
    plans: [],
  },
};

const LAND_SEA_CORRIDOR: DemoProject = {
  name: '西部陆海新通道物流和运营组织体制改革',
  domain: 'economy',
  unit: 'dept-fagai',
  leader: '赵副市长',
  map: {
    indicators: [
      { name: '西部陆海新通道铁海联运班列开行', unit: '列', annual: '1200', months: twelve('100') },
      {
        name: '“一单制”多式联运提单签发量',
        unit: '票',
        annual: '6000',
        months: '400 400 450 450 500 500 500 500 550 550 600 600',
      },
    ],
    measures: [
      '完善通道运营组织中心运行机制，统筹沿线省区市班列开行和运力调配。',
      '推行多式联运“一单制”，推动铁路运单物权化改革。',
      '健全通道沿线口岸协作和通关便利化机制。',
    ],
    plans: [
      '0 2 task_force 调整充实通道运营组织中心专班',
      '1 4 pilot_demo 在果园港开展铁路运单物权化试点',
      '2 8 seek_support 联合沿线省区市向海关总署争取通关便利化支持',
    ],
  },
};

const CYBERSPACE: DemoProject = {
  name: '网络综合治理体系改革',
  domain: 'culture',
  unit: 'dept-wangxin',
  leader: '孙副市长',
  map: {
    indicators: [
      { name: '网络辟谣平台入驻单位数', unit: '家', annual: '120', months: twelve('10') },
      {
        name: '重点网站平台属地管理覆盖率',
        unit: '%',
        annual: '100',
        months: '50 50 0 0 0 0 0 0 0 0 0 0',
      },
    ],
    measures: [
      '健全网络综合治理领导体制和工作机制。',
      '完善网络辟谣联动机制。',
      '压实网站平台信息内容管理主体责任。',
    ],
    plans: ['0 3 reform_plan 印发网络综合治理体系建设实施方案', '1 5 platform 网络辟谣平台升级'],
  },
};

/** A battle map as the form posts it (see BattleMapController and battle-map-form.ts). */
function mapBody(
  map: DemoMap,
  year: number,
  planTypeIds: ReadonlyMap<string, number>,
  submit: boolean,
): Record<string, string> {
  const body: Record<string, string> = {};
  map.indicators.forEach((indicator, index) => {
    body[`ind-i${index}-name`] = indicator.name;
    body[`ind-i${index}-unit`] = indicator.unit;
    body[`ind-i${index}-annual`] = indicator.annual;
    body[`ind-i${index}-cumulative`] = indicator.cumulative ? '1' : '0';
    const months = indicator.months.split(' ');
    for (let month = 1; month <= 12; month++) {
      body[`ind-i${index}-m${month}`] = months[month - 1] ?? '';
    }
  });
  map.measures.forEach((text, index) => {
    body[`mea-m${index}-text`] = text;
  });
  map.plans.forEach((plan, index) => {
    const [measure, month, type, ...content] = plan.split(' ');
    body[`plan-p${index}-measure`] = `m${measure}`;
    body[`plan-p${index}-month`] = `${year}-${month.padStart(2, '0')}`;
    body[`plan-p${index}-type`] = String(planTypeIds.get(type));
    body[`plan-p${index}-content`] = content.join(' ');
  });
  if (submit) {
    body.submit = '1';
  }
  return body;
}

/**
 * Demo major projects (市级重大改革项目) through the same services the pages use: battle maps in
 * every state (an empty draft, a draft, one at the unit reviewer, one returned by the office,
 * four issued, one of them at version 2 after an approved 措施迭代申请) and the year's satisfaction
 * of the issued ones. Runs once: only when no major project exists yet.
 */
@Injectable()
export class DemoMajorProjectsSeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly iterations: IterationsService,
    private readonly projects: ProjectsService,
    private readonly maps: BattleMapService,
    private readonly workflow: WorkflowService,
    private readonly satisfaction: ProjectSatisfactionService,
  ) {}

  /** The id of the one row a lookup finds. */
  private async idOf(sql: string, params: string[]): Promise<number> {
    const rows: { id: number }[] = await this.dataSource.query(sql, params);
    return rows[0].id;
  }

  private dictionaryId(kind: string, code: string): Promise<number> {
    return this.idOf(`SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`, [kind, code]);
  }

  private unitId(code: string): Promise<number> {
    return this.idOf(`SELECT id FROM units WHERE code = $1`, [code]);
  }

  private async mapItemId(projectId: string, office: AuthUser): Promise<string> {
    return (await this.maps.latestMapItem(await this.projects.find(projectId, office))).id;
  }

  async seed(): Promise<boolean> {
    const existing: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM major_projects`,
    );
    if (existing[0].n > 0) {
      return false;
    }
    const people = await Promise.all(
      [
        '19900000031', // 市委改革办
        '19900000011', // 市发展改革委 entry
        '19900000012', // 市发展改革委 reviewer
        '19900000013', // 市委网信办 entry
        '19900000014', // 市委网信办 reviewer
        '19900000019', // 市科技局 entry
        '19900000020', // 市科技局 reviewer
        '19900000021', // 市大数据发展局 entry
        '19900000022', // 市大数据发展局 reviewer
      ].map((mobile) => demoUser(this.dataSource, mobile)),
    );
    const [office, fagai, fagaiReviewer, wangxin, wangxinReviewer, keji, kejiReviewer] = people;
    const [dashuju, dashujuReviewer] = people.slice(7);
    const year = this.satisfaction.currentYear();
    const planTypes: { id: number; code: string }[] = await this.dataSource.query(
      `SELECT id, code FROM dictionary_items WHERE kind = 'plan_type'`,
    );
    const planTypeIds = new Map(planTypes.map((type) => [type.code, type.id]));
    const incomplete = await this.dictionaryId('reject_reason', 'incomplete');

    const create = async (project: DemoProject) =>
      this.projects.create(
        {
          name: project.name,
          domainId: await this.dictionaryId('domain', project.domain),
          responsibleUnitId: await this.unitId(project.unit),
          leadLeader: project.leader,
          planYear: year,
          closed: false,
          reformPlan: [],
        } satisfies ProjectFormDto,
        office,
      );
    const draw = (projectId: string, project: DemoProject, clerk: AuthUser, submit: boolean) =>
      this.maps.save(projectId, mapBody(project.map!, year, planTypeIds, submit), clerk);
    /** Drawn, passed by the unit's reviewer and issued by the office: version 1. */
    const issue = async (project: DemoProject, clerk: AuthUser, reviewer: AuthUser) => {
      const projectId = await create(project);
      await draw(projectId, project, clerk, true);
      const itemId = await this.mapItemId(projectId, office);
      await this.workflow.transition(itemId, { action: 'pass' }, reviewer);
      await this.workflow.transition(itemId, { action: 'issue' }, office);
      return projectId;
    };

    const digital = await issue(DIGITAL_CHONGQING, dashuju, dashujuReviewer);
    const chengyu = await issue(CHENGYU, fagai, fagaiReviewer);
    const business = await issue(BUSINESS_ENVIRONMENT, fagai, fagaiReviewer);
    const tech = await issue(TECH_TRANSFER, keji, kejiReviewer);

    // 数字重庆建设: an approved 措施迭代申请 adds a fourth measure, making version 2.
    const iteration = await this.iterations.create(
      digital,
      {
        kind: 'add',
        targetMeasure: '',
        text: '建立数字重庆建设“晾晒比拼”机制，按月通报各区县、各部门重大应用建设进度。',
        basis: '市委数字重庆建设推进会要求建立按月晾晒比拼机制。',
        plans: [
          {
            token: 'a1',
            measure: 'self',
            month: `${year}-08`,
            type: String(planTypeIds.get('supervision')),
            content: '首次按月通报各区县重大应用建设进度',
          },
          {
            token: 'a2',
            measure: 'self',
            month: `${year}-12`,
            type: String(planTypeIds.get('promotion')),
            content: '总结推广优秀重大应用案例',
          },
        ],
      },
      true,
      dashuju,
    );
    await this.workflow.transition(iteration, { action: 'pass' }, dashujuReviewer);
    await this.workflow.transition(iteration, { action: 'confirm' }, office);

    // Not issued yet: an empty draft (市国资委 has no demo clerk), a half-drawn draft, one at the
    // unit's reviewer, one the office returned for improvement.
    await create(STATE_ENTERPRISES);
    await draw(await create(PUBLIC_DATA), PUBLIC_DATA, dashuju, false);
    await draw(await create(LAND_SEA_CORRIDOR), LAND_SEA_CORRIDOR, fagai, true);
    const cyberspace = await create(CYBERSPACE);
    await draw(cyberspace, CYBERSPACE, wangxin, true);
    const cyberspaceMap = await this.mapItemId(cyberspace, office);
    await this.workflow.transition(cyberspaceMap, { action: 'pass' }, wangxinReviewer);
    await this.workflow.transition(
      cyberspaceMap,
      {
        action: 'return',
        reasonId: incomplete,
        detail:
          '具体举措过于原则，请细化每条举措的工作内容和完成标志；第二条举措请补充对应的月度推进计划。',
      },
      office,
    );

    await this.satisfaction.save(
      year,
      {
        scores: {
          [digital]: '92.35',
          [chengyu]: '88.60',
          [business]: '90.10',
          [tech]: '86.75',
        },
        remarks: {
          [digital]: '群众对“一网通办”“渝快办”体验评价较高',
          [chengyu]: '川渝通办事项获企业群众普遍认可',
          [business]: '',
          [tech]: '科研人员对赋权改革期待较高，落地速度有待加快',
        },
        conclusion: `${year} 年市级重大改革项目满意度调查共覆盖 4 个已下发作战图的项目，总体满意度 89.45 分。数字重庆建设、营商环境创新试点满意度较高；科技成果转化体制机制改革需加快政策落地。`,
        report: [],
      },
      office,
    );
    return true;
  }
}
