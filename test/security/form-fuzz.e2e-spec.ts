import { Clock } from '../../src/common/time/clock.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import {
  describeFormFuzz,
  expectSeeOther,
  fuzzHelpers,
  idOf,
  type Form,
} from './form-fuzz-harness.js';
import {
  HOSTILE_STRINGS,
  NUMBER_STRINGS,
  REPRESENTATIVE_STRINGS,
  SQL_STRINGS,
  UNICODE_STRINGS,
} from './hostile-strings.js';

/**
 * SECURITY.md C4 for the forms of the records: demands, highlights, risk events, pilots with their
 * streams (achievements, progress, acceptance), and the review panel's rejection reason. The other
 * forms are in form-fuzz-admin, form-fuzz-projects and form-fuzz-indices. What each post must give, and what the app normalises on purpose, is described in
 * form-fuzz-harness.ts.
 */

const ALL = HOSTILE_STRINGS;

describe('Form fuzz: records (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const { as, query, one, dictionaryId } = fuzzHelpers(() => testApp);
  let users: Record<'clerk' | 'reviewer' | 'reporter' | 'deptClerk', TestUser>;
  let ids: {
    channel: number;
    domain: number;
    track: number;
    affirmation: number;
    tongnan: number;
    dept: number;
    reason: number;
  };
  let counter = 0;
  const next = () => {
    counter += 1;
    return counter;
  };
  let pilotStream: string;
  let pilotProgress: string;

  const demandForm = (): Form => ({
    title: '建立跨区域政务服务协同机制',
    description: '跨区域办事需多地跑，拟建立跨区域通办机制。',
    channelId: String(ids.channel),
    domainId: String(ids.domain),
    trackId: String(ids.track),
  });
  const pilotForm = (): Form => ({
    name: '开展科技人才评价改革试点',
    level: 'municipal',
    documentTitle: '关于开展科技人才评价改革试点的工作方案',
    documentNumber: `渝委办发〔2026〕${next()}号`,
    issuer: '市委改革办',
    deployedOn: '2026-03-01',
    competentUnitId: String(ids.dept),
    involvedUnitIds: [],
    acceptanceDue: '2027-06-30',
    domainId: String(ids.domain),
    documentClassified: 'on',
  });

  /** A fresh demand under review by the unit reviewer (for reject/return details). */
  const submittedDemand = async () => {
    const clerk = await as(() => users.clerk)();
    const location = expectSeeOther(await clerk.post('/demands', { ...demandForm(), submit: '1' }));
    return idOf(location);
  };

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const ds = testApp.dataSource;
    users = {
      clerk: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] }),
      reviewer: await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] }),
      reporter: await createUser(ds, { unitCode: '市委网信办', roles: ['entry'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
    };
    ids = {
      channel: await dictionaryId('demand_channel', 'public_expectation'),
      domain: await dictionaryId('domain', 'economy'),
      track: await dictionaryId('track', 'business_environment'),
      affirmation: await dictionaryId('affirmation_kind', 'national_1'),
      tongnan: await unitIdByCode(ds, 'tongnan'),
      dept: await unitIdByCode(ds, '市科技局'),
      reason: await dictionaryId('reject_reason', 'incomplete'),
    };

    // A confirmed pilot's stream for this district, with an open progress filing.
    const clerk = await as(() => users.clerk)();
    const reviewer = await as(() => users.reviewer)();
    const deptClerk = await as(() => users.deptClerk)();
    const pilot = idOf(
      expectSeeOther(await clerk.post('/pilots', { ...pilotForm(), submit: '1' })),
    );
    await reviewer.htmx('post', `/records/${pilot}/transitions`, { action: 'pass' });
    expectSeeOther(await deptClerk.post(`/pilots/${pilot}/confirmation`, {}));
    pilotStream = (
      await query<{ id: string }>(`SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`, [
        pilot,
      ])
    )[0].id;
    pilotProgress = idOf(
      expectSeeOther(
        await clerk.post(`/pilot-streams/${pilotStream}/progress`, {
          status: 'in_progress',
          workDone: '已制定方案。',
        }),
      ),
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describeFormFuzz([
    {
      name: '改革需求 POST /demands',
      session: as(() => users.clerk),
      url: () => '/demands',
      valid: demandForm,
      fields: [
        { name: 'title', kind: 'text', max: 200, huge: true, strings: ALL },
        { name: 'description', kind: 'text', max: 5000, huge: true, strings: ALL },
        {
          name: 'channelId',
          kind: 'refused',
          echo: false,
          strings: [...REPRESENTATIVE_STRINGS, ...NUMBER_STRINGS],
        },
        { name: 'domainId', kind: 'refused', echo: false, strings: NUMBER_STRINGS },
        { name: 'trackId', kind: 'refused', echo: false, strings: NUMBER_STRINGS },
      ],
      read: ({ location }) =>
        one(`SELECT title, description FROM demands WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '成效亮点 POST /showcase',
      session: as(() => users.clerk),
      url: () => '/showcase',
      valid: () => ({
        matter: '建立一件事一次办集成服务机制',
        category: 'national',
        subKindId: String(ids.affirmation),
        happenedOn: '2026-05-20',
        problemsSolved: '企业群众办事多头跑。',
        results: '办理时间压缩60%。',
        evidenceClassified: 'on',
      }),
      fields: [
        { name: 'matter', kind: 'text', max: 200, strings: ALL },
        { name: 'problemsSolved', kind: 'text', max: 5000 },
        { name: 'results', kind: 'text', max: 10000, huge: true },
        { name: 'happenedOn', kind: 'refused' },
        { name: 'category', kind: 'refused', echo: false },
      ],
      read: ({ location }) =>
        one(
          `SELECT matter, problems_solved AS "problemsSolved", results FROM showcase_highlights WHERE id = $1`,
          [idOf(location)],
        ),
    },
    {
      name: '改革风险 POST /risk',
      session: as(() => users.reporter),
      url: () => '/risk',
      valid: () => ({
        occurredOn: '2026-03-05',
        levelCode: 'incident_major',
        involvedUnitId: String(ids.tongnan),
        details: '因改革引发的群体性事件',
      }),
      fields: [
        { name: 'details', kind: 'text', max: 5000, huge: true, strings: ALL },
        { name: 'occurredOn', kind: 'refused' },
        { name: 'levelCode', kind: 'refused', echo: false },
        { name: 'involvedKind', kind: 'refused', echo: false },
      ],
      read: ({ location }) =>
        one(`SELECT details FROM risk_events WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '改革试点 POST /pilots',
      session: as(() => users.clerk),
      url: () => '/pilots',
      valid: pilotForm,
      fields: [
        { name: 'name', kind: 'text', max: 200, strings: ALL },
        { name: 'documentTitle', kind: 'text', max: 300 },
        {
          name: 'documentNumber',
          kind: 'text',
          max: 100,
          strings: [...REPRESENTATIVE_STRINGS, ...UNICODE_STRINGS, ...SQL_STRINGS],
          // Compared after NFKC, which makes it 360 characters long.
          refuses: ['NFKC expanding'],
        },
        { name: 'issuer', kind: 'text', max: 100 },
        { name: 'deployedOn', kind: 'refused' },
        { name: 'acceptanceDue', kind: 'refused' },
        { name: 'competentUnitId', kind: 'refused', echo: false, strings: NUMBER_STRINGS },
      ],
      read: ({ location }) =>
        one(
          `SELECT name, document_title AS "documentTitle", document_number AS "documentNumber", issuer FROM pilots WHERE id = $1`,
          [idOf(location)],
        ),
    },
    {
      name: '试点成果 POST /pilot-streams/:id/achievements',
      session: as(() => users.clerk),
      url: () => `/pilot-streams/${pilotStream}/achievements`,
      valid: () => ({
        name: '科技人才评价办法',
        problemsSolved: '评价标准单一。',
        effects: '形成评价体系。',
      }),
      fields: [
        { name: 'name', kind: 'text', max: 200 },
        { name: 'problemsSolved', kind: 'text', max: 5000 },
        { name: 'effects', kind: 'text', max: 10000, strings: ALL },
      ],
      read: ({ location }) =>
        one(
          `SELECT name, problems_solved AS "problemsSolved", effects FROM pilot_achievements WHERE id = $1`,
          [idOf(location)],
        ),
    },
    {
      name: '试点推进状态 POST /pilot-filings/:id',
      session: as(() => users.clerk),
      url: () => `/pilot-filings/${pilotProgress}`,
      valid: () => ({ status: 'in_progress', workDone: '已制定方案。', problems: '无' }),
      fields: [
        { name: 'workDone', kind: 'text', max: 10000, required: false, strings: ALL },
        { name: 'problems', kind: 'text', max: 5000, required: false },
        { name: 'status', kind: 'refused', echo: false },
      ],
      read: () =>
        one(`SELECT work_done AS "workDone", problems FROM pilot_progress WHERE id = $1`, [
          pilotProgress,
        ]),
    },
    {
      name: '试点验收 POST /pilot-streams/:id/acceptance',
      session: as(() => users.deptClerk),
      url: () => `/pilot-streams/${pilotStream}/acceptance`,
      valid: () => ({ acceptedOn: '2026-10-01' }),
      fields: [{ name: 'acceptedOn', kind: 'refused' }],
    },
    {
      name: '驳回理由 POST /records/:id/transitions',
      session: as(() => users.reviewer),
      url: async () => `/records/${await submittedDemand()}/transitions`,
      htmx: true,
      valid: () => ({ action: 'reject', reasonId: String(ids.reason), detail: '材料不全' }),
      fields: [
        { name: 'detail', kind: 'text', max: 2000, required: false, strings: ALL },
        { name: 'reasonId', kind: 'refused', echo: false },
        {
          name: 'action',
          kind: 'refused',
          echo: false,
          errorId: '.flash-error',
          keepsOthers: false,
        },
      ],
      read: ({ location }) =>
        one(
          `SELECT coalesce(detail, '') AS detail FROM workflow_events WHERE item_id = $1 AND action = 'reject'`,
          [location],
        ),
    },
  ]);
});
