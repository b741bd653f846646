import { Clock } from '../../src/common/time/clock.js';
import { RiskService } from '../../src/risk/risk.service.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Risk events (改革风险) (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let reporter: TestUser;
  let reporterReviewer: TestUser;
  let office: TestUser;
  let districtClerk: TestUser;
  let otherDistrictClerk: TestUser;
  let nonReporter: TestUser;
  let tongnan: number;
  let wulong: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const file = async (
    levelCode: string,
    occurredOn = '2026-03-05',
    options: { involvedUnitId?: number; details?: string; submit?: boolean } = {},
  ) => {
    const response = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn,
      levelCode,
      involvedUnitId: String(options.involvedUnitId ?? tongnan),
      details: options.details ?? '因改革引发的事件',
      submit: options.submit === false ? '0' : '1',
    });
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const approve = async (id: string) => {
    expect(
      (
        await (
          await as(reporterReviewer)
        ).htmx('post', `/records/${id}/transitions`, { action: 'pass' })
      ).status,
    ).toBe(200);
    expect(
      (await (await as(office)).htmx('post', `/records/${id}/transitions`, { action: 'confirm' }))
        .status,
    ).toBe(200);
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    reporter = await createUser(testApp.dataSource, { unitCode: '市委网信办', roles: ['entry'] });
    reporterReviewer = await createUser(testApp.dataSource, {
      unitCode: '市委网信办',
      roles: ['reviewer'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    districtClerk = await createUser(testApp.dataSource, { unitCode: 'tongnan', roles: ['entry'] });
    otherDistrictClerk = await createUser(testApp.dataSource, {
      unitCode: 'wulong',
      roles: ['entry'],
    });
    nonReporter = await createUser(testApp.dataSource, { unitCode: '市教委', roles: ['entry'] });
    tongnan = await unitIdByCode(testApp.dataSource, 'tongnan');
    wulong = await unitIdByCode(testApp.dataSource, 'wulong');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse risk events from units that are not risk reporters', async () => {
    expect((await (await as(nonReporter)).agent.get('/risk/new')).status).toBe(403);
    const refused = await (
      await as(nonReporter)
    ).post('/risk', {
      occurredOn: '2026-03-05',
      levelCode: 'incident_major',
      involvedUnitId: String(tongnan),
      details: 'x',
    });
    expect(refused.status).toBe(404);
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM risk_events`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should report the form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
    // No 详情 (refused by the DTO) with a date after today and no valid district (the rules).
    const refused = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn: '2026-12-01',
      levelCode: 'incident_major',
      involvedUnitId: '999999',
      details: '',
      submit: '1',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'details')).toBe('请填写详情');
    expect(fieldError(refused.text, 'occurredOn')).toBe('请填写有效的发生时间（不晚于今天）');
    expect(fieldError(refused.text, 'involvedUnitId')).toBe('请选择涉及区县');
    expect(fieldError(refused.text, 'levelCode')).toBeUndefined();
    expect(refused.text).toContain('value="2026-12-01"');
    expect(refused.text).toMatch(/value="incident_major" selected/);
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM risk_events`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should store the deduction in force at approval; later changes are not applied back', async () => {
    const first = await file('incident_major');
    await approve(first);
    // The office raises the value: the approved event keeps 5, a later one gets 6.
    expect(
      (await (await as(office)).post('/risk/deductions/incident_major', { points: '6' })).status,
    ).toBe(303);
    const second = await file('incident_major', '2026-04-01');
    await approve(second);
    const pending = await file('negative_opinion', '2026-04-02');
    const rows = await testApp.dataSource.query<{ id: string; deduction_applied: string | null }[]>(
      `SELECT id, deduction_applied::text FROM risk_events WHERE id = ANY($1::uuid[])`,
      [[first, second, pending]],
    );
    const byId = new Map(rows.map((row) => [row.id, row.deduction_applied]));
    expect([byId.get(first), byId.get(second), byId.get(pending)]).toEqual(['5.00', '6.00', null]);
    // Per district: 5 + 6 = 11 over the two approved events; the pending one is not counted.
    const totals = await testApp.app
      .get(RiskService)
      .deductionsByDistrict('2026-01-01', '2026-12-31');
    expect(totals.find((row) => row.unitId === tongnan)).toEqual({
      unitId: tongnan,
      events: 2,
      deduction: 11,
    });
  });

  it('should let the involved district read approved events, and no other district', async () => {
    const page = await (await as(districtClerk)).agent.get('/risk');
    expect(page.text).toContain('群体性事件（重大）');
    expect((await (await as(otherDistrictClerk)).agent.get('/risk')).text).toContain(
      '暂无风险事件',
    );
    const id = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM risk_events WHERE deduction_applied IS NOT NULL LIMIT 1`,
      )
    )[0].id;
    expect((await (await as(districtClerk)).agent.get(`/risk/${id}`)).status).toBe(200);
    expect((await (await as(otherDistrictClerk)).agent.get(`/risk/${id}`)).status).toBe(404);
  });

  const exportOf = async (user: TestUser, query = '') => {
    const response = await (
      await as(user)
    ).agent
      .get(`/risk/export${query}`)
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    return { response, sheet: await readSheet(response.body as Buffer) };
  };
  const rowIds = (html: string) =>
    [...html.matchAll(/<tr id="risk-([0-9a-f-]{36})"/g)].map((m) => m[1]);

  it('should narrow the ledger by involved district, type and level and 发生时间, with the total', async () => {
    const wulongEvent = await file('incident_larger', '2026-05-10', {
      involvedUnitId: wulong,
      details: '武隆区改革引发的较大群体性事件',
    });
    await approve(wulongEvent);
    const office_ = await as(office);
    const all = (await office_.agent.get('/risk')).text;
    expect(rowIds(all)).toHaveLength(3);
    expect(all).toContain('（3）');

    const byDistrict = await office_.agent.get(`/risk?unit=${wulong}`);
    expect(rowIds(byDistrict.text)).toEqual([wulongEvent]);
    expect(byDistrict.text).toContain('（1）');
    expect(byDistrict.text).toContain(`<option value="${wulong}" selected>武隆区</option>`);
    expect(byDistrict.text).toContain(`href="/risk/export?unit&#x3D;${wulong}"`);

    const byLevel = await office_.agent.get('/risk?level=incident_major');
    expect(rowIds(byLevel.text)).toHaveLength(2);
    expect(byLevel.text).not.toContain(`risk-${wulongEvent}`);

    const byDates = await office_.agent.get('/risk?from=2026-03-06&to=2026-05-10');
    expect(byDates.text).toContain('（2）');
    expect(byDates.text).toContain('2026-04-01');
    expect(byDates.text).toContain('2026-05-10');
    expect(byDates.text).not.toContain('2026-03-05');

    const none = await office_.agent.get(`/risk?unit=${wulong}&level=incident_major`);
    expect(rowIds(none.text)).toEqual([]);
    expect(none.text).toContain('没有符合条件的风险事件');
  });

  it('should show the reporter its own draft and pending events, filterable by state, and no one else', async () => {
    const draft = await file('incident_extreme', '2026-06-01', {
      details: '尚未上报的草稿',
      submit: false,
    });
    const ledger = (await (await as(reporter)).agent.get('/risk')).text;
    expect(ledger).toContain(`id="risk-${draft}"`);
    expect(ledger).toContain('<span class="state state-draft">草稿</span>');
    expect(ledger).toContain('<select name="state">');
    const drafts = (await (await as(reporter)).agent.get('/risk?state=draft')).text;
    expect(rowIds(drafts)).toEqual([draft]);
    const pending = (await (await as(reporter)).agent.get('/risk?state=pending')).text;
    expect(rowIds(pending)).toHaveLength(1);
    // The involved district sees approved events only, whatever state it asks for.
    const district = (await (await as(districtClerk)).agent.get('/risk?state=draft')).text;
    expect(district).not.toContain('<select name="state">');
    expect(district).not.toContain(`risk-${draft}`);
    expect(rowIds(district)).toHaveLength(0);
    expect(rowIds((await (await as(districtClerk)).agent.get('/risk')).text)).toHaveLength(2);
  });

  it('should export to a district user only the approved events involving its district', async () => {
    const { response, sheet } = await exportOf(districtClerk);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('改革风险台账-2026-11-20.xlsx')}`,
    );
    expect(sheet.name).toBe('改革风险台账');
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.rows[0]).toEqual([
      '发生时间',
      '类型',
      '等级',
      '涉及区县/项目',
      '详情',
      '上报单位',
      '扣分',
      '状态',
    ]);
    expect(sheet.rows.slice(1)).toEqual([
      [
        new Date('2026-04-01T00:00:00Z'),
        '群体性事件',
        '重大',
        '潼南区',
        '因改革引发的事件',
        '市委网信办',
        6,
        '已通过',
      ],
      [
        new Date('2026-03-05T00:00:00Z'),
        '群体性事件',
        '重大',
        '潼南区',
        '因改革引发的事件',
        '市委网信办',
        5,
        '已通过',
      ],
    ]);
    // Asking for another district's events or for drafts gives nothing more.
    expect((await exportOf(districtClerk, `?unit=${wulong}`)).sheet.rows).toHaveLength(1);
    expect((await exportOf(districtClerk, '?state=draft')).sheet.rows).toHaveLength(1);
    expect((await exportOf(otherDistrictClerk)).sheet.rows.slice(1)).toEqual([
      [
        new Date('2026-05-10T00:00:00Z'),
        '群体性事件',
        '较大',
        '武隆区',
        '武隆区改革引发的较大群体性事件',
        '市委网信办',
        3,
        '已通过',
      ],
    ]);
  });

  it('should export the reporter its events in any state, with no deduction before approval', async () => {
    const { sheet } = await exportOf(reporter, `?unit=${tongnan}&from=2026-04-02`);
    expect(sheet.rows.slice(1)).toEqual([
      [
        new Date('2026-06-01T00:00:00Z'),
        '群体性事件',
        '特别重大',
        '潼南区',
        '尚未上报的草稿',
        '市委网信办',
        null,
        '草稿',
      ],
      [
        new Date('2026-04-02T00:00:00Z'),
        '重大负面网络舆情',
        null,
        '潼南区',
        '因改革引发的事件',
        '市委网信办',
        null,
        '审核中',
      ],
    ]);
  });

  it('should page the ledger 20 rows at a time, keeping the filters in the links', async () => {
    for (let day = 1; day <= 20; day += 1) {
      await file('negative_opinion', `2026-07-${String(day).padStart(2, '0')}`, { submit: false });
    }
    const first = (await (await as(reporter)).agent.get('/risk?state=draft')).text;
    expect(rowIds(first)).toHaveLength(20);
    expect(first).toContain('共 21 条，第 1 / 2 页');
    expect(first).toContain('href="/risk?state&#x3D;draft&amp;page&#x3D;2"');
    const second = (await (await as(reporter)).agent.get('/risk?state=draft&page=2')).text;
    expect(rowIds(second)).toHaveLength(1);
    expect(second).toContain('共 21 条，第 2 / 2 页');
    expect(second).toContain('>2026-06-01</a>');
    // The export is not paged.
    expect((await exportOf(reporter, '?state=draft')).sheet.rows).toHaveLength(22);
  });

  it('should record an event involving a major project: its responsible unit reads it, districts do not, and district deductions leave it out', async () => {
    const departmentClerk = await createUser(testApp.dataSource, {
      unitCode: '市大数据发展局',
      roles: ['entry'],
    });
    const [project] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO major_projects (name, domain_id, responsible_unit_id, lead_leader, plan_year, map_lineage_id, created_by)
       SELECT '数字重庆建设改革', (SELECT id FROM dictionary_items WHERE kind = 'domain' LIMIT 1), u.id, '王副市长', 2026, gen_random_uuid(), $1
         FROM units u WHERE u.name = '市大数据发展局' RETURNING id`,
      [office.id],
    );
    const noProject = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn: '2026-04-01',
      levelCode: 'negative_opinion',
      involvedKind: 'project',
      details: '网络舆情',
      submit: '1',
    });
    expect(noProject.status).toBe(422);
    expect(noProject.text).toContain('请选择涉及的市级重大改革项目');
    const created = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn: '2026-04-01',
      levelCode: 'negative_opinion',
      involvedKind: 'project',
      involvedProjectId: project.id,
      details: '数据开放引发的网络舆情',
      submit: '1',
    });
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    const before = await testApp.app
      .get(RiskService)
      .deductionsByDistrict('2026-01-01', '2026-12-31');
    await approve(id);
    const page = await (await as(departmentClerk)).agent.get(`/risk/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('涉及项目');
    expect(page.text).toContain('数字重庆建设改革');
    expect((await (await as(districtClerk)).agent.get(`/risk/${id}`)).status).toBe(404);
    const filtered = await (await as(office)).agent.get(`/risk?project=${project.id}`);
    expect(rowIds(filtered.text)).toEqual([id]);
    const after = await testApp.app
      .get(RiskService)
      .deductionsByDistrict('2026-01-01', '2026-12-31');
    expect(after).toEqual(before);
  });
});
