import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { anonymousSession, login } from '../helpers/http-session.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import {
  describeFormFuzz,
  expectSeeOther,
  fieldMessage,
  fuzzHelpers,
  idOf,
} from './form-fuzz-harness.js';
import Handlebars from 'handlebars';
import {
  CONTROL_STRINGS,
  HOSTILE_STRINGS,
  HUGE_STRING,
  LONG_STRING,
  MARKUP_STRINGS,
  REPRESENTATIVE_STRINGS,
  SQL_STRINGS,
} from './hostile-strings.js';

/**
 * SECURITY.md C4 for the office's assignments and the units' feedback, administration (users,
 * units, dictionaries), the risk deduction table, the password change, the login and the ledger
 * filters. What each post must give, and what the app normalises on purpose, is described in
 * form-fuzz-harness.ts.
 */

const ALL = HOSTILE_STRINGS;
const escape = (value: string) => Handlebars.Utils.escapeExpression(value);
const CJK = /[\u4e00-\u9fff]/;

describe('Form fuzz: assignments, administration, login, filters (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const { as, query, one } = fuzzHelpers(() => testApp);
  let users: Record<'clerk' | 'office' | 'admin' | 'auditor' | 'passwordOwner', TestUser>;
  let ids: { yuzhong: number };
  let counter = 0;
  const next = () => {
    counter += 1;
    return counter;
  };
  let taskProgress: string;
  let editedUser: string;
  let editedDictionary: number;
  let editedUnit: number;
  let currentPassword = '';

  beforeAll(async () => {
    testApp = await createTestApp({
      loginRateLimit: { maxPerWindow: 10_000, windowSeconds: 300 },
    });
    const ds = testApp.dataSource;
    users = {
      clerk: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
      admin: await createUser(ds, { unitCode: '市委改革办', roles: ['admin'] }),
      auditor: await createUser(ds, { unitCode: '市委改革办', roles: ['auditor'] }),
      passwordOwner: await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] }),
    };
    currentPassword = users.passwordOwner.password;
    ids = { yuzhong: await unitIdByCode(ds, 'yuzhong') };

    // The records the edit forms post to.
    const clerk = await as(() => users.clerk)();
    const office = await as(() => users.office)();
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
