import { Clock } from '../../src/common/time/clock.js';
import type { IndicatorSystemDefinition } from '../../src/scoring/calculation/indicator-system.js';
import { draftFormOf } from '../helpers/indicator-system-form.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import {
  describeFormFuzz,
  expectSeeOther,
  fuzzHelpers,
  idOf,
  type Form,
} from './form-fuzz-harness.js';
import { HOSTILE_STRINGS } from './hostile-strings.js';

/**
 * SECURITY.md C4 for the district satisfaction return and the indices: report generation, the
 * what-if text, indicator system drafts and the five-colour band settings. What each post must
 * give, and what the app normalises on purpose, is described in form-fuzz-harness.ts.
 */

const ALL = HOSTILE_STRINGS;

describe('Form fuzz: satisfaction and indices (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const { as, query, one } = fuzzHelpers(() => testApp);
  let users: Record<'survey' | 'office', TestUser>;
  let districts: { id: number }[];
  let districtSystem: number;
  let draftSystem: number;
  const firstSystemCodes = { level: '', indicator: '' };
  let counter = 0;
  const next = () => {
    counter += 1;
    return counter;
  };

  /** Every field of an indicator system draft as its page posts it. */
  const systemForm = async (id: number): Promise<Form> => {
    const rows = await query<{ definition: IndicatorSystemDefinition }>(
      `SELECT definition FROM indicator_systems WHERE id = $1`,
      [id],
    );
    return { ...draftFormOf(rows[0].definition), note: '按年度修订' };
  };
  const scoreTable = (): Form =>
    Object.fromEntries(districts.map((district) => [`score_${district.id}`, '90']));

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const ds = testApp.dataSource;
    users = {
      survey: await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
    };
    districts = await query<{ id: number }>(
      `SELECT id FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
    districtSystem = (
      await query<{ id: number }>(
        `SELECT id FROM indicator_systems WHERE kind = 'district' AND status = 'active'`,
      )
    )[0].id;
    const office = await as(() => users.office)();
    draftSystem = Number(
      idOf(expectSeeOther(await office.post('/indicator-systems/drafts', { kind: 'district' }))),
    );
    const definition = (
      await query<{ definition: IndicatorSystemDefinition }>(
        `SELECT definition FROM indicator_systems WHERE id = $1`,
        [draftSystem],
      )
    )[0].definition;
    firstSystemCodes.level = definition.firstLevels[0].code;
    firstSystemCodes.indicator = definition.indicators[0].code;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describeFormFuzz([
    {
      name: '区县改革满意度 POST /satisfaction',
      session: as(() => users.survey),
      url: () => '/satisfaction',
      valid: () => ({
        ...scoreTable(),
        quarter: `20${String(10 + (next() % 90)).padStart(2, '0')}-Q${1 + (counter % 4)}`,
        conclusion: '总体满意度稳中有升。',
      }),
      fields: [
        { name: 'conclusion', kind: 'text', max: 5000, huge: true, strings: ALL },
        { name: 'quarter', kind: 'refused', echo: false },
      ],
      read: ({ location }) =>
        one(`SELECT conclusion FROM satisfaction_returns WHERE id = $1`, [idOf(location)]),
    },
    {
      name: '生成报表 POST /reports',
      session: as(() => users.office),
      url: () => '/reports',
      valid: () => ({ kind: 'district', period: '2026-Q3' }),
      fields: [{ name: 'period', kind: 'refused', echo: false }],
    },
    {
      name: '指标测算 POST /what-if',
      session: as(() => users.office),
      url: () => '/what-if',
      valid: () => ({ system: String(districtSystem), text: '' }),
      fields: [{ name: 'text', kind: 'echoed', huge: true, strings: ALL }],
    },
    {
      name: '指标体系草稿 POST /indicator-systems/:id',
      session: as(() => users.office),
      url: () => `/indicator-systems/${draftSystem}`,
      valid: () => systemForm(draftSystem),
      fields: [
        {
          name: 'name',
          kind: 'text',
          max: 100,
          count: 'chars',
          errorId: 'system-error',
          strings: ALL,
        },
        {
          name: 'note',
          kind: 'text',
          max: 300,
          count: 'chars',
          required: false,
          errorId: 'system-error',
          huge: true,
        },
        {
          name: 'fl-name',
          posted: () => `fl-${firstSystemCodes.level}-name`,
          kind: 'text',
          max: 100,
          count: 'chars',
          errorId: 'system-error',
        },
        {
          name: 'ind-name',
          posted: () => `ind-${firstSystemCodes.indicator}-name`,
          kind: 'text',
          max: 100,
          count: 'chars',
          errorId: 'system-error',
        },
        {
          name: 'ind-points',
          posted: () => `ind-${firstSystemCodes.indicator}-points`,
          kind: 'refused',
          errorId: 'system-error',
        },
        // A measure the engine has no data for, and a first-level code it cannot take.
        { name: 'add-code', kind: 'refused', echo: false, errorId: 'system-error' },
        { name: 'addfl-code', kind: 'refused', echo: false, errorId: 'system-error' },
      ],
      read: async () => {
        const row = await one(`SELECT definition, note FROM indicator_systems WHERE id = $1`, [
          draftSystem,
        ]);
        const definition = row.definition as IndicatorSystemDefinition;
        return {
          name: definition.name,
          note: row.note,
          'fl-name': definition.firstLevels[0].name,
          'ind-name': definition.indicators[0].name,
        };
      },
    },
    {
      name: '五色图设置 POST /indicator-systems/bands',
      session: as(() => users.office),
      url: () => '/indicator-systems/bands',
      valid: () => ({
        kind: 'district',
        mode: 'rank_quintile',
        'band-0-name': '红',
        'band-0-color': '#c62828',
        'band-1-name': '橙',
        'band-1-color': '#ef6c00',
        'band-2-name': '黄',
        'band-2-color': '#f9a825',
        'band-3-name': '蓝',
        'band-3-color': '#1565c0',
        'band-4-name': '绿',
        'band-4-color': '#2e7d32',
      }),
      fields: [
        { name: 'band-0-name', kind: 'text', max: 20, count: 'chars', errorId: 'bands-error' },
        { name: 'band-0-color', kind: 'refused', errorId: 'bands-error' },
      ],
      read: async () => {
        const row = await one(`SELECT config FROM band_settings WHERE kind = 'district'`, []);
        const config = row.config as { bands: { name: string }[] };
        return { 'band-0-name': config.bands[0].name };
      },
    },
  ]);
});
