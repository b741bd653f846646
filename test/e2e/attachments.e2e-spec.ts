import { createHash } from 'node:crypto';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule } from '../support/sample-records.module.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

describe('Attachments (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let clerkSession: HttpSession;
  let otherSession: HttpSession;

  const upload = (
    session: HttpSession,
    field: string,
    files: { name: string; content: Buffer }[],
  ) => {
    let request = session.agent
      .post(`/attachments?field=${field}`)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken);
    for (const file of files) {
      request = request.attach(`upload_${field}`, file.content, file.name);
    }
    return request;
  };

  beforeAll(async () => {
    testApp = await createTestApp({ upload: { maxFileBytes: 64 * 1024 } }, [SampleRecordsModule]);
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'jiangbei', roles: ['entry'] });
    clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
    otherSession = await login(testApp.server, otherClerk.mobile, otherClerk.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should store a real PDF with its SHA-256 and return a chip with its hidden id', async () => {
    const response = await upload(clerkSession, 'evidence', [
      { name: '部署文件.pdf', content: PDF },
    ]);
    expect(response.status).toBe(200);
    const id = /name="evidence" value="([0-9a-f-]{36})"/.exec(response.text)?.[1];
    expect(id).toBeDefined();
    const rows: {
      sha256: string;
      size_bytes: number;
      media_type: string;
      original_name: string;
    }[] = await testApp.dataSource.query(
      `SELECT sha256, size_bytes, media_type, original_name FROM attachments WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({
      sha256: createHash('sha256').update(PDF).digest('hex'),
      size_bytes: PDF.length,
      media_type: 'application/pdf',
      original_name: '部署文件.pdf',
    });
    const download = await clerkSession.agent.get(`/attachments/${id}`).buffer(true);
    expect(download.status).toBe(200);
    expect(Buffer.from(download.body as Buffer).equals(PDF)).toBe(true);
    expect(download.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('部署文件.pdf')}`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it('should refuse an .exe renamed .pdf, with a Chinese message next to the field, and store nothing', async () => {
    const before: { count: number }[] = await testApp.dataSource.query(
      `SELECT count(*)::int AS count FROM attachments`,
    );
    const response = await upload(clerkSession, 'evidence', [
      { name: 'invoice.pdf', content: EXE },
    ]);
    expect(response.status).toBe(422);
    expect(response.headers['hx-retarget']).toBe('#evidence-upload-error');
    expect(response.text).toContain('类型不受支持或与扩展名不符');
    const after: { count: number }[] = await testApp.dataSource.query(
      `SELECT count(*)::int AS count FROM attachments`,
    );
    expect(after[0].count).toBe(before[0].count);
  });

  it('should refuse a file over the size limit with the limit in the message', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(70 * 1024, 0x20)]);
    const response = await upload(clerkSession, 'evidence', [{ name: 'big.pdf', content: big }]);
    expect(response.status).toBe(422);
    expect(response.text).toContain('超过');
  });

  it('should refuse an empty file and a path-like name is stored without its path', async () => {
    const empty = await upload(clerkSession, 'evidence', [
      { name: 'empty.pdf', content: Buffer.alloc(0) },
    ]);
    expect(empty.status).toBe(422);
    const traversal = await upload(clerkSession, 'evidence', [
      { name: '../../etc/x.pdf', content: PDF },
    ]);
    expect(traversal.status).toBe(200);
    expect(traversal.text).toContain('>x.pdf<');
  });

  it('should answer 404 to another unit downloading a file of a draft it cannot see', async () => {
    const uploaded = await upload(clerkSession, 'evidence', [{ name: '证明.pdf', content: PDF }]);
    const id = /value="([0-9a-f-]{36})"/.exec(uploaded.text)![1];
    const created = await clerkSession.post('/samples', {
      type: 'sample_office',
      title: '带附件',
      evidence: id,
    });
    expect(created.status).toBe(303);
    expect((await otherSession.agent.get(`/attachments/${id}`)).status).toBe(404);
    expect(
      (await otherSession.agent.get(`/attachments/00000000-0000-0000-0000-000000000000`)).status,
    ).toBe(404);
    expect((await otherSession.agent.get(`/attachments/not-a-uuid`)).status).toBe(404);
    // Nor may another unit attach it to its own record.
    const stolen = await otherSession.post('/samples', {
      type: 'sample_office',
      title: '盗用',
      evidence: id,
    });
    expect(stolen.status).toBe(422);
  });

  it('should let the reform office download the file once the record is submitted', async () => {
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    const officeSession = await login(testApp.server, office.mobile, office.password);
    const uploaded = await upload(clerkSession, 'evidence', [{ name: '上报.pdf', content: PDF }]);
    const id = /value="([0-9a-f-]{36})"/.exec(uploaded.text)![1];
    await clerkSession.post('/samples', {
      type: 'sample_office',
      title: '已上报带附件',
      evidence: id,
      submit: '1',
    });
    expect((await officeSession.agent.get(`/attachments/${id}`)).status).toBe(200);
  });
});
