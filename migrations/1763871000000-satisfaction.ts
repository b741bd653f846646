import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 改革满意度: the survey centre's quarterly return, one score per district, reviewed by the office. */
export class Satisfaction1763871000000 implements MigrationInterface {
  name = 'Satisfaction1763871000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE satisfaction_returns (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        quarter varchar(7) NOT NULL CHECK (quarter ~ '^20[0-9]{2}-Q[1-4]$'),
        conclusion text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX satisfaction_returns_quarter ON satisfaction_returns (quarter)`);
    await db.query(`
      CREATE TABLE satisfaction_scores (
        return_id uuid NOT NULL REFERENCES satisfaction_returns(id) ON DELETE CASCADE,
        unit_id integer NOT NULL REFERENCES units(id),
        score numeric(5, 2) NOT NULL CHECK (score >= 0 AND score <= 100),
        PRIMARY KEY (return_id, unit_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE satisfaction_scores`);
    await db.query(`DROP TABLE satisfaction_returns`);
  }
}
