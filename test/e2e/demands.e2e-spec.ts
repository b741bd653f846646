import { AssignmentStatsService } from '../../src/assignments/assignment-stats.service.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Reform demands (改革需求): filing, review, ledger (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let otherClerk: TestUser;
  let leader: TestUser;
  const sessions = new Map<string, HttpSession>();
  let ids: {
    channel: number;
    domain: number;
    track: number;
    otherDomainTrack: number;
    reason: number;
  };

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;

  const validForm = (overrides: Record<string, string> = {}) => ({
    title: '建立跨区域政务服务协同机制',
    description: '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
    channelId: String(ids.channel),
    domainId: String(ids.domain),
    trackId: String(ids.track),
    ...overrides,
  });

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    otherClerk = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    leader = await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] });
    ids = {
      channel: await dictionaryId('demand_channel', 'public_expectation'),
      domain: await dictionaryId('domain', 'economy'),
      track: await dictionaryId('track', 'business_environment'),
      otherDomainTrack: await dictionaryId('track', 'education'),
      reason: await dictionaryId('reject_reason', 'incomplete'),
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show the form with the filling rules and the three examples of 表一', async () => {
    const page = await (await as(clerk)).agent.get('/demands/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('要有改革味');
    expect(page.text).toContain('开展科技人才评价改革试点');
    expect(page.text).toContain('打造践行全过程人民民主基层单元');
    expect(page.text).toContain('先进省市有经验');
  });

  it('should refuse a form with missing fields, with messages next to them and the typed text kept', async () => {
    const response = await (
      await as(clerk)
    ).post('/demands', {
      title: '',
      description: '只写了描述<script>x</script>',
      channelId: '',
      domainId: '',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="title-error"');
    expect(response.text).toContain('请填写需求标题');
    expect(response.text).toContain('请选择来源渠道');
    expect(response.text).toContain('请选择领域');
    expect(response.text).toContain('只写了描述&lt;script&gt;x&lt;/script&gt;');
    const count = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM demands`,
    );
    expect(count[0].count).toBe(0);
  });

  it('should refuse a track that does not belong to the chosen domain', async () => {
    const response = await (
      await as(clerk)
    ).post('/demands', validForm({ trackId: String(ids.otherDomainTrack) }));
    expect(response.status).toBe(422);
    expect(response.text).toContain('所选跑道不属于该领域');
  });

  it('should report the form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
    // No title (refused by the DTO) with a track of another domain (the service's rule).
    const response = await (
      await as(clerk)
    ).post('/demands', validForm({ title: '', trackId: String(ids.otherDomainTrack) }));
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'title')).toBe('请填写需求标题');
    expect(fieldError(response.text, 'trackId')).toBe('所选跑道不属于该领域，请重新选择');
    expect(response.text).toContain(
      '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
    );

    // A domain the DTO refuses: no rule reads it (no track check against a malformed domain).
    const badDomain = await (
      await as(clerk)
    ).post('/demands', validForm({ domainId: 'x', trackId: String(ids.otherDomainTrack) }));
    expect(badDomain.status).toBe(422);
    expect(fieldError(badDomain.text, 'domainId')).toBe('请选择领域');
    expect(fieldError(badDomain.text, 'trackId')).toBeUndefined();
    const count = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM demands`,
    );
    expect(count[0].count).toBe(0);
  });

  it('should list only the tracks of a domain for the htmx select', async () => {
    const response = await (
      await as(clerk)
    ).htmx('get', `/dictionaries/tracks?domainId=${ids.domain}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('营商环境');
    expect(response.text).not.toContain('>教育<');
  });

  it('should file, review and approve a demand; outside the unit only those who see all approved data list it', async () => {
    const created = await (await as(clerk)).post('/demands', validForm({ submit: '1' }));
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;

    // Under review: the other district and the leader do not see it in the ledger.
    expect((await (await as(otherClerk)).agent.get('/demands')).text).not.toContain(
      '建立跨区域政务服务协同机制',
    );
    expect((await (await as(leader)).agent.get('/demands')).text).not.toContain(
      '建立跨区域政务服务协同机制',
    );
    expect((await (await as(clerk)).agent.get('/demands')).text).toContain(
      '建立跨区域政务服务协同机制',
    );
    expect((await (await as(otherClerk)).agent.get(`/demands/${id}`)).status).toBe(404);

    const act = (user: TestUser, action: string, extra: Record<string, string> = {}) =>
      as(user).then((session) =>
        session.htmx('post', `/records/${id}/transitions`, { action, ...extra }),
      );
    expect((await act(reviewer, 'pass')).status).toBe(200);
    expect((await act(office, 'confirm')).status).toBe(200);

    // DESIGN §1: another district's clerk neither lists nor opens it; the leader does both.
    expect((await (await as(otherClerk)).agent.get('/demands')).text).not.toContain(
      '建立跨区域政务服务协同机制',
    );
    expect((await (await as(otherClerk)).agent.get(`/demands/${id}`)).status).toBe(404);
    const ledger = await (await as(leader)).agent.get('/demands');
    expect(ledger.text).toContain('建立跨区域政务服务协同机制');
    expect(ledger.text).toContain('已通过');
    expect((await (await as(leader)).agent.get(`/demands/${id}`)).status).toBe(200);
    const filtered = await (
      await as(leader)
    ).agent.get(`/demands?channel=${ids.channel}&domain=${ids.domain}`);
    expect(filtered.text).toContain(`id="demand-${id}"`);
    const otherChannel = await (
      await as(leader)
    ).agent.get(`/demands?channel=${await dictionaryId('demand_channel', 'advanced_experience')}`);
    expect(otherChannel.text).not.toContain(`id="demand-${id}"`);
  });

  it('should keep a returned demand editable, keeping the reason visible, and resubmit it', async () => {
    const created = await (
      await as(clerk)
    ).post('/demands', validForm({ title: '待完善的需求', submit: '1' }));
    const id = String(created.headers.location).split('/').pop()!;
    await (
      await as(reviewer)
    ).htmx('post', `/records/${id}/transitions`, {
      action: 'reject',
      reasonId: String(ids.reason),
      detail: '请补充改革举措',
    });
    const form = await (await as(clerk)).agent.get(`/demands/${id}`);
    expect(form.text).toContain('id="demand-form"');
    expect(form.text).toContain('请补充改革举措');
    const resubmit = await (
      await as(clerk)
    ).post(`/demands/${id}`, validForm({ title: '待完善的需求（已补充）', submit: '1' }));
    expect(resubmit.status).toBe(303);
    const row = await testApp.dataSource.query<{ title: string; state: string }[]>(
      `SELECT d.title, wi.state FROM demands d JOIN workflow_items wi ON wi.id = d.id WHERE d.id = $1`,
      [id],
    );
    expect(row[0]).toEqual({ title: '待完善的需求（已补充）', state: 'pending' });
    // Under review it is read-only: an edit is refused and changes nothing.
    const refused = await (
      await as(clerk)
    ).post(`/demands/${id}`, validForm({ title: '偷偷修改' }));
    expect(refused.status).toBe(422);
    const after = await testApp.dataSource.query<{ title: string }[]>(
      `SELECT title FROM demands WHERE id = $1`,
      [id],
    );
    expect(after[0].title).toBe('待完善的需求（已补充）');
  });

  it('should change an approved demand through a new revision while the ledger keeps the approved one', async () => {
    const created = await (
      await as(clerk)
    ).post('/demands', validForm({ title: '原始标题', submit: '1' }));
    const id = String(created.headers.location).split('/').pop()!;
    await (await as(reviewer)).htmx('post', `/records/${id}/transitions`, { action: 'pass' });
    await (await as(office)).htmx('post', `/records/${id}/transitions`, { action: 'confirm' });
    const revised = await (await as(clerk)).post(`/demands/${id}/revision`);
    expect(revised.status).toBe(303);
    const newId = String(revised.headers.location).split('/').pop()!;
    await (
      await as(clerk)
    ).post(`/demands/${newId}`, validForm({ title: '变更后的标题', submit: '1' }));
    const ledger = (await (await as(leader)).agent.get('/demands')).text;
    expect(ledger).toContain('原始标题');
    expect(ledger).not.toContain('变更后的标题');
    await (await as(reviewer)).htmx('post', `/records/${newId}/transitions`, { action: 'pass' });
    await (await as(office)).htmx('post', `/records/${newId}/transitions`, { action: 'confirm' });
    const after = (await (await as(leader)).agent.get('/demands')).text;
    expect(after).toContain('变更后的标题');
    expect(after).not.toContain('原始标题');
  });

  it('should not let reviewers, leaders or other units file or edit', async () => {
    expect((await (await as(reviewer)).post('/demands', validForm())).status).toBe(403);
    expect((await (await as(leader)).agent.get('/demands/new')).status).toBe(403);
    const created = await (await as(clerk)).post('/demands', validForm({ title: '草稿需求' }));
    const id = String(created.headers.location).split('/').pop()!;
    expect((await (await as(otherClerk)).post(`/demands/${id}`, validForm())).status).toBe(404);
  });

  it('should count only approved demands in 改革需求热力榜', async () => {
    const wanzhouClerk = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['entry'],
    });
    const wanzhouReviewer = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['reviewer'],
    });
    const file = async (title: string, submit: boolean) => {
      const response = await (
        await as(wanzhouClerk)
      ).post('/demands', validForm({ title, submit: submit ? '1' : '0' }));
      return String(response.headers.location).split('/').pop()!;
    };
    const approved = await file('万州需求（已通过）', true);
    await (
      await as(wanzhouReviewer)
    ).htmx('post', `/records/${approved}/transitions`, { action: 'pass' });
    await (
      await as(office)
    ).htmx('post', `/records/${approved}/transitions`, { action: 'confirm' });
    await file('万州需求（审核中）', true);
    await file('万州需求（草稿）', false);
    const wanzhou = await unitIdByCode(testApp.dataSource, 'wanzhou');
    const heat = (await testApp.app.get(AssignmentStatsService).demandHeat()).find(
      (row) => row.unitId === wanzhou,
    )!;
    expect(heat.demandsApproved).toBe(1);
  });

  it('should download exactly the filtered ledger as Excel, cell by cell, with no formula', async () => {
    const session = await as(clerk);
    await session.post(
      '/demands',
      validForm({ title: '=HYPERLINK("http://evil","点我")', description: '+1 @cmd' }),
    );
    await session.post(
      '/demands',
      validForm({
        title: '导出用另一条',
        channelId: String(await dictionaryId('demand_channel', 'advanced_experience')),
      }),
    );
    const query = `channel=${ids.channel}&q=HYPERLINK`;
    const page = await session.agent.get(`/demands?${query}`);
    const pageIds = [...page.text.matchAll(/id="demand-([0-9a-f-]{36})"/g)].map(
      (match) => match[1],
    );
    expect(pageIds).toHaveLength(1);
    const response = await session.agent
      .get(`/demands/export?${query}`)
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toContain("filename*=UTF-8''");
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.name).toBe('改革需求台账');
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.hasFormula).toBe(false);
    // Above the header: the ledger, its filters by label (not id) and the export time.
    expect(sheet.title[0]).toBe('改革需求台账');
    expect(sheet.title[1]).toBe('筛选条件：来源渠道：群众企业基层有期盼；标题：HYPERLINK');
    expect(sheet.title[2]).toMatch(/^导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/);
    expect(sheet.autoFilter).toBe(`A${sheet.headerRow}:J${sheet.headerRow}`);
    expect(sheet.pageSetup.printTitlesRow).toBe(`${sheet.headerRow}:${sheet.headerRow}`);
    expect(sheet.pageSetup.orientation).toBe('landscape');
    // Long text (title, description) wraps; short columns do not.
    expect(sheet.wrappedColumns).toEqual([0, 5]);
    expect(sheet.rows[0]).toEqual([
      '需求标题',
      '填报单位',
      '来源渠道',
      '领域',
      '跑道',
      '需求描述',
      '状态',
      '版本',
      '更新时间',
      '审核通过时间',
    ]);
    expect(sheet.rows).toHaveLength(2);
    const [
      title,
      unit,
      channel,
      domain,
      track,
      description,
      state,
      revision,
      updatedAt,
      approvedAt,
    ] = sheet.rows[1];
    expect([title, unit, channel, domain, track, description, state, revision, approvedAt]).toEqual(
      [
        `'=HYPERLINK("http://evil","点我")`,
        '渝中区',
        '群众企业基层有期盼',
        '经济体制改革',
        '营商环境',
        `'+1 @cmd`,
        '草稿',
        1,
        null,
      ],
    );
    expect(updatedAt).toBeInstanceOf(Date);
    // Times carry their format; text and numbers none (every cell of a column shares one style).
    expect(sheet.numberFormats[1]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'yyyy-mm-dd hh:mm',
      'yyyy-mm-dd hh:mm',
    ]);
    // The other unit's export of the same filter holds no draft of this unit.
    const foreign = await (
      await as(otherClerk)
    ).agent
      .get(`/demands/export?${query}`)
      .buffer(true)
      .parse(binaryParser);
    expect((await readSheet(foreign.body as Buffer)).rows).toHaveLength(1);
  });

  it('should sort the ledger by title when asked', async () => {
    const session = await as(clerk);
    await session.post('/demands', validForm({ title: '排序测试乙' }));
    await session.post('/demands', validForm({ title: '排序测试甲' }));
    const page = (await session.agent.get('/demands?q=排序测试&sort=title')).text;
    const titles = [...page.matchAll(/>(排序测试.)<\/a>/g)].map((match) => match[1]);
    // The database uses the C collation: by code point 乙 (U+4E59) sorts before 甲 (U+7532).
    expect(titles).toEqual(['排序测试乙', '排序测试甲']);
    const byUpdate = (await session.agent.get('/demands?q=排序测试')).text;
    expect([...byUpdate.matchAll(/>(排序测试.)<\/a>/g)].map((match) => match[1])).toEqual([
      '排序测试甲',
      '排序测试乙',
    ]);
  });

  it('should say a page past the end of the ledger is empty and link back to page 1 with the filters kept', async () => {
    const session = await as(clerk);
    await session.post('/demands', validForm({ title: '翻页测试甲' }));
    await session.post('/demands', validForm({ title: '翻页测试乙' }));
    const first = await session.agent.get('/demands?q=翻页测试&sort=title');
    expect(first.text).toContain('<span class="muted">（2）</span>');
    const past = await session.agent.get('/demands?q=翻页测试&sort=title&page=99');
    expect(past.status).toBe(200);
    const empty = /<div class="empty" id="page-past-end">([\s\S]*?)<\/div>/.exec(past.text);
    const q = encodeURIComponent('翻页测试');
    expect(empty?.[1]).toBe(
      // "=" escaped by Handlebars
      `第 99 页没有记录，<a href="/demands?q&#x3D;${q}&amp;sort&#x3D;title&amp;page&#x3D;1" rel="first">返回第 1 页</a>`,
    );
    const back = await session.agent.get(`/demands?q=${q}&sort=title&page=1`);
    expect([...back.text.matchAll(/>(翻页测试.)<\/a>/g)].map((match) => match[1])).toEqual([
      '翻页测试乙',
      '翻页测试甲',
    ]);
    expect(past.text).not.toContain('没有符合条件的改革需求');
    // The page's count is 0 past the end: no misleading (0) beside the title.
    expect(past.text).not.toContain('（0）');
    const nothing = await session.agent.get('/demands?q=没有这样的需求');
    expect(nothing.text).toContain('没有符合条件的改革需求');
    expect(nothing.text).not.toContain('page-past-end');
  });
});
