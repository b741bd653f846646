import { PASSWORD_PROBLEMS } from '../../src/auth/password-policy.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

/** The passwords the attack review had accepted, with the reason each is now refused for. */
const REVIEWED: [string, string][] = [
  ['Aa123456', PASSWORD_PROBLEMS.common],
  ['Password1', PASSWORD_PROBLEMS.common],
  ['P@ssw0rd', PASSWORD_PROBLEMS.common],
  ['Qwer@1234', PASSWORD_PROBLEMS.keyboard],
  ['Abcd1234', PASSWORD_PROBLEMS.sequence],
  ['Admin@123', PASSWORD_PROBLEMS.wordAndNumber],
  ['Zhangsan@1990', PASSWORD_PROBLEMS.wordAndNumber],
  ['Chongqing@2026', PASSWORD_PROBLEMS.place],
  ['Gaige@2026', PASSWORD_PROBLEMS.product],
];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('Weak passwords at the forced change and at 修改密码 (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      loginRateLimit: { maxPerWindow: 1000, windowSeconds: 300 },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function expectRefused(
    session: HttpSession,
    current: string,
    cases: [string, string][],
  ): Promise<void> {
    for (const [newPassword, reason] of cases) {
      const response = await session.post('/account/password', {
        currentPassword: current,
        newPassword,
        confirmPassword: newPassword,
      });
      expect({ newPassword, status: response.status }).toEqual({ newPassword, status: 422 });
      expect({ newPassword, error: fieldError(response.text, 'newPassword') }).toEqual({
        newPassword,
        error: expect.stringContaining(reason),
      });
      // The page never shows the password typed (neither in the message nor in a field's value).
      expect(response.text).not.toContain(escapeHtml(newPassword));
    }
  }

  it('should refuse each reviewed password at the forced change with the reason in Chinese, then accept a strong one', async () => {
    const clerk = await createUser(testApp.dataSource, {
      unitCode: 'jiangbei',
      roles: ['entry'],
      password: '123456',
      mustChangePassword: true,
    });
    const session = await login(testApp.server, clerk.mobile, '123456');
    const page = await session.agent.get('/account/password');
    expect(page.text).toContain('您正在使用初始密码');
    expect(page.text).toContain('不能是常见密码');
    await expectRefused(session, '123456', [
      ...REVIEWED,
      ['Jiangbei#Kp82', PASSWORD_PROBLEMS.place],
      [`Kp#${clerk.mobile.slice(-4)}x`, PASSWORD_PROBLEMS.mobile],
    ]);
    const changed = await session.post('/account/password', {
      currentPassword: '123456',
      newPassword: 'Lantern#Cove47',
      confirmPassword: 'Lantern#Cove47',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe('/');
  });

  it('should refuse each reviewed password at 修改密码 and keep the current one', async () => {
    const clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const page = await session.agent.get('/account/password');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('您正在使用初始密码');
    await expectRefused(session, clerk.password, [
      ...REVIEWED,
      ['Yuzh0ng@Kp82', PASSWORD_PROBLEMS.place],
      ['Kp82!Baobiao', PASSWORD_PROBLEMS.product],
    ]);
    // Nothing changed: the old password still logs in.
    await login(testApp.server, clerk.mobile, clerk.password);
    const changed = await session.post('/account/password', {
      currentPassword: clerk.password,
      newPassword: 'Tq9#mLx2vR',
      confirmPassword: 'Tq9#mLx2vR',
    });
    expect(changed.status).toBe(303);
    await login(testApp.server, clerk.mobile, 'Tq9#mLx2vR');
  });
});
