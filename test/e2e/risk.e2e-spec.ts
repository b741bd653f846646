import { RiskService } from '../../src/risk/risk.service.js';
import { login, type HttpSession } from '../helpers/http-session.js';
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

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const file = async (levelCode: string, occurredOn = '2026-03-05') => {
    const response = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn,
      levelCode,
      involvedUnitId: String(tongnan),
      details: '因改革引发的事件',
      submit: '1',
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
});
