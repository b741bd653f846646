import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 成效晾晒: highlights (national affirmation, city-wide promotion, central media), one row per revision. */
export class Showcase1763870800000 implements MigrationInterface {
  name = 'Showcase1763870800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE showcase_highlights (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        matter varchar(200) NOT NULL,
        category varchar(20) NOT NULL CHECK (category IN ('national', 'citywide', 'central_media')),
        sub_kind_id integer NOT NULL REFERENCES dictionary_items(id),
        happened_on date NOT NULL,
        problems_solved text NOT NULL,
        results text NOT NULL,
        evidence_classified boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX showcase_highlights_unit ON showcase_highlights (unit_id, happened_on)`,
    );
    await db.query(`CREATE INDEX showcase_highlights_lineage ON showcase_highlights (lineage_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE showcase_highlights`);
  }
}
