import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

describe('Session keepalive and forms sent after the session ended', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('should keep a live session on POST /session/keepalive and lead an ended one to the login page', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    // Ten minutes without a request; the keepalive moves last_seen_at back to now.
    await testApp.dataSource.query(
      `UPDATE sessions SET last_seen_at = now() - interval '10 minutes' WHERE user_id = $1`,
      [clerk.id],
    );
    const alive = await session.agent
      .post('/session/keepalive')
      .set('X-CSRF-Token', session.csrfToken);
    expect(alive.status).toBe(200);
    const seen = await testApp.dataSource.query<{ idle: number }[]>(
      `SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM sessions WHERE user_id = $1`,
      [clerk.id],
    );
    expect(seen[0].idle).toBeLessThan(60);
    // Without the token it is refused like every other POST.
    expect((await session.agent.post('/session/keepalive')).status).toBe(403);

    // The session ends (idle timeout, ended on another device): the keepalive and a form sent with
    // the old page's token lead to the login page (not "页面已过期"), back to the form's page.
    await testApp.dataSource.query(`DELETE FROM sessions WHERE user_id = $1`, [clerk.id]);
    const ended = await session.agent
      .post('/session/keepalive')
      .set('X-CSRF-Token', session.csrfToken);
    expect(ended.status).toBe(303);
    expect(ended.headers.location).toMatch(/^\/login/);
    const form = await session.post('/demands', { title: '会话结束后提交' });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/login');
    const fromPage = await session.agent
      .post('/demands')
      .set('Host', 'reform.test')
      .set('Referer', 'http://reform.test/demands/new')
      .type('form')
      .send({ _csrf: session.csrfToken, title: '会话结束后提交' });
    expect(fromPage.headers.location).toBe('/login?next=%2Fdemands%2Fnew');
    const viaHtmx = await session
      .htmx('post', '/demands')
      .set('HX-Current-URL', 'http://evil.example/x');
    expect(viaHtmx.status).toBe(204);
    expect(viaHtmx.headers['hx-redirect']).toBe('/login');
    // A cross-site request is still refused outright.
    const crossSite = await session.agent
      .post('/demands')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ _csrf: session.csrfToken });
    expect(crossSite.status).toBe(403);
    const demands = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM workflow_items WHERE created_by = $1`,
      [clerk.id],
    );
    expect(demands[0].count).toBe(0);
  });
});
