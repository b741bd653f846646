import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reform pilots (改革试点): created by a district, confirmed and distributed by the competent
 * department; each involved district then has its own stream of progress filings, acceptance and
 * achievements. Pilot revisions, progress filings and achievements are workflow items (same id).
 */
export class Pilots1763870700000 implements MigrationInterface {
  name = 'Pilots1763870700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE pilots (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        creator_unit_id integer NOT NULL REFERENCES units(id),
        name varchar(200) NOT NULL,
        level varchar(20) NOT NULL CHECK (level IN ('national', 'municipal')),
        document_title varchar(300) NOT NULL,
        document_number varchar(100) NOT NULL,
        issuer varchar(100) NOT NULL,
        deployed_on date NOT NULL,
        competent_unit_id integer NOT NULL REFERENCES units(id),
        involved_unit_ids integer[] NOT NULL CHECK (cardinality(involved_unit_ids) > 0),
        acceptance_due date NOT NULL,
        domain_id integer NOT NULL REFERENCES dictionary_items(id),
        track_id integer REFERENCES dictionary_items(id),
        citywide boolean NOT NULL DEFAULT false,
        document_classified boolean NOT NULL DEFAULT false,
        finished boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX pilots_lineage ON pilots (lineage_id)`);
    await db.query(`CREATE INDEX pilots_involved ON pilots USING gin (involved_unit_ids)`);

    // Dedup by 文号: the first record to claim a normalised number owns it.
    await db.query(`
      CREATE TABLE pilot_document_numbers (
        normalized varchar(100) PRIMARY KEY,
        lineage_id uuid NOT NULL UNIQUE
      )`);

    // One stream per involved district of a confirmed pilot (by lineage: it survives revisions).
    await db.query(`
      CREATE TABLE pilot_streams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pilot_lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        accepted_on date,
        accepted_by uuid REFERENCES users(id),
        latest_status varchar(20) CHECK (latest_status IN ('not_started', 'in_progress', 'completed')),
        latest_approved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (pilot_lineage_id, unit_id)
      )`);
    await db.query(`CREATE INDEX pilot_streams_unit ON pilot_streams (unit_id)`);

    await db.query(`
      CREATE TABLE pilot_progress (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        stream_id uuid NOT NULL REFERENCES pilot_streams(id) ON DELETE CASCADE,
        status varchar(20) NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed')),
        work_done text NOT NULL DEFAULT '',
        problems text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX pilot_progress_stream ON pilot_progress (stream_id, created_at DESC)`,
    );

    await db.query(`
      CREATE TABLE pilot_achievements (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        stream_id uuid NOT NULL REFERENCES pilot_streams(id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        problems_solved text NOT NULL,
        effects text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX pilot_achievements_stream ON pilot_achievements (stream_id, created_at DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE pilot_achievements`);
    await db.query(`DROP TABLE pilot_progress`);
    await db.query(`DROP TABLE pilot_streams`);
    await db.query(`DROP TABLE pilot_document_numbers`);
    await db.query(`DROP TABLE pilots`);
  }
}
