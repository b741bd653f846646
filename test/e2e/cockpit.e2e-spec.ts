import { Clock } from '../../src/common/time/clock.js';
import { ShowcaseService } from '../../src/showcase/showcase.service.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Cockpits (驾驶舱): numbers equal the report snapshot and the module services (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let cityLeader: TestUser;
  let wanzhouLeader: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;
  let fulingClerk: TestUser;
  let reportId: string;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const idOf = (location: unknown) => String(location).split('/').pop()!;
  const act = async (user: TestUser, id: string, action: string) =>
    expect(
      (await (await as(user)).htmx('post', `/records/${id}/transitions`, { action })).status,
    ).toBe(200);
  const highlight = async (user: TestUser) => {
    const [kind] = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'citywide_1'`,
    );
    const response = await (
      await as(user)
    ).post('/showcase', {
      matter: '改革经验',
      category: 'citywide',
      subKindId: String(kind.id),
      happenedOn: '2026-08-08',
      problemsSolved: '问题',
      results: '成果',
      evidenceClassified: 'on',
      submit: '1',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const tiles = (html: string) =>
    [
      ...html.matchAll(
        /<li class="band-tile band-(\d|none)( own)?">[\s\S]*?<span class="tile-name">([^<]+)<\/span>\s*<span class="tile-score">([0-9.]+)<\/span>/g,
      ),
    ].map((match) => ({
      // 'none': every district scored the same in that chart (不分档).
      band: match[1] === 'none' ? -1 : Number(match[1]),
      own: Boolean(match[2]),
      name: match[3],
      score: match[4],
    }));

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    cityLeader = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['leader'],
    });
    wanzhouLeader = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['leader'],
    });
    clerk = await createUser(testApp.dataSource, { unitCode: 'wanzhou', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'wanzhou', roles: ['reviewer'] });
    fulingClerk = await createUser(testApp.dataSource, { unitCode: 'fuling', roles: ['entry'] });
    const survey = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });

    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active`,
    );
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意。' };
    for (const district of districts) {
      form[`score_${district.id}`] = '85';
    }
    form[`score_${await unitIdByCode(testApp.dataSource, 'wanzhou')}`] = '90';
    const draft = await (await as(survey)).post('/satisfaction', form);
    const returnId = idOf(draft.headers.location);
    await act(survey, returnId, 'submit');
    await act(office, returnId, 'confirm');

    const approved = await highlight(clerk);
    await act(reviewer, approved, 'pass');
    await act(office, approved, 'confirm');
    await highlight(fulingClerk); // pending: never counted
    const generated = await (
      await as(office)
    ).post('/reports', {
      kind: 'district',
      period: '2026-Q3',
    });
    reportId = idOf(generated.headers.location);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show every district with the score and band of the generated report', async () => {
    const page = await (await as(cityLeader)).agent.get('/cockpit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('第 1 版指标体系');
    const snapshot = await testApp.dataSource.query<
      { subject_name: string; total_display: string; band: number }[]
    >(`SELECT subject_name, total_display::text, band FROM report_rows WHERE report_id = $1`, [
      reportId,
    ]);
    const total = tiles(page.text.split('id="index-implementation"')[0]);
    expect(total).toHaveLength(41);
    for (const row of snapshot) {
      const tile = total.find((candidate) => candidate.name === row.subject_name)!;
      expect(tile.score).toBe(Number(row.total_display).toFixed(2));
      expect(tile.band).toBe(row.band);
    }
    // 万州 leads: top satisfaction and the only city-wide promotion.
    expect(total[0].name).toBe('万州区');
    // The satisfaction trend reads by quarter names, in the table and on the chart's axis.
    const trend = page.text.split('id="satisfaction-trend"')[1].split('</section>')[0];
    expect(trend).toContain('<td>2026年第三季度</td>');
    expect(trend).toContain('"labels":["2026年第三季度"]');
    expect(trend).not.toContain('2026-Q3');
    // Three five-colour charts: the total, 改革落实力 and 品牌显示度.
    expect(page.text).toContain('id="index-implementation"');
    expect(page.text).toContain('id="index-brand"');
    expect(page.text).toContain('查看数据');
  });

  it('should count approved highlights only in the brand boards, equal to the showcase service', async () => {
    const page = await (await as(cityLeader)).agent.get('/cockpit');
    const board = page.text.split('id="brand-board"')[1].split('</section>')[0];
    expect(board).toContain('万州区');
    expect(board).not.toContain('涪陵区');
    const counts = await testApp.app
      .get(ShowcaseService)
      .brandCountsByDistrict('2026-11-20', '2026-01-01');
    expect(counts.find((row) => row.unitName === '万州区')!.citywide).toBe(1);
    expect(counts.find((row) => row.unitName === '涪陵区')!.citywide).toBe(0);
  });

  it('should highlight the own district for a district leader', async () => {
    const page = await (await as(wanzhouLeader)).agent.get('/cockpit');
    const own = tiles(page.text).filter((tile) => tile.own);
    expect(own.map((tile) => tile.name)).toEqual(['万州区', '万州区', '万州区']);
    expect(page.text).toContain('本区县：万州区');
  });

  it('should drill into a district with htmx, and as a page without', async () => {
    const wanzhou = await unitIdByCode(testApp.dataSource, 'wanzhou');
    const fragment = await (
      await as(cityLeader)
    ).htmx('get', `/cockpit/districts/${wanzhou}?report=${reportId}`);
    expect(fragment.status).toBe(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('万州区');
    expect(fragment.text).toContain('改革经验');
    // 历次排名 and 满意度 name the quarter as other pages do, not by its code.
    expect(fragment.text).toContain('<td>2026年第三季度</td><td class="num">1 / 41</td>');
    expect(fragment.text).toContain('<td>2026年第三季度</td><td class="num">90</td>');
    expect(fragment.text).not.toContain('<td>2026-Q3</td>');
    const page = await (await as(cityLeader)).agent.get(`/cockpit/districts/${wanzhou}`);
    expect(page.text).toContain('<html');
    expect((await (await as(cityLeader)).agent.get('/cockpit/districts/999999')).status).toBe(404);
  });

  it('should keep the cockpits to leaders and the office', async () => {
    expect((await (await as(clerk)).agent.get('/cockpit')).status).toBe(403);
    expect((await (await as(clerk)).agent.get('/cockpit/projects')).status).toBe(403);
    const projects = await (await as(office)).agent.get('/cockpit/projects');
    expect(projects.status).toBe(200);
    expect(projects.text).toContain('尚未生成报表');
  });

  it("should show clerks and reviewers their own unit's figures and rank on the home page", async () => {
    const home = await (await as(clerk)).agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('最新排名（2026年第三季度）');
    expect(home.text).toMatch(/万州区<\/a>：第 1 名 \/ 41/);
    const detail = /href="(\/reports\/[0-9a-f-]{36}\/rows\/\d+)"/.exec(home.text)![1];
    expect((await (await as(clerk)).agent.get(detail)).status).toBe(200);
    expect((await (await as(fulingClerk)).agent.get(detail)).status).toBe(404);
    const reviewerHome = await (await as(reviewer)).agent.get('/');
    expect(reviewerHome.text).toContain('待我处理');
  });
});
