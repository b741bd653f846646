import type { Browser } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

describe('Browser journey: first login with the initial password', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('should make a new user change the initial password, then land on the home page', async () => {
    const clerk = await createUser(testApp.dataSource, {
      unitCode: 'jiangbei',
      roles: ['entry'],
      password: '123456',
      mustChangePassword: true,
      name: '李文静',
    });
    const page = await browser.newPage();
    await loginInBrowser(page, baseUrl, clerk.mobile, '123456');
    expect(new URL(page.url()).pathname).toBe('/account/password');
    await page.waitForSelector('#forced-change-notice');

    // A weak password is refused next to the field.
    await page.fill('#currentPassword', '123456');
    await page.fill('#newPassword', 'weak');
    await page.fill('#confirmPassword', 'weak');
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('#newPassword-error');
    expect(await page.textContent('#newPassword-error')).toContain('密码至少 8 位');

    await page.fill('#currentPassword', '123456');
    await page.fill('#newPassword', 'Lantern#Cove47');
    await page.fill('#confirmPassword', 'Lantern#Cove47');
    await Promise.all([
      page.waitForURL(`${baseUrl}/`),
      page.click('#password-form button[type=submit]'),
    ]);

    expect(await page.textContent('#home h1')).toContain('李文静');
    expect(await page.textContent('#home-identity')).toContain('江北区');
    expect(await page.textContent('.flash-success')).toContain('密码已修改');
    expect(await page.isVisible('nav.sidenav')).toBe(true);
    await screenshot(page, 'first-login-home');
    await page.close();
  });
});
