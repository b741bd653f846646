import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The initial indicator systems and band settings as they were when this migration was written,
 * inlined: a migration must not import app code, which may change after it ran.
 */
/** 风险管控力 (有事法则): the same four deductions in both default systems. */
const DEDUCTIONS = [
  {
    code: 'negative_opinion',
    name: '重大负面网络舆情',
    firstLevel: 'risk',
    points: '0',
    method: {
      kind: 'deduction',
      perEvent: '0.1',
    },
    window: 'year_to_date',
  },
  {
    code: 'incident_larger',
    name: '群体性事件（较大）',
    firstLevel: 'risk',
    points: '0',
    method: {
      kind: 'deduction',
      perEvent: '3',
    },
    window: 'year_to_date',
    group: '群体性事件',
  },
  {
    code: 'incident_major',
    name: '群体性事件（重大）',
    firstLevel: 'risk',
    points: '0',
    method: {
      kind: 'deduction',
      perEvent: '5',
    },
    window: 'year_to_date',
    group: '群体性事件',
  },
  {
    code: 'incident_extreme',
    name: '群体性事件（特别重大）',
    firstLevel: 'risk',
    points: '0',
    method: {
      kind: 'deduction',
      perEvent: '10',
    },
    window: 'year_to_date',
    group: '群体性事件',
  },
];

const DISTRICT_SYSTEM = {
  kind: 'district',
  name: '区县改革综合指数',
  firstLevels: [
    {
      code: 'implementation',
      name: '改革落实力',
    },
    {
      code: 'brand',
      name: '品牌显示度',
    },
    {
      code: 'satisfaction',
      name: '改革满意度',
    },
    {
      code: 'risk',
      name: '风险管控力',
    },
  ],
  indicators: [
    {
      code: 'pilot_count',
      name: '承接国家级和市级试点项目数',
      firstLevel: 'implementation',
      points: '20',
      method: {
        kind: 'single_tier',
        low: '0.8',
        high: '1.0',
      },
      window: 'as_of',
    },
    {
      code: 'pilot_acceptance_rate',
      name: '试点按时通过验收率',
      firstLevel: 'implementation',
      points: '10',
      method: {
        kind: 'single_tier',
        low: '0.8',
        high: '1.0',
      },
      window: 'as_of',
    },
    {
      code: 'national_affirmation',
      name: '全国性肯定评价',
      firstLevel: 'brand',
      points: '25',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.9',
        b: '0.8',
      },
      window: 'year_to_date',
    },
    {
      code: 'citywide_promotion',
      name: '全市推广',
      firstLevel: 'brand',
      points: '15',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.9',
        b: '0.8',
      },
      window: 'year_to_date',
    },
    {
      code: 'central_media',
      name: '5家中央媒体深度报道',
      firstLevel: 'brand',
      points: '10',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.8',
        b: '0.6',
      },
      window: 'year_to_date',
    },
    {
      code: 'satisfaction',
      name: '社情民意电话调查满意度',
      firstLevel: 'satisfaction',
      points: '20',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.8',
        b: '0.6',
      },
      window: 'period',
    },
    ...DEDUCTIONS,
  ],
};

const MAJOR_PROJECT_SYSTEM = {
  kind: 'major_project',
  name: '市级重大改革项目综合指数',
  firstLevels: [
    {
      code: 'target',
      name: '目标达成度',
    },
    {
      code: 'plan',
      name: '计划推进度',
    },
    {
      code: 'promotion',
      name: '经验推广度',
    },
    {
      code: 'brand',
      name: '品牌显示度',
    },
    {
      code: 'risk',
      name: '风险管控力',
    },
  ],
  indicators: [
    {
      code: 'monthly_target_rate',
      name: '核心指标月度目标完成率',
      firstLevel: 'target',
      points: '20',
      method: {
        kind: 'single_tier',
        low: '0.8',
        high: '1.0',
      },
      window: 'period',
    },
    {
      code: 'annual_target_rate',
      name: '年度目标完成率',
      firstLevel: 'target',
      points: '10',
      method: {
        kind: 'single_tier',
        low: '0.8',
        high: '1.0',
      },
      window: 'year_to_date',
    },
    {
      code: 'plan_on_time_rate',
      name: '月度计划按期完成率',
      firstLevel: 'plan',
      points: '25',
      method: {
        kind: 'single_tier',
        low: '0.8',
        high: '1.0',
      },
      window: 'period',
    },
    {
      code: 'promotion_count',
      name: '复制推广次数',
      firstLevel: 'promotion',
      points: '15',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.9',
        b: '0.8',
      },
      window: 'year_to_date',
    },
    {
      code: 'national_affirmation',
      name: '全国性肯定评价',
      firstLevel: 'brand',
      points: '20',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.9',
        b: '0.8',
      },
      window: 'year_to_date',
    },
    {
      code: 'central_media',
      name: '中央媒体深度报道',
      firstLevel: 'brand',
      points: '10',
      method: {
        kind: 'three_tier',
        s: '1.0',
        a: '0.8',
        b: '0.6',
      },
      window: 'year_to_date',
    },
    ...DEDUCTIONS,
  ],
};

const DEFAULT_BAND_CONFIG = {
  mode: 'rank_quintile',
  bands: [
    {
      name: '第一档',
      color: '#d7191c',
    },
    {
      name: '第二档',
      color: '#fdae61',
    },
    {
      name: '第三档',
      color: '#ffd84d',
    },
    {
      name: '第四档',
      color: '#1a9641',
    },
    {
      name: '第五档',
      color: '#2c7bb6',
    },
  ],
};

/**
 * Indices (DESIGN §4): versioned indicator systems as data, the five-colour band settings, and
 * generated reports — frozen snapshots that nothing changes afterwards (a trigger refuses UPDATE
 * and DELETE on them).
 */
export class Scoring1763871300000 implements MigrationInterface {
  name = 'Scoring1763871300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE indicator_systems (
        id serial PRIMARY KEY,
        kind varchar(20) NOT NULL CHECK (kind IN ('district', 'major_project')),
        version integer NOT NULL CHECK (version >= 1),
        status varchar(10) NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
        definition jsonb NOT NULL,
        note varchar(300) NOT NULL DEFAULT '',
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        UNIQUE (kind, version)
      )`);
    await db.query(
      `CREATE UNIQUE INDEX indicator_systems_one_active ON indicator_systems (kind) WHERE status = 'active'`,
    );
    await db.query(
      `CREATE UNIQUE INDEX indicator_systems_one_draft ON indicator_systems (kind) WHERE status = 'draft'`,
    );
    for (const system of [DISTRICT_SYSTEM, MAJOR_PROJECT_SYSTEM]) {
      await db.query(
        `INSERT INTO indicator_systems (kind, version, status, definition, note, activated_at)
         VALUES ($1, 1, 'active', $2::jsonb, '初始指标体系（种子文件附件及 DESIGN §4）', now())`,
        [system.kind, JSON.stringify(system)],
      );
    }

    await db.query(`
      CREATE TABLE band_settings (
        kind varchar(20) PRIMARY KEY CHECK (kind IN ('district', 'major_project')),
        config jsonb NOT NULL,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `INSERT INTO band_settings (kind, config) VALUES ('district', $1::jsonb), ('major_project', $1::jsonb)`,
      [JSON.stringify(DEFAULT_BAND_CONFIG)],
    );

    await db.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(20) NOT NULL CHECK (kind IN ('district', 'major_project')),
        period varchar(10) NOT NULL,
        period_start date NOT NULL,
        as_of date NOT NULL,
        system_id integer NOT NULL REFERENCES indicator_systems(id),
        system_version integer NOT NULL,
        system_definition jsonb NOT NULL,
        band_config jsonb NOT NULL,
        generated_by uuid NOT NULL REFERENCES users(id),
        generated_by_name varchar(50) NOT NULL,
        generated_at timestamptz NOT NULL DEFAULT now(),
        subject_count integer NOT NULL
      )`);
    await db.query(`CREATE INDEX reports_kind_period ON reports (kind, period, generated_at DESC)`);
    // Exact values are stored as fractions "n/d"; *_display columns are for sorting and charts.
    await db.query(`
      CREATE TABLE report_rows (
        report_id uuid NOT NULL REFERENCES reports(id),
        position integer NOT NULL,
        unit_id integer REFERENCES units(id),
        project_id uuid REFERENCES major_projects(id),
        subject_name varchar(200) NOT NULL,
        raw_values jsonb NOT NULL,
        deduction_amounts jsonb NOT NULL,
        indicator_scores jsonb NOT NULL,
        first_level_scores jsonb NOT NULL,
        deductions varchar(100) NOT NULL,
        total varchar(100) NOT NULL,
        total_display numeric(10, 4) NOT NULL,
        rank integer NOT NULL,
        band integer NOT NULL CHECK (band BETWEEN 0 AND 4),
        evidence jsonb NOT NULL,
        PRIMARY KEY (report_id, position),
        CHECK ((unit_id IS NULL) <> (project_id IS NULL))
      )`);
    await db.query(`CREATE INDEX report_rows_unit ON report_rows (unit_id, report_id)`);
    await db.query(`CREATE INDEX report_rows_project ON report_rows (project_id, report_id)`);
    await db.query(`
      CREATE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'generated reports are frozen: % on % refused', TG_OP, TG_TABLE_NAME;
      END $$`);
    for (const table of ['reports', 'report_rows']) {
      await db.query(
        `CREATE TRIGGER ${table}_frozen BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_report_change()`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE report_rows`);
    await db.query(`DROP TABLE reports`);
    await db.query(`DROP FUNCTION refuse_report_change()`);
    await db.query(`DROP TABLE band_settings`);
    await db.query(`DROP TABLE indicator_systems`);
  }
}
