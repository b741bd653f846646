import type { Browser } from 'playwright-core';
import { launchBrowser, listen, screenshot } from '../helpers/browser.js';
import { createTestApp, mfaEnforced, type TestApp } from '../helpers/test-app.js';
import { totpFor } from '../helpers/totp.js';
import { createUser } from '../helpers/users.factory.js';

describe('Browser journey: two-factor enrolment and login', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp({ mfa: mfaEnforced() });
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('should enrol an office user with the QR code shown, then ask for a code at the next login', async () => {
    const user = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
      name: '周敏',
    });
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.fill('#mobile', user.mobile);
    await page.fill('#password', user.password);
    await Promise.all([
      page.waitForURL(`${baseUrl}/account/mfa`),
      page.click('#login-form button[type=submit]'),
    ]);
    await page.waitForSelector('#mfa-required-notice');
    expect(await page.isVisible('nav.sidenav')).toBe(false);

    // The QR code is drawn from the data URL the server rendered (no internet, CSP allows data:).
    const qr = page.locator('#mfa-qr');
    expect(await qr.isVisible()).toBe(true);
    const size = await qr.evaluate((image: HTMLImageElement) => ({
      complete: image.complete,
      width: image.naturalWidth,
      height: image.naturalHeight,
      box: image.getBoundingClientRect().width,
    }));
    expect(size.complete).toBe(true);
    expect(size.width).toBeGreaterThan(0);
    expect(size.box).toBeGreaterThanOrEqual(200);
    const secret = (await page.textContent('#mfa-secret'))!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'mfa-enrolment');

    await page.fill('#code', totpFor(secret));
    await Promise.all([page.waitForSelector('#recovery-codes'), page.click('#enrol-form button')]);
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await screenshot(page, 'mfa-recovery-codes');
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('#recovery-done')]);
    expect(await page.isVisible('nav.sidenav')).toBe(true);

    // Sign out and in again: after the password, the code page.
    await Promise.all([page.waitForURL(/\/login$/), page.click('#whoami button[type=submit]')]);
    await page.fill('#mobile', user.mobile);
    await page.fill('#password', user.password);
    await Promise.all([
      page.waitForURL(`${baseUrl}/login/second-factor`),
      page.click('#login-form button[type=submit]'),
    ]);
    // The step just used at enrolment is spent: the next one (inside the ±1 window) is typed.
    await page.fill('#code', totpFor(secret, Date.now() - 30_000));
    await page.click('#second-factor-form button');
    await page.waitForSelector('#second-factor-error');
    expect(await page.textContent('#second-factor-error')).toContain('验证码不正确');
    await page.fill('#code', totpFor(secret, Date.now() + 30_000));
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('#second-factor-form button')]);
    expect(await page.textContent('#whoami')).toContain('周敏');
    await page.goto(`${baseUrl}/account/sessions`);
    expect(await page.locator('#sessions tbody tr').count()).toBe(1);
    expect(await page.textContent('#sessions')).toContain('当前设备');
    await screenshot(page, 'mfa-sessions');
    await page.close();
  });
});
