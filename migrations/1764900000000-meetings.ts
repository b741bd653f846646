import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 深改委会议管理: the office's meetings with the units attending; agenda topics (议题), each a
 * workflow item (same id) proposed by a unit or added by the office, placed on a meeting with its
 * 审议结果; and 议定事项, each one assignment of the kind 'meeting_decision' (one task per unit)
 * whose tasks the office 销号 one by one.
 */
export class Meetings1764900000000 implements MigrationInterface {
  name = 'Meetings1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE assignments DROP CONSTRAINT IF EXISTS assignments_kind_check`);
    await db.query(
      `ALTER TABLE assignments ADD CONSTRAINT assignments_kind_check CHECK (kind IN ('demand_list', 'blocker', 'meeting_decision'))`,
    );
    await db.query(`
      CREATE TABLE meetings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        kind varchar(20) NOT NULL CHECK (kind IN ('plenary', 'special')),
        held_on date NOT NULL,
        place varchar(200) NOT NULL DEFAULT '',
        host varchar(100) NOT NULL DEFAULT '',
        status varchar(20) NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'held')),
        minutes_classified boolean NOT NULL DEFAULT false,
        minutes_note text NOT NULL DEFAULT '',
        minutes_attachment_id uuid REFERENCES attachments(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX meetings_held_on ON meetings (held_on DESC, id)`);
    await db.query(`
      CREATE TABLE meeting_units (
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        unit_id integer NOT NULL REFERENCES units(id),
        role varchar(10) NOT NULL CHECK (role IN ('attend', 'observe')),
        PRIMARY KEY (meeting_id, unit_id)
      )`);
    await db.query(`
      CREATE TABLE meeting_topics (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        reporting_unit_id integer NOT NULL REFERENCES units(id),
        title varchar(200) NOT NULL,
        topic_kind varchar(20) NOT NULL CHECK (topic_kind IN ('review_document', 'hear_report', 'study_matter')),
        summary text NOT NULL DEFAULT '',
        domain_id integer REFERENCES dictionary_items(id),
        files_classified boolean NOT NULL DEFAULT false,
        classified_note text NOT NULL DEFAULT '',
        meeting_id uuid REFERENCES meetings(id),
        agenda_order integer,
        result varchar(30) CHECK (result IN ('passed', 'passed_in_principle', 'revise_resubmit', 'not_passed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX meeting_topics_meeting ON meeting_topics (meeting_id, agenda_order)`,
    );
    await db.query(`CREATE INDEX meeting_topics_unit ON meeting_topics (unit_id, created_at DESC)`);
    await db.query(`
      CREATE TABLE meeting_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        meeting_id uuid NOT NULL REFERENCES meetings(id),
        topic_id uuid REFERENCES meeting_topics(id),
        assignment_id uuid NOT NULL UNIQUE REFERENCES assignments(id) ON DELETE CASCADE,
        lead_unit_id integer NOT NULL REFERENCES units(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id, created_at)`,
    );
    await db.query(`
      CREATE TABLE meeting_decision_closures (
        task_id uuid PRIMARY KEY REFERENCES assignment_tasks(id) ON DELETE CASCADE,
        closed_by uuid NOT NULL REFERENCES users(id),
        closed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE meeting_decision_closures`);
    await db.query(`DROP TABLE meeting_decisions`);
    await db.query(`DROP TABLE meeting_topics`);
    await db.query(`DROP TABLE meeting_units`);
    await db.query(`DROP TABLE meetings`);
    await db.query(`DELETE FROM assignments WHERE kind = 'meeting_decision'`);
    await db.query(`ALTER TABLE assignments DROP CONSTRAINT assignments_kind_check`);
    await db.query(
      `ALTER TABLE assignments ADD CONSTRAINT assignments_kind_check CHECK (kind IN ('demand_list', 'blocker'))`,
    );
  }
}
