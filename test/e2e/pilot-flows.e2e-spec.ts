import { describeAuditDetail } from '../../src/audit/audit-detail.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

describe('Reform pilots walked through the manual: distribution, the PDF rule, corrections at confirmation (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let cast: Record<
    'clerkA' | 'reviewerA' | 'clerkB' | 'clerkC' | 'deptClerk' | 'reviewerDept',
    TestUser
  >;
  let units: { a: number; b: number; c: number; dept: number };
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
    name: '开展数字政府建设试点',
    level: 'national',
    documentTitle: '关于开展数字政府建设试点的通知',
    documentNumber: '国办函〔2023〕12号',
    issuer: '国务院办公厅',
    deployedOn: '2023-03-01',
    competentUnitId: String(units.dept),
    involvedUnitIds: [] as string[],
    acceptanceDue: '2026-12-31',
    domainId: String(domainId),
    documentClassified: 'on',
    ...overrides,
  });
  const idFrom = (location: unknown) => String(location).split('/').pop()!;
  const act = async (user: TestUser, id: string, action: string) =>
    (await as(user)).htmx('post', `/records/${id}/transitions`, { action });
  const upload = async (user: TestUser, query: string, name: string, content: Buffer) => {
    const session = await as(user);
    return session.agent
      .post(`/attachments?${query}`)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach('upload_document', content, name);
  };
  /** A pilot of district A submitted and passed by its reviewer: it waits for the department. */
  const pilotAwaitingConfirmation = async (overrides: Record<string, string | string[]>) => {
    const created = await (
      await as(cast.clerkA)
    ).post('/pilots', {
      ...pilotForm(overrides),
      submit: '1',
    });
    expect(created.status).toBe(303);
    const id = idFrom(created.headers.location);
    expect((await act(cast.reviewerA, id, 'pass')).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    cast = {
      clerkA: await createUser(ds, { unitCode: 'shapingba', roles: ['entry'] }),
      reviewerA: await createUser(ds, { unitCode: 'shapingba', roles: ['reviewer'] }),
      clerkB: await createUser(ds, { unitCode: 'jiulongpo', roles: ['entry'] }),
      clerkC: await createUser(ds, { unitCode: 'beibei', roles: ['entry'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      reviewerDept: await createUser(ds, { unitCode: '市科技局', roles: ['reviewer'] }),
    };
    units = {
      a: await unitIdByCode(ds, 'shapingba'),
      b: await unitIdByCode(ds, 'jiulongpo'),
      c: await unitIdByCode(ds, 'beibei'),
      dept: await unitIdByCode(ds, '市科技局'),
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

  it('should tell every involved district, the added one included, to update progress after 确认分发, in 消息 and 待办', async () => {
    const id = await pilotAwaitingConfirmation({
      name: '营商环境创新试点',
      documentNumber: '国办发〔2021〕24号',
    });
    // Before the department confirms, no district is asked for anything.
    const early = await (await as(cast.clerkB)).agent.get('/inbox');
    expect(early.text).not.toContain('营商环境创新试点');

    const confirmed = await (
      await as(cast.deptClerk)
    ).post(`/pilots/${id}/confirmation`, { involvedUnitIds: [String(units.b)] });
    expect(confirmed.status).toBe(303);
    const streams = await testApp.dataSource.query<{ id: string; unit_id: number }[]>(
      `SELECT id, unit_id FROM pilot_streams WHERE pilot_lineage_id = $1`,
      [id],
    );
    const streamOf = (unitId: number) => streams.find((stream) => stream.unit_id === unitId)!.id;

    for (const [clerk, unitId] of [
      [cast.clerkA, units.a],
      [cast.clerkB, units.b],
    ] as const) {
      const messages = await (await as(clerk)).agent.get('/notifications');
      expect(messages.text).toContain(
        '试点《营商环境创新试点》已由市科技局确认分发，请本区县按季度更新推进状态',
      );
      const links = await testApp.dataSource.query<{ link: string }[]>(
        `SELECT link FROM notifications WHERE user_id = $1 AND kind = 'assigned'`,
        [clerk.id],
      );
      expect(links.map((row) => row.link)).toContain(`/pilot-streams/${streamOf(unitId)}`);
      const inbox = await (await as(clerk)).agent.get('/inbox');
      expect(inbox.text).toContain('待更新推进状态的改革试点');
      expect(inbox.text).toContain(`href="/pilot-streams/${streamOf(unitId)}"`);
      expect(inbox.text).toContain('已确认分发，待首次更新');
    }
    // A district not involved, and the department's reviewer, get neither.
    expect((await (await as(cast.clerkC)).agent.get('/notifications')).text).not.toContain(
      '营商环境创新试点',
    );
    expect((await (await as(cast.clerkC)).agent.get('/inbox')).text).not.toContain(
      '营商环境创新试点',
    );

    // District B files its progress: the 待办 entry goes; a draft alone does not count.
    const draft = await (
      await as(cast.clerkB)
    ).post(`/pilot-streams/${streamOf(units.b)}/progress`, {
      status: 'in_progress',
      workDone: '1.出台实施方案。',
      submit: '0',
    });
    expect(draft.status).toBe(303);
    expect((await (await as(cast.clerkB)).agent.get('/inbox')).text).toContain(
      `href="/pilot-streams/${streamOf(units.b)}"`,
    );
    const filed = await (
      await as(cast.clerkB)
    ).post(`/pilot-filings/${idFrom(draft.headers.location)}`, {
      status: 'in_progress',
      workDone: '1.出台实施方案，建立专班。',
      submit: '1',
    });
    expect(filed.status).toBe(303);
    expect((await (await as(cast.clerkB)).agent.get('/inbox')).text).not.toContain(
      `href="/pilot-streams/${streamOf(units.b)}"`,
    );
    // District A has not filed: its entry stays.
    expect((await (await as(cast.clerkA)).agent.get('/inbox')).text).toContain(
      `href="/pilot-streams/${streamOf(units.a)}"`,
    );
  });

  it('should refuse a photo as the deploying document, next to the field, and take a PDF or 涉密 without a file', async () => {
    // The upload itself: the field asks for PDF only and says so next to the field.
    const refused = await upload(
      cast.clerkA,
      'field=document&key=pilot-form-document&only=pdf',
      '部署文件.png',
      PNG,
    );
    expect(refused.status).toBe(422);
    expect(refused.headers['hx-retarget']).toBe('#pilot-form-document-upload-error');
    expect(refused.text).toContain('文件「部署文件.png」不是 PDF');
    expect(refused.text).toContain('不接受照片或图片');

    // A PNG uploaded through another field (or an old page) is still refused when the form is saved.
    const png = await upload(cast.clerkA, 'field=document', '部署文件.jpg.png', PNG);
    expect(png.status).toBe(200);
    const pngId = /value="([0-9a-f-]{36})"/.exec(png.text)![1];
    const withPhoto = await (
      await as(cast.clerkA)
    ).post('/pilots', {
      ...pilotForm({
        documentNumber: '渝府办发〔2024〕3号',
        documentClassified: '',
        document: [pngId],
      }),
      submit: '1',
    });
    expect(withPhoto.status).toBe(422);
    expect(withPhoto.text).toContain('部署文件须为 PDF 扫描件，「部署文件.jpg.png」不是 PDF');
    expect(withPhoto.text).toContain('value="渝府办发〔2024〕3号"');

    // The form page says PDF only and its input accepts only PDF.
    const page = await (await as(cast.clerkA)).agent.get('/pilots/new');
    expect(page.text).toContain('accept=".pdf,application/pdf"');
    expect(page.text).toContain('仅支持 PDF');

    const pdf = await upload(
      cast.clerkA,
      'field=document&key=pilot-form-document&only=pdf',
      '部署文件.pdf',
      PDF,
    );
    expect(pdf.status).toBe(200);
    const pdfId = /value="([0-9a-f-]{36})"/.exec(pdf.text)![1];
    const withPdf = await (
      await as(cast.clerkA)
    ).post('/pilots', {
      ...pilotForm({
        documentNumber: '渝府办发〔2024〕3号',
        documentClassified: '',
        document: [pdfId],
      }),
      submit: '1',
    });
    expect(withPdf.status).toBe(303);

    // 涉密: the only way without a file.
    const classified = await (
      await as(cast.clerkA)
    ).post('/pilots', {
      ...pilotForm({ documentNumber: '渝委发〔2024〕9号', documentClassified: 'on' }),
      submit: '1',
    });
    expect(classified.status).toBe(303);
    const none = await (
      await as(cast.clerkA)
    ).post('/pilots', {
      ...pilotForm({ documentNumber: '渝委发〔2024〕10号', documentClassified: '' }),
      submit: '1',
    });
    expect(none.status).toBe(422);
    expect(none.text).toContain('请上传部署文件的 PDF 扫描件');
  });

  it('should let the competent department correct 文号, dates, 层级 and 涉及区县 at confirmation, audited with before and after', async () => {
    const taken = await pilotAwaitingConfirmation({
      name: '已有文号的试点',
      documentNumber: '渝府发〔2022〕5号',
    });
    expect(taken).toBeDefined();
    const id = await pilotAwaitingConfirmation({
      name: '科技成果转化试点',
      documentNumber: '渝科发〔2022〕3号（草）',
      level: 'national',
      deployedOn: '2022-03-01',
      acceptanceDue: '2025-12-31',
    });

    // The form shows the district's values to correct.
    const page = await (await as(cast.deptClerk)).agent.get(`/pilots/${id}`);
    expect(page.text).toContain('id="pilot-confirmation-form"');
    expect(page.text).toContain('value="渝科发〔2022〕3号（草）"');
    expect(page.text).toContain('value="2025-12-31"');

    // The creating district cannot correct its own pilot through the confirmation: refused,
    // nothing changed, and no word about who owns another 文号.
    const foreign = await (
      await as(cast.clerkA)
    ).post(`/pilots/${id}/confirmation`, { documentNumber: '渝府发[2022]5号', level: 'municipal' });
    expect(foreign.status).toBe(303);
    const untouched = await testApp.dataSource.query<{ level: string }[]>(
      `SELECT level FROM pilots WHERE id = $1`,
      [id],
    );
    expect(untouched[0].level).toBe('national');

    // Every problem at once, next to its field, what was typed kept; nothing changes.
    const refused = await (
      await as(cast.deptClerk)
    ).post(`/pilots/${id}/confirmation`, {
      documentNumber: '渝府发[2022]5号',
      deployedOn: '2022-03-01',
      acceptanceDue: '2021-01-01',
      level: 'municipal',
      involvedUnitIds: [String(units.c)],
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'documentNumber')).toContain('已由沙坪坝区创建');
    expect(fieldError(refused.text, 'acceptanceDue')).toBe('应验收时间不能早于部署时间');
    expect(refused.text).toContain('value="渝府发[2022]5号"');
    const unchanged = await testApp.dataSource.query<{ document_number: string }[]>(
      `SELECT document_number FROM pilots WHERE id = $1`,
      [id],
    );
    expect(unchanged[0].document_number).toBe('渝科发〔2022〕3号（草）');

    const corrected = await (
      await as(cast.deptClerk)
    ).post(`/pilots/${id}/confirmation`, {
      documentNumber: '渝科发〔2022〕3号',
      deployedOn: '2022-03-15',
      acceptanceDue: '2026-06-30',
      level: 'municipal',
      involvedUnitIds: [String(units.c)],
    });
    expect(corrected.status).toBe(303);
    const rows = await testApp.dataSource.query<
      {
        document_number: string;
        deployed_on: string;
        acceptance_due: string;
        level: string;
        involved_unit_ids: number[];
      }[]
    >(
      `SELECT document_number, to_char(deployed_on, 'YYYY-MM-DD') AS deployed_on,
              to_char(acceptance_due, 'YYYY-MM-DD') AS acceptance_due, level, involved_unit_ids
         FROM pilots WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({
      document_number: '渝科发〔2022〕3号',
      deployed_on: '2022-03-15',
      acceptance_due: '2026-06-30',
      level: 'municipal',
      involved_unit_ids: [units.a, units.c],
    });
    // The corrected 文号 is the one dedup now knows: another district cannot create it again.
    const duplicate = await (
      await as(cast.clerkB)
    ).post('/pilots', pilotForm({ documentNumber: '渝科发[2022]3号' }));
    expect(duplicate.status).toBe(422);
    expect(fieldError(duplicate.text, 'documentNumber')).toContain('已由沙坪坝区创建');

    const audit = await testApp.dataSource.query<
      { actor_id: string; detail: Record<string, unknown>; target_id: string }[]
    >(
      `SELECT actor_id, detail, target_id FROM audit_log WHERE action = 'pilot_corrected' AND target_id = $1`,
      [id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(cast.deptClerk.id);
    expect(audit[0].target_id).toBe(id);
    expect(audit[0].detail).toEqual({
      documentNumber: ['渝科发〔2022〕3号（草）', '渝科发〔2022〕3号'],
      deployedOn: ['2022-03-01', '2022-03-15'],
      acceptanceDue: ['2025-12-31', '2026-06-30'],
      level: ['national', 'municipal'],
      involvedUnitIds: [[units.a], [units.a, units.c].sort((x, y) => x - y)],
    });
    const described = describeAuditDetail('pilot_corrected', audit[0].detail, {
      unitNames: new Map([
        [units.a, '沙坪坝区'],
        [units.c, '北碚区'],
      ]),
    });
    expect(described).toContain('文号：渝科发〔2022〕3号（草） → 渝科发〔2022〕3号');
    expect(described).toContain('试点层级：国家级 → 市级');
    expect(described).toContain('涉及区县：沙坪坝区 → 沙坪坝区、北碚区');
    // The added district got its stream.
    const streams = await testApp.dataSource.query<{ unit_id: number }[]>(
      `SELECT unit_id FROM pilot_streams WHERE pilot_lineage_id = $1 ORDER BY unit_id`,
      [id],
    );
    expect(streams.map((stream) => stream.unit_id)).toEqual(
      [units.a, units.c].sort((x, y) => x - y),
    );
  });
});
