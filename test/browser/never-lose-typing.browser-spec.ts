import type { Browser, Page, Route } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule } from '../support/sample-records.module.js';

/** A PDF of about `size` bytes (the upload checks the type, not the content). */
function pdfOf(size: number): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n'),
    Buffer.alloc(size, 0x20),
    Buffer.from('\n%%EOF\n'),
  ]);
}

describe('Browser: nothing typed or uploaded is lost (uploads, leaving, idle timeout, drafts)', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['entry'],
      name: '渝中录入员',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  /** A signed-in page that records every dialog and answers it with `answer` (true: accept). */
  const signedIn = async (
    answer: { accept: boolean } = { accept: true },
    clock = false,
  ): Promise<{ page: Page; dialogs: string[] }> => {
    const context = await browser.newContext();
    if (clock) {
      await context.clock.install();
    }
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void (answer.accept ? dialog.accept() : dialog.dismiss());
    });
    await loginInBrowser(page, baseUrl, clerk.mobile, clerk.password);
    return { page, dialogs };
  };

  it('should hold 保存并上报 while an upload is under way and save the record with the file', async () => {
    const { page } = await signedIn();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let uploadSeen: () => void = () => undefined;
    const uploadStarted = new Promise<void>((resolve) => (uploadSeen = resolve));
    await page.route('**/attachments?**', async (route: Route) => {
      uploadSeen();
      await released;
      await route.continue();
    });
    await page.goto(`${baseUrl}/samples/new`);
    await page.fill('#title', '上传中途点保存');
    await page.setInputFiles('#sample-form-evidence-input', {
      name: '会议纪要.pdf',
      mimeType: 'application/pdf',
      buffer: pdfOf(2 * 1024 * 1024),
    });
    await uploadStarted;
    // While the upload is pending: a progress bar, the buttons held, the message shown.
    await page.waitForSelector('.upload-progress progress');
    const submit = page.locator('button[name=submit][value="1"]');
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.locator('button[name=submit][value="0"]').isDisabled()).toBe(true);
    expect(await page.textContent('.upload-wait')).toBe('文件上传中，请稍候…');
    // A click and a scripted submit (Enter in a field) are both refused: still on the form.
    await submit.click({ force: true });
    await page.evaluate(() => {
      (document.getElementById('sample-form') as HTMLFormElement).requestSubmit();
    });
    expect(new URL(page.url()).pathname).toBe('/samples/new');
    expect(await page.inputValue('#title')).toBe('上传中途点保存');
    // The upload finishes: the chip is listed, the buttons come back, 保存并上报 saves the file.
    release();
    await page.waitForSelector('#sample-form-evidence-files .attachment-chip');
    expect(await page.locator('.upload-progress').count()).toBe(0);
    expect(await submit.isDisabled()).toBe(false);
    expect(await page.textContent('.upload-wait')).toBe('');
    await Promise.all([page.waitForURL(/\/samples\/[0-9a-f-]{36}$/), submit.click()]);
    const id = page.url().split('/').pop()!;
    expect(await page.textContent('.attachment-list')).toContain('会议纪要.pdf');
    const rows = await testApp.dataSource.query<{ name: string }[]>(
      `SELECT a.original_name AS name FROM attachments a
         JOIN workflow_item_attachments l ON l.attachment_id = a.id
        WHERE l.item_id = $1`,
      [id],
    );
    expect(rows.map((row) => row.name)).toEqual(['会议纪要.pdf']);
    await page.context().close();
  });

  it('should ask before leaving a changed form, and not for an unchanged or a sent one', async () => {
    const { page, dialogs } = await signedIn({ accept: false });
    const menuLink = 'nav.sidenav a[href="/"], a.brand';
    // Unchanged: the link just goes.
    await page.goto(`${baseUrl}/samples/new`);
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.click(menuLink)]);
    expect(dialogs).toEqual([]);
    // Changed: the link asks; answering "stay" keeps the page and what was typed.
    await page.goto(`${baseUrl}/samples/new`);
    await page.click('#title');
    await page.keyboard.type('还没保存的标题');
    await page.click(menuLink);
    expect(dialogs).toEqual(['confirm']);
    expect(new URL(page.url()).pathname).toBe('/samples/new');
    expect(await page.inputValue('#title')).toBe('还没保存的标题');
    // Closing the tab (or Back, or typing another address) asks through beforeunload.
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    expect((await asked).type()).toBe('beforeunload');
    expect(dialogs).toEqual(['confirm', 'beforeunload']);
    // Sending the form is no leaving: no question.
    const second = await signedIn({ accept: false });
    await second.page.goto(`${baseUrl}/samples/new`);
    await second.page.click('#title');
    await second.page.keyboard.type('直接保存');
    await Promise.all([
      second.page.waitForURL(/\/samples\/[0-9a-f-]{36}$/),
      second.page.click('button[name=submit][value="0"]'),
    ]);
    expect(second.dialogs).toEqual([]);
    await second.page.context().close();
  });

  it('should bring the typed text back after the session expired and the user logged in again', async () => {
    const { page } = await signedIn();
    await page.goto(`${baseUrl}/samples/new`);
    await page.click('#title');
    await page.keyboard.type('会话过期前写的标题');
    // The session ends behind the page's back (idle timeout, ended on another device).
    await testApp.dataSource.query(`DELETE FROM sessions WHERE user_id = $1`, [clerk.id]);
    await Promise.all([page.waitForURL(/\/login$/), page.click('button[name=submit][value="0"]')]);
    expect(await page.textContent('body')).not.toContain('页面已过期');
    await page.fill('#mobile', clerk.mobile);
    await page.fill('#password', clerk.password);
    await Promise.all([
      page.waitForURL(`${baseUrl}/samples/new`),
      page.click('#login-form button[type=submit]'),
    ]);
    await page.waitForSelector('.draft-note');
    expect(await page.inputValue('#title')).toBe('会话过期前写的标题');
    // Sent successfully this time: the draft is gone, a new form starts empty.
    await Promise.all([
      page.waitForURL(/\/samples\/[0-9a-f-]{36}$/),
      page.click('button[name=submit][value="0"]'),
    ]);
    expect(await page.textContent('#sample-title')).toBe('会话过期前写的标题');
    await page.goto(`${baseUrl}/samples/new`);
    expect(await page.inputValue('#title')).toBe('');
    expect(await page.locator('.draft-note').count()).toBe(0);
    // Nothing but the typed fields is kept: no token, no password.
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain('_csrf');
    expect(stored).not.toContain(clerk.password);
    await page.context().close();
  });

  it('should warn two minutes before the idle timeout and keep the session on 继续 and while typing', async () => {
    const { page } = await signedIn({ accept: true }, true);
    await page.goto(`${baseUrl}/samples/new`);
    expect(await page.locator('.idle-warning:visible').count()).toBe(0);
    // 28 minutes and a half without a request (the page's clock; the default idle time is 30).
    await page.clock.fastForward('28:30');
    await page.waitForSelector('.idle-warning:visible');
    expect(await page.textContent('.idle-warning')).toContain(
      '您已较长时间未操作，将于 2 分钟后退出登录',
    );
    const [keepalive] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/session/keepalive')),
      page.click('.idle-warning button:text("继续")'),
    ]);
    expect(keepalive.status()).toBe(200);
    await page.waitForSelector('.idle-warning', { state: 'hidden' });
    // Typing keeps the session alive too (throttled to one request a minute).
    await page.clock.fastForward('05:00');
    const [typed] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/session/keepalive')),
      page.click('#title').then(() => page.keyboard.type('打字')),
    ]);
    expect(typed.status()).toBe(200);
    await page.clock.fastForward('27:00');
    expect(await page.locator('.idle-warning:visible').count()).toBe(0);
    // No 继续 this time: past the timeout the page says so and offers the login, back to this page.
    await page.clock.fastForward('02:00');
    await page.waitForSelector('.idle-warning:visible .idle-continue');
    await page.clock.fastForward('01:30');
    await page.waitForSelector('.idle-warning:visible a.idle-login');
    expect(await page.textContent('.idle-warning')).toContain('登录已超时，请重新登录');
    expect(await page.getAttribute('a.idle-login', 'href')).toBe('/login?next=%2Fsamples%2Fnew');
    await page.context().close();
  });
});
