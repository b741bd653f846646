import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 改革风险: events filed by risk reporters (市委网信办, 市信访办); the deduction per type and level is
 * data the office edits, and the value in force when an event is approved is stored with it.
 */
export class Risk1763870900000 implements MigrationInterface {
  name = 'Risk1763870900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE risk_deductions (
        level_code varchar(60) PRIMARY KEY,
        points numeric(6, 2) NOT NULL CHECK (points >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      INSERT INTO risk_deductions (level_code, points) VALUES
        ('negative_opinion', 0.1), ('incident_larger', 3), ('incident_major', 5), ('incident_extreme', 10)`);
    await db.query(`
      CREATE TABLE risk_events (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        occurred_on date NOT NULL,
        level_code varchar(60) NOT NULL REFERENCES risk_deductions(level_code),
        involved_unit_id integer NOT NULL REFERENCES units(id),
        details text NOT NULL,
        deduction_applied numeric(6, 2),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX risk_events_involved ON risk_events (involved_unit_id, occurred_on)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE risk_events`);
    await db.query(`DROP TABLE risk_deductions`);
  }
}
