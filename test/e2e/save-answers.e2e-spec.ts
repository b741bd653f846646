import { SatisfactionService } from '../../src/satisfaction/satisfaction.service.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

/**
 * 保存并上报 answers the same way on every form: 「已保存并上报，等待<the step the record now
 * waits for>」, the step taken from the record's chain; 保存为草稿 answers 「已保存为草稿」.
 */
describe('保存并上报 says the same thing on every form, naming the next step (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let cast: Record<
    'district' | 'department' | 'cyber' | 'survey' | 'deptReviewer' | 'office' | 'districtReviewer',
    TestUser
  >;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;
  /** Posts a form and reads the flash of the page it leads to. */
  const answerOf = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
    const session = await as(user);
    const response = await session.post(url, form);
    expect(response.status).toBe(303);
    const page = await session.agent.get(String(response.headers.location));
    const flash = /<div class="flash flash-success"[^>]*>([^<]*)</.exec(page.text)?.[1]?.trim();
    return { flash, location: String(response.headers.location) };
  };

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    const ds = testApp.dataSource;
    cast = {
      district: await createUser(ds, { unitCode: 'dazu', roles: ['entry'] }),
      districtReviewer: await createUser(ds, { unitCode: 'dazu', roles: ['reviewer'] }),
      department: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      deptReviewer: await createUser(ds, { unitCode: '市科技局', roles: ['reviewer'] }),
      cyber: await createUser(ds, { unitCode: '市委网信办', roles: ['entry'] }),
      survey: await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
    };
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should answer 「已保存并上报，等待本单位审核」 on the forms whose chain starts with the unit’s reviewer, and 「已保存为草稿」 on a draft', async () => {
    const expected = '已保存并上报，等待本单位审核';
    const demand = {
      title: '建立跨区域政务服务协同机制',
      description: '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
    };
    const draft = await answerOf(cast.district, '/demands', { ...demand, submit: '0' });
    expect(draft.flash).toBe('已保存为草稿');
    // The same draft saved again (its edit form) says the same.
    expect((await answerOf(cast.district, draft.location, { ...demand, submit: '0' })).flash).toBe(
      '已保存为草稿',
    );
    expect((await answerOf(cast.district, draft.location, { ...demand, submit: '1' })).flash).toBe(
      expected,
    );
    expect((await answerOf(cast.district, '/demands', { ...demand, submit: '1' })).flash).toBe(
      expected,
    );

    const showcase = await answerOf(cast.district, '/showcase', {
      matter: '建立“一件事一次办”集成服务机制',
      category: 'national',
      subKindId: String(await dictionaryId('affirmation_kind', 'national_1')),
      happenedOn: '2026-05-20',
      problemsSolved: '企业群众办事多头跑。',
      results: '办理时间压缩60%。',
      evidenceClassified: 'on',
      submit: '1',
    });
    expect(showcase.flash).toBe(expected);

    const risk = await answerOf(cast.cyber, '/risk', {
      occurredOn: '2026-03-05',
      levelCode: 'incident_major',
      involvedUnitId: String(await unitIdByCode(testApp.dataSource, 'tongnan')),
      details: '因改革引发的事件',
      submit: '1',
    });
    expect(risk.flash).toBe(expected);

    const pilotForm = {
      name: '科技成果转化试点',
      level: 'municipal',
      documentTitle: '关于开展科技成果转化试点的通知',
      documentNumber: '渝科发〔2022〕3号',
      issuer: '市科技局',
      deployedOn: '2022-03-01',
      competentUnitId: String(await unitIdByCode(testApp.dataSource, '市科技局')),
      acceptanceDue: '2026-12-31',
      domainId: String(await dictionaryId('domain', 'economy')),
      documentClassified: 'on',
    };
    const pilot = await answerOf(cast.district, '/pilots', { ...pilotForm, submit: '1' });
    expect(pilot.flash).toBe(expected);
    const pilotId = pilot.location.split('/').pop()!;
    await (
      await as(cast.districtReviewer)
    ).htmx('post', `/records/${pilotId}/transitions`, { action: 'pass' });
    await (await as(cast.department)).post(`/pilots/${pilotId}/confirmation`, {});
    const stream = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`,
        [pilotId],
      )
    )[0].id;
    const progress = await answerOf(cast.district, `/pilot-streams/${stream}/progress`, {
      status: 'in_progress',
      workDone: '1.出台实施方案。',
      submit: '0',
    });
    expect(progress.flash).toBe('已保存为草稿');
    expect(
      (
        await answerOf(cast.district, progress.location, {
          status: 'in_progress',
          workDone: '1.出台实施方案。',
          submit: '1',
        })
      ).flash,
    ).toBe(expected);
    const achievement = await answerOf(cast.district, `/pilot-streams/${stream}/achievements`, {
      name: '搭建科技成果转化服务平台',
      problemsSolved: '成果转化收益分配不清。',
      effects: '促成转化项目 12 项。',
      submit: '1',
    });
    expect(achievement.flash).toBe(expected);

    // A 堵点卡点 task the office assigned to the district: its progress feedback.
    const assigned = await (
      await as(cast.office)
    ).post('/blockers', {
      title: '企业开办跨部门数据不通',
      description: '企业开办跨部门数据不通的具体要求',
      deadline: '2027-06-30',
      unitIds: [String(await unitIdByCode(testApp.dataSource, 'dazu'))],
    });
    expect(assigned.status).toBe(303);
    const task = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT t.id FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
          WHERE a.title = '企业开办跨部门数据不通'`,
      )
    )[0].id;
    const feedback = await answerOf(cast.district, `/tasks/${task}/progress`, {
      status: 'in_progress',
      workDone: '1.建立部门数据共享清单。',
      submit: '1',
    });
    expect(feedback.flash).toBe(expected);

    const project = await createIssuedProject(testApp.dataSource, {
      unit: '市科技局',
      createdBy: cast.office.id,
    });
    const iteration = await answerOf(
      cast.department,
      `/major-projects/${project.projectId}/iterations`,
      {
        kind: 'edit',
        targetMeasure: project.measureKeys[0].replaceAll('-', ''),
        text: '建立惠企政策直达快享机制',
        basis: '市政府常务会议要求',
        submit: '1',
      },
    );
    expect(iteration.flash).toBe(expected);
  });

  it('should answer 「已保存并上报，等待市委改革办审核」 for the satisfaction return, whose first step is the office', async () => {
    const session = await as(cast.survey);
    const upload = await session.agent
      .post('/attachments?field=report')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach('upload_report', PDF, '调查报告.pdf');
    expect(upload.status).toBe(200);
    const reportId = /value="([0-9a-f-]{36})"/.exec(upload.text)![1];
    const form: Record<string, string | string[]> = {
      quarter: '2026-Q3',
      conclusion: '总体满意度稳中有升。',
      report: [reportId],
      submit: '1',
    };
    for (const district of await testApp.app.get(SatisfactionService).districts()) {
      form[`score_${district.id}`] = '85';
    }
    expect((await answerOf(cast.survey, '/satisfaction', form)).flash).toBe(
      '已保存并上报，等待市委改革办审核',
    );
  });
});
