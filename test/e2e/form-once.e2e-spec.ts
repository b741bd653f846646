import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * A filing form is saved once however often it is sent: Back and 保存并上报 again, a double
 * click, a resend after a timeout. The form carries a one-time token; the database remembers
 * where the first submission's record is (every app instance sees it).
 */
describe('Filing forms are saved once', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let form: Record<string, string>;

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    otherClerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    const id = async (kind: string, code: string) =>
      String(
        (
          await ds.query<{ id: number }[]>(
            `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
            [kind, code],
          )
        )[0].id,
      );
    form = {
      description: '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
      channelId: await id('demand_channel', 'public_expectation'),
      domainId: await id('domain', 'economy'),
      trackId: await id('track', 'business_environment'),
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** The token of a freshly opened new-demand form. */
  async function tokenOfNewForm(session: HttpSession): Promise<string> {
    const page = await session.agent.get('/demands/new');
    const token = /name="_once" value="([0-9a-f-]{36})"/.exec(page.text)?.[1];
    expect(token).toBeDefined();
    return token!;
  }

  const demandsTitled = async (title: string) =>
    (
      await testApp.dataSource.query<{ id: string }[]>(`SELECT id FROM demands WHERE title = $1`, [
        title,
      ])
    ).map((row) => row.id);

  it('should lead a second submission of the same form to the record saved by the first', async () => {
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const token = await tokenOfNewForm(session);
    const filed = { ...form, title: '只保存一次的需求', submit: '1', _once: token };
    const first = await session.post('/demands', filed);
    expect(first.status).toBe(303);
    const second = await session.post('/demands', filed);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const ids = await demandsTitled('只保存一次的需求');
    expect(ids).toHaveLength(1);
    expect(first.headers.location).toBe(`/demands/${ids[0]}`);
    const shown = await session.agent.get(second.headers.location);
    expect(shown.text).toContain('该表单已经提交过，没有重复保存');
    // A new form is a new token: the same text filed again on purpose is a second record.
    const again = await session.post('/demands', {
      ...filed,
      _once: await tokenOfNewForm(session),
    });
    expect(again.status).toBe(303);
    expect(await demandsTitled('只保存一次的需求')).toHaveLength(2);
  });

  it('should save a double click once, both answers ending on the record', async () => {
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const filed = { ...form, title: '双击提交的需求', _once: await tokenOfNewForm(session) };
    const answers = await Promise.all([
      session.post('/demands', filed),
      session.post('/demands', filed),
      session.post('/demands', filed),
    ]);
    const ids = await demandsTitled('双击提交的需求');
    expect(ids).toHaveLength(1);
    expect(answers.map((answer) => [answer.status, answer.headers.location])).toEqual(
      Array(3).fill([303, `/demands/${ids[0]}`]),
    );
  });

  it('should give the token back when the form is refused, so the corrected form saves', async () => {
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const token = await tokenOfNewForm(session);
    const refused = await session.post('/demands', { ...form, title: '', _once: token });
    expect(refused.status).toBe(422);
    const corrected = await session.post('/demands', {
      ...form,
      title: '改正后保存的需求',
      _once: token,
    });
    expect(corrected.status).toBe(303);
    expect(await demandsTitled('改正后保存的需求')).toHaveLength(1);
  });

  it('should not let another user ride on a token (refused, nothing saved)', async () => {
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    const token = await tokenOfNewForm(session);
    expect(
      (await session.post('/demands', { ...form, title: '甲的需求', _once: token })).status,
    ).toBe(303);
    const other = await login(testApp.server, otherClerk.mobile, otherClerk.password);
    const answer = await other.post('/demands', { ...form, title: '乙的需求', _once: token });
    expect(answer.status).toBe(409);
    expect(answer.text).toContain('请勿重复提交');
    expect(await demandsTitled('乙的需求')).toHaveLength(0);
  });
});
