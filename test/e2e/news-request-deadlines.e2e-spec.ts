import { Clock } from '../../src/common/time/clock.js';
import { RemindersService } from '../../src/deadlines/reminders.service.js';
import { sessionsByUser } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createUser,
  dictionaryIds,
  unitIdByCode,
  type TestUser,
} from '../helpers/users.factory.js';

/**
 * 约稿 deadlines are a due source like the others: the units asked that have not filed an answer
 * are reminded 3 days before, on the day and after it (and reported to the office after the grace
 * days); a unit that has filed is left alone, and the 填报进度 board lists each unit asked.
 *
 * Hand-worked dates (2026, default settings: 3 days before, office after 3 days): a request due
 * Friday 23 October is reminded on Tuesday the 20th, on the 23rd, as overdue from the 24th, and
 * reported to the office from the 27th.
 */
describe('约稿 deadlines in the due-date registry (HTTP, injectable clock, real PostgreSQL)', () => {
  let testApp: TestApp;
  let office: TestUser;
  let tongnanClerk: TestUser;
  let tongnanReviewer: TestUser;
  let wulongClerk: TestUser;
  let jiangbeiClerk: TestUser;
  let domainId: number;
  let requestId: string;
  let draftId: string;

  const as = sessionsByUser(() => testApp.server);
  const setToday = (iso: string) => {
    testApp.app.get(Clock).now = () => new Date(iso);
  };
  /** The reminder run of a morning (08:00 China time). */
  const remind = (day: string) => {
    setToday(`${day}T08:00:00+08:00`);
    return testApp.app.get(RemindersService).run(new Date(`${day}T08:00:00+08:00`));
  };
  const reminders = async (user: TestUser) =>
    testApp.dataSource.query<{ message: string; link: string }[]>(
      `SELECT n.message, n.link FROM notifications n JOIN users u ON u.id = n.user_id
        WHERE u.mobile = $1 AND n.kind = 'reminder' ORDER BY n.id`,
      [user.mobile],
    );
  const newsForm = (form: Record<string, string>) => ({
    title: '潼南乡村振兴改革经验',
    body: '第一段。',
    occurredOn: '2026-10-19',
    domainId: String(domainId),
    requestId,
    ...form,
  });

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    tongnanClerk = await createUser(ds, { unitCode: 'tongnan', roles: ['entry'] });
    tongnanReviewer = await createUser(ds, { unitCode: 'tongnan', roles: ['reviewer'] });
    wulongClerk = await createUser(ds, { unitCode: 'wulong', roles: ['entry'] });
    jiangbeiClerk = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    [domainId] = await dictionaryIds(ds, 'domain');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should remind the units asked that have not filed: before, on and after the deadline', async () => {
    setToday('2026-10-19T10:00:00+08:00');
    const created = await (
      await as(office)
    ).post('/news/requests', {
      topic: '乡村振兴改革经验',
      deadline: '2026-10-23',
      unitIds: await Promise.all(
        ['tongnan', 'wulong', 'jiangbei'].map(async (code) =>
          String(await unitIdByCode(testApp.dataSource, code)),
        ),
      ),
    });
    expect(created.status).toBe(303);
    requestId = String(created.headers.location).split('/').pop()!;
    // 武隆 answers at once (submitted: in review); 潼南 only saves a draft answer.
    const answered = await (
      await as(wulongClerk)
    ).post('/news', newsForm({ title: '武隆乡村振兴', submit: '1' }));
    expect(answered.status).toBe(303);
    const draft = await (await as(tongnanClerk)).post('/news', newsForm({ submit: '0' }));
    expect(draft.status).toBe(303);
    draftId = String(draft.headers.location).split('/').pop()!;

    // Monday the 19th: 4 days before, nothing yet.
    expect((await remind('2026-10-19')).sent.before).toBe(0);
    // Tuesday the 20th: 3 days before, to the clerks of the units that have not filed.
    await remind('2026-10-20');
    const before = {
      message:
        '【报送提醒】工作动态约稿《乡村振兴改革经验》（约稿）应于 2026-10-23 前报送，还有 3 天',
      link: `/news/requests/${requestId}`,
    };
    expect(await reminders(tongnanClerk)).toEqual([before]);
    expect(await reminders(jiangbeiClerk)).toEqual([before]);
    expect(await reminders(wulongClerk)).toEqual([]);
    // Each reminder once: the next morning sends nothing new.
    await remind('2026-10-21');
    expect(await reminders(tongnanClerk)).toHaveLength(1);

    await remind('2026-10-23');
    expect((await reminders(tongnanClerk)).map((n) => n.message)).toEqual([
      before.message,
      '【今日截止】工作动态约稿《乡村振兴改革经验》（约稿）今天（2026-10-23）截止报送，请及时填报并提醒审核',
    ]);
    await remind('2026-10-24');
    const overdue =
      '【已逾期】潼南区的工作动态约稿《乡村振兴改革经验》（约稿）应于 2026-10-23 前报送，至今未报送';
    expect((await reminders(tongnanClerk)).map((n) => n.message)[2]).toBe(overdue);
    expect((await reminders(tongnanReviewer)).map((n) => n.message)).toEqual([overdue]);
    expect(await reminders(wulongClerk)).toEqual([]);
  });

  it('should list each unit asked on the 填报进度 board by its filing', async () => {
    setToday('2026-10-24T10:00:00+08:00');
    const board = await (
      await as(office)
    ).agent.get('/reporting-progress?period=2026-10&module=news_request');
    expect(board.status).toBe(200);
    expect(board.text).toContain('工作动态约稿');
    const row = async (code: string) =>
      new RegExp(
        `<tr id="board-unit-${await unitIdByCode(testApp.dataSource, code)}">([\\s\\S]*?)</tr>`,
      )
        .exec(board.text)![1]
        .match(/<td class="num">(?:<span class="tag tag-bad">)?(\d+)/g)!
        .map((cell) => Number(/(\d+)$/.exec(cell)![1]));
    // 应报送, 未到期未报送, 审核中, 已通过, 已逾期
    expect(await row('tongnan')).toEqual([1, 0, 0, 0, 1]);
    expect(await row('wulong')).toEqual([1, 0, 1, 0, 0]);
    expect(await row('jiangbei')).toEqual([1, 0, 0, 0, 1]);
  });

  it('should stop reminding a unit once it has filed, while the others go on to the office', async () => {
    setToday('2026-10-25T10:00:00+08:00');
    const submitted = await (
      await as(tongnanClerk)
    ).post(`/news/${draftId}`, newsForm({ submit: '1' }));
    expect(submitted.status).toBe(303);
    const before = (await reminders(tongnanClerk)).length;

    // The 27th is past the 3 grace days: only 江北区 (still nothing filed) goes to the office.
    await remind('2026-10-27');
    await remind('2026-10-28');
    expect(await reminders(tongnanClerk)).toHaveLength(before);
    // (The office's other escalations, e.g. the satisfaction return of September, are not 约稿.)
    const escalations = (await reminders(office))
      .map((n) => n.message)
      .filter((message) => /潼南区|江北区/.test(message));
    expect(escalations).toEqual([
      '【逾期转报】1 项填报逾期超过 3 天仍未报送，涉及 1 个单位：江北区',
    ]);
  });
});
