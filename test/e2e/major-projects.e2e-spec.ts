import { Clock } from '../../src/common/time/clock.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/** A battle map form body: `indicators` rows of [name, annual, monthly…], measures, plans. */
function mapForm(options: {
  indicators?: { name: string; annual: string; months: string[]; cumulative?: boolean }[];
  measures?: string[];
  plans?: { measure: number; month: string; type: number; content: string }[];
  submit?: boolean;
  tokens?: { ind?: string[]; mea?: string[] };
}): Record<string, string> {
  const body: Record<string, string> = {};
  const indicators = options.indicators ?? [
    {
      name: '政务服务事项网办率',
      annual: '12',
      months: ['1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1'],
    },
    {
      name: '企业开办时间压缩',
      annual: '6',
      // 累计值: targets to date, half a point more each month, December's the annual target.
      months: ['0.5', '1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5', '5.5', '6'],
      cumulative: true,
    },
  ];
  indicators.forEach((indicator, index) => {
    const token = options.tokens?.ind?.[index] ?? `i${index}`;
    body[`ind-${token}-name`] = indicator.name;
    body[`ind-${token}-unit`] = '%';
    body[`ind-${token}-annual`] = indicator.annual;
    body[`ind-${token}-cumulative`] = indicator.cumulative ? '1' : '0';
    indicator.months.forEach((value, month) => {
      body[`ind-${token}-m${month + 1}`] = value;
    });
  });
  const measures = options.measures ?? ['推进一网通办', '开展一件事一次办', '建立好差评制度'];
  const measureTokens = measures.map((_text, index) => options.tokens?.mea?.[index] ?? `m${index}`);
  measures.forEach((text, index) => {
    body[`mea-${measureTokens[index]}-text`] = text;
  });
  (options.plans ?? []).forEach((plan, index) => {
    body[`plan-p${index}-measure`] = measureTokens[plan.measure];
    body[`plan-p${index}-month`] = plan.month;
    body[`plan-p${index}-type`] = String(plan.type);
    body[`plan-p${index}-content`] = plan.content;
  });
  if (options.submit) {
    body.submit = '1';
  }
  return body;
}

describe('Major projects (市级重大改革项目): base info, battle map, issue, iteration (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;
  let otherClerk: TestUser;
  let leader: TestUser;
  let planType: number;
  let domainId: number;
  let unitId: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const idOf = (location: unknown) => String(location).split('/').pop()!;

  const createProject = async (name: string): Promise<string> => {
    const response = await (
      await as(office)
    ).post('/major-projects', {
      name,
      domainId: String(domainId),
      responsibleUnitId: String(unitId),
      leadLeader: '张副市长',
      planYear: '2026',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const mapItemId = async (projectId: string): Promise<string> =>
    (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT wi.id FROM major_projects p JOIN workflow_items wi ON wi.lineage_id = p.map_lineage_id
          WHERE p.id = $1 ORDER BY wi.revision DESC LIMIT 1`,
        [projectId],
      )
    )[0].id;
  const plans = () => [
    { measure: 0, month: '2026-03', type: planType, content: '印发实施方案' },
    { measure: 1, month: '2026-06', type: planType, content: '上线一件事专区' },
  ];

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    clerk = await createUser(testApp.dataSource, { unitCode: '市大数据发展局', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: '市大数据发展局',
      roles: ['reviewer'],
    });
    otherClerk = await createUser(testApp.dataSource, { unitCode: '市财政局', roles: ['entry'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    planType = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'plan_type' AND code = 'reform_plan'`,
      )
    )[0].id;
    domainId = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' ORDER BY sort_order LIMIT 1`,
      )
    )[0].id;
    unitId = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM units WHERE name = '市大数据发展局'`,
      )
    )[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should let the office enter a project and give the department an empty map to draw', async () => {
    const projectId = await createProject('数字政府建设改革');
    const page = await (await as(clerk)).agent.get(`/major-projects/${projectId}/map`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('绘制项目作战图');
    expect(page.text).toContain('ind-');
    // Another department cannot see the project at all.
    expect((await (await as(otherClerk)).agent.get(`/major-projects/${projectId}`)).status).toBe(
      404,
    );
    // The clerk cannot create projects.
    const refused = await (await as(clerk)).post('/major-projects', { name: 'x' });
    expect(refused.status).toBe(403);
  });

  it('should report the project form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
    const before = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM major_projects`,
    );
    // No 牵头市领导 (refused by the DTO) with a district as the responsible unit (the rule).
    const district = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM units WHERE kind = 'district' ORDER BY sort_order LIMIT 1`,
      )
    )[0].id;
    const refused = await (
      await as(office)
    ).post('/major-projects', {
      name: '一次报全改革',
      domainId: String(domainId),
      responsibleUnitId: String(district),
      leadLeader: '',
      planYear: '2026',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'leadLeader')).toBe('请填写牵头市领导');
    expect(fieldError(refused.text, 'responsibleUnitId')).toBe('请选择市级部门作为责任单位');
    expect(fieldError(refused.text, 'domainId')).toBeUndefined();
    expect(refused.text).toContain('value="一次报全改革"');
    expect(refused.text).toContain('value="2026"');

    // Editing: no 项目名称 with another responsible unit (fixed once the project exists).
    const projectId = await createProject('责任单位不变改革');
    const edited = await (
      await as(office)
    ).post(`/major-projects/${projectId}/edit`, {
      name: '',
      domainId: String(domainId),
      responsibleUnitId: String(district),
      leadLeader: '张副市长',
      planYear: '2026',
    });
    expect(edited.status).toBe(422);
    expect(fieldError(edited.text, 'name')).toBe('请填写项目名称');
    expect(fieldError(edited.text, 'responsibleUnitId')).toBe(
      '责任单位已负责绘制作战图，不能更换；如需更换请新建项目',
    );
    expect(edited.text).toContain('value="张副市长"');
    const after = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM major_projects`,
    );
    expect(after[0].count).toBe(before[0].count + 1);
  });

  it('should refuse monthly targets that do not add up, fewer than 2 indicators or 3 measures, and a 301-character measure, keeping what was typed', async () => {
    const projectId = await createProject('营商环境创新试点');
    const session = await as(clerk);
    const badSum = await session.post(
      `/major-projects/${projectId}/map`,
      mapForm({
        indicators: [
          {
            name: '网办率',
            annual: '10',
            months: ['1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '0.9'],
          },
          {
            name: '时间',
            annual: '0.3',
            months: ['0.1', '0.2', '', '', '', '', '', '', '', '', '', ''],
          },
        ],
        plans: plans(),
        submit: true,
      }),
    );
    expect(badSum.status).toBe(422);
    // 11 × 1 + 0.9 = 11.9 ≠ 10; 0.1 + 0.2 = 0.3 exactly (no float drift).
    expect(badSum.text).toContain('12个月目标值合计 11.9，须与年度目标值 10 一致');
    expect(badSum.text).not.toContain('合计 0.3，');
    expect(badSum.text).toContain('value="网办率"');

    const tooFew = await session.post(
      `/major-projects/${projectId}/map`,
      mapForm({
        indicators: [
          {
            name: '网办率',
            annual: '1',
            months: ['1', '', '', '', '', '', '', '', '', '', '', ''],
          },
        ],
        measures: ['只有一条', '两条'],
        plans: plans().slice(0, 1),
        submit: true,
      }),
    );
    expect(tooFew.status).toBe(422);
    expect(tooFew.text).toContain('核心指标一般不少于 2 个');
    expect(tooFew.text).toContain('具体举措至少 3 条');

    const long = await session.post(
      `/major-projects/${projectId}/map`,
      mapForm({ measures: ['改'.repeat(301), '二', '三'], plans: plans(), submit: true }),
    );
    expect(long.status).toBe(422);
    expect(long.text).toContain('每条举措不超过 300 字（现 301 字）');

    // Exactly 300 characters (CJK) is fine; a draft may be incomplete.
    const draft = await session.post(
      `/major-projects/${projectId}/map`,
      mapForm({ measures: ['改'.repeat(300)] }),
    );
    expect(draft.status).toBe(303);
    const saved = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM map_measures WHERE content_id = $1`,
      [await mapItemId(projectId)],
    );
    expect(saved[0].n).toBe(1);
  });

  it('should run the map through own reviewer and the office, who returns it for improvement and then issues it as version 1', async () => {
    const projectId = await createProject('公共数据授权运营改革');
    const itemId = await mapItemId(projectId);
    const submitted = await (
      await as(clerk)
    ).post(`/major-projects/${projectId}/map`, mapForm({ plans: plans(), submit: true }));
    expect(submitted.status).toBe(303);
    await (await as(reviewer)).htmx('post', `/records/${itemId}/transitions`, { action: 'pass' });
    const officeView = await (await as(office)).agent.get(`/major-projects/${projectId}/map`);
    expect(officeView.text).toContain('确认下发');
    expect(officeView.text).toContain('退回完善');
    const reason = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' AND code = 'incomplete'`,
      )
    )[0].id;
    const returned = await (
      await as(office)
    ).htmx('post', `/records/${itemId}/transitions`, {
      action: 'return',
      reasonId: String(reason),
      detail: '请细化第二条举措',
    });
    expect(returned.status).toBeLessThan(400);

    // The clerk fixes it (the form shows the saved rows with their tokens) and submits again.
    const form = await (await as(clerk)).agent.get(`/major-projects/${projectId}/map`);
    expect(form.text).toContain('请细化第二条举措');
    const measureTokens = [...form.text.matchAll(/name="mea-([0-9a-f]{32})-text"/g)].map(
      (match) => match[1],
    );
    const indicatorTokens = [
      ...new Set([...form.text.matchAll(/name="ind-([0-9a-f]{32})-name"/g)].map((m) => m[1])),
    ];
    expect(measureTokens).toHaveLength(3);
    const fixed = await (
      await as(clerk)
    ).post(
      `/major-projects/${projectId}/map`,
      mapForm({
        measures: ['推进一网通办', '开展一件事一次办，覆盖20个高频事项', '建立好差评制度'],
        plans: plans(),
        submit: true,
        tokens: { mea: measureTokens, ind: indicatorTokens },
      }),
    );
    expect(fixed.status).toBe(303);
    await (await as(reviewer)).htmx('post', `/records/${itemId}/transitions`, { action: 'pass' });
    const issued = await (
      await as(office)
    ).htmx('post', `/records/${itemId}/transitions`, { action: 'issue' });
    expect(issued.status).toBeLessThan(400);

    const versions = await testApp.dataSource.query<{ version: number; id: string }[]>(
      `SELECT version, id FROM map_versions WHERE project_id = $1`,
      [projectId],
    );
    expect(versions.map((row) => row.version)).toEqual([1]);
    const measures = await testApp.dataSource.query<{ text: string; measure_key: string }[]>(
      `SELECT text, measure_key FROM map_measures WHERE content_id = $1 ORDER BY position`,
      [versions[0].id],
    );
    expect(measures.map((row) => row.text)).toEqual([
      '推进一网通办',
      '开展一件事一次办，覆盖20个高频事项',
      '建立好差评制度',
    ]);
    // Keys survive the fix: the posted tokens were the saved rows' keys.
    expect(measures.map((row) => row.measure_key.replaceAll('-', ''))).toEqual(measureTokens);

    // Frozen: the map cannot be saved any more (not editable → 404), the page says so.
    const again = await (
      await as(clerk)
    ).post(`/major-projects/${projectId}/map`, mapForm({ plans: plans() }));
    expect(again.status).toBe(404);
    const page = await (await as(leader)).agent.get(`/major-projects/${projectId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('已确认下发 · 第 1 版');
    expect(page.text).toContain('开展一件事一次办，覆盖20个高频事项');
  });

  it('should turn an approved iteration into version 2, keep version 1 readable and carry the plans of an edited measure over', async () => {
    const projectId = await createProject('数据要素市场化配置改革');
    const itemId = await mapItemId(projectId);
    await (
      await as(clerk)
    ).post(`/major-projects/${projectId}/map`, mapForm({ plans: plans(), submit: true }));
    await (await as(reviewer)).htmx('post', `/records/${itemId}/transitions`, { action: 'pass' });
    await (await as(office)).htmx('post', `/records/${itemId}/transitions`, { action: 'issue' });
    const [v1] = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM map_versions WHERE project_id = $1 AND version = 1`,
      [projectId],
    );
    const v1Measures = await testApp.dataSource.query<{ measure_key: string }[]>(
      `SELECT measure_key FROM map_measures WHERE content_id = $1 ORDER BY position`,
      [v1.id],
    );

    // Edit measure 1: its plan (2026-03) must carry over to version 2.
    const session = await as(clerk);
    const noBasis = await session.post(`/major-projects/${projectId}/iterations`, {
      kind: 'edit',
      targetMeasure: v1Measures[0].measure_key.replaceAll('-', ''),
      text: '推进一网通办，实现高频事项全程网办',
      basis: '',
    });
    expect(noBasis.status).toBe(422);
    expect(noBasis.text).toContain('请填写迭代依据');
    expect(noBasis.text).toContain('推进一网通办，实现高频事项全程网办');
    const created = await session.post(`/major-projects/${projectId}/iterations`, {
      kind: 'edit',
      targetMeasure: v1Measures[0].measure_key.replaceAll('-', ''),
      text: '推进一网通办，实现高频事项全程网办',
      basis: '国务院办公厅关于深化一网通办的意见',
      submit: '1',
    });
    expect(created.status).toBe(303);
    const iterationId = idOf(created.headers.location);
    await (
      await as(reviewer)
    ).htmx('post', `/records/${iterationId}/transitions`, {
      action: 'pass',
    });
    await (
      await as(office)
    ).htmx('post', `/records/${iterationId}/transitions`, {
      action: 'confirm',
    });

    // Add a measure with its own plan.
    const added = await session.post(`/major-projects/${projectId}/iterations`, {
      kind: 'add',
      text: '建立数据资产登记制度',
      basis: '市委深改委第X次会议要求',
      'plan-a1-month': '2026-09',
      'plan-a1-type': String(planType),
      'plan-a1-content': '出台数据资产登记办法',
      submit: '1',
    });
    expect(added.status).toBe(303);
    const addedId = idOf(added.headers.location);
    await (await as(reviewer)).htmx('post', `/records/${addedId}/transitions`, { action: 'pass' });
    await (
      await as(office)
    ).htmx('post', `/records/${addedId}/transitions`, {
      action: 'confirm',
    });

    const versions = await testApp.dataSource.query<{ version: number; id: string }[]>(
      `SELECT version, id FROM map_versions WHERE project_id = $1 ORDER BY version`,
      [projectId],
    );
    expect(versions.map((row) => row.version)).toEqual([1, 2, 3]);
    const measuresOf = (contentId: string) =>
      testApp.dataSource.query<{ text: string; measure_key: string }[]>(
        `SELECT text, measure_key FROM map_measures WHERE content_id = $1 ORDER BY position`,
        [contentId],
      );
    const plansOf = (contentId: string) =>
      testApp.dataSource.query<{ content: string; measure_key: string; plan_key: string }[]>(
        `SELECT content, measure_key, plan_key FROM map_plans WHERE content_id = $1 ORDER BY plan_month, position`,
        [contentId],
      );
    // Version 1 unchanged.
    expect((await measuresOf(versions[0].id))[0].text).toBe('推进一网通办');
    // Version 2: measure 1 edited, same key, its plan carried over with the same plan key.
    const v2Measures = await measuresOf(versions[1].id);
    expect(v2Measures[0]).toEqual({
      text: '推进一网通办，实现高频事项全程网办',
      measure_key: v1Measures[0].measure_key,
    });
    const v1Plans = await plansOf(versions[0].id);
    const v2Plans = await plansOf(versions[1].id);
    expect(v2Plans).toEqual(v1Plans);
    // Version 3: a fourth measure with its plan.
    const v3Measures = await measuresOf(versions[2].id);
    expect(v3Measures.map((row) => row.text)).toEqual([
      '推进一网通办，实现高频事项全程网办',
      '开展一件事一次办',
      '建立好差评制度',
      '建立数据资产登记制度',
    ]);
    const v3Plans = await plansOf(versions[2].id);
    expect(v3Plans.find((plan) => plan.content === '出台数据资产登记办法')?.measure_key).toBe(
      v3Measures[3].measure_key,
    );

    const old = await (await as(leader)).agent.get(`/major-projects/${projectId}/versions/1`);
    expect(old.status).toBe(200);
    expect(old.text).toContain('这是历史版本');
    const current = await (await as(leader)).agent.get(`/major-projects/${projectId}`);
    expect(current.text).toContain('建立数据资产登记制度');
  });

  it('should give an htmx row for each section, the plan row listing the measures sent with it', async () => {
    const session = await as(clerk);
    const row = await session
      .htmx('get', '/major-projects/map-rows/plan?mea-aa11-text=x&mea-bb22-text=y')
      .expect(200);
    expect(row.text).toContain('value="aa11"');
    expect(row.text).toContain('举措2');
    const indicator = await session.htmx('get', '/major-projects/map-rows/ind').expect(200);
    expect(indicator.text).toContain('12月');
    await session.htmx('get', '/major-projects/map-rows/nope').expect(404);
  });
});
