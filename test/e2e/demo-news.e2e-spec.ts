import { DemoRecordsSeeder } from '../../src/demo/demo-records.seeder.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('Demo data: 工作动态 in every state and two 《改革简报》 issues (real PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Demo users and records are loaded by createApp, as `npm start` does.
    testApp = await createTestApp({ seedDemo: true });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should load items in every state, uses of every kind, a 约稿 and two published issues', async () => {
    const states = await testApp.dataSource.query<{ state: string; step: number | null }[]>(
      `SELECT wi.state, wi.step FROM news_items n JOIN workflow_items wi ON wi.id = n.id`,
    );
    expect(new Set(states.map((row) => row.state))).toEqual(
      new Set(['draft', 'pending', 'returned', 'approved']),
    );
    expect(new Set(states.filter((row) => row.state === 'pending').map((row) => row.step))).toEqual(
      new Set([0, 1]),
    );
    const kinds = await testApp.dataSource.query<{ kind: string }[]>(
      `SELECT DISTINCT kind FROM news_uses ORDER BY kind`,
    );
    expect(kinds.map((row) => row.kind)).toEqual([
      'bulletin',
      'instruction',
      'published',
      'superior',
    ]);
    const bulletins = await testApp.dataSource.query<{ published: boolean }[]>(
      `SELECT published_at IS NOT NULL AS published FROM news_bulletins`,
    );
    expect(bulletins).toEqual([{ published: true }, { published: true }]);

    // A district clerk sees the feed, the issues and the open 约稿 in the 待办.
    const clerk = await login(testApp.server, '19900000001', 'Gaige@2026');
    expect((await clerk.agent.get('/news/feed')).text).toContain('渝中区深化社区治理积分制改革');
    expect((await clerk.agent.get('/news/bulletins')).text).toMatch(/年第\d+期/);
    expect((await clerk.agent.get('/inbox')).text).toContain('基层治理体制改革典型经验');
    expect((await clerk.agent.get('/')).text).toContain('id="home-news"');

    const count = () =>
      testApp.dataSource.query<{ items: number }[]>(
        `SELECT (SELECT count(*)::int FROM news_items) AS items`,
      );
    const before = await count();
    await testApp.app.get(DemoRecordsSeeder).seed();
    expect(await count()).toEqual(before);
  });
});
