import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const LONG_MEASURE =
  '推进一网通办，实现高频政务服务事项全程网办、跨省通办，覆盖企业开办、不动产登记、社保医保等二十个高频事项，办理时限压缩一半以上';

describe('措施迭代: the battle map shows the version in force and 编辑举措 starts from the measure (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  const sessions = new Map<string, HttpSession>();
  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const token = (key: string) => key.replaceAll('-', '');

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: '市科技局', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: '市科技局', roles: ['reviewer'] });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** Files an iteration and carries it through the department's reviewer and the office. */
  const approvedIteration = async (projectId: string, form: Record<string, string>) => {
    const created = await (
      await as(clerk)
    ).post(`/major-projects/${projectId}/iterations`, { ...form, submit: '1' });
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    const pass = { action: 'pass' };
    expect(
      (await (await as(reviewer)).htmx('post', `/records/${id}/transitions`, pass)).status,
    ).toBe(200);
    const confirm = { action: 'confirm' };
    expect(
      (await (await as(office)).htmx('post', `/records/${id}/transitions`, confirm)).status,
    ).toBe(200);
  };

  it('should list the current version’s measures on 查看项目作战图 after two approved iterations', async () => {
    const project = await createIssuedProject(testApp.dataSource, {
      unit: '市科技局',
      createdBy: office.id,
      measures: ['建立惠企政策直达机制', '推进一网通办', '开展成效评估'],
    });
    await approvedIteration(project.projectId, {
      kind: 'edit',
      targetMeasure: token(project.measureKeys[1]),
      text: '推进一网通办，实现高频事项全程网办',
      basis: '国务院办公厅关于深化一网通办的意见',
    });
    await approvedIteration(project.projectId, {
      kind: 'add',
      text: '建立数据资产登记制度',
      basis: '市委深改委会议要求',
      'plan-a1-month': '2026-09',
      'plan-a1-type': String(
        (
          await testApp.dataSource.query<{ id: number }[]>(
            `SELECT id FROM dictionary_items WHERE kind = 'plan_type' ORDER BY id LIMIT 1`,
          )
        )[0].id,
      ),
      'plan-a1-content': '出台数据资产登记办法',
    });

    for (const user of [clerk, office]) {
      const page = await (await as(user)).agent.get(`/major-projects/${project.projectId}/map`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('现行为第 3 版');
      const measures = /<section class="map-section" id="map-measures">[\s\S]*?<\/section>/.exec(
        page.text,
      )![0];
      expect(measures).toContain('推进一网通办，实现高频事项全程网办');
      expect(measures).toContain('建立数据资产登记制度');
      expect(measures).toContain('出台数据资产登记办法');
      expect(measures).not.toMatch(/<p class="prewrap">推进一网通办<\/p>/);
    }
    // Version 1 stays readable as it was.
    const v1 = await (await as(clerk)).agent.get(`/major-projects/${project.projectId}/versions/1`);
    expect(v1.text).toContain('这是历史版本（第 1 版');
    expect(v1.text).toMatch(/<p class="prewrap">推进一网通办<\/p>/);
    expect(v1.text).not.toContain('建立数据资产登记制度');
  });

  it('should start 编辑举措 from the chosen measure’s current text and show every measure whole in the picker', async () => {
    const project = await createIssuedProject(testApp.dataSource, {
      unit: '市科技局',
      createdBy: office.id,
      measures: ['建立惠企政策直达机制', LONG_MEASURE],
      plans: [{ measure: 1, month: '2026-02', content: '梳理事项清单' }],
    });
    const map = await (await as(clerk)).agent.get(`/major-projects/${project.projectId}/map`);
    const editHref = `/major-projects/${project.projectId}/iterations/new?targetMeasure=${token(project.measureKeys[1])}`;
    // Handlebars writes "=" in an attribute as &#x3D;.
    expect(map.text.replaceAll('&#x3D;', '=')).toContain(`href="${editHref}"`);

    const form = await (await as(clerk)).agent.get(editHref);
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="kind" value="edit" checked');
    expect(form.text).toMatch(
      new RegExp(`value="${token(project.measureKeys[1])}" data-measure-text="[^"]+" checked`),
    );
    expect(/<textarea id="text" name="text"[^>]*>([^<]*)<\/textarea>/.exec(form.text)![1]).toBe(
      LONG_MEASURE,
    );
    // The picker shows each measure in full (it used to cut them at 40 characters).
    const picker = /<fieldset class="measure-picker"[\s\S]*?<\/fieldset>/.exec(form.text)![0];
    expect(picker).toContain(`<span class="prewrap">${LONG_MEASURE}</span>`);
    expect(picker).toContain('建立惠企政策直达机制');

    // A token that is no measure of the version in force: the empty form, as before.
    const unknown = await (
      await as(clerk)
    ).agent.get(`/major-projects/${project.projectId}/iterations/new?targetMeasure=nope`);
    expect(/<textarea id="text" name="text"[^>]*>([^<]*)<\/textarea>/.exec(unknown.text)![1]).toBe(
      '',
    );
  });
});
