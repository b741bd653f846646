import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared review workflow: one workflow item per revision of a module record, every
 * transition as an event, notifications, and attachments stored in the database.
 */
export class Workflow1763870500000 implements MigrationInterface {
  name = 'Workflow1763870500000';

  async up(db: QueryRunner): Promise<void> {
    // id equals the module's row id of this revision; lineage_id ties the revisions of one record.
    await db.query(`
      CREATE TABLE workflow_items (
        id uuid PRIMARY KEY,
        record_type varchar(40) NOT NULL,
        lineage_id uuid NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        title varchar(300) NOT NULL,
        owner_unit_id integer NOT NULL REFERENCES units(id),
        competent_unit_id integer REFERENCES units(id),
        state varchar(20) NOT NULL CHECK (state IN ('draft', 'pending', 'approved', 'returned')),
        step integer CHECK (step >= 0),
        pending_unit_id integer REFERENCES units(id),
        pending_role varchar(20),
        is_current_approved boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        created_by uuid NOT NULL REFERENCES users(id),
        submitted_by uuid REFERENCES users(id),
        last_actor_id uuid REFERENCES users(id),
        last_action varchar(20),
        last_reason_label varchar(200),
        last_detail text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        approved_at timestamptz,
        UNIQUE (lineage_id, revision),
        CHECK ((state = 'pending') = (step IS NOT NULL)),
        CHECK ((state = 'pending') = (pending_unit_id IS NOT NULL AND pending_role IS NOT NULL)),
        CHECK ((state = 'approved') = (approved_at IS NOT NULL)),
        CHECK (NOT is_current_approved OR state = 'approved')
      )`);
    // At most one open (not yet approved) revision per record, and one current approved revision.
    await db.query(
      `CREATE UNIQUE INDEX workflow_items_one_open ON workflow_items (lineage_id) WHERE state <> 'approved'`,
    );
    await db.query(
      `CREATE UNIQUE INDEX workflow_items_one_current ON workflow_items (lineage_id) WHERE is_current_approved`,
    );
    // The inbox: what waits for a unit and role.
    await db.query(
      `CREATE INDEX workflow_items_inbox ON workflow_items (pending_unit_id, pending_role, submitted_at DESC) WHERE state = 'pending'`,
    );
    await db.query(
      `CREATE INDEX workflow_items_owner ON workflow_items (owner_unit_id, record_type, state, updated_at DESC)`,
    );
    await db.query(
      `CREATE INDEX workflow_items_type_state ON workflow_items (record_type, state, updated_at DESC)`,
    );

    await db.query(`
      CREATE TABLE workflow_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        record_type varchar(40) NOT NULL,
        owner_unit_id integer NOT NULL REFERENCES units(id),
        action varchar(20) NOT NULL,
        from_state varchar(20),
        from_step integer,
        to_state varchar(20) NOT NULL,
        to_step integer,
        step_label varchar(60),
        actor_id uuid NOT NULL REFERENCES users(id),
        actor_name varchar(50) NOT NULL,
        actor_unit_id integer NOT NULL REFERENCES units(id),
        actor_unit_name varchar(100) NOT NULL,
        actor_role varchar(20) NOT NULL,
        reason_id integer REFERENCES dictionary_items(id),
        reason_label varchar(200),
        detail text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX workflow_events_item ON workflow_events (item_id, id)`);
    await db.query(`CREATE INDEX workflow_events_lineage ON workflow_events (lineage_id, id)`);
    await db.query(
      `CREATE INDEX workflow_events_sendbacks ON workflow_events (owner_unit_id, record_type, at) WHERE action IN ('reject', 'return')`,
    );

    await db.query(`
      CREATE TABLE notifications (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        item_id uuid REFERENCES workflow_items(id) ON DELETE CASCADE,
        kind varchar(20) NOT NULL CHECK (kind IN ('inbox', 'returned', 'approved', 'assigned')),
        message varchar(400) NOT NULL,
        link varchar(300),
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX notifications_user ON notifications (user_id, created_at DESC)`);
    await db.query(
      `CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL`,
    );

    await db.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        original_name varchar(200) NOT NULL,
        media_type varchar(100) NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 char(64) NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        unit_id integer NOT NULL REFERENCES units(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX attachments_uploader ON attachments (uploaded_by, created_at)`);
    // Revisions share files: a new revision links the same attachments instead of copying them.
    await db.query(`
      CREATE TABLE workflow_item_attachments (
        item_id uuid NOT NULL REFERENCES workflow_items(id) ON DELETE CASCADE,
        attachment_id uuid NOT NULL REFERENCES attachments(id),
        field varchar(60) NOT NULL,
        position integer NOT NULL DEFAULT 0,
        PRIMARY KEY (item_id, attachment_id)
      )`);
    await db.query(
      `CREATE INDEX workflow_item_attachments_attachment ON workflow_item_attachments (attachment_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE workflow_item_attachments`);
    await db.query(`DROP TABLE attachments`);
    await db.query(`DROP TABLE notifications`);
    await db.query(`DROP TABLE workflow_events`);
    await db.query(`DROP TABLE workflow_items`);
  }
}
