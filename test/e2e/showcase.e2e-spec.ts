import { Clock } from '../../src/common/time/clock.js';
import { ShowcaseService } from '../../src/showcase/showcase.service.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Showcase (成效晾晒): highlights, year window, counts (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let otherClerk: TestUser;
  let kinds: { national1: number; citywide1: number; renmin: number };

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const kindId = async (code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = $1`,
        [code],
      )
    )[0].id;
  const form = (overrides: Record<string, string> = {}) => ({
    matter: '建立“一件事一次办”集成服务机制',
    category: 'national',
    subKindId: String(kinds.national1),
    happenedOn: '2026-05-20',
    problemsSolved: '企业群众办事多头跑。',
    results: '办理时间压缩60%。',
    evidenceClassified: 'on',
    ...overrides,
  });
  const approve = async (id: string) => {
    await (await as(reviewer)).htmx('post', `/records/${id}/transitions`, { action: 'pass' });
    await (await as(office)).htmx('post', `/records/${id}/transitions`, { action: 'confirm' });
  };
  const idOf = (location: unknown) => String(location).split('/').pop()!;

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    clerk = await createUser(testApp.dataSource, { unitCode: 'dazu', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'dazu', roles: ['reviewer'] });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'tongliang', roles: ['entry'] });
    kinds = {
      national1: await kindId('national_1'),
      citywide1: await kindId('citywide_1'),
      renmin: await kindId('media_renmin'),
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show the form with the 表三 definitions and the year window', async () => {
    const page = await (await as(clerk)).agent.get('/showcase/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('只填报 2026-01-01 以来');
    expect(page.text).toContain('①在党和国家领导人出席的全国性会议作经验交流');
    expect(page.text).toContain('⑥获市级部门文件点名推广');
  });

  it('should refuse a sub-kind of another category, a date before the year start, and a media item not confirmed as a single report', async () => {
    const wrongKind = await (
      await as(clerk)
    ).post('/showcase', form({ subKindId: String(kinds.citywide1) }));
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.text).toContain('所选具体情形不属于该类别');
    const tooEarly = await (await as(clerk)).post('/showcase', form({ happenedOn: '2025-12-31' }));
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.text).toContain('只填报 2026-01-01 以来');
    const media = await (
      await as(clerk)
    ).post('/showcase', form({ category: 'central_media', subKindId: String(kinds.renmin) }));
    expect(media.status).toBe(422);
    expect(media.text).toContain('单篇');
    const noEvidence = await (
      await as(clerk)
    ).post('/showcase', form({ evidenceClassified: '', submit: '1' }));
    expect(noEvidence.status).toBe(422);
    expect(noEvidence.text).toContain('请上传佐证材料');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM showcase_highlights`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should report the form errors and the rule errors at once, each next to its field, keeping what was typed', async () => {
    // No 改革事项 (refused by the DTO) with a date before the year start and a sub-kind of
    // another category (the service's rules).
    const refused = await (
      await as(clerk)
    ).post(
      '/showcase',
      form({ matter: '', happenedOn: '2025-12-31', subKindId: String(kinds.citywide1) }),
    );
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'matter')).toBe('请填写改革事项');
    expect(fieldError(refused.text, 'happenedOn')).toBe(
      '只填报 2026-01-01 以来获肯定、推广、报道的情形',
    );
    expect(fieldError(refused.text, 'subKindId')).toBe('所选具体情形不属于该类别，请重新选择');
    expect(refused.text).toContain('value="2025-12-31"');
    expect(refused.text).toContain('企业群众办事多头跑。');
    expect(refused.text).toContain('办理时间压缩60%。');

    // A date the DTO refuses is not checked against the year start too.
    const badDate = await (await as(clerk)).post('/showcase', form({ happenedOn: '2025/12/31' }));
    expect(badDate.status).toBe(422);
    expect(fieldError(badDate.text, 'happenedOn')).toBe(
      '请填写获肯定、推广或报道的日期（年-月-日）',
    );
  });

  it('should count approved highlights per district and category in the year to date only', async () => {
    const dazu = await unitIdByCode(testApp.dataSource, 'dazu');
    const national = idOf(
      (await (await as(clerk)).post('/showcase', form({ submit: '1' }))).headers.location,
    );
    const citywide = idOf(
      (
        await (
          await as(clerk)
        ).post(
          '/showcase',
          form({
            matter: '全市推广的经验',
            category: 'citywide',
            subKindId: String(kinds.citywide1),
            submit: '1',
          }),
        )
      ).headers.location,
    );
    const media = idOf(
      (
        await (
          await as(clerk)
        ).post(
          '/showcase',
          form({
            matter: '人民日报报道',
            category: 'central_media',
            subKindId: String(kinds.renmin),
            singleReport: 'on',
            submit: '1',
          }),
        )
      ).headers.location,
    );
    await (await as(clerk)).post('/showcase', form({ matter: '仍在审核的', submit: '1' }));
    await (await as(clerk)).post('/showcase', form({ matter: '草稿' }));
    for (const id of [national, citywide, media]) {
      await approve(id);
    }
    const counts = await testApp.app.get(ShowcaseService).brandCountsByDistrict('2026-11-20');
    expect(counts.find((row) => row.unitId === dazu)).toEqual({
      unitId: dazu,
      unitName: '大足区',
      national: 1,
      citywide: 1,
      centralMedia: 1,
    });
    // Before the national item's date nothing of it counts yet.
    const early = await testApp.app.get(ShowcaseService).brandCountsByDistrict('2026-05-19');
    expect(early.find((row) => row.unitId === dazu)).toMatchObject({
      national: 0,
      citywide: 0,
      centralMedia: 0,
    });
  });

  it("should list other units' highlights to the office (approved ones) and not to other districts, and export the filtered ledger", async () => {
    // DESIGN §1: another district's clerk sees its own unit's records only, in the ledger as on the pages.
    const otherDistrict = (await (await as(otherClerk)).agent.get('/showcase')).text;
    expect(otherDistrict).not.toContain('人民日报报道');
    const ledger = (await (await as(office)).agent.get('/showcase?state=approved')).text;
    expect(ledger).toContain('人民日报报道');
    expect(ledger).not.toContain('仍在审核的');
    expect(ledger).not.toContain('>草稿</a>');
    const excel = await (
      await as(office)
    ).agent
      .get('/showcase/export?category=central_media&state=approved')
      .buffer(true)
      .parse(binaryParser);
    const sheet = await readSheet(excel.body as Buffer);
    expect(sheet.rows[0]).toEqual([
      '改革事项',
      '填报单位',
      '类别',
      '具体情形',
      '日期',
      '解决问题',
      '主要成果',
      '状态',
    ]);
    expect(sheet.rows.slice(1)).toEqual([
      [
        '人民日报报道',
        '大足区',
        '改革经验被5家中央媒体深度专题报道',
        '人民日报',
        new Date('2026-05-20T00:00:00Z'),
        '企业群众办事多头跑。',
        '办理时间压缩60%。',
        '已通过',
      ],
    ]);
    expect(sheet.numberFormats[1][4]).toBe('yyyy-mm-dd');
  });
});
