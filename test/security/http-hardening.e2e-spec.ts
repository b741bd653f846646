import request from 'supertest';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { pdf } from './upload-fixtures.js';

/**
 * Issue 18, items 1, 8, 10 and 11, through HTTP on the real app: the post-login redirect stays on
 * this site however `next` is spelled, a form cannot read another unit's file name, the health
 * probes answer for a load balancer, the CSRF token is not taken from the URL of an ordinary form,
 * and bidi control characters never reach a stored title or file name.
 */
describe('HTTP hardening (redirects, file names, health, CSRF in the URL, bidi)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let clerkSession: HttpSession;
  let otherSession: HttpSession;

  const dictionaryId = async (kind: string): Promise<number> =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND active ORDER BY sort_order LIMIT 1`,
        [kind],
      )
    )[0].id;

  const upload = (session: HttpSession, field: string, name: string, content: Buffer) =>
    session.agent
      .post(`/attachments?field=${field}`)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach(`upload_${field}`, content, name);

  beforeAll(async () => {
    testApp = await createTestApp();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'jiangbei', roles: ['entry'] });
    clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
    otherSession = await login(testApp.server, otherClerk.mobile, otherClerk.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('the post-login destination (item 1: open redirect)', () => {
    const hostile: [string, string][] = [
      ['tab', '/\t/evil.example/phish'],
      ['newline (was a 500)', '/\n/evil.example'],
      ['carriage return', '/\r/evil.example'],
      ['backslash', '/\\evil.example'],
      ['slash backslash slash', '/\\/evil.example'],
      ['encoded slash', '/%2Fevil.example'],
      ['encoded tab then //', '%09//evil.example'],
      ['full-width solidus', '/／evil.example'],
      ['encoded @', '/%40evil.example'],
      ['protocol-relative', '//evil.example'],
    ];

    it.each(hostile)(
      'should send a signed-in user home, never off-site, for %s',
      async (_label, next) => {
        const response = await clerkSession.agent.get(`/login?next=${encodeURIComponent(next)}`);
        expect(response.status).toBe(303);
        expect(response.headers.location).toBe('/');
      },
    );

    it('should answer the newline case of the review with a redirect, not a 500', async () => {
      const response = await clerkSession.agent.get('/login?next=%2F%0A%2Fevil.example');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/');
      const tab = await clerkSession.agent.get('/login?next=%2F%09%2Fevil.example%2Fphish');
      expect(tab.headers.location).toBe('/');
    });

    it('should keep a same-site destination, on the login form and after signing in', async () => {
      const signedIn = await clerkSession.agent.get(
        `/login?next=${encodeURIComponent('/demands?page=2')}`,
      );
      expect(signedIn.headers.location).toBe('/demands?page=2');

      const visitor = request.agent(testApp.server);
      const form = await visitor.get(`/login?next=${encodeURIComponent('/my-submissions')}`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('value="/my-submissions"');
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      const posted = await visitor.post('/login').type('form').send({
        mobile: clerk.mobile,
        password: clerk.password,
        next: '/my-submissions',
        _csrf: token,
      });
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe('/my-submissions');
    });

    it('should refuse a hostile destination posted with the login form', async () => {
      const visitor = request.agent(testApp.server);
      const form = await visitor.get('/login');
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      const posted = await visitor.post('/login').type('form').send({
        mobile: clerk.mobile,
        password: clerk.password,
        next: '/\t/evil.example',
        _csrf: token,
      });
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe('/');
    });
  });

  describe("another unit's attachment id in a form (item 8)", () => {
    it("should not show that file's name or size in the refused form", async () => {
      const foreignName = '江北区内部材料-绝密.pdf';
      const uploaded = await upload(otherSession, 'attachments', foreignName, pdf());
      expect(uploaded.status).toBe(200);
      const foreignId = /value="([0-9a-f-]{36})"/.exec(uploaded.text)![1];

      const response = await clerkSession.post('/demands', {
        title: '带他单位附件的需求',
        description: '附件是江北区上传的',
        channelId: String(await dictionaryId('demand_channel')),
        domainId: String(await dictionaryId('domain')),
        attachments: foreignId,
      });
      expect(response.status).toBe(422);
      expect(response.text).not.toContain('绝密');
      expect(response.text).not.toContain(foreignId);

      // The clerk's own file, posted the same way with an error elsewhere, is still listed.
      const own = await upload(clerkSession, 'attachments', '本单位材料.pdf', pdf());
      const ownId = /value="([0-9a-f-]{36})"/.exec(own.text)![1];
      const refused = await clerkSession.post('/demands', {
        title: '',
        description: '缺标题',
        channelId: String(await dictionaryId('demand_channel')),
        domainId: String(await dictionaryId('domain')),
        attachments: ownId,
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('本单位材料.pdf');
    });
  });

  describe('body shape limits (item 7)', () => {
    it('should answer a 20,000-level JSON body with 400, not a stack overflow', async () => {
      const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
      const response = await clerkSession.agent
        .post('/demands')
        .set('Content-Type', 'application/json')
        .set('X-CSRF-Token', clerkSession.csrfToken)
        .send(deep);
      expect(response.status).toBe(400);
      expect(response.text).toContain('嵌套过深');
      const arrays = await clerkSession.agent
        .post('/demands')
        .set('Content-Type', 'application/json')
        .set('X-CSRF-Token', clerkSession.csrfToken)
        .send(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
      expect(arrays.status).toBe(400);
      // A shallow JSON body still reaches the form (refused there for its missing fields).
      const shallow = await clerkSession.agent
        .post('/demands')
        .set('Content-Type', 'application/json')
        .set('X-CSRF-Token', clerkSession.csrfToken)
        .send(JSON.stringify({ title: '浅层', nested: { a: [1, { b: 2 }] } }));
      expect(shallow.status).toBe(422);
    });

    it('should answer a form of 10,000 fields with 413', async () => {
      const fields = Array.from({ length: 10_000 }, (_unused, index) => `f${index}=1`).join('&');
      const response = await clerkSession.agent
        .post('/demands')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('X-CSRF-Token', clerkSession.csrfToken)
        .send(`${fields}&title=x`);
      expect(response.status).toBe(413);
      expect(response.text).toContain('字段过多');
    });

    it('should answer a form posting 99999999999999999999 as an id with the field refused', async () => {
      const response = await clerkSession.post('/demands', {
        title: '超大编号',
        description: '来源渠道编号超出范围',
        channelId: '99999999999999999999',
        domainId: '1e309',
        trackId: '-1',
      });
      expect(response.status).toBe(422);
      expect(response.text).toContain('请选择来源渠道');
      expect(response.text).toContain('请选择领域');
    });
  });

  describe('health probes (item 10)', () => {
    it('should answer live and ready with short bodies, public, and keep /health', async () => {
      for (const path of ['/health/live', '/health/ready', '/health']) {
        const response = await request(testApp.server).get(path);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ status: 'ok' });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });
  });

  describe('CSRF token in the URL (item 11)', () => {
    it('should refuse an ordinary form whose token is only in the query string', async () => {
      const before = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM demands`,
      );
      const response = await clerkSession.agent
        .post(`/demands?_csrf=${encodeURIComponent(clerkSession.csrfToken)}`)
        .type('form')
        .send({
          title: '经由网址令牌提交',
          description: '不应保存',
          channelId: String(await dictionaryId('demand_channel')),
          domainId: String(await dictionaryId('domain')),
        });
      expect(response.status).toBe(403);
      const htmx = await clerkSession.agent
        .post(`/demands?_csrf=${encodeURIComponent(clerkSession.csrfToken)}`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ title: 'x' });
      expect(htmx.status).toBe(403);
      const after = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM demands`,
      );
      expect(after[0].n).toBe(before[0].n);
    });

    it('should still take the URL token of a multipart upload form', async () => {
      const response = await clerkSession.agent
        .post(`/attachments?field=evidence&_csrf=${encodeURIComponent(clerkSession.csrfToken)}`)
        .set('HX-Request', 'true')
        .attach('upload_evidence', pdf(), '网址令牌.pdf');
      expect(response.status).toBe(200);
    });
  });

  describe('bidi control characters (item 11)', () => {
    it('should store "\u202egnp.exe" as a title without the override', async () => {
      const response = await clerkSession.post('/demands', {
        title: '\u202egnp.exe',
        description: '\u2066说明\u2069\u200f正文',
        channelId: String(await dictionaryId('demand_channel')),
        domainId: String(await dictionaryId('domain')),
      });
      expect(response.status).toBe(303);
      const rows = await testApp.dataSource.query<{ title: string; description: string }[]>(
        `SELECT title, description FROM demands ORDER BY created_at DESC LIMIT 1`,
      );
      expect(rows[0]).toEqual({ title: 'gnp.exe', description: '说明正文' });
    });

    it('should store an uploaded file name without bidi controls (the Arabic letter mark too)', async () => {
      const response = await upload(clerkSession, 'evidence', '\u202egnp.exe\u061c.pdf', pdf());
      expect(response.status).toBe(200);
      const id = /value="([0-9a-f-]{36})"/.exec(response.text)![1];
      const rows = await testApp.dataSource.query<{ original_name: string }[]>(
        `SELECT original_name FROM attachments WHERE id = $1`,
        [id],
      );
      expect(rows[0].original_name).toBe('gnp.exe.pdf');
    });
  });
});
