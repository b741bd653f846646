import { login, type HttpSession } from '../helpers/http-session.js';
import { RECENT_WINDOW, SearchQueries } from '../../src/search/search.queries.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Search across modules (GET /search, HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let otherClerk: TestUser;
  let leader: TestUser;
  const sessions = new Map<string, HttpSession>();
  let form: (overrides: Record<string, string>) => Record<string, string>;
  let approvedId: string;
  let otherDraftId: string;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const file = async (by: TestUser, fields: Record<string, string>) => {
    const response = await (await as(by)).post('/demands', form(fields));
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const act = async (user: TestUser, id: string, action: string) =>
    (await as(user)).htmx('post', `/records/${id}/transitions`, { action });
  const search = async (user: TestUser, q: string) => {
    const response = await (await as(user)).agent.get('/search').query({ q });
    return response;
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    otherClerk = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    leader = await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] });
    const dictionaryId = async (kind: string, code: string) =>
      (
        await ds.query<{ id: number }[]>(
          `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
          [kind, code],
        )
      )[0].id;
    const ids = {
      channel: String(await dictionaryId('demand_channel', 'public_expectation')),
      domain: String(await dictionaryId('domain', 'economy')),
      track: String(await dictionaryId('track', 'business_environment')),
    };
    form = (overrides) => ({
      title: '建立跨区域政务服务协同机制',
      description: '群众企业基层有期盼：跨区域办事需多地跑。',
      channelId: ids.channel,
      domainId: ids.domain,
      trackId: ids.track,
      ...overrides,
    });

    approvedId = await file(clerk, {
      title: '优化营商环境改革需求',
      description: '推行企业开办一网通办，压缩审批时限。',
      submit: '1',
    });
    await act(reviewer, approvedId, 'pass');
    await act(office, approvedId, 'confirm');
    otherDraftId = await file(otherClerk, {
      title: '江北区营商草稿',
      description: '尚未提交的营商需求草稿，含100%_特殊字符。',
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should offer the box in the top bar of every signed-in page', async () => {
    const home = await (await as(leader)).agent.get('/');
    expect(home.text).toContain('id="topbar-search"');
    expect(home.text).toContain('action="/search"');
  });

  it('should find a Chinese substring of a title, with module, unit and state', async () => {
    const response = await search(office, '营商');
    expect(response.status).toBe(200);
    expect(response.text).toContain(`id="hit-${approvedId}"`);
    expect(response.text).toContain('优化营商环境改革需求');
    expect(response.text).toContain(`href="/demands/${approvedId}"`);
    expect(response.text).toContain('改革需求');
    expect(response.text).toContain('渝中区');
    expect(response.text).toContain('已通过');
  });

  it('should find a substring of the main text, not only of the title', async () => {
    const response = await search(leader, '一网通办');
    expect(response.status).toBe(200);
    expect(response.text).toContain(`id="hit-${approvedId}"`);
  });

  it("should never list another unit's draft, while its own unit finds it", async () => {
    for (const user of [office, leader, clerk, reviewer]) {
      const response = await search(user, '营商');
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(otherDraftId);
      expect(response.text).not.toContain('江北区营商草稿');
    }
    const own = await search(otherClerk, '营商');
    expect(own.text).toContain(`id="hit-${otherDraftId}"`);
    // Another district's clerk does not read Yuzhong's approved demand (canViewRecord), nor finds it.
    expect(own.text).not.toContain(`id="hit-${approvedId}"`);
  });

  it('should find a pilot for the districts it involves and its competent department, as their ledgers list it, not for a stranger unit', async () => {
    const ds = testApp.dataSource;
    const pilotClerk = await createUser(ds, { unitCode: 'shapingba', roles: ['entry'] });
    const pilotReviewer = await createUser(ds, { unitCode: 'shapingba', roles: ['reviewer'] });
    const deptClerk = await createUser(ds, { unitCode: '市科技局', roles: ['entry'] });
    const involvedClerk = await createUser(ds, { unitCode: 'jiulongpo', roles: ['entry'] });
    const strangerClerk = await createUser(ds, { unitCode: 'beibei', roles: ['entry'] });
    const domainId = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND code = 'economy'`,
      )
    )[0].id;
    const created = await (
      await as(pilotClerk)
    ).post('/pilots', {
      name: '数字乡村治理改革试点',
      level: 'municipal',
      documentTitle: '关于开展数字乡村治理改革试点的工作方案',
      documentNumber: '渝委办发〔2025〕9号',
      issuer: '市委深改委',
      deployedOn: '2025-03-01',
      competentUnitId: String(await unitIdByCode(ds, '市科技局')),
      involvedUnitIds: [],
      acceptanceDue: '2026-12-31',
      domainId: String(domainId),
      documentClassified: 'on',
      submit: '1',
    });
    expect(created.status).toBe(303);
    const pilotId = String(created.headers.location).split('/').pop()!;
    const hit = `id="hit-${pilotId}"`;
    expect((await act(pilotReviewer, pilotId, 'pass')).status).toBe(200);
    // Before the competent department confirms it, the district to be involved does not find it.
    expect((await search(involvedClerk, '乡村治理')).text).not.toContain(hit);
    const confirmed = await (
      await as(deptClerk)
    ).post(`/pilots/${pilotId}/confirmation`, {
      involvedUnitIds: [String(await unitIdByCode(ds, 'jiulongpo'))],
    });
    expect(confirmed.status).toBe(303);

    for (const reader of [involvedClerk, deptClerk, pilotClerk, leader]) {
      const found = await search(reader, '乡村治理');
      expect(found.status).toBe(200);
      expect(found.text).toContain(hit);
      expect(found.text).toContain('改革试点');
      // The search lists what the reader's pilot ledger lists.
      expect((await (await as(reader)).agent.get('/pilots')).text).toContain(
        '数字乡村治理改革试点',
      );
    }
    const stranger = await search(strangerClerk, '乡村治理');
    expect(stranger.status).toBe(200);
    expect(stranger.text).not.toContain(hit);
    expect(stranger.text).toContain('id="search-empty"');
    expect((await (await as(strangerClerk)).agent.get('/pilots')).text).not.toContain(
      '数字乡村治理改革试点',
    );
  });

  it('should treat %, _, control characters and very long input as plain text, never a 500', async () => {
    const percent = await search(otherClerk, '100%_');
    expect(percent.status).toBe(200);
    expect(percent.text).toContain(`id="hit-${otherDraftId}"`);
    const wildcard = await search(otherClerk, '%');
    expect(wildcard.status).toBe(200);
    expect(wildcard.text).toContain(`id="hit-${otherDraftId}"`);
    const underscoreOnly = await search(office, '_');
    expect(underscoreOnly.status).toBe(200);
    expect(underscoreOnly.text).toContain('id="search-empty"');
    for (const q of ['营\u0000商', 'a'.repeat(5000), '\u0001\u0002', "'; DROP TABLE demands; --"]) {
      const response = await search(office, q);
      expect(response.status).toBe(200);
    }
    const nul = await search(office, '营\u0000商');
    expect(nul.text).toContain(`id="hit-${approvedId}"`);
    const pastEnd = await (await as(office)).agent.get('/search').query({ q: '营商', page: '2' });
    expect(pastEnd.status).toBe(200);
    expect(pastEnd.text).toContain('id="search-empty"');
    expect(pastEnd.text).toContain('rel="prev"');
    const repeated = await (await as(office)).agent.get('/search?q=营商&q=x&page=abc');
    expect(repeated.status).toBe(200);
    expect(repeated.text).toContain(`id="hit-${approvedId}"`);
  });

  it('should list the same hits, pages and order when the first probe reads only the newest records', async () => {
    const approved: string[] = [];
    for (let index = 1; index <= 23; index += 1) {
      const id = await file(clerk, {
        title: `窗口探针第${index}条需求`,
        description: '探针测试：较早的记录也要找到。',
        submit: '1',
      });
      await act(reviewer, id, 'pass');
      await act(office, id, 'confirm');
      approved.push(id);
    }
    const newestFirst = [...approved].reverse();
    const queries = testApp.app.get(SearchQueries);
    // The leader reads other units' approved records: the branch the probe bounds.
    const listing = async (page: number) => {
      const response = await (
        await as(leader)
      ).agent
        .get('/search')
        .query({ q: '窗口探针', page: String(page) });
      expect(response.status).toBe(200);
      return {
        ids: [...response.text.matchAll(/id="hit-([0-9a-f-]+)"/g)].map((match) => match[1]),
        next: response.text.includes('rel="next"'),
      };
    };
    // A small database: no bound, every match is read.
    expect(await listing(1)).toEqual({ ids: newestFirst.slice(0, 20), next: true });
    expect(await listing(2)).toEqual({ ids: newestFirst.slice(20), next: false });
    try {
      // The 22 newest records bound the probe: page 1 (21 hits wanted) comes from the probe
      // alone; page 2 wants 41, so the search runs again without the bound.
      queries.recentWindow = 22;
      expect(await listing(1)).toEqual({ ids: newestFirst.slice(0, 20), next: true });
      expect(await listing(2)).toEqual({ ids: newestFirst.slice(20), next: false });
      // A window of 2 finds too few: the search runs again and still lists the older ones.
      queries.recentWindow = 2;
      expect(await listing(1)).toEqual({ ids: newestFirst.slice(0, 20), next: true });
    } finally {
      queries.recentWindow = RECENT_WINDOW;
    }
  });
});
