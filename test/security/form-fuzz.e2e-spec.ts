import { anonymousSession, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import {
  describeFormFuzz,
  expectSeeOther,
  fieldMessage,
  idOf,
  type Form,
} from './form-fuzz-harness.js';
import {
  CONTROL_STRINGS,
  HOSTILE_STRINGS,
  HUGE_STRING,
  LONG_STRING,
  MARKUP_STRINGS,
  REPRESENTATIVE_STRINGS,
  SQL_STRINGS,
  UNICODE_STRINGS,
} from './hostile-strings.js';
import Handlebars from 'handlebars';
import { Clock } from '../../src/common/time/clock.js';

/**
 * SECURITY.md C4 for the forms of the records, the office's assignments, administration, the
 * review panel, the password change, the login and the ledger filters (the major projects and
 * the indices are in form-fuzz-projects.e2e-spec.ts). What each post must give, and what the app
 * normalises on purpose, is described in form-fuzz-harness.ts.
 */

const ALL = HOSTILE_STRINGS;
const escape = (value: string) => Handlebars.Utils.escapeExpression(value);
const CJK = /[\u4e00-\u9fff]/;

describe('Form fuzz: records, assignments, administration (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let users: Record<
    | 'clerk'
    | 'reviewer'
    | 'reporter'
    | 'deptClerk'
    | 'office'
    | 'admin'
    | 'auditor'
    | 'passwordOwner',
    TestUser
  >;
  let ids: {
    channel: number;
    domain: number;
    track: number;
    affirmation: number;
    tongnan: number;
    yuzhong: number;
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
  let taskProgress: string;
  let editedUser: string;
  let editedDictionary: number;
  let editedUnit: number;
  let currentPassword = '';

  const as = (user: () => TestUser) => async () => {
    const who = user();
    let session = sessions.get(who.mobile);
    if (!session) {
      session = await login(testApp.server, who.mobile, who.password);
      sessions.set(who.mobile, session);
    }
    return session;
  };
  const query = <T>(sql: string, params: unknown[] = []) =>
    testApp.dataSource.query<T[]>(sql, params);
  const one = async (sql: string, params: unknown[]) => {
    const rows = await query<Record<string, unknown>>(sql, params);
    if (!rows[0]) {
      throw new Error(`Nothing read back by ${sql}`);
    }
    return rows[0];
  };
  const dictionaryId = async (kind: string, code: string) =>
    (
      await query<{ id: number }>(`SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`, [
        kind,
        code,
      ])
    )[0].id;

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
    testApp = await createTestApp({
      evaluationYearStart: '2026-01-01',
      loginRateLimit: { maxPerWindow: 10_000, windowSeconds: 300 },
    });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const ds = testApp.dataSource;
    users = {
      clerk: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] }),
      reviewer: await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] }),
      reporter: await createUser(ds, { unitCode: '市委网信办', roles: ['entry'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
      admin: await createUser(ds, { unitCode: '市委改革办', roles: ['admin'] }),
      auditor: await createUser(ds, { unitCode: '市委改革办', roles: ['auditor'] }),
      passwordOwner: await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] }),
    };
    currentPassword = users.passwordOwner.password;
    ids = {
      channel: await dictionaryId('demand_channel', 'public_expectation'),
      domain: await dictionaryId('domain', 'economy'),
      track: await dictionaryId('track', 'business_environment'),
      affirmation: await dictionaryId('affirmation_kind', 'national_1'),
      tongnan: await unitIdByCode(ds, 'tongnan'),
      yuzhong: await unitIdByCode(ds, 'yuzhong'),
      dept: await unitIdByCode(ds, '市科技局'),
      reason: await dictionaryId('reject_reason', 'incomplete'),
    };

    // The records the edit forms post to.
    const clerk = await as(() => users.clerk)();
    const reviewer = await as(() => users.reviewer)();
    const deptClerk = await as(() => users.deptClerk)();
    const office = await as(() => users.office)();
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
    const blocker = idOf(
      expectSeeOther(
        await office.post('/blockers', {
          title: '企业开办跨部门数据不通',
          description: '',
          deadline: '2026-12-31',
          unitIds: [String(ids.yuzhong)],
        }),
      ),
    );
    const task = (
      await query<{ id: string }>(`SELECT id FROM assignment_tasks WHERE assignment_id = $1`, [
        blocker,
      ])
    )[0].id;
    taskProgress = idOf(
      expectSeeOther(
        await clerk.post(`/tasks/${task}/progress`, {
          status: 'in_progress',
          workDone: '已调研。',
        }),
      ),
    );
    editedUser = (await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] })).id;
    editedUnit = (
      await query<{ id: number }>(
        `INSERT INTO units (code, name, kind, sort_order) VALUES ('fuzz-edited-unit', '被修改的单位', 'department', 999) RETURNING id`,
      )
    )[0].id;
    editedDictionary = (
      await query<{ id: number }>(
        `INSERT INTO dictionary_items (kind, code, label, sort_order) VALUES ('demand_channel', 'fuzz_edit', '被修改的字典项', 99) RETURNING id`,
      )
    )[0].id;
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
        { name: 'channelId', kind: 'refused', echo: false },
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
      name: '堵点卡点交办 POST /blockers',
      session: as(() => users.office),
      url: () => '/blockers',
      valid: () => ({
        title: '工程建设项目审批堵点',
        description: '审批环节多。',
        deadline: '2026-12-31',
        unitIds: [String(ids.yuzhong)],
      }),
      fields: [
        { name: 'title', kind: 'text', max: 200, strings: ALL },
        { name: 'description', kind: 'text', max: 5000, required: false },
        { name: 'deadline', kind: 'refused' },
      ],
      read: ({ location }) =>
        one(`SELECT title, description FROM assignments WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '需求清单交办 POST /demand-list',
      session: as(() => users.office),
      url: () => '/demand-list',
      valid: () => ({
        title: '推进数据要素市场化配置改革',
        description: '',
        deadline: '2026-12-31',
        unitIds: [String(ids.yuzhong)],
      }),
      fields: [
        { name: 'title', kind: 'text', max: 200 },
        { name: 'description', kind: 'text', max: 5000, required: false },
      ],
      read: ({ location }) =>
        one(`SELECT title, description FROM assignments WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '任务反馈 POST /task-progress/:id',
      session: as(() => users.clerk),
      url: () => `/task-progress/${taskProgress}`,
      valid: () => ({ status: 'in_progress', workDone: '已开展调研。', problems: '无' }),
      fields: [
        { name: 'workDone', kind: 'text', max: 10000, required: false, strings: ALL },
        { name: 'problems', kind: 'text', max: 5000, required: false },
        { name: 'status', kind: 'refused', echo: false },
      ],
      read: () =>
        one(`SELECT work_done AS "workDone", problems FROM task_progress WHERE id = $1`, [
          taskProgress,
        ]),
    },
    {
      name: '新增用户 POST /admin/users',
      session: as(() => users.admin),
      url: () => '/admin/users',
      valid: () => ({
        mobile: `177${String(process.pid % 1000).padStart(3, '0')}${String(next()).padStart(5, '0')}`,
        name: '测试用户',
        unitId: String(ids.yuzhong),
        roles: ['entry'],
      }),
      fields: [
        { name: 'name', kind: 'text', max: 50 },
        { name: 'mobile', kind: 'refused' },
      ],
      read: ({ form }) => one(`SELECT name FROM users WHERE mobile = $1`, [form.mobile]),
    },
    {
      name: '修改用户 POST /admin/users/:id',
      session: as(() => users.admin),
      url: () => `/admin/users/${editedUser}`,
      valid: () => ({ name: '被修改的用户', unitId: String(ids.yuzhong), roles: ['entry'] }),
      fields: [{ name: 'name', kind: 'text', max: 50, huge: true, strings: ALL }],
      read: () => one(`SELECT name FROM users WHERE id = $1`, [editedUser]),
    },
    {
      name: '新增单位 POST /admin/units',
      session: as(() => users.admin),
      url: () => '/admin/units',
      valid: () => ({ name: `测试单位${next()}`, code: `fuzz-unit-${next()}`, kind: 'department' }),
      fields: [
        { name: 'name', kind: 'text', max: 100 },
        { name: 'code', kind: 'refused' },
        { name: 'districtType', kind: 'refused', echo: false },
      ],
      read: ({ form }) => one(`SELECT name FROM units WHERE code = $1`, [form.code]),
    },
    {
      name: '修改单位 POST /admin/units/:id',
      session: as(() => users.admin),
      url: () => `/admin/units/${editedUnit}`,
      valid: () => ({ name: '被修改的单位', code: 'fuzz-edited-unit', kind: 'department' }),
      // Unit names are unique: the strings the new-unit form already stored are left out.
      fields: [
        {
          name: 'name',
          kind: 'text',
          max: 100,
          strings: ALL.filter(
            (hostile) =>
              !REPRESENTATIVE_STRINGS.some((taken) => taken.value.trim() === hostile.value.trim()),
          ),
        },
      ],
      read: () => one(`SELECT name FROM units WHERE id = $1`, [editedUnit]),
      recordPage: () => `/admin/units/${editedUnit}`,
    },
    {
      name: '新增字典项 POST /admin/dictionaries?kind=demand_channel',
      session: as(() => users.admin),
      url: () => '/admin/dictionaries?kind=demand_channel',
      valid: () => ({
        label: `测试来源渠道${next()}`,
        code: `fuzz_channel_${next()}`,
        description: '',
      }),
      fields: [
        { name: 'label', kind: 'text', max: 200 },
        { name: 'code', kind: 'refused' },
        { name: 'description', kind: 'text', max: 2000, required: false },
      ],
      read: async ({ form }) => {
        const row = await one(
          `SELECT label, description FROM dictionary_items WHERE kind = 'demand_channel' AND code = $1`,
          [form.code],
        );
        return { ...row, description: row.description ?? '' };
      },
    },
    {
      name: '修改字典项 POST /admin/dictionaries/:id',
      session: as(() => users.admin),
      url: () => `/admin/dictionaries/${editedDictionary}`,
      valid: () => ({ label: '被修改的字典项', description: '说明' }),
      fields: [
        { name: 'label', kind: 'text', max: 200 },
        { name: 'description', kind: 'text', max: 2000, required: false, strings: ALL },
      ],
      read: async () => {
        const row = await one(`SELECT label, description FROM dictionary_items WHERE id = $1`, [
          editedDictionary,
        ]);
        return { ...row, description: row.description ?? '' };
      },
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
    {
      name: '扣分标准 POST /risk/deductions/:code',
      session: as(() => users.office),
      url: () => '/risk/deductions/incident_major',
      valid: () => ({ points: '2' }),
      // A refused value shows the error page: the field is one number in a row of the table.
      fields: [
        {
          name: 'points',
          kind: 'refused',
          echo: false,
          errorId: '.error-message',
          keepsOthers: false,
        },
      ],
    },
  ]);

  describe('修改密码 POST /account/password', () => {
    it('should refuse a hostile current password without echoing it, and never fail on a hostile new one', async () => {
      const owner = users.passwordOwner;
      const problems: string[] = [];
      for (const hostile of [
        LONG_STRING,
        ...CONTROL_STRINGS,
        ...MARKUP_STRINGS.slice(0, 3),
        ...SQL_STRINGS,
      ]) {
        const session = await login(testApp.server, owner.mobile, currentPassword);
        const wrongCurrent = await session.post('/account/password', {
          currentPassword: hostile.value,
          newPassword: 'Another@Pass2026',
          confirmPassword: 'Another@Pass2026',
        });
        if (
          wrongCurrent.status !== 422 ||
          !CJK.test(fieldMessage(wrongCurrent.text, 'currentPassword-error') ?? '')
        ) {
          problems.push(`${hostile.name} as current password: ${wrongCurrent.status}`);
        }
        if (hostile.value.length > 3 && wrongCurrent.text.includes(escape(hostile.value))) {
          problems.push(`${hostile.name} as current password is echoed`);
        }
        const candidate = `${hostile.value}Aa1!`;
        const change = await session.post('/account/password', {
          currentPassword,
          newPassword: candidate,
          confirmPassword: candidate,
        });
        if (change.status >= 500) {
          problems.push(`${hostile.name} as new password: ${change.status}`);
        } else if (change.status === 303) {
          currentPassword = candidate;
        } else if (change.text.includes(escape(candidate))) {
          problems.push(`${hostile.name} as new password is echoed`);
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('登录 POST /login', () => {
    it('should answer every hostile mobile and password without a 5xx', async () => {
      const problems: string[] = [];
      for (const hostile of [
        LONG_STRING,
        HUGE_STRING,
        ...CONTROL_STRINGS,
        ...MARKUP_STRINGS.slice(0, 3),
        ...SQL_STRINGS,
      ]) {
        const session = await anonymousSession(testApp.server);
        for (const form of [
          { mobile: hostile.value, password: 'whatever' },
          { mobile: users.clerk.mobile, password: hostile.value },
        ]) {
          const response = await session.post('/login', form);
          if (response.status >= 500 || response.status === 303) {
            problems.push(`${hostile.name}: ${response.status}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('ledger filters (GET)', () => {
    it.each([
      '/demands',
      '/showcase',
      '/risk',
      '/pilots',
      '/pilot-filings',
      '/blockers',
      '/tasks?kind=blocker',
      '/major-projects',
      '/audit',
    ])('should answer hostile filter values on %s without a 5xx', async (path) => {
      const session = await as(() => (path === '/audit' ? users.auditor : users.office))();
      const problems: string[] = [];
      for (const hostile of [
        LONG_STRING,
        ...CONTROL_STRINGS,
        ...MARKUP_STRINGS.slice(0, 3),
        ...SQL_STRINGS,
      ]) {
        const separator = path.includes('?') ? '&' : '?';
        const params = new URLSearchParams(
          [
            'q',
            'unit',
            'state',
            'from',
            'to',
            'sort',
            'page',
            'user',
            'action',
            'project',
            'level',
            'category',
            'subKind',
            'domain',
            'status',
          ].map((name) => [name, hostile.value]),
        );
        // A repeated parameter arrives as an array.
        params.append('q', hostile.value);
        params.append('user', hostile.value);
        const response = await session.agent.get(`${path}${separator}${params.toString()}`);
        if (response.status >= 500) {
          problems.push(`${hostile.name}: ${response.status}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
});
