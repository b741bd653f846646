import request from 'supertest';
import { SessionPurger } from '../../src/auth/session-purger.js';
import { anonymousSession, extractCsrfToken, fieldError, login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, TEST_PASSWORD } from '../helpers/users.factory.js';

const UNIFORM_FAILURE = '手机号或密码错误，或账号已被锁定';

async function auditActions(
  testApp: TestApp,
  since: Date,
): Promise<{ action: string; result: string; actor_id: string | null }[]> {
  return testApp.dataSource.query(
    `SELECT action, result, actor_id FROM audit_log WHERE at >= $1 ORDER BY id`,
    [since],
  );
}

describe('Login, sessions and passwords (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      lockout: { maxFailures: 5, lockMinutes: 15 },
      loginRateLimit: { maxPerWindow: 1000, windowSeconds: 300 },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should redirect an anonymous visitor to the login page', async () => {
    const response = await request(testApp.server).get('/my-unit/members');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fmy-unit%2Fmembers');
  });

  it('should give the pages an icon the browser finds (no 404 for /favicon.ico on every load)', async () => {
    const session = await anonymousSession(testApp.server);
    const page = await session.agent.get('/login');
    expect(page.text).toContain(
      '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
    );
    const icon = await session.agent.get('/static/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
  });

  it('should log in with mobile and password, show name, unit and role navigation, and audit it', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['entry'],
      name: '张晓明',
    });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const home = await session.agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('张晓明');
    expect(home.text).toContain('渝中区');
    expect(home.text).toContain('录入人员');
    expect(home.text).toContain('href="/my-unit/members"');
    expect(home.text).not.toContain('href="/admin/users"');
    // The home page's shortcuts: the clerk's sections, each link saying what its page is for.
    const shortcuts = home.text.split('id="home-shortcuts"')[1].split('</div>')[0];
    expect(shortcuts).toContain('<h2>改革需求管理</h2>');
    expect(shortcuts).toContain(
      '<li><a href="/demands">改革需求台账</a><span class="muted">填报、查询和导出改革需求</span></li>',
    );
    expect(shortcuts).not.toContain('驾驶舱');
    expect(home.headers['cache-control']).toBe('no-store');
    expect(await auditActions(testApp, since)).toEqual([
      { action: 'login', result: 'success', actor_id: clerk.id },
    ]);
  });

  it('should rotate the session id at login (no fixation)', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const first = await login(testApp.server, clerk.mobile, clerk.password);
    const firstCookie = String(
      first.agent.jar.getCookie('sid', {
        path: '/',
        domain: '127.0.0.1',
        secure: false,
        script: false,
      })?.value,
    );
    const again = await first.post('/login', { mobile: clerk.mobile, password: clerk.password });
    expect(again.status).toBe(303);
    const secondCookie = String(
      first.agent.jar.getCookie('sid', {
        path: '/',
        domain: '127.0.0.1',
        secure: false,
        script: false,
      })?.value,
    );
    expect(secondCookie).not.toBe(firstCookie);
    const replay = await request(testApp.server).get('/').set('Cookie', `sid=${firstCookie}`);
    expect(replay.status).toBe(303);
  });

  it('should refuse a wrong password and an unknown mobile with the same message, keeping the typed mobile', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await anonymousSession(testApp.server);
    const wrong = await session.post('/login', { mobile: clerk.mobile, password: 'Wrong@Pass1' });
    const unknown = await session.post('/login', {
      mobile: '13999999999',
      password: 'Wrong@Pass1',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain(UNIFORM_FAILURE);
    expect(unknown.text).toContain(UNIFORM_FAILURE);
    expect(wrong.text).toContain(`value="${clerk.mobile}"`);
    expect(unknown.text).toContain('value="13999999999"');
    const rows = await auditActions(testApp, since);
    expect(rows).toEqual([
      { action: 'login_failed', result: 'failure', actor_id: clerk.id },
      { action: 'login_failed', result: 'failure', actor_id: null },
    ]);
  });

  it('should lock the account after 5 failures, refuse the right password while locked, and let an admin unlock it', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await anonymousSession(testApp.server);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(
        (await session.post('/login', { mobile: clerk.mobile, password: 'Wrong@Pass1' })).status,
      ).toBe(401);
    }
    const whileLocked = await session.post('/login', {
      mobile: clerk.mobile,
      password: clerk.password,
    });
    expect(whileLocked.status).toBe(401);
    expect(whileLocked.text).toContain(UNIFORM_FAILURE);
    const locked: { locked: boolean }[] = await testApp.dataSource.query(
      `SELECT locked_until > now() + interval '14 minutes' AS locked FROM users WHERE id = $1`,
      [clerk.id],
    );
    expect(locked[0].locked).toBe(true);
    expect(
      (await auditActions(testApp, since)).filter((row) => row.action === 'account_locked'),
    ).toHaveLength(1);

    // The admin's unlock is the admin pages' job; the effect is the same column cleared.
    await testApp.dataSource.query(`UPDATE users SET locked_until = NULL WHERE id = $1`, [
      clerk.id,
    ]);
    expect(
      (await session.post('/login', { mobile: clerk.mobile, password: clerk.password })).status,
    ).toBe(303);
  });

  it('should count failures across requests in the database (lock survives a new client)', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const client = await anonymousSession(testApp.server);
      await client.post('/login', { mobile: clerk.mobile, password: 'Wrong@Pass1' });
    }
    const fresh = await anonymousSession(testApp.server);
    expect(
      (await fresh.post('/login', { mobile: clerk.mobile, password: clerk.password })).status,
    ).toBe(401);
  });

  it('should force a change of the initial password: every other URL is refused until changed', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, {
      roles: ['entry'],
      password: '123456',
      mustChangePassword: true,
    });
    const session = await login(testApp.server, clerk.mobile, '123456');
    for (const url of ['/', '/my-unit/members', '/inbox', '/notifications']) {
      const response = await session.agent.get(url);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/account/password');
    }
    const htmx = await session.htmx('get', '/my-unit/members');
    expect(htmx.headers['hx-redirect']).toBe('/account/password');
    const post = await session.post('/units/1/anything', {});
    expect([403, 404]).toContain(post.status);

    const page = await session.agent.get('/account/password');
    expect(page.status).toBe(200);
    expect(page.text).toContain('您正在使用初始密码');

    const changed = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'New@Pass2026',
      confirmPassword: 'New@Pass2026',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe('/');
    expect((await session.agent.get('/')).status).toBe(200);
    const actions = (await auditActions(testApp, since)).map((row) => row.action);
    expect(actions).toEqual(['login', 'password_changed']);
  });

  it('should refuse new passwords that break the policy with Chinese messages next to the field', async () => {
    const clerk = await createUser(testApp.dataSource, {
      roles: ['entry'],
      password: '123456',
      mustChangePassword: true,
    });
    const session = await login(testApp.server, clerk.mobile, '123456');
    const cases: [string, string][] = [
      ['short1!', '密码至少 8 位'],
      ['abcdefgh12', '至少三类'],
      [`Aa!${clerk.mobile}`, '密码不能包含手机号'],
      ['123456', '不能使用初始密码'],
    ];
    for (const [newPassword, message] of cases) {
      const response = await session.post('/account/password', {
        currentPassword: '123456',
        newPassword,
        confirmPassword: newPassword,
      });
      expect(response.status).toBe(422);
      expect(response.text).toContain('id="newPassword-error"');
      expect(response.text).toContain(message);
    }
    const mismatch = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'New@Pass2026',
      confirmPassword: 'New@Pass2027',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('两次输入的新密码不一致');
    const wrongCurrent = await session.post('/account/password', {
      currentPassword: 'nope',
      newPassword: 'New@Pass2026',
      confirmPassword: 'New@Pass2026',
    });
    expect(wrongCurrent.status).toBe(422);
    expect(wrongCurrent.text).toContain('当前密码不正确');
    const rows: { must_change_password: boolean }[] = await testApp.dataSource.query(
      `SELECT must_change_password FROM users WHERE id = $1`,
      [clerk.id],
    );
    expect(rows[0].must_change_password).toBe(true);
  });

  it('should report every problem of a new password at once, on the forced and the ordinary change', async () => {
    const clerk = await createUser(testApp.dataSource, {
      roles: ['entry'],
      password: '123456',
      mustChangePassword: true,
    });
    const session = await login(testApp.server, clerk.mobile, '123456');
    // Forced change (first login): a too simple password and a confirmation that differs.
    const weakAndMismatched = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'abcdefgh12',
      confirmPassword: 'abcdefgh13',
    });
    expect(weakAndMismatched.status).toBe(422);
    expect(weakAndMismatched.text).toContain('您正在使用初始密码');
    expect(fieldError(weakAndMismatched.text, 'newPassword')).toContain('至少三类');
    expect(fieldError(weakAndMismatched.text, 'confirmPassword')).toBe('两次输入的新密码不一致');
    // The confirmation left empty (refused by the form) and a too short password.
    const emptyConfirmation = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'short1!',
      confirmPassword: '',
    });
    expect(emptyConfirmation.status).toBe(422);
    expect(fieldError(emptyConfirmation.text, 'newPassword')).toContain('密码至少 8 位');
    expect(fieldError(emptyConfirmation.text, 'confirmPassword')).toBe('请再次输入新密码');
    // A wrong current password does not hide the other problems.
    const since = new Date();
    const everything = await session.post('/account/password', {
      currentPassword: 'not-the-password',
      newPassword: 'abcdefgh12',
      confirmPassword: 'New@Pass2026',
    });
    expect(everything.status).toBe(422);
    expect(fieldError(everything.text, 'currentPassword')).toBe('当前密码不正确');
    expect(fieldError(everything.text, 'newPassword')).toContain('至少三类');
    expect(fieldError(everything.text, 'confirmPassword')).toBe('两次输入的新密码不一致');
    expect((await auditActions(testApp, since)).map((row) => row.action)).toEqual([
      'password_change_failed',
    ]);

    // The ordinary change page, once the initial password is gone.
    const changed = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'New@Pass2026',
      confirmPassword: 'New@Pass2026',
    });
    expect(changed.status).toBe(303);
    const reusedAndMismatched = await session.post('/account/password', {
      currentPassword: 'New@Pass2026',
      newPassword: 'New@Pass2026',
      confirmPassword: 'Other@Pass2026',
    });
    expect(reusedAndMismatched.status).toBe(422);
    expect(reusedAndMismatched.text).not.toContain('您正在使用初始密码');
    expect(fieldError(reusedAndMismatched.text, 'newPassword')).toBe('新密码不能与当前密码相同');
    expect(fieldError(reusedAndMismatched.text, 'confirmPassword')).toBe('两次输入的新密码不一致');
    const rows: { must_change_password: boolean }[] = await testApp.dataSource.query(
      `SELECT must_change_password FROM users WHERE id = $1`,
      [clerk.id],
    );
    expect(rows[0].must_change_password).toBe(false);
  });

  it('should end the session at logout (the old cookie no longer works) and audit it', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const cookie = session.agent.jar.getCookie('sid', {
      path: '/',
      domain: '127.0.0.1',
      secure: false,
      script: false,
    })?.value;
    const logout = await session.post('/logout');
    expect(logout.status).toBe(303);
    expect(logout.headers.location).toBe('/login');
    const replay = await request(testApp.server).get('/').set('Cookie', `sid=${cookie}`);
    expect(replay.status).toBe(303);
    const rows: { action: string }[] = await testApp.dataSource.query(
      `SELECT action FROM audit_log WHERE actor_id = $1 ORDER BY id`,
      [clerk.id],
    );
    expect(rows.map((row) => row.action)).toEqual(['login', 'logout']);
  });

  it('should stop an open session at once when the user is disabled', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    expect((await session.agent.get('/')).status).toBe(200);
    await testApp.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [clerk.id]);
    expect((await session.agent.get('/')).status).toBe(303);
  });

  it('should expire a session idle for longer than the timeout', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    await testApp.dataSource.query(
      `UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`,
      [clerk.id],
    );
    expect((await session.agent.get('/')).status).toBe(303);
  });

  it('should purge expired sessions and keep live ones', async () => {
    const idle = await createUser(testApp.dataSource, { roles: ['entry'] });
    const live = await createUser(testApp.dataSource, { roles: ['entry'] });
    await login(testApp.server, idle.mobile, idle.password);
    const liveSession = await login(testApp.server, live.mobile, live.password);
    await testApp.dataSource.query(
      `UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = $1`,
      [idle.id],
    );
    await testApp.app.get(SessionPurger).purge();
    const left = await testApp.dataSource.query<{ user_id: string }[]>(
      `SELECT user_id FROM sessions WHERE user_id = ANY($1::uuid[])`,
      [[idle.id, live.id]],
    );
    expect(left.map((row) => row.user_id)).toEqual([live.id]);
    expect((await liveSession.agent.get('/')).status).toBe(200);
  });

  it('should reject a state-changing request without the CSRF token, and one with a wrong token', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const missing = await session.agent.post('/logout').type('form').send({});
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('页面已过期');
    const wrong = await session.agent
      .post('/logout')
      .set('X-CSRF-Token', 'forged')
      .type('form')
      .send({});
    expect(wrong.status).toBe(403);
    const crossSite = await session.agent
      .post('/logout')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ _csrf: session.csrfToken });
    expect(crossSite.status).toBe(403);
    // Still signed in: nothing happened.
    expect((await session.agent.get('/')).status).toBe(200);
    // The htmx way: the token in the header.
    const viaHeader = await session.htmx('post', '/logout');
    expect(viaHeader.status).toBe(204);
    expect(viaHeader.headers['hx-redirect']).toBe('/login');
  });

  it('should refuse a login form posted without the anonymous CSRF token', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const response = await request(testApp.server)
      .post('/login')
      .type('form')
      .send({ mobile: clerk.mobile, password: TEST_PASSWORD });
    expect(response.status).toBe(403);
  });

  it('should not redirect to another site after login', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await anonymousSession(testApp.server);
    const response = await session.post('/login', {
      mobile: clerk.mobile,
      password: clerk.password,
      next: '//evil.example/x',
    });
    expect(response.headers.location).toBe('/');
  });

  it('should send security headers on pages', async () => {
    const response = await request(testApp.server).get('/login');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(extractCsrfToken(response.text)).toBeTruthy();
  });

  it('should answer unknown pages with a Chinese 404 page without internals', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const response = await session.agent.get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('页面不存在');
    expect(response.text).not.toMatch(/at .*\.ts:\d+|Cannot GET/);
    // A heading, then what happened and what to do: not the same sentence twice.
    expect(response.text).toContain('<h1>找不到该页面</h1>');
    expect(response.text).toContain('链接可能已失效');
    const forbidden = await session.agent.get('/audit');
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('<h1>无权访问</h1>');
    expect(forbidden.text).toContain('请联系本单位管理员或系统管理员调整您的角色');
  });
});

describe('Login rate limit per IP', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ loginRateLimit: { maxPerWindow: 3, windowSeconds: 300 } });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should answer 429 once an address exceeds the limit, even with the right password', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await anonymousSession(testApp.server);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await session.post('/login', { mobile: '13900000000', password: 'x' })).status).toBe(
        401,
      );
    }
    const limited = await session.post('/login', {
      mobile: clerk.mobile,
      password: clerk.password,
    });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('登录尝试过于频繁');
    const rows: { count: number }[] = await testApp.dataSource.query(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'login_rate_limited'`,
    );
    expect(rows[0].count).toBe(1);
  });
});
