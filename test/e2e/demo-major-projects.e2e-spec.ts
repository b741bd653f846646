import { DemoRecordsSeeder } from '../../src/demo/demo-records.seeder.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('Demo data: major projects in every battle-map state (real PostgreSQL)', () => {
  let testApp: TestApp;

  const projectStates = () =>
    testApp.dataSource.query<
      { name: string; unit: string; state: string; last_action: string | null; versions: number }[]
    >(
      `SELECT p.name, u.code AS unit, wi.state, wi.last_action,
              (SELECT count(*)::int FROM map_versions mv WHERE mv.project_id = p.id) AS versions
         FROM major_projects p
         JOIN units u ON u.id = p.responsible_unit_id
         JOIN LATERAL (SELECT state, last_action FROM workflow_items w WHERE w.lineage_id = p.map_lineage_id
                        ORDER BY revision DESC LIMIT 1) wi ON true
        ORDER BY p.name`,
    );

  beforeAll(async () => {
    // Demo users and records are loaded by createApp, as `npm start` does.
    testApp = await createTestApp({ seedDemo: true });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should load projects across departments with maps empty, drafted, pending, returned and issued', async () => {
    const states = await projectStates();
    expect(states).toHaveLength(8);
    expect(new Set(states.map((row) => row.unit)).size).toBe(5);
    const byName = new Map(states.map((row) => [row.name, row]));
    expect(byName.get('数字重庆建设')).toMatchObject({ state: 'approved', versions: 2 });
    for (const name of [
      '成渝地区双城经济圈经济区与行政区适度分离改革',
      '营商环境创新试点',
      '科技成果转化体制机制改革',
    ]) {
      expect(byName.get(name)).toMatchObject({
        state: 'approved',
        last_action: 'issue',
        versions: 1,
      });
    }
    expect(byName.get('国企改革深化提升行动')).toMatchObject({ state: 'draft', versions: 0 });
    expect(byName.get('公共数据资源开发利用改革')).toMatchObject({ state: 'draft', versions: 0 });
    expect(byName.get('西部陆海新通道物流和运营组织体制改革')).toMatchObject({
      state: 'pending',
      last_action: 'submit',
    });
    expect(byName.get('网络综合治理体系改革')).toMatchObject({
      state: 'returned',
      last_action: 'return',
    });
    // The empty draft has no content; the half-drawn one has some.
    const content = await testApp.dataSource.query<{ name: string; n: number }[]>(
      `SELECT p.name, (SELECT count(*)::int FROM map_indicators i WHERE i.content_id = p.map_lineage_id) AS n
         FROM major_projects p WHERE p.name IN ('国企改革深化提升行动', '公共数据资源开发利用改革') ORDER BY p.name`,
    );
    expect(content).toEqual([
      { name: '公共数据资源开发利用改革', n: 2 },
      { name: '国企改革深化提升行动', n: 0 },
    ]);
    // Version 2 of 数字重庆建设 has the measure the approved iteration added.
    const [v2] = await testApp.dataSource.query<{ measures: number; plans: number }[]>(
      `SELECT (SELECT count(*)::int FROM map_measures m WHERE m.content_id = v.id) AS measures,
              (SELECT count(*)::int FROM map_plans pl WHERE pl.content_id = v.id) AS plans
         FROM map_versions v JOIN major_projects p ON p.id = v.project_id
        WHERE p.name = '数字重庆建设' AND v.version = 2`,
    );
    expect(v2).toEqual({ measures: 4, plans: 8 });
  });

  it("should enter the year's satisfaction of the issued projects, shown to the office", async () => {
    const scores = await testApp.dataSource.query<{ name: string; score: string }[]>(
      `SELECT p.name, s.score::text AS score FROM project_satisfaction s JOIN major_projects p ON p.id = s.project_id ORDER BY s.score DESC`,
    );
    expect(scores.map((row) => row.name)).toEqual([
      '数字重庆建设',
      '营商环境创新试点',
      '成渝地区双城经济圈经济区与行政区适度分离改革',
      '科技成果转化体制机制改革',
    ]);
    const office = await login(testApp.server, '19900000031', 'Gaige@2026');
    const page = await office.agent.get('/major-projects/satisfaction');
    expect(page.status).toBe(200);
    expect(page.text).toContain('92.35');
    // The returned map shows the office's reason to its clerk.
    const clerk = await login(testApp.server, '19900000013', 'Gaige@2026');
    const [cyberspace] = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM major_projects WHERE name = '网络综合治理体系改革'`,
    );
    const form = await clerk.agent.get(`/major-projects/${cyberspace.id}/map`);
    expect(form.text).toContain('第二条举措请补充对应的月度推进计划');
  });

  it('should add nothing when it runs again (every start of an existing database)', async () => {
    const count = () =>
      testApp.dataSource.query<{ projects: number; items: number; demands: number }[]>(
        `SELECT (SELECT count(*)::int FROM major_projects) AS projects, (SELECT count(*)::int FROM workflow_items) AS items,
                (SELECT count(*)::int FROM demands) AS demands`,
      );
    const before = await count();
    await testApp.app.get(DemoRecordsSeeder).seed();
    expect(await count()).toEqual(before);
  });
});
