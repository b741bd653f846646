import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_BAND_CONFIG } from '../src/scoring/calculation/bands.js';
import {
  DISTRICT_SYSTEM,
  MAJOR_PROJECT_SYSTEM,
} from '../src/scoring/calculation/default-systems.js';

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
