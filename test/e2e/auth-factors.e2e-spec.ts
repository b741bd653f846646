import request from 'supertest';
import { PASSWORD_REUSED_MESSAGE } from '../../src/auth/password.service.js';
import {
  anonymousSession,
  extractCsrfToken,
  login,
  type HttpSession,
} from '../helpers/http-session.js';
import { createTestApp, mfaEnforced, testConfig, type TestApp } from '../helpers/test-app.js';
import { hotp, totpFor } from '../helpers/totp.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * Authentication per 等保 level 3 through HTTP: TOTP enrolment and the login's second step,
 * recovery codes, replay and lockout, password expiry and history, the session list.
 * Mandatory enrolment is enforced here (tests elsewhere run without it: see testConfig()).
 */

const STEP = 30_000;

function sidOf(session: HttpSession): string {
  return String(
    session.agent.jar.getCookie('sid', {
      path: '/',
      domain: '127.0.0.1',
      secure: false,
      script: false,
    })?.value,
  );
}

async function refreshToken(session: HttpSession, url: string): Promise<string> {
  const page = await session.agent.get(url);
  expect(page.status).toBe(200);
  session.csrfToken = extractCsrfToken(page.text);
  return page.text;
}

/** Mobile and password only; the session then waits at whatever step is due. */
async function passwordStep(testApp: TestApp, user: TestUser, next?: string) {
  const session = await anonymousSession(testApp.server);
  const response = await session.post('/login', {
    mobile: user.mobile,
    password: user.password,
    ...(next ? { next } : {}),
  });
  expect(response.status).toBe(303);
  return { session, location: String(response.headers.location) };
}

/** Enrols through the pages; answers the secret read from the page and the recovery codes. */
async function enrol(session: HttpSession): Promise<{ secret: string; recoveryCodes: string[] }> {
  const page = await refreshToken(session, '/account/mfa');
  const secret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(page)![1].replace(/ /g, '');
  const done = await session.post('/account/mfa', { code: totpFor(secret) });
  expect(done.status).toBe(200);
  const recoveryCodes = [...done.text.matchAll(/<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/g)].map(
    (match) => match[1],
  );
  return { secret, recoveryCodes };
}

describe('Authentication factors (HTTP, real PostgreSQL, enrolment enforced)', () => {
  let testApp: TestApp;

  const audit = (userId: string, since: Date) =>
    testApp.dataSource.query<
      { action: string; result: string; detail: Record<string, string | number | boolean> | null }[]
    >(`SELECT action, result, detail FROM audit_log WHERE actor_id = $1 AND at >= $2 ORDER BY id`, [
      userId,
      since,
    ]);
  /** As if the next 30-second step had come: the last step used is forgotten. */
  const nextStep = (userId: string) =>
    testApp.dataSource.query(`UPDATE user_totp SET last_used_step = NULL WHERE user_id = $1`, [
      userId,
    ]);

  /** An office user enrolled through the pages, logged out again. */
  async function enrolledOfficeUser() {
    const user = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    const { session } = await passwordStep(testApp, user);
    const enrolment = await enrol(session);
    await session.post('/logout');
    await nextStep(user.id);
    return { user, ...enrolment };
  }

  /** Password and a code: a fully signed-in session. */
  async function signIn(user: TestUser, secret: string): Promise<HttpSession> {
    await nextStep(user.id);
    const { session, location } = await passwordStep(testApp, user);
    expect(location).toBe('/login/second-factor');
    await refreshToken(session, location);
    const verified = await session.post('/login/second-factor', { code: totpFor(secret) });
    expect(verified.status).toBe(303);
    await refreshToken(session, '/');
    return session;
  }

  beforeAll(async () => {
    testApp = await createTestApp({
      mfa: mfaEnforced(),
      lockout: { maxFailures: 5, lockMinutes: 15 },
      loginRateLimit: { maxPerWindow: 1000, windowSeconds: 300 },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it("should compute the RFC 6238 SHA-1 codes with the tests' own TOTP function", () => {
    const secret = Buffer.from('12345678901234567890');
    expect(hotp(secret, Math.floor(59 / 30), 8)).toBe('94287082');
    expect(hotp(secret, Math.floor(1111111109 / 30), 8)).toBe('07081804');
    expect(hotp(secret, Math.floor(1234567890 / 30), 8)).toBe('89005924');
    expect(hotp(secret, Math.floor(20000000000 / 30), 8)).toBe('65353130');
    // The base32 form of the same secret, as an enrolment page would show it.
    expect(totpFor('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, 8)).toBe('94287082');
  });

  it('should send an office user without an authenticator to enrolment and refuse everything else until it is done', async () => {
    const since = new Date();
    const user = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    const { session, location } = await passwordStep(testApp, user);
    expect(location).toBe('/account/mfa');
    for (const url of ['/', '/inbox', '/account/sessions', '/account/password', '/admin/users']) {
      const response = await session.agent.get(url);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/account/mfa');
    }
    expect((await session.htmx('get', '/inbox')).headers['hx-redirect']).toBe('/account/mfa');

    const page = await refreshToken(session, '/account/mfa');
    expect(page).toContain('id="mfa-required-notice"');
    expect(page).toMatch(/<img id="mfa-qr" class="qr-code" src="data:image\/svg\+xml;base64,/);
    const secret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(page)![1].replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code carries the otpauth URI of that secret.
    const svg = Buffer.from(/base64,([^"]+)"/.exec(page)![1], 'base64').toString();
    expect(svg).toMatch(/^<svg/);
    // A reload shows the same key.
    expect(await refreshToken(session, '/account/mfa')).toContain(
      secret.replace(/(.{4})(?=.)/g, '$1 '),
    );

    const wrong = await session.post('/account/mfa', {
      code: totpFor(secret, Date.now() + 5 * STEP),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('验证码不正确');
    expect((await session.agent.get('/inbox')).headers.location).toBe('/account/mfa');

    const done = await session.post('/account/mfa', { code: totpFor(secret) });
    expect(done.status).toBe(200);
    const codes = [...done.text.matchAll(/<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/g)].map(
      (match) => match[1],
    );
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await session.agent.get('/inbox')).status).toBe(200);

    // At rest: the key sealed (never the base32 or raw key), the recovery codes as keyed hashes.
    const stored = await testApp.dataSource.query<{ secret_sealed: string }[]>(
      `SELECT secret_sealed FROM user_totp WHERE user_id = $1`,
      [user.id],
    );
    expect(stored[0].secret_sealed).toMatch(/^v1\./);
    expect(stored[0].secret_sealed).not.toContain(secret);
    const hashes = await testApp.dataSource.query<{ code_hash: string }[]>(
      `SELECT code_hash FROM user_recovery_codes WHERE user_id = $1`,
      [user.id],
    );
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) {
      expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(codes.some((code) => code_hash.includes(code.replace('-', '')))).toBe(false);
    }
    // Shown once: the page no longer lists them.
    const status = await refreshToken(session, '/account/mfa');
    expect(status).toContain('id="mfa-status"');
    expect(status).not.toContain(codes[0]);
    expect((await audit(user.id, since)).map((row) => row.action)).toEqual([
      'login',
      'mfa_enrolled',
    ]);
  });

  it('should ask an enrolled office user for the code after the password, refusing every other route until then', async () => {
    const { user, secret } = await enrolledOfficeUser();
    const since = new Date();
    const { session, location } = await passwordStep(testApp, user, '/inbox');
    expect(location).toBe('/login/second-factor?next=%2Finbox');
    const waitingSid = sidOf(session);
    for (const url of ['/', '/inbox', '/account/mfa', '/account/sessions', '/account/password']) {
      const response = await session.agent.get(url);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/login/second-factor');
    }
    expect((await session.htmx('get', '/inbox')).headers['hx-redirect']).toBe(
      '/login/second-factor',
    );
    const page = await refreshToken(session, location);
    expect(page).toContain('id="second-factor-form"');
    expect(page).toContain('连续输错 5 次（含密码错误）将锁定账号 15 分钟');
    expect((await session.post('/account/sessions/others/end')).status).toBe(403);
    expect((await session.post('/account/mfa/recovery-codes', { code: '000000' })).status).toBe(
      403,
    );

    const verified = await session.post('/login/second-factor', {
      code: totpFor(secret),
      next: '/inbox',
    });
    expect(verified.status).toBe(303);
    expect(verified.headers.location).toBe('/inbox');
    // A new session id once fully signed in; the waiting one is gone.
    expect(sidOf(session)).not.toBe(waitingSid);
    expect(
      (await request(testApp.server).get('/inbox').set('Cookie', `sid=${waitingSid}`)).status,
    ).toBe(303);
    expect((await session.agent.get('/inbox')).status).toBe(200);
    const rows = await audit(user.id, since);
    expect(rows.map((row) => row.action)).toEqual(['login', 'mfa_verified']);
    expect(rows[0].detail).toEqual({ secondFactor: 'pending' });
    expect(rows[1].detail).toEqual({ method: 'totp' });
  });

  it('should let a session waiting for the code lapse after 10 minutes', async () => {
    const { user } = await enrolledOfficeUser();
    const { session, location } = await passwordStep(testApp, user);
    expect((await session.agent.get(location)).status).toBe(200);
    await testApp.dataSource.query(
      `UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE user_id = $1`,
      [user.id],
    );
    const lapsed = await session.agent.get(location);
    expect(lapsed.status).toBe(303);
    expect(lapsed.headers.location).toMatch(/^\/login/);
  });

  it('should refuse a wrong code, count it toward the lockout with wrong passwords, and end the waiting session at the limit', async () => {
    const { user, secret } = await enrolledOfficeUser();
    const since = new Date();
    // Two wrong passwords first …
    const other = await anonymousSession(testApp.server);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(
        (await other.post('/login', { mobile: user.mobile, password: 'Wrong@Pass1' })).status,
      ).toBe(401);
    }
    // … then the right password and wrong codes.
    const { session, location } = await passwordStep(testApp, user);
    await refreshToken(session, location);
    const wrongCode = totpFor(secret, Date.now() + 10 * STEP);
    const first = await session.post('/login/second-factor', { code: wrongCode });
    expect(first.status).toBe(422);
    expect(first.text).toContain('验证码不正确或已使用过');
    const count = await testApp.dataSource.query<{ failed_login_count: number }[]>(
      `SELECT failed_login_count FROM users WHERE id = $1`,
      [user.id],
    );
    expect(count[0].failed_login_count).toBe(3);
    expect((await session.post('/login/second-factor', { code: 'ABCDE-23456' })).status).toBe(422);
    const locked = await session.post('/login/second-factor', { code: wrongCode });
    expect(locked.status).toBe(303);
    expect(locked.headers.location).toBe('/login');
    const loginPage = await session.agent.get('/login');
    expect(loginPage.text).toContain('验证码错误次数过多，账号已锁定 15 分钟');
    expect((await session.agent.get('/inbox')).headers.location).toBe('/login?next=%2Finbox');
    const sessions = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(sessions[0].count).toBe(0);
    // Locked: even the right password and a right code get nowhere now.
    const again = await anonymousSession(testApp.server);
    expect(
      (await again.post('/login', { mobile: user.mobile, password: user.password })).status,
    ).toBe(401);
    const rows = await audit(user.id, since);
    expect(rows.map((row) => `${row.action}:${row.detail?.reason ?? ''}`)).toEqual([
      'login_failed:wrong_password',
      'login_failed:wrong_password',
      'login:',
      'mfa_failed:wrong_code',
      'mfa_failed:wrong_recovery_code',
      'mfa_failed:wrong_code',
      'account_locked:',
      'login_failed:locked',
    ]);
  });

  it('should refuse a code already used (replay), also within its own 30 seconds', async () => {
    const { user, secret } = await enrolledOfficeUser();
    const code = totpFor(secret);
    const first = await passwordStep(testApp, user);
    await refreshToken(first.session, first.location);
    expect((await first.session.post('/login/second-factor', { code })).status).toBe(303);

    const second = await passwordStep(testApp, user);
    await refreshToken(second.session, second.location);
    const replay = await second.session.post('/login/second-factor', { code });
    expect(replay.status).toBe(422);
    // An older step than the one used is refused too; a later one is accepted.
    const older = await second.session.post('/login/second-factor', {
      code: totpFor(secret, Date.now() - STEP),
    });
    expect(older.status).toBe(422);
    const later = await second.session.post('/login/second-factor', {
      code: totpFor(secret, Date.now() + STEP),
    });
    expect(later.status).toBe(303);
    const reasons = await testApp.dataSource.query<{ reason: string }[]>(
      `SELECT detail->>'reason' AS reason FROM audit_log WHERE actor_id = $1 AND action = 'mfa_failed' ORDER BY id`,
      [user.id],
    );
    expect(reasons.map((row) => row.reason)).toEqual(['replayed_code', 'replayed_code']);
  });

  it('should let a recovery code stand in for the code once, in any case and spacing', async () => {
    const { user, recoveryCodes } = await enrolledOfficeUser();
    const since = new Date();
    const first = await passwordStep(testApp, user);
    await refreshToken(first.session, first.location);
    const used = await first.session.post('/login/second-factor', {
      code: ` ${recoveryCodes[0].toLowerCase().replace('-', ' ')} `,
    });
    expect(used.status).toBe(303);
    const home = await first.session.agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('已使用一个恢复码，还剩 9 个');

    const second = await passwordStep(testApp, user);
    await refreshToken(second.session, second.location);
    expect(
      (await second.session.post('/login/second-factor', { code: recoveryCodes[0] })).status,
    ).toBe(422);
    expect(
      (await second.session.post('/login/second-factor', { code: recoveryCodes[1] })).status,
    ).toBe(303);
    const actions = (await audit(user.id, since)).map((row) => row.action);
    expect(actions.filter((action) => action === 'mfa_recovery_code_used')).toHaveLength(2);
    expect(actions).toContain('mfa_failed');
  });

  it('should regenerate recovery codes with a current code (old ones stop working) and not let an office user turn the second factor off', async () => {
    const { user, secret, recoveryCodes } = await enrolledOfficeUser();
    const session = await signIn(user, secret);
    const page = await refreshToken(session, '/account/mfa');
    expect(page).toContain('id="recovery-codes-left">10<');
    expect(page).not.toContain('id="disable-form"');
    expect((await session.post('/account/mfa/disable', { code: totpFor(secret) })).status).toBe(
      422,
    );
    expect((await session.post('/account/mfa/recovery-codes', { code: '123456' })).status).toBe(
      422,
    );
    await nextStep(user.id);
    const regenerated = await session.post('/account/mfa/recovery-codes', {
      code: totpFor(secret),
    });
    expect(regenerated.status).toBe(200);
    const fresh = [...regenerated.text.matchAll(/<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/g)].map(
      (match) => match[1],
    );
    expect(fresh).toHaveLength(10);
    const retry = await passwordStep(testApp, user);
    await refreshToken(retry.session, retry.location);
    expect(
      (await retry.session.post('/login/second-factor', { code: recoveryCodes[2] })).status,
    ).toBe(422);
    expect((await retry.session.post('/login/second-factor', { code: fresh[0] })).status).toBe(303);
    expect(
      await testApp.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM user_totp WHERE user_id = $1`,
        [user.id],
      ),
    ).toEqual([{ count: 1 }]);
  });

  it('should limit the codes guessed on the account page to 10 per user in 15 minutes', async () => {
    const { user, secret } = await enrolledOfficeUser();
    const session = await signIn(user, secret);
    await refreshToken(session, '/account/mfa');
    // The enrolment's confirmation counted too: start from an empty window.
    await testApp.dataSource.query(`DELETE FROM rate_limit_buckets WHERE key = $1`, [
      `mfa:account:${user.id}`,
    ]);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const wrong = await session.post('/account/mfa/recovery-codes', {
        code: totpFor(secret, Date.now() + (attempt + 10) * STEP),
      });
      expect(wrong.status).toBe(422);
      expect(wrong.text).toContain('验证码不正确');
    }
    await nextStep(user.id);
    const limited = await session.post('/account/mfa/recovery-codes', { code: totpFor(secret) });
    expect(limited.status).toBe(422);
    expect(limited.text).toContain('尝试次数过多');
  });

  it('should make the second factor optional for a clerk: not forced, enrolled by choice, then asked for, and turned off with a code', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const { session, location } = await passwordStep(testApp, clerk);
    expect(location).toBe('/');
    expect((await session.agent.get('/inbox')).status).toBe(200);
    const { secret } = await enrol(session);
    await session.post('/logout');

    const signedIn = await signIn(clerk, secret);
    const page = await refreshToken(signedIn, '/account/mfa');
    expect(page).toContain('id="disable-form"');
    await nextStep(clerk.id);
    const off = await signedIn.post('/account/mfa/disable', { code: totpFor(secret) });
    expect(off.status).toBe(303);
    const after = await passwordStep(testApp, clerk);
    expect(after.location).toBe('/');
    expect(
      (await audit(clerk.id, since)).map((row) => row.action).filter((a) => a.startsWith('mfa_')),
    ).toEqual(['mfa_enrolled', 'mfa_verified', 'mfa_disabled']);
  });

  it('should force an expired password to be changed like the initial one, then let the user in', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    await testApp.dataSource.query(
      `UPDATE users SET password_changed_at = now() - interval '91 days' WHERE id = $1`,
      [clerk.id],
    );
    const { session, location } = await passwordStep(testApp, clerk);
    expect(location).toBe('/account/password');
    for (const url of ['/', '/inbox', '/account/sessions']) {
      expect((await session.agent.get(url)).headers.location).toBe('/account/password');
    }
    const page = await refreshToken(session, '/account/password');
    expect(page).toContain('id="expired-password-notice"');
    expect(page).toContain('已超过 90 天未修改');
    expect(page).not.toContain('id="forced-change-notice"');
    const changed = await session.post('/account/password', {
      currentPassword: clerk.password,
      newPassword: 'Fresh@Pass2026',
      confirmPassword: 'Fresh@Pass2026',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe('/');
    expect((await session.agent.get('/inbox')).status).toBe(200);
    expect((await audit(clerk.id, since)).map((row) => row.action)).toEqual([
      'login',
      'password_expired',
      'password_changed',
    ]);
    // An open session whose password passes the limit is stopped at its next request.
    await testApp.dataSource.query(
      `UPDATE users SET password_changed_at = now() - interval '91 days' WHERE id = $1`,
      [clerk.id],
    );
    expect((await session.agent.get('/inbox')).headers.location).toBe('/account/password');
  });

  it('should take an enrolled office user with an expired password through the code first, then the change', async () => {
    const { user, secret } = await enrolledOfficeUser();
    await testApp.dataSource.query(
      `UPDATE users SET password_changed_at = now() - interval '100 days' WHERE id = $1`,
      [user.id],
    );
    const { session, location } = await passwordStep(testApp, user);
    expect(location).toBe('/login/second-factor');
    await refreshToken(session, location);
    const verified = await session.post('/login/second-factor', { code: totpFor(secret) });
    expect(verified.headers.location).toBe('/account/password');
    expect((await session.agent.get('/inbox')).headers.location).toBe('/account/password');
  });

  it('should refuse each of the last 5 passwords and accept an older one', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const passwords = [
      clerk.password,
      'First@Pass1',
      'Second@Pass2',
      'Third@Pass3',
      'Fourth@Pass4',
      'Fifth@Pass5',
    ];
    for (let index = 1; index < passwords.length; index += 1) {
      await refreshToken(session, '/account/password');
      const changed = await session.post('/account/password', {
        currentPassword: passwords[index - 1],
        newPassword: passwords[index],
        confirmPassword: passwords[index],
      });
      expect(changed.status).toBe(303);
    }
    const current = passwords[5];
    for (const reused of passwords.slice(1, 5)) {
      await refreshToken(session, '/account/password');
      const refused = await session.post('/account/password', {
        currentPassword: current,
        newPassword: reused,
        confirmPassword: reused,
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('id="newPassword-error"');
      expect(refused.text).toContain(PASSWORD_REUSED_MESSAGE);
    }
    const same = await session.post('/account/password', {
      currentPassword: current,
      newPassword: current,
      confirmPassword: current,
    });
    expect(same.status).toBe(422);
    expect(same.text).toContain('新密码不能与当前密码相同');
    // The sixth-last (the first one) may come back.
    const older = await session.post('/account/password', {
      currentPassword: current,
      newPassword: passwords[0],
      confirmPassword: passwords[0],
    });
    expect(older.status).toBe(303);
    const kept = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM password_history WHERE user_id = $1`,
      [clerk.id],
    );
    expect(kept[0].count).toBe(4);
    const reusedAudits = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log
        WHERE actor_id = $1 AND action = 'password_change_failed' AND detail->>'reason' = 'reused'`,
      [clerk.id],
    );
    expect(reusedAudits[0].count).toBe(4);
  });

  it('should list the live sessions, end one, all others, and all including this one (old cookies rejected)', async () => {
    const since = new Date();
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const laptop = await login(testApp.server, clerk.mobile, clerk.password);
    const phone = await login(testApp.server, clerk.mobile, clerk.password);
    const tablet = await login(testApp.server, clerk.mobile, clerk.password);
    const stranger = await createUser(testApp.dataSource, { roles: ['entry'] });
    const strangerSession = await login(testApp.server, stranger.mobile, stranger.password);
    const [phoneSid, tabletSid] = [sidOf(phone), sidOf(tablet)];

    const page = await refreshToken(laptop, '/account/sessions');
    const rows = [...page.matchAll(/<tr id="session-([0-9a-f-]{36})"( class="current-session")?/g)];
    expect(rows).toHaveLength(3);
    expect(rows[0][2]).toBeTruthy();
    expect(rows.filter((row) => row[2])).toHaveLength(1);
    expect(page).toContain('当前设备');
    expect(page).toContain('127.0.0.1');
    expect(page).not.toContain(sidOf(laptop));

    // Another user's session cannot be ended from here.
    const strangerPage = await refreshToken(strangerSession, '/account/sessions');
    const strangerId = /<tr id="session-([0-9a-f-]{36})"/.exec(strangerPage)![1];
    expect((await laptop.post(`/account/sessions/${strangerId}/end`)).status).toBe(404);
    expect((await strangerSession.agent.get('/')).status).toBe(200);

    // End one: find the phone's row by asking from the phone.
    const phonePage = await refreshToken(phone, '/account/sessions');
    const phoneId = /<tr id="session-([0-9a-f-]{36})" class="current-session"/.exec(phonePage)![1];
    expect((await laptop.post(`/account/sessions/${phoneId}/end`)).status).toBe(303);
    expect((await request(testApp.server).get('/').set('Cookie', `sid=${phoneSid}`)).status).toBe(
      303,
    );
    expect((await tablet.agent.get('/')).status).toBe(200);

    // Every other one.
    const others = await laptop.post('/account/sessions/others/end');
    expect(others.status).toBe(303);
    expect((await request(testApp.server).get('/').set('Cookie', `sid=${tabletSid}`)).status).toBe(
      303,
    );
    expect((await laptop.agent.get('/')).status).toBe(200);

    // All, this one included.
    const laptopSid = sidOf(laptop);
    await refreshToken(laptop, '/account/sessions');
    const all = await laptop.post('/account/sessions/all/end');
    expect(all.status).toBe(303);
    expect(all.headers.location).toBe('/login');
    expect((await request(testApp.server).get('/').set('Cookie', `sid=${laptopSid}`)).status).toBe(
      303,
    );
    expect((await strangerSession.agent.get('/')).status).toBe(200);
    const rowsLeft = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM sessions WHERE user_id = $1`,
      [clerk.id],
    );
    expect(rowsLeft[0].count).toBe(0);
    const actions = (await audit(clerk.id, since)).filter((row) =>
      row.action.startsWith('session'),
    );
    expect(actions.map((row) => [row.action, row.detail])).toEqual([
      ['session_ended', { current: false }],
      ['sessions_ended', { scope: 'others', count: 1 }],
      ['sessions_ended', { scope: 'all', count: 1 }],
    ]);
  });

  it("should end a user's sessions when an admin deactivates them or resets their second factor", async () => {
    const admin = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['admin'],
    });
    const adminEnrolment = await passwordStep(testApp, admin);
    const { secret: adminSecret } = await enrol(adminEnrolment.session);
    const adminSession = await signIn(admin, adminSecret);

    const { user, secret } = await enrolledOfficeUser();
    const officeSession = await signIn(user, secret);
    const form = await refreshToken(adminSession, `/admin/users/${user.id}`);
    expect(form).toContain('id="user-mfa-status">已绑定<');
    expect((await adminSession.post(`/admin/users/${user.id}/mfa-reset`)).status).toBe(303);
    expect((await officeSession.agent.get('/')).status).toBe(303);
    const again = await passwordStep(testApp, user);
    expect(again.location).toBe('/account/mfa');
    const reset = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'mfa_reset' AND target_id = $1`,
      [user.id],
    );
    expect(reset[0].count).toBe(1);

    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    const clerkSessions = [
      await login(testApp.server, clerk.mobile, clerk.password),
      await login(testApp.server, clerk.mobile, clerk.password),
    ];
    await refreshToken(adminSession, `/admin/users/${clerk.id}`);
    expect((await adminSession.post(`/admin/users/${clerk.id}/deactivation`)).status).toBe(303);
    for (const session of clerkSessions) {
      expect((await session.agent.get('/')).status).toBe(303);
    }
    const left = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM sessions WHERE user_id = $1`,
      [clerk.id],
    );
    expect(left[0].count).toBe(0);
  });

  it('should refuse to give one account two of admin, auditor and a business role (三员分立), in the admin pages and in the database', async () => {
    const admin = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['admin'],
    });
    const adminEnrolment = await passwordStep(testApp, admin);
    const { secret } = await enrol(adminEnrolment.session);
    const adminSession = await signIn(admin, secret);
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    for (const roles of [
      ['office', 'admin'],
      ['office', 'auditor'],
      ['admin', 'auditor'],
      ['auditor', 'leader'],
    ]) {
      const refused = await adminSession.post(`/admin/users/${office.id}`, {
        name: office.name,
        unitId: String(office.unitId),
        roles,
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('三员分立');
    }
    const kept = await testApp.dataSource.query<{ roles: string[] }[]>(
      `SELECT roles FROM users WHERE id = $1`,
      [office.id],
    );
    expect(kept[0].roles).toEqual(['office']);
    await expect(
      testApp.dataSource.query(`UPDATE users SET roles = '{office,auditor}' WHERE id = $1`, [
        office.id,
      ]),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('Authentication factors: mandatory for everyone, passwords that never expire', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      mfa: mfaEnforced({ requiredForAll: true }),
      password: { ...testConfig().password, maxAgeDays: 0 },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should send a clerk to enrolment when MFA_REQUIRED_FOR_ALL is on, and not force a change of an old password when the age limit is 0', async () => {
    const clerk = await createUser(testApp.dataSource, { roles: ['entry'] });
    await testApp.dataSource.query(
      `UPDATE users SET password_changed_at = now() - interval '400 days' WHERE id = $1`,
      [clerk.id],
    );
    const { session, location } = await passwordStep(testApp, clerk);
    expect(location).toBe('/account/mfa');
    expect((await session.agent.get('/inbox')).headers.location).toBe('/account/mfa');
    const page = await refreshToken(session, '/account/mfa');
    expect(page).toContain('id="mfa-required-notice"');
    await enrol(session);
    expect((await session.agent.get('/inbox')).status).toBe(200);
  });
});
