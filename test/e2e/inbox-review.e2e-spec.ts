import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule } from '../support/sample-records.module.js';

describe('待办: bulk 通过, 审核意见, waiting days and 下一条 (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let reviewerA: TestUser;
  let reviewerB: TestUser;
  let office: TestUser;
  let deptUnitId: number;
  const sessions = new Map<string, HttpSession>();

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const fileSubmitted = async (title: string) => {
    const response = await (
      await as(clerk)
    ).post('/samples', {
      type: 'sample_office',
      title,
      competentUnitId: String(deptUnitId),
      submit: '1',
    });
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const checkboxValue = (html: string, id: string) =>
    new RegExp(`name="items" value="(${id}:\\d+)"`).exec(html)?.[1];

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewerA = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'], name: '审核甲' });
    reviewerB = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'], name: '审核乙' });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    deptUnitId = await unitIdByCode(ds, '市发展改革委');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should pass the ticked records one by one and name the one another reviewer handled first', async () => {
    const first = await fileSubmitted('批量一：已被他人办理');
    const second = await fileSubmitted('批量二：本次通过');
    // Both reviewers see both records waiting, with the days they have waited.
    const inbox = await (await as(reviewerB)).agent.get('/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain('等待天数');
    expect(inbox.text).toContain(`id="inbox-${second}-days">0<`);
    const items = [checkboxValue(inbox.text, first), checkboxValue(inbox.text, second)];
    expect(items).toEqual([expect.any(String), expect.any(String)]);

    // Reviewer A passes the first record from its page while B's inbox is open.
    const single = await (
      await as(reviewerA)
    ).htmx('post', `/records/${first}/transitions`, { action: 'pass' });
    expect(single.status).toBe(200);

    const bulk = await (
      await as(reviewerB)
    ).post('/inbox/pass', { items: items as string[], detail: '材料齐全，同意上报' });
    expect(bulk.status).toBe(200);
    expect(bulk.text).toContain('已通过 1 条');
    expect(bulk.text).toContain(`id="passed-${second}"`);
    expect(bulk.text).toContain('已被他人办理 1 条');
    expect(bulk.text).toContain(`id="handled-${first}"`);
    expect(bulk.text).not.toContain(`id="passed-${first}"`);

    const states: { id: string; state: string; step: number; version: number }[] =
      await testApp.dataSource.query(
        `SELECT id, state, step, version FROM workflow_items WHERE id = ANY($1::uuid[])`,
        [[first, second]],
      );
    // Each moved exactly once: to the office step, version 2 + 1.
    for (const row of states) {
      expect(row).toMatchObject({ state: 'pending', step: 1 });
    }
    const events: { item_id: string; actor_name: string }[] = await testApp.dataSource.query(
      `SELECT item_id, actor_name FROM workflow_events WHERE item_id = ANY($1::uuid[]) AND action = 'pass'`,
      [[first, second]],
    );
    expect(events).toHaveLength(2);
    expect(events.find((event) => event.item_id === first)?.actor_name).toBe('审核甲');
    expect(events.find((event) => event.item_id === second)?.actor_name).toBe('审核乙');

    // The 审核意见 stands in the record's timeline.
    const page = await (await as(office)).agent.get(`/samples/${second}`);
    expect(page.status).toBe(200);
    const timeline = page.text.slice(page.text.indexOf(`id="record-${second}-timeline"`));
    expect(timeline).toContain('材料齐全，同意上报');
    // Nothing selected, or tampered values: a message, no change, never a 500.
    const empty = await (await as(reviewerB)).post('/inbox/pass', { items: 'x:y' });
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('请先勾选要通过的记录');
  });

  it('should keep an optional comment given on 通过 from the record page, and offer 下一条', async () => {
    const one = await fileSubmitted('逐条一');
    const two = await fileSubmitted('逐条二');
    const page = await (await as(reviewerA)).agent.get(`/samples/${one}`);
    expect(page.text).toContain(`id="record-${one}-pass-comment"`);
    expect(page.text).toMatch(new RegExp(`id="record-${one}-next"`));
    const passed = await (
      await as(reviewerA)
    ).htmx('post', `/records/${one}/transitions`, { action: 'pass', detail: '同意，请改革办审定' });
    expect(passed.status).toBe(200);
    expect(passed.text).toContain('同意，请改革办审定');
    // The next record waiting for this reviewer is linked from the answer.
    expect(passed.text).toContain(`href="/samples/${two}"`);
  });

  it('should list the same rows and 待办 badge whether the page is read with the session or on its own', async () => {
    await fileSubmitted('同读一');
    await fileSubmitted('同读二');
    const reviewer = await as(reviewerA);
    const rowsOf = (html: string) => html.match(/<tr id="inbox-[\s\S]*?<\/tr>/g) ?? [];
    const badgeOf = (html: string) => /id="nav-badge-inbox"[^>]*>(\d*)</.exec(html)?.[1];
    // The unfiltered page comes with the session in one query; a filter that keeps everything
    // runs the page's own query.
    const withSession = await reviewer.agent.get('/inbox');
    const onItsOwn = await reviewer.agent.get('/inbox?since=2000-01-01');
    expect(withSession.status).toBe(200);
    expect(onItsOwn.status).toBe(200);
    expect(rowsOf(withSession.text).length).toBeGreaterThanOrEqual(2);
    expect(rowsOf(withSession.text)).toEqual(rowsOf(onItsOwn.text));
    expect(badgeOf(withSession.text)).toBe(String(rowsOf(withSession.text).length));
    expect(badgeOf(onItsOwn.text)).toBe(badgeOf(withSession.text));
    // Past the last page: nothing listed, the badge still counted.
    const pastEnd = await reviewer.agent.get('/inbox?page=9');
    expect(pastEnd.status).toBe(200);
    expect(rowsOf(pastEnd.text)).toEqual([]);
    expect(badgeOf(pastEnd.text)).toBe(badgeOf(withSession.text));
  });
});
