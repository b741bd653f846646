import { randomUUID } from 'node:crypto';
import { PDF_ONLY_MESSAGE } from '../../src/attachments/attachments.service.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, dictionaryIds, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17, 1),
]);
/** A Windows program renamed to .pdf: refused by its bytes. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

const uploadError = (html: string) =>
  /id="demand-form-attachments-upload-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

/**
 * A record form posted without JavaScript: one multipart request with the fields and the files
 * (the CSRF token in the action URL). The files are stored as the upload endpoint stores them and
 * the service sees their ids; a refused file brings the form back 422 with the message beside its
 * field and everything typed.
 */
describe('Record forms posted with their files (multipart, no JavaScript; HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let session: HttpSession;
  let form: Record<string, string>;

  const dictionaryId = async (kind: string, code: string) =>
    (await dictionaryIds(testApp.dataSource, kind, code))[0];
  /** The form as a browser without JavaScript posts it: fields in order, then the files. */
  const postMultipart = (
    url: string,
    fields: Record<string, string | string[]>,
    files: { field: string; name: string; content: Buffer }[],
  ) => {
    let request = session.agent.post(url);
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        request = request.field(name, item);
      }
    }
    for (const file of files) {
      request = request.attach(file.field, file.content, file.name);
    }
    return request;
  };
  const attachmentsOf = (id: string) =>
    testApp.dataSource.query<{ original_name: string }[]>(
      `SELECT a.original_name FROM workflow_item_attachments l JOIN attachments a ON a.id = l.attachment_id
        WHERE l.item_id = $1 ORDER BY l.position`,
      [id],
    );

  beforeAll(async () => {
    testApp = await createTestApp();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    session = await login(testApp.server, clerk.mobile, clerk.password);
    form = {
      title: '无脚本上传的改革需求',
      description: '群众企业基层有期盼：附件随表单一次提交。',
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
      trackId: String(await dictionaryId('track', 'business_environment')),
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should mark the form multipart with the token in its action', async () => {
    const page = await session.agent.get('/demands/new');
    expect(page.text).toContain(
      `action="/demands?_csrf=${session.csrfToken}" enctype="multipart/form-data"`,
    );
    expect(page.text).toContain('name="upload_attachments"');
  });

  it('should save the record with its files, linked as if uploaded first, and audited', async () => {
    const saved = await postMultipart(
      `/demands?_csrf=${session.csrfToken}`,
      { _once: randomUUID(), ...form, submit: '0' },
      [
        { field: 'upload_attachments', name: '方案.pdf', content: PDF },
        { field: 'upload_attachments', name: '附表.pdf', content: PDF },
      ],
    );
    expect(saved.status).toBe(303);
    const id = String(saved.headers.location).split('/').pop()!;
    expect((await attachmentsOf(id)).map((row) => row.original_name)).toEqual([
      '方案.pdf',
      '附表.pdf',
    ]);
    const audited = await testApp.dataSource.query<{ label: string }[]>(
      `SELECT target_label AS label FROM audit_log WHERE action = 'attachment_uploaded' ORDER BY id`,
    );
    expect(audited.map((row) => row.label)).toEqual(['方案.pdf', '附表.pdf']);
    const page = await session.agent.get(`/demands/${id}`);
    expect(page.text).toContain('方案.pdf');
  });

  it('should bring the form back 422 on a refused file, the message beside the field, typed values and accepted files kept', async () => {
    const refused = await postMultipart(
      `/demands?_csrf=${session.csrfToken}`,
      { _once: randomUUID(), ...form, title: '带有问题附件的需求', submit: '1' },
      [
        { field: 'upload_attachments', name: '说明.pdf', content: PDF },
        { field: 'upload_attachments', name: '病毒.pdf', content: EXE },
      ],
    );
    expect(refused.status).toBe(422);
    expect(uploadError(refused.text)).toBe(
      '文件「病毒.pdf」的类型不受支持或与扩展名不符，仅支持 PDF、JPG、PNG、DOC/DOCX、XLS/XLSX',
    );
    expect(refused.text).toContain('value="带有问题附件的需求"');
    expect(refused.text).toContain('群众企业基层有期盼：附件随表单一次提交。');
    expect(fieldError(refused.text, 'title')).toBeUndefined();
    // Nothing was saved; the accepted file is on the form again, as a chip with its id.
    const demands = await testApp.dataSource.query<unknown[]>(
      `SELECT 1 FROM demands WHERE title = '带有问题附件的需求'`,
    );
    expect(demands).toHaveLength(0);
    expect(refused.text).toContain('说明.pdf');
    const keptId = /name="attachments" value="([0-9a-f-]{36})"/.exec(refused.text)![1];

    // Sent again (the refused file left out), it is saved with the kept file.
    const again = await postMultipart(
      `/demands?_csrf=${session.csrfToken}`,
      {
        _once: randomUUID(),
        ...form,
        title: '带有问题附件的需求',
        attachments: keptId,
        submit: '1',
      },
      [],
    );
    expect(again.status).toBe(303);
    const id = String(again.headers.location).split('/').pop()!;
    expect((await attachmentsOf(id)).map((row) => row.original_name)).toEqual(['说明.pdf']);
  });

  it('should list a refused file and the form errors together', async () => {
    const refused = await postMultipart(
      `/demands?_csrf=${session.csrfToken}`,
      { _once: randomUUID(), ...form, title: '', submit: '0' },
      [{ field: 'upload_attachments', name: '空白.pdf', content: Buffer.alloc(0) }],
    );
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'title')).toBe('请填写需求标题');
    expect(uploadError(refused.text)).toBe('文件「空白.pdf」是空文件');
  });

  it('should take only PDF in a PDF-only field (the deploying document of a pilot), as the upload endpoint', async () => {
    const refused = await postMultipart(
      `/pilots?_csrf=${session.csrfToken}`,
      { _once: randomUUID(), name: '无脚本试点' },
      [{ field: 'upload_document', name: '部署文件.png', content: PNG }],
    );
    expect(refused.status).toBe(422);
    expect(
      /id="pilot-form-document-upload-error" role="alert">([^<]*)<\/p>/.exec(refused.text)?.[1],
    ).toBe(PDF_ONLY_MESSAGE('部署文件.png'));
    expect(refused.text).toContain('value="无脚本试点"');
  });

  it('should refuse a multipart form without the token in its URL, storing nothing', async () => {
    const before = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM attachments`,
    );
    const refused = await postMultipart(
      '/demands',
      { _csrf: session.csrfToken, _once: randomUUID(), ...form },
      [{ field: 'upload_attachments', name: '方案.pdf', content: PDF }],
    );
    expect(refused.status).toBe(403);
    const after = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM attachments`,
    );
    expect(after[0].count).toBe(before[0].count);
  });

  it('should save a form sent twice once (the once-only token read from the multipart body)', async () => {
    const once = randomUUID();
    const fields = { _once: once, ...form, title: '双击提交的需求', submit: '0' };
    const first = await postMultipart(`/demands?_csrf=${session.csrfToken}`, fields, []);
    const second = await postMultipart(`/demands?_csrf=${session.csrfToken}`, fields, []);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const rows = await testApp.dataSource.query<unknown[]>(
      `SELECT 1 FROM demands WHERE title = '双击提交的需求'`,
    );
    expect(rows).toHaveLength(1);
  });
});
