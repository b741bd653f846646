import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Units, users, server-side sessions, login rate limits, dictionaries and the append-only audit log.
 */
export class Foundation1763870400000 implements MigrationInterface {
  name = 'Foundation1763870400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE units (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code varchar(40) NOT NULL UNIQUE,
        name varchar(100) NOT NULL UNIQUE,
        kind varchar(20) NOT NULL CHECK (kind IN ('office', 'department', 'district')),
        district_type varchar(10) CHECK (district_type IN ('区', '县', '自治县', '功能区')),
        capabilities text[] NOT NULL DEFAULT '{}'
          CHECK (capabilities <@ ARRAY['risk_reporter', 'survey_center']::text[]),
        sort_order integer NOT NULL DEFAULT 0,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'district') = (district_type IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX units_single_office ON units (kind) WHERE kind = 'office'`);

    // Roles: three-admin separation (三员分立) is a database invariant, not only a form rule.
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        mobile varchar(11) NOT NULL UNIQUE CHECK (mobile ~ '^1[0-9]{10}$'),
        name varchar(50) NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        roles text[] NOT NULL
          CHECK (cardinality(roles) > 0
            AND roles <@ ARRAY['entry', 'reviewer', 'office', 'leader', 'admin', 'auditor']::text[]
            AND NOT ('admin' = ANY(roles) AND cardinality(roles) > 1)
            AND NOT ('auditor' = ANY(roles) AND cardinality(roles) > 1)),
        password_hash text NOT NULL,
        must_change_password boolean NOT NULL DEFAULT true,
        password_changed_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX users_unit ON users (unit_id)`);

    // Only the SHA-256 of the session id is stored: a leaked table does not give live sessions.
    await db.query(`
      CREATE TABLE sessions (
        id_hash char(64) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        ip varchar(64),
        user_agent varchar(300)
      )`);
    await db.query(`CREATE INDEX sessions_user ON sessions (user_id)`);
    await db.query(`CREATE INDEX sessions_last_seen ON sessions (last_seen_at)`);

    await db.query(`
      CREATE TABLE rate_limit_buckets (
        key varchar(200) PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);

    await db.query(`
      CREATE TABLE dictionary_items (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind varchar(40) NOT NULL,
        code varchar(60) NOT NULL,
        label varchar(200) NOT NULL,
        description text,
        parent_id integer REFERENCES dictionary_items(id),
        sort_order integer NOT NULL DEFAULT 0,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, code)
      )`);
    await db.query(`CREATE INDEX dictionary_items_kind ON dictionary_items (kind, sort_order)`);

    await db.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_name varchar(50),
        actor_mobile varchar(11),
        actor_unit_id integer,
        actor_unit_name varchar(100),
        actor_roles text[],
        action varchar(60) NOT NULL,
        result varchar(10) NOT NULL CHECK (result IN ('success', 'failure')),
        target_type varchar(40),
        target_id varchar(64),
        target_label varchar(200),
        detail jsonb,
        ip varchar(64)
      )`);
    await db.query(`CREATE INDEX audit_log_at ON audit_log (at DESC)`);
    await db.query(`CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC)`);
    await db.query(`CREATE INDEX audit_log_action ON audit_log (action, at DESC)`);
    await db.query(`CREATE INDEX audit_log_unit ON audit_log (actor_unit_id, at DESC)`);

    // Append-only: no role the app connects with may rewrite history. Purging rows past the
    // retention period is an operator task done with the trigger explicitly disabled.
    await db.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP FUNCTION audit_log_append_only`);
    await db.query(`DROP TABLE dictionary_items`);
    await db.query(`DROP TABLE rate_limit_buckets`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE units`);
  }
}
