import { Clock } from '../../src/common/time/clock.js';
import { keyToToken } from '../../src/major-projects/battle-map.service.js';
import { ITERATION_MEASURE_TOKEN } from '../../src/major-projects/iterations.service.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import {
  describeFormFuzz,
  expectSeeOther,
  fuzzHelpers,
  idOf,
  type Form,
} from './form-fuzz-harness.js';
import { HOSTILE_STRINGS } from './hostile-strings.js';

/**
 * SECURITY.md C4 for the forms of the major projects: base info (new and edit), battle map,
 * iterations, the four monthly updates and the yearly satisfaction. What each post must give,
 * and what the app normalises on purpose, is described in form-fuzz-harness.ts.
 */

const ALL = HOSTILE_STRINGS;

describe('Form fuzz: major projects (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const { as, query, one, dictionaryId } = fuzzHelpers(() => testApp);
  let users: Record<'deptClerk' | 'office', TestUser>;
  let ids: { domain: number; dept: number; planType: number; promotionMethod: number };
  let counter = 0;
  const next = () => {
    counter += 1;
    return counter;
  };
  let issued: IssuedProject;
  let draftMap: IssuedProject;
  let planUpdate: string;
  let iteration: string;
  let indicatorReport: string;
  let editedProject: string;

  /** A draft battle map: 2 indicators of 12 monthly targets, 3 measures, 1 plan. */
  const mapForm = (): Form => {
    const body: Form = {};
    ['i0', 'i1'].forEach((token, index) => {
      body[`ind-${token}-name`] = index === 0 ? '惠企政策直达企业数' : '一网通办覆盖率';
      body[`ind-${token}-unit`] = '家';
      body[`ind-${token}-annual`] = '12';
      body[`ind-${token}-cumulative`] = '0';
      for (let month = 1; month <= 12; month += 1) {
        body[`ind-${token}-m${month}`] = '1';
      }
    });
    ['推进一网通办', '开展一件事一次办', '建立好差评制度'].forEach((text, index) => {
      body[`mea-m${index}-text`] = text;
    });
    body['plan-p0-measure'] = 'm0';
    body['plan-p0-month'] = '2026-03';
    body['plan-p0-type'] = String(ids.planType);
    body['plan-p0-content'] = '印发实施方案';
    return body;
  };
  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const ds = testApp.dataSource;
    users = {
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
    };
    ids = {
      domain: await dictionaryId('domain', 'economy'),
      dept: await unitIdByCode(ds, '市科技局'),
      planType: await dictionaryId('plan_type', 'reform_plan'),
      promotionMethod: (
        await query<{ id: number }>(
          `SELECT id FROM dictionary_items WHERE kind = 'promotion_method' ORDER BY sort_order LIMIT 1`,
        )
      )[0].id,
    };

    // The records the edit forms post to.
    const deptClerk = await as(() => users.deptClerk)();
    const office = await as(() => users.office)();
    issued = await createIssuedProject(ds, { unit: '市科技局', createdBy: users.office.id });
    draftMap = await createIssuedProject(ds, {
      unit: '市科技局',
      createdBy: users.office.id,
      issued: false,
    });
    iteration = idOf(
      expectSeeOther(
        await deptClerk.post(`/major-projects/${issued.projectId}/iterations`, {
          kind: 'add',
          text: '建立企业诉求直达机制',
          basis: '企业反映诉求渠道分散。',
          'plan-p0-measure': ITERATION_MEASURE_TOKEN,
          'plan-p0-month': '2026-12',
          'plan-p0-type': String(ids.planType),
          'plan-p0-content': '上线诉求直达平台',
        }),
      ),
    );
    planUpdate = idOf(
      expectSeeOther(
        await deptClerk.post(
          `/major-projects/${issued.projectId}/plans/${issued.planKeys[0]}/updates/new`,
          {
            status: 'in_progress',
            workDone: '已完成专题调研。',
            problems: '无',
            nextSteps: '继续推进',
            nextFrom: '2026-12-01',
            nextTo: '2026-12-31',
            evidenceClassified: 'on',
          },
        ),
      ),
    );
    indicatorReport = idOf(
      expectSeeOther(
        await deptClerk.post(`/major-projects/${issued.projectId}/indicator-reports/new`, {
          month: '2026-10',
          [`actual-${keyToToken(issued.indicatorKeys[0])}`]: '10',
          [`actual-${keyToToken(issued.indicatorKeys[1])}`]: '80',
        }),
      ),
    );
    editedProject = idOf(
      expectSeeOther(
        await office.post('/major-projects', {
          name: '被修改的项目',
          domainId: String(ids.domain),
          responsibleUnitId: String(ids.dept),
          leadLeader: '李副市长',
          planYear: '2026',
        }),
      ),
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describeFormFuzz([
    {
      name: '录入重大改革项目 POST /major-projects',
      session: as(() => users.office),
      url: () => '/major-projects',
      valid: () => ({
        name: `数字政府建设改革${next()}`,
        domainId: String(ids.domain),
        responsibleUnitId: String(ids.dept),
        leadLeader: '张副市长',
        planYear: '2026',
      }),
      fields: [
        { name: 'name', kind: 'text', max: 200, strings: ALL },
        { name: 'leadLeader', kind: 'text', max: 100 },
        { name: 'planYear', kind: 'refused' },
      ],
      read: ({ location }) =>
        one(`SELECT name, lead_leader AS "leadLeader" FROM major_projects WHERE id = $1`, [
          idOf(location),
        ]),
    },
    {
      name: '修改项目基础信息 POST /major-projects/:id/edit',
      session: as(() => users.office),
      url: () => `/major-projects/${editedProject}/edit`,
      valid: () => ({
        name: '被修改的项目',
        domainId: String(ids.domain),
        responsibleUnitId: String(ids.dept),
        leadLeader: '李副市长',
        planYear: '2026',
      }),
      fields: [
        { name: 'name', kind: 'text', max: 200 },
        { name: 'leadLeader', kind: 'text', max: 100, huge: true },
      ],
      read: () =>
        one(`SELECT name, lead_leader AS "leadLeader" FROM major_projects WHERE id = $1`, [
          editedProject,
        ]),
    },
    {
      name: '项目作战图 POST /major-projects/:id/map',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/${draftMap.projectId}/map`,
      valid: mapForm,
      fields: [
        { name: 'ind-i0-name', kind: 'text', max: 100, count: 'chars', strings: ALL },
        { name: 'ind-i0-unit', kind: 'text', max: 20, count: 'chars' },
        { name: 'ind-i0-annual', kind: 'refused' },
        { name: 'mea-m0-text', kind: 'text', max: 300, count: 'chars', huge: true, strings: ALL },
        { name: 'plan-p0-content', kind: 'text', max: 500, count: 'chars' },
        { name: 'plan-p0-month', kind: 'refused', echo: false },
      ],
      read: async () => {
        const content = draftMap.mapItemId;
        const indicator = await one(
          `SELECT name, unit_of_measure FROM map_indicators WHERE content_id = $1 ORDER BY position LIMIT 1`,
          [content],
        );
        const measure = await one(
          `SELECT text FROM map_measures WHERE content_id = $1 ORDER BY position LIMIT 1`,
          [content],
        );
        const plan = await one(
          `SELECT content FROM map_plans WHERE content_id = $1 ORDER BY position LIMIT 1`,
          [content],
        );
        return {
          'ind-i0-name': indicator.name,
          'ind-i0-unit': indicator.unit_of_measure,
          'mea-m0-text': measure.text,
          'plan-p0-content': plan.content,
        };
      },
    },
    {
      name: '措施迭代申请 POST /major-projects/iterations/:id',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/iterations/${iteration}`,
      valid: () => ({
        kind: 'add',
        text: '建立企业诉求直达机制',
        basis: '企业反映诉求渠道分散。',
        [`plan-p0-measure`]: ITERATION_MEASURE_TOKEN,
        [`plan-p0-month`]: '2026-12',
        [`plan-p0-type`]: String(ids.planType),
        [`plan-p0-content`]: '上线诉求直达平台',
      }),
      fields: [
        { name: 'text', kind: 'text', max: 300, count: 'chars', strings: ALL },
        { name: 'basis', kind: 'text', max: 2000, count: 'chars' },
        { name: 'plan-p0-content', kind: 'text', max: 500, count: 'chars' },
      ],
      read: async () => {
        const row = await one(`SELECT text, basis FROM map_iterations WHERE id = $1`, [iteration]);
        const plan = await one(
          `SELECT content FROM map_iteration_plans WHERE iteration_id = $1 ORDER BY position LIMIT 1`,
          [iteration],
        );
        return { ...row, 'plan-p0-content': plan.content };
      },
    },
    {
      name: '月度计划推进更新 POST /major-projects/plan-updates/:id',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/plan-updates/${planUpdate}`,
      valid: () => ({
        status: 'in_progress',
        workDone: '已完成专题调研。',
        problems: '无',
        nextSteps: '继续推进',
        nextFrom: '2026-12-01',
        nextTo: '2026-12-31',
        evidenceClassified: 'on',
      }),
      fields: [
        { name: 'workDone', kind: 'text', max: 10000, strings: ALL },
        { name: 'problems', kind: 'text', max: 5000 },
        { name: 'nextSteps', kind: 'text', max: 5000 },
        { name: 'nextFrom', kind: 'refused' },
      ],
      read: () =>
        one(
          `SELECT work_done AS "workDone", problems, next_steps AS "nextSteps" FROM plan_updates WHERE id = $1`,
          [planUpdate],
        ),
    },
    {
      name: '经验复制推广 POST /major-projects/:id/promotions/new',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/${issued.projectId}/promotions/new`,
      valid: () => ({
        methodId: String(ids.promotionMethod),
        promotedOn: '2026-06-01',
        description: '组织媒体集中宣传报道',
        evidenceClassified: 'on',
      }),
      fields: [
        { name: 'description', kind: 'text', max: 5000, strings: ALL },
        { name: 'promotedOn', kind: 'refused' },
      ],
      read: ({ location }) =>
        one(`SELECT description FROM project_promotions WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '品牌显示度 POST /major-projects/:id/brand-items/new',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/${issued.projectId}/brand-items/new`,
      valid: () => ({
        happenedOn: '2026-06-01',
        kind: 'national',
        situation: '获国务院通报表扬',
        measuresResults: '建立直达机制，惠及企业三千家',
        details: '详见通报',
        evidenceClassified: 'on',
      }),
      fields: [
        { name: 'situation', kind: 'text', max: 2000 },
        { name: 'measuresResults', kind: 'text', max: 10000, strings: ALL },
        { name: 'details', kind: 'text', max: 5000 },
        { name: 'kind', kind: 'refused', echo: false },
      ],
      read: ({ location }) =>
        one(
          `SELECT situation, measures_results AS "measuresResults", details FROM project_brand_items WHERE id = $1`,
          [idOf(location)],
        ),
    },
    {
      name: '量化目标推进更新 POST /major-projects/indicator-reports/:id',
      session: as(() => users.deptClerk),
      url: () => `/major-projects/indicator-reports/${indicatorReport}`,
      valid: () => ({
        month: '2026-10',
        [`actual-${keyToToken(issued.indicatorKeys[0])}`]: '10',
        [`actual-${keyToToken(issued.indicatorKeys[1])}`]: '80',
      }),
      fields: [
        { name: 'month', kind: 'refused' },
        {
          name: 'actual',
          posted: () => `actual-${keyToToken(issued.indicatorKeys[0])}`,
          kind: 'refused',
        },
      ],
    },
    {
      name: '重大改革项目满意度 POST /major-projects/satisfaction/edit',
      session: as(() => users.office),
      url: () => '/major-projects/satisfaction/edit?year=2026',
      valid: () => ({
        [`score_${issued.projectId}`]: '92.5',
        [`remark_${issued.projectId}`]: '群众认可度高',
        conclusion: '总体满意。',
      }),
      fields: [
        {
          name: 'remark',
          posted: () => `remark_${issued.projectId}`,
          kind: 'text',
          max: 200,
          count: 'chars',
          strings: ALL,
        },
        { name: 'conclusion', kind: 'text', max: 5000, count: 'chars', huge: true },
        { name: 'score', posted: () => `score_${issued.projectId}`, kind: 'refused' },
      ],
      read: async () => {
        const score = await one(
          `SELECT conclusion FROM project_satisfaction WHERE project_id = $1 AND survey_year = 2026`,
          [issued.projectId],
        );
        const survey = await one(
          `SELECT conclusion FROM project_satisfaction_surveys WHERE survey_year = 2026`,
          [],
        );
        return { remark: score.conclusion, conclusion: survey.conclusion };
      },
    },
  ]);
});
