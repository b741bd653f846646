import { PilotStreamsService } from '../../src/pilots/pilot-streams.service.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Reform pilots (改革试点): dedup, confirmation, streams, counting (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let cast: Record<
    | 'clerkA'
    | 'reviewerA'
    | 'clerkB'
    | 'reviewerB'
    | 'clerkC'
    | 'deptClerk'
    | 'otherDeptClerk'
    | 'office',
    TestUser
  >;
  let units: { a: number; b: number; c: number; dept: number; otherDept: number };
  let domainId: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const pilotForm = (overrides: Record<string, string | string[]> = {}) => ({
    name: '开展科技人才评价改革试点',
    level: 'national',
    documentTitle: '关于开展科技人才评价改革试点的工作方案',
    documentNumber: '渝委办发〔2016〕58号',
    issuer: '中央深改委',
    deployedOn: '2021-06-22',
    competentUnitId: String(units.dept),
    involvedUnitIds: [] as string[],
    acceptanceDue: '2026-06-30',
    domainId: String(domainId),
    documentClassified: 'on',
    ...overrides,
  });
  const idFrom = (location: unknown) => String(location).split('/').pop()!;
  const act = async (user: TestUser, id: string, action: string) =>
    (await as(user)).htmx('post', `/records/${id}/transitions`, { action });

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    cast = {
      clerkA: await createUser(ds, { unitCode: 'shapingba', roles: ['entry'] }),
      reviewerA: await createUser(ds, { unitCode: 'shapingba', roles: ['reviewer'] }),
      clerkB: await createUser(ds, { unitCode: 'jiulongpo', roles: ['entry'] }),
      reviewerB: await createUser(ds, { unitCode: 'jiulongpo', roles: ['reviewer'] }),
      clerkC: await createUser(ds, { unitCode: 'beibei', roles: ['entry'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      otherDeptClerk: await createUser(ds, { unitCode: '市教委', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
    };
    units = {
      a: await unitIdByCode(ds, 'shapingba'),
      b: await unitIdByCode(ds, 'jiulongpo'),
      c: await unitIdByCode(ds, 'beibei'),
      dept: await unitIdByCode(ds, '市科技局'),
      otherDept: await unitIdByCode(ds, '市教委'),
    };
    domainId = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND code = 'economy'`,
      )
    )[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse a second pilot with the same 文号 in any spelling, naming the first', async () => {
    const created = await (await as(cast.clerkA)).post('/pilots', pilotForm());
    expect(created.status).toBe(303);
    for (const spelling of [
      '渝委办发[2016]58号',
      '渝委办发【2016】 58 号',
      '渝委办发［２０１６］５８号',
    ]) {
      const duplicate = await (
        await as(cast.clerkB)
      ).post('/pilots', pilotForm({ name: '另一个名称', documentNumber: spelling }));
      expect(duplicate.status).toBe(422);
      expect(duplicate.text).toContain('沙坪坝区创建');
      expect(duplicate.text).toContain('开展科技人才评价改革试点');
      expect(duplicate.text).toContain('请联系试点主管部门修改');
      expect(duplicate.text).toContain('value="另一个名称"');
    }
    const count = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pilots`,
    );
    expect(count[0].count).toBe(1);
  });

  it('should report the form errors and the rule errors of a pilot at once, each next to its field, keeping what was typed', async () => {
    // No 试点名称 (refused by the DTO) with 应验收时间 before 部署时间 and a 文号 another district
    // already created (the service's rules).
    const refused = await (
      await as(cast.clerkB)
    ).post(
      '/pilots',
      pilotForm({ name: '', documentNumber: '渝委办发[2016]58号', acceptanceDue: '2020-01-01' }),
    );
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'name')).toBe('请填写试点名称');
    expect(fieldError(refused.text, 'acceptanceDue')).toBe('应验收时间不能早于部署时间');
    expect(fieldError(refused.text, 'documentNumber')).toContain('已由沙坪坝区创建');
    expect(refused.text).toContain('value="渝委办发[2016]58号"');
    expect(refused.text).toContain('value="2020-01-01"');
    expect(refused.text).toContain('value="关于开展科技人才评价改革试点的工作方案"');

    // A 部署时间 the DTO refuses is not compared with 应验收时间.
    const badDate = await (
      await as(cast.clerkB)
    ).post(
      '/pilots',
      pilotForm({
        documentNumber: '渝府发〔2099〕1号',
        deployedOn: '2021/06/22',
        acceptanceDue: '2020-01-01',
      }),
    );
    expect(badDate.status).toBe(422);
    expect(fieldError(badDate.text, 'deployedOn')).toBe('请填写部署时间（年-月-日）');
    expect(fieldError(badDate.text, 'acceptanceDue')).toBeUndefined();
    const count = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pilots`,
    );
    expect(count[0].count).toBe(1);
  });

  it('should require the deploying document PDF unless it is marked classified', async () => {
    const response = await (
      await as(cast.clerkA)
    ).post(
      '/pilots',
      pilotForm({ documentNumber: '渝府发〔2022〕1号', documentClassified: '', submit: '1' }),
    );
    expect(response.status).toBe(422);
    expect(response.text).toContain('请上传部署文件的 PDF 扫描件');
  });

  it('should let only the competent department confirm; its added district gets a stream and sees the pilot', async () => {
    const created = await (
      await as(cast.clerkA)
    ).post(
      '/pilots',
      pilotForm({ documentNumber: '国办发〔2021〕7号', name: '营商环境创新试点', submit: '1' }),
    );
    const id = idFrom(created.headers.location);
    expect((await act(cast.reviewerA, id, 'pass')).status).toBe(200);

    // Not the competent department: refused, nothing changes.
    const foreign = await (
      await as(cast.otherDeptClerk)
    ).post(`/pilots/${id}/confirmation`, { involvedUnitIds: [String(units.b)] });
    expect(foreign.status).toBe(404);
    expect((await act(cast.office, id, 'confirm')).status).toBe(409);
    // Before confirmation district B cannot see it.
    expect((await (await as(cast.clerkB)).agent.get(`/pilots/${id}`)).status).toBe(404);

    const page = await (await as(cast.deptClerk)).agent.get(`/pilots/${id}`);
    expect(page.text).toContain('主管部门确认分发');
    const confirmed = await (
      await as(cast.deptClerk)
    ).post(`/pilots/${id}/confirmation`, { involvedUnitIds: [String(units.b)] });
    expect(confirmed.status).toBe(303);
    const streams = await testApp.dataSource.query<{ unit_id: number }[]>(
      `SELECT unit_id FROM pilot_streams WHERE pilot_lineage_id = $1 ORDER BY unit_id`,
      [id],
    );
    expect(streams.map((stream) => stream.unit_id)).toEqual(
      [units.a, units.b].sort((x, y) => x - y),
    );
    for (const clerk of [cast.clerkA, cast.clerkB]) {
      const ledger = await (await as(clerk)).agent.get('/pilots');
      expect(ledger.text).toContain('营商环境创新试点');
    }
    expect((await (await as(cast.clerkB)).agent.get(`/pilots/${id}`)).status).toBe(200);
    expect((await (await as(cast.clerkC)).agent.get('/pilots')).text).not.toContain(
      '营商环境创新试点',
    );
    expect((await (await as(cast.clerkC)).agent.get(`/pilots/${id}`)).status).toBe(404);
  });

  it('should run progress through district reviewer, competent department and office, and record acceptance', async () => {
    const created = await (
      await as(cast.clerkB)
    ).post(
      '/pilots',
      pilotForm({ documentNumber: '渝科发〔2022〕3号', name: '科技成果转化试点', submit: '1' }),
    );
    const pilotId = idFrom(created.headers.location);
    await act(cast.reviewerB, pilotId, 'pass');
    await (await as(cast.deptClerk)).post(`/pilots/${pilotId}/confirmation`, {});
    const stream = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`,
        [pilotId],
      )
    )[0].id;

    // The other district cannot see this stream.
    expect((await (await as(cast.clerkA)).agent.get(`/pilot-streams/${stream}`)).status).toBe(404);
    const filed = await (
      await as(cast.clerkB)
    ).post(`/pilot-streams/${stream}/progress`, {
      status: 'completed',
      workDone: '1.出台《科技成果转化办法》，实现成果转化收益分配改革。',
      submit: '1',
    });
    expect(filed.status).toBe(303);
    const progressId = idFrom(filed.headers.location);
    expect((await act(cast.reviewerB, progressId, 'pass')).status).toBe(200);
    expect((await act(cast.office, progressId, 'confirm')).status).toBe(409);
    expect((await act(cast.deptClerk, progressId, 'pass')).status).toBe(200);
    expect((await act(cast.office, progressId, 'confirm')).status).toBe(200);
    const streamRow = await testApp.dataSource.query<{ latest_status: string }[]>(
      `SELECT latest_status FROM pilot_streams WHERE id = $1`,
      [stream],
    );
    expect(streamRow[0].latest_status).toBe('completed');

    // Acceptance: only the competent department.
    expect(
      (
        await (
          await as(cast.clerkB)
        ).post(`/pilot-streams/${stream}/acceptance`, { acceptedOn: '2026-05-01' })
      ).status,
    ).toBe(404);
    expect(
      (
        await (
          await as(cast.deptClerk)
        ).post(`/pilot-streams/${stream}/acceptance`, { acceptedOn: '2026-05-01' })
      ).status,
    ).toBe(303);
    const page = await (await as(cast.clerkB)).agent.get(`/pilot-streams/${stream}`);
    expect(page.text).toContain('2026-05-01');
  });

  it('should report the form error and the submit rule of a progress filing at once, keeping what was typed', async () => {
    const stream = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT s.id FROM pilot_streams s JOIN pilots p ON p.lineage_id = s.pilot_lineage_id
          WHERE p.name = '科技成果转化试点' AND s.unit_id = $1`,
        [units.b],
      )
    )[0].id;
    const before = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pilot_progress`,
    );
    // No 推进状态 (refused by the DTO), submitted without 已开展工作 (the submit rule).
    const refused = await (
      await as(cast.clerkB)
    ).post(`/pilot-streams/${stream}/progress`, {
      status: '',
      workDone: '',
      problems: '配套资金尚未到位',
      submit: '1',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'status')).toBe('请选择推进状态');
    expect(fieldError(refused.text, 'workDone')).toBe('上报前请填写已开展工作');
    expect(refused.text).toContain('配套资金尚未到位');
    const after = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pilot_progress`,
    );
    expect(after[0].count).toBe(before[0].count);
  });

  it('should count pilots per district with the 2017-10-18 boundary, city-wide exclusion and on-time acceptance', async () => {
    const clerk = await createUser(testApp.dataSource, { unitCode: 'rongchang', roles: ['entry'] });
    const reviewer = await createUser(testApp.dataSource, {
      unitCode: 'rongchang',
      roles: ['reviewer'],
    });
    const rongchang = await unitIdByCode(testApp.dataSource, 'rongchang');
    const confirmPilot = async (overrides: Record<string, string>) => {
      const response = await (
        await as(clerk)
      ).post('/pilots', pilotForm({ submit: '1', ...overrides }));
      expect(response.status).toBe(303);
      const id = idFrom(response.headers.location);
      await act(reviewer, id, 'pass');
      await (await as(cast.deptClerk)).post(`/pilots/${id}/confirmation`, {});
      return id;
    };
    await confirmPilot({
      documentNumber: '荣1号',
      name: '边界当日',
      level: 'national',
      deployedOn: '2017-10-18',
      finished: 'on',
      acceptanceDue: '2026-03-31',
    });
    await confirmPilot({
      documentNumber: '荣2号',
      name: '边界前一日已完成',
      deployedOn: '2017-10-17',
      finished: 'on',
      acceptanceDue: '2018-12-31',
    });
    await confirmPilot({
      documentNumber: '荣3号',
      name: '十九大前仍在推进',
      level: 'municipal',
      deployedOn: '2016-05-01',
      acceptanceDue: '2027-12-31',
    });
    await confirmPilot({
      documentNumber: '荣4号',
      name: '全市开展',
      level: 'municipal',
      deployedOn: '2022-01-01',
      citywide: 'on',
      acceptanceDue: '2026-01-31',
    });
    const unconfirmed = await (
      await as(clerk)
    ).post('/pilots', pilotForm({ documentNumber: '荣5号', name: '未确认', submit: '1' }));
    expect(unconfirmed.status).toBe(303);

    // Accept the 2017-10-18 pilot on its due date (on time).
    const stream = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT s.id FROM pilot_streams s JOIN pilots p ON p.lineage_id = s.pilot_lineage_id WHERE p.name = '边界当日' AND s.unit_id = $1`,
        [rongchang],
      )
    )[0].id;
    await (
      await as(cast.deptClerk)
    ).post(`/pilot-streams/${stream}/acceptance`, { acceptedOn: '2026-03-31' });

    const counts = await testApp.app.get(PilotStreamsService).countsByDistrict('2026-09-30');
    const row = counts.find((entry) => entry.unitId === rongchang)!;
    // Counted: 边界当日 (national), 十九大前仍在推进 (municipal). Not: 边界前一日已完成, 全市开展, 未确认.
    // Due by 2026-09-30 among counted: 边界当日 (due 2026-03-31, accepted 2026-03-31: on time).
    expect(row).toMatchObject({
      unitId: rongchang,
      unitName: '荣昌区',
      national: 1,
      municipal: 1,
      due: 1,
      acceptedOnTime: 1,
      acceptanceRate: 1,
    });
    // The pilots behind the numbers, for a report's detail page.
    expect(row.pilots.map((pilot) => pilot.name)).toContain('边界当日');
    expect(row.pilots).toHaveLength(2);
    const none = counts.find((entry) => entry.unitId === units.c)!;
    expect(none).toMatchObject({ national: 0, municipal: 0, due: 0, acceptanceRate: 1 });
  });

  it('should list approved achievements in the 试点成果台账 and its Excel, not to districts outside the pilot', async () => {
    const created = await (
      await as(cast.clerkA)
    ).post(
      '/pilots',
      pilotForm({ documentNumber: '渝府办发〔2023〕9号', name: '长江生态检察试点', submit: '1' }),
    );
    const pilotId = idFrom(created.headers.location);
    await act(cast.reviewerA, pilotId, 'pass');
    await (await as(cast.deptClerk)).post(`/pilots/${pilotId}/confirmation`, {});
    const stream = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`,
        [pilotId],
      )
    )[0].id;
    const missing = await (
      await as(cast.clerkA)
    ).post(`/pilot-streams/${stream}/achievements`, { name: '', problemsSolved: '', effects: '' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('请填写成果名称');
    const filed = await (
      await as(cast.clerkA)
    ).post(`/pilot-streams/${stream}/achievements`, {
      name: '建立长江生态检察官制度',
      problemsSolved: '1. 检察职能分散。',
      effects: '=1+1 联合挂牌督办案件20余件。',
      submit: '1',
    });
    const achievementId = idFrom(filed.headers.location);
    await act(cast.reviewerA, achievementId, 'pass');
    await act(cast.deptClerk, achievementId, 'pass');
    expect((await act(cast.office, achievementId, 'confirm')).status).toBe(200);

    expect(
      (await (await as(cast.office)).agent.get('/pilot-filings?kind=achievement')).text,
    ).toContain('建立长江生态检察官制度');
    expect(
      (await (await as(cast.clerkC)).agent.get('/pilot-filings?kind=achievement')).text,
    ).not.toContain('建立长江生态检察官制度');
    const excel = await (
      await as(cast.office)
    ).agent
      .get('/pilot-filings/export?kind=achievement&q=长江')
      .buffer(true)
      .parse(binaryParser);
    const sheet = await readSheet(excel.body as Buffer);
    expect(sheet.hasFormula).toBe(false);
    expect(sheet.rows.slice(1).map((row) => row.slice(0, 6))).toEqual([
      [
        '长江生态检察试点',
        '沙坪坝区',
        '建立长江生态检察官制度',
        '1. 检察职能分散。',
        `'=1+1 联合挂牌督办案件20余件。`,
        '已通过',
      ],
    ]);
  });
});
