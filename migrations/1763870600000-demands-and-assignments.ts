import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reform demands (改革需求) filed by units, and the office's assigned items: demand-list items
 * (需求清单) and blockers (堵点卡点), each assigned to units as tasks whose progress filings climb
 * the review chain. Every demand revision and every progress filing is a workflow item (same id).
 */
export class DemandsAndAssignments1763870600000 implements MigrationInterface {
  name = 'DemandsAndAssignments1763870600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE demands (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        title varchar(200) NOT NULL,
        description text NOT NULL,
        channel_id integer NOT NULL REFERENCES dictionary_items(id),
        domain_id integer NOT NULL REFERENCES dictionary_items(id),
        track_id integer REFERENCES dictionary_items(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX demands_unit ON demands (unit_id, created_at DESC)`);
    await db.query(`CREATE INDEX demands_lineage ON demands (lineage_id)`);

    await db.query(`
      CREATE TABLE assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(20) NOT NULL CHECK (kind IN ('demand_list', 'blocker')),
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        domain_id integer REFERENCES dictionary_items(id),
        deadline date NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX assignments_kind ON assignments (kind, created_at DESC)`);

    // One task per assigned unit; the latest approved progress is kept on the task for lists.
    await db.query(`
      CREATE TABLE assignment_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
        unit_id integer NOT NULL REFERENCES units(id),
        latest_status varchar(20) CHECK (latest_status IN ('not_started', 'in_progress', 'completed')),
        latest_approved_at timestamptz,
        first_approved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (assignment_id, unit_id)
      )`);
    await db.query(`CREATE INDEX assignment_tasks_unit ON assignment_tasks (unit_id)`);

    await db.query(`
      CREATE TABLE task_progress (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        task_id uuid NOT NULL REFERENCES assignment_tasks(id) ON DELETE CASCADE,
        status varchar(20) NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed')),
        work_done text NOT NULL DEFAULT '',
        problems text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX task_progress_task ON task_progress (task_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE task_progress`);
    await db.query(`DROP TABLE assignment_tasks`);
    await db.query(`DROP TABLE assignments`);
    await db.query(`DROP TABLE demands`);
  }
}
