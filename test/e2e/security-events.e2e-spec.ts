import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { AccessRefusals } from '../../src/audit/access-refusals.js';
import { AUDIT_ACTION_LABELS } from '../../src/audit/audit-actions.js';
import { anonymousSession, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import { binaryParser } from '../helpers/excel.js';
import type { IndicatorSystemDefinition } from '../../src/scoring/calculation/indicator-system.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

interface AuditRow {
  id: string;
  action: string;
  result: string;
  actor_id: string | null;
  actor_name: string | null;
  target_label: string | null;
  detail: Record<string, unknown> | null;
  request_id: string | null;
}

/** Security events of 等保 L3 in the audit log (issue 18 item 3), through the real app. */
describe('Security events in the audit log (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let office: TestUser;
  let admin: TestUser;
  let auditor: TestUser;
  let clerkSession: HttpSession;

  const rows = (action: string, since: string): Promise<AuditRow[]> =>
    testApp.dataSource.query(
      `SELECT id::text, action, result, actor_id::text, actor_name, target_label, detail, request_id
         FROM audit_log WHERE action = $1 AND id > $2::bigint ORDER BY id`,
      [action, since],
    );

  const lastId = async (): Promise<string> =>
    (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT coalesce(max(id), 0)::text AS id FROM audit_log`,
      )
    )[0].id;

  /** Rows written after the answer was sent (the export's) may land a moment later. */
  async function eventually(action: string, since: string): Promise<AuditRow[]> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const found = await rows(action, since);
      if (found.length > 0) {
        return found;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [];
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    admin = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['admin'] });
    auditor = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['auditor'] });
    clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should give every answer a request id that the error page shows and the audit row keeps', async () => {
    const since = await lastId();
    const session = await anonymousSession(testApp.server);
    const loggedIn = await session.post('/login', {
      mobile: clerk.mobile,
      password: clerk.password,
    });
    expect(loggedIn.status).toBe(303);
    const loginId = loggedIn.headers['x-request-id'];
    expect(loginId).toMatch(/^[0-9a-f-]{36}$/);
    const [loginRow] = await rows('login', since);
    expect(loginRow.request_id).toBe(loginId);

    const missing = await clerkSession.agent.get(`/demands/${randomUUID()}`);
    expect(missing.status).toBe(404);
    const missingId = missing.headers['x-request-id'];
    expect(missing.text).toContain(`错误编号：${missingId}`);
    const refused = await clerkSession.agent.get('/admin/users');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(`错误编号：${refused.headers['x-request-id']}`);
    expect(refused.headers['x-request-id']).not.toBe(missingId);
  });

  it('should count refused requests per user, route and minute: one audit row with the count', async () => {
    const refusals = testApp.app.get(AccessRefusals);
    const inAMinute = () => new Date(Date.now() + 61_000);
    await refusals.flush(inAMinute()); // the refusals of the test before
    const since = await lastId();
    for (let i = 0; i < 3; i += 1) {
      expect((await clerkSession.agent.get('/admin/users')).status).toBe(403);
    }
    for (let i = 0; i < 2; i += 1) {
      expect((await clerkSession.agent.get(`/demands/${randomUUID()}`)).status).toBe(404);
    }
    // An unknown URL is not a scope refusal.
    expect((await clerkSession.agent.get('/no-such-page')).status).toBe(404);
    // Nothing in the log until the minute is over (the counter is in PostgreSQL, not in memory).
    expect(await rows('access_denied', since)).toEqual([]);
    const counters = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count FROM audit_access_refusals WHERE actor_id = $1 ORDER BY route`,
      [clerk.id],
    );
    expect(counters.map((row) => row.count)).toEqual([3, 2]);

    // Two instances flushing at once write each minute once.
    const flushed = await Promise.all([refusals.flush(inAMinute()), refusals.flush(inAMinute())]);
    expect(flushed[0] + flushed[1]).toBeGreaterThanOrEqual(2);
    const logged = (await rows('access_denied', since)).filter((row) => row.actor_id === clerk.id);
    expect(
      logged.map((row) => ({
        label: row.target_label,
        status: row.detail?.status,
        count: row.detail?.count,
      })),
    ).toEqual([
      { label: 'GET /admin/users', status: 403, count: 3 },
      { label: 'GET /demands/:id', status: 404, count: 2 },
    ]);
    expect(logged.every((row) => row.result === 'failure' && row.actor_name === clerk.name)).toBe(
      true,
    );
    expect(logged[0].request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await refusals.flush(inAMinute())).toBe(0);

    const auditorSession = await login(testApp.server, auditor.mobile, auditor.password);
    const page = await auditorSession.agent.get(`/audit?user=${clerk.mobile}&action=access_denied`);
    expect(page.text).toContain(AUDIT_ACTION_LABELS.access_denied);
    expect(page.text).toContain('次数：3 次');
  });

  it('should count CSRF refusals the same way', async () => {
    const since = await lastId();
    const noToken = await clerkSession.agent.post('/logout').type('form').send({});
    expect(noToken.status).toBe(403);
    const wrongToken = await clerkSession.agent
      .post('/logout')
      .type('form')
      .send({ _csrf: 'forged' });
    expect(wrongToken.status).toBe(403);
    await testApp.app.get(AccessRefusals).flush(new Date(Date.now() + 61_000));
    const logged = (await rows('csrf_rejected', since)).filter((row) => row.actor_id === clerk.id);
    expect(logged.map((row) => [row.target_label, row.detail?.count])).toEqual([
      ['POST /logout', 2],
    ]);
  });

  it('should record an Excel export with its filters and the rows written', async () => {
    const since = await lastId();
    const session = await login(testApp.server, office.mobile, office.password);
    const response = await session.agent
      .get('/demands/export?state=approved&q=%E6%B5%8B%E8%AF%95')
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    const [row] = await eventually('excel_exported', since);
    expect(row.actor_id).toBe(office.id);
    expect(row.detail).toMatchObject({
      rows: expect.any(Number),
      filters: 'state=approved&q=测试',
    });
    expect(String(row.detail?.file)).toMatch(/^改革需求台账-.*\.xlsx$/);
    expect(row.request_id).toBe(response.headers['x-request-id']);
  });

  it('should record an attachment upload and download with file, size and SHA-256', async () => {
    const since = await lastId();
    const uploaded = await clerkSession.agent
      .post('/attachments?field=evidence')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', clerkSession.csrfToken)
      .attach('upload_evidence', PDF, '佐证.pdf');
    expect(uploaded.status).toBe(200);
    const id = /name="evidence" value="([0-9a-f-]{36})"/.exec(uploaded.text)![1];
    const download = await clerkSession.agent.get(`/attachments/${id}`).buffer(true);
    expect(download.status).toBe(200);
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    const [up] = await rows('attachment_uploaded', since);
    expect(up.detail).toEqual({ file: '佐证.pdf', size: PDF.length, sha256 });
    const [down] = await rows('attachment_downloaded', since);
    expect(down.detail).toEqual({ file: '佐证.pdf', records: [], size: PDF.length, sha256 });
    expect(down.actor_id).toBe(clerk.id);
  });

  it('should record before and after of deduction values, band settings, indicator systems, dictionaries and units', async () => {
    const since = await lastId();
    const officeSession = await login(testApp.server, office.mobile, office.password);
    const adminSession = await login(testApp.server, admin.mobile, admin.password);

    // 扣分: a risk level's deduction.
    const before = await testApp.dataSource.query<{ points: string }[]>(
      `SELECT points FROM risk_deductions WHERE level_code = 'incident_major'`,
    );
    expect(
      (await officeSession.post('/risk/deductions/incident_major', { points: '6' })).status,
    ).toBe(303);
    const [deduction] = await rows('deduction_updated', since);
    expect(deduction.detail).toEqual({ points: [Number(before[0].points), 6] });

    // 五色图 settings.
    const names = ['第一档', '第二档', '第三档', '第四档', '第五档'];
    const bands = await officeSession.post('/indicator-systems/bands', {
      kind: 'district',
      mode: 'score_threshold',
      ...Object.fromEntries(
        names.flatMap((name, i) => [
          [`band-${i}-name`, name],
          [`band-${i}-color`, ['#D7191C', '#fdae61', '#ffd84d', '#1a9641', '#2c7bb6'][i]],
          [`band-${i}-min`, ['90', '80', '70', '60', '0'][i]],
        ]),
      ),
    });
    expect(bands.status).toBe(303);
    const [band] = await rows('band_settings_update', since);
    expect(band.detail).toMatchObject({
      before: { mode: 'rank_quintile' },
      after: {
        mode: 'score_threshold',
        bands: expect.arrayContaining([expect.objectContaining({ name: '第一档' })]),
      },
    });

    // 指标体系: a draft's points.
    const draft = await officeSession.post('/indicator-systems/drafts', { kind: 'district' });
    expect(draft.status).toBe(303);
    const draftId = /\/(\d+)$/.exec(draft.headers.location)![1];
    const [{ definition }] = await testApp.dataSource.query<
      { definition: IndicatorSystemDefinition }[]
    >(`SELECT definition FROM indicator_systems WHERE id = $1`, [draftId]);
    const page = await officeSession.agent.get(`/indicator-systems/${draftId}`);
    const fields = Object.fromEntries(
      [...page.text.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    for (const match of page.text.matchAll(
      /<select name="(ind-[a-z_]+-window)"[^>]*>[\s\S]*?<option value="([a-z_]+)" selected/g,
    )) {
      fields[match[1]] = match[2];
    }
    const changed = 'satisfaction';
    const saved = await officeSession.post(`/indicator-systems/${draftId}`, {
      ...fields,
      [`ind-${changed}-points`]: '30',
      note: '审计测试',
    });
    expect(saved.status).toBe(303);
    const [system] = await rows('indicator_system_update', since);
    const pointsOf = (side: 'before' | 'after') =>
      (system.detail?.[side] as IndicatorSystemDefinition).indicators.find(
        (i) => i.code === changed,
      )?.points;
    expect(pointsOf('before')).toBe(
      definition.indicators.find((indicator) => indicator.code === changed)?.points,
    );
    expect(String(pointsOf('after'))).toBe('30');

    // 字典 and 单位.
    const [reason] = await testApp.dataSource.query<{ id: number; label: string }[]>(
      `SELECT id, label FROM dictionary_items WHERE kind = 'reject_reason' ORDER BY id LIMIT 1`,
    );
    expect(
      (await adminSession.post(`/admin/dictionaries/${reason.id}`, { label: '材料不全（审计）' }))
        .status,
    ).toBe(303);
    const [dictionary] = await rows('dictionary_updated', since);
    expect(dictionary.detail).toMatchObject({ label: [reason.label, '材料不全（审计）'] });
    expect((await adminSession.post(`/admin/dictionaries/${reason.id}/deactivation`)).status).toBe(
      303,
    );
    const deactivated = await rows('dictionary_updated', since);
    expect(deactivated.at(-1)!.detail).toEqual({ active: [true, false] });

    const unitId = await unitIdByCode(testApp.dataSource, 'wuxi');
    const unitPage = await adminSession.agent.get(`/admin/units/${unitId}`);
    expect(unitPage.status).toBe(200);
    const unitSaved = await adminSession.post(`/admin/units/${unitId}`, {
      code: 'wuxi',
      name: '巫溪县（改）',
      kind: 'district',
      districtType: '县',
    });
    expect(unitSaved.status).toBe(303);
    const [unit] = await rows('unit_updated', since);
    expect(unit.detail).toMatchObject({
      before: { name: '巫溪县' },
      after: { name: '巫溪县（改）' },
    });

    // The auditor reads them in Chinese.
    const auditorSession = await login(testApp.server, auditor.mobile, auditor.password);
    const log = await auditorSession.agent.get(`/audit?user=${office.mobile}`);
    expect(log.text).toContain(AUDIT_ACTION_LABELS.deduction_updated);
    expect(log.text).toContain('扣分：');
    expect(log.text).toContain(AUDIT_ACTION_LABELS.band_settings_update);
    expect(log.text).toContain('修改前：');
  });

  it('should refuse an audit row that names an actor who is not a user', async () => {
    await expect(
      testApp.dataSource.query(
        `INSERT INTO audit_log (actor_id, action, result) VALUES ($1, 'login', 'success')`,
        [randomUUID()],
      ),
    ).rejects.toThrow(/is not a user/);
    // Anonymous rows carry no actor fields whatever the writer gave.
    const [row] = await testApp.dataSource.query<{ actor_name: string | null }[]>(
      `INSERT INTO audit_log (actor_name, actor_mobile, action, result)
       VALUES ('冒充的领导', '13900000000', 'login', 'success') RETURNING actor_name`,
    );
    expect(row.actor_name).toBeNull();
    expect((await request(testApp.server).get('/health')).status).toBe(200);
  });
});
