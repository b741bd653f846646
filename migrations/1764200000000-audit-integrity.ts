import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The canonical text before request_id existed (migration 1763871600000-audit-chain). */
const CANONICAL_V1 = `jsonb_build_array(
  a.chain_seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  a.actor_id, a.actor_name, a.actor_mobile, a.actor_unit_id, a.actor_unit_name, a.actor_roles,
  a.action, a.result, a.target_type, a.target_id, a.target_label, a.detail, a.ip,
  a.prev_hash)`;

/**
 * Audit rows the database vouches for (issue 18, items 3 and 4):
 *
 * - `request_id`: the id of the HTTP request that wrote the row (the one the error page and the
 *   logs show). It joins the canonical text only when present, so every row chained before keeps
 *   its hash.
 * - The time is the database's: the chain trigger, once it holds the chain head, sets `at` to
 *   clock_timestamp() whatever the writer gave, so `at` never runs backwards along the chain
 *   from `audit_chain_head.clock_from_seq` on (older rows had the transaction's start time).
 * - The actor is the database's: a BEFORE INSERT trigger (audit_log_actor, fired before
 *   audit_log_chain: triggers fire in name order) requires `actor_id` to be an existing user and
 *   fills the name, mobile, unit and roles from `users`, overriding what the writer gave; a row
 *   without `actor_id` (system and anonymous events) carries no actor fields at all.
 * - `audit_access_refusals`: refused requests (403, the data scope's 404s, CSRF) counted per
 *   actor, route and minute; closed minutes are moved into the log as one row each
 *   (src/audit/access-refusals.ts), so a probe cannot flood it.
 */
export class AuditIntegrity1764200000000 implements MigrationInterface {
  name = 'AuditIntegrity1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`);
    await db.query(`
      ALTER TABLE audit_log ADD COLUMN request_id varchar(64)`);
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_log_canonical(a audit_log) RETURNS text
      LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
        SELECT (CASE WHEN a.request_id IS NULL THEN ${CANONICAL_V1}
                     ELSE ${CANONICAL_V1} || jsonb_build_array(a.request_id) END)::text
      $$`);

    await db.query(`
      CREATE FUNCTION audit_log_actor() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        IF NEW.actor_id IS NULL THEN
          NEW.actor_name := NULL;
          NEW.actor_mobile := NULL;
          NEW.actor_unit_id := NULL;
          NEW.actor_unit_name := NULL;
          NEW.actor_roles := NULL;
          RETURN NEW;
        END IF;
        SELECT u.name, u.mobile, u.unit_id, un.name, u.roles
          INTO NEW.actor_name, NEW.actor_mobile, NEW.actor_unit_id, NEW.actor_unit_name, NEW.actor_roles
          FROM users u JOIN units un ON un.id = u.unit_id
         WHERE u.id = NEW.actor_id;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'audit_log: actor % is not a user', NEW.actor_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`REVOKE ALL ON FUNCTION audit_log_actor() FROM PUBLIC`);
    await db.query(`
      CREATE TRIGGER audit_log_actor BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_actor()`);

    // The chain trigger of 1763871600000, now also stamping the time once it holds the head.
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        head audit_chain_head%ROWTYPE;
      BEGIN
        SELECT * INTO STRICT head FROM audit_chain_head WHERE singleton FOR UPDATE;
        NEW.at := clock_timestamp();
        NEW.chain_seq := head.last_seq + 1;
        NEW.prev_hash := head.last_hash;
        NEW.row_hash := audit_log_row_hash(NEW);
        UPDATE audit_chain_head
          SET last_seq = NEW.chain_seq, last_id = NEW.id, last_hash = NEW.row_hash
          WHERE singleton;
        RETURN NEW;
      END $$`);

    // Rows chained from here on carry the database's time: the verifier checks their order.
    await db.query(`ALTER TABLE audit_chain_head ADD COLUMN clock_from_seq bigint`);
    await db.query(`UPDATE audit_chain_head SET clock_from_seq = last_seq + 1`);
    await db.query(`ALTER TABLE audit_chain_head ALTER COLUMN clock_from_seq SET NOT NULL`);

    await db.query(`
      CREATE TABLE audit_access_refusals (
        kind varchar(20) NOT NULL CHECK (kind IN ('access_denied', 'csrf_rejected')),
        actor_key varchar(80) NOT NULL,
        actor_id uuid REFERENCES users (id),
        method varchar(10) NOT NULL,
        route varchar(200) NOT NULL,
        minute timestamptz NOT NULL,
        status smallint NOT NULL,
        count integer NOT NULL DEFAULT 1 CHECK (count > 0),
        first_path varchar(300) NOT NULL,
        ip varchar(64),
        request_id varchar(64),
        PRIMARY KEY (kind, actor_key, method, route, status, minute)
      )`);
    await db.query(`CREATE INDEX audit_access_refusals_minute ON audit_access_refusals (minute)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_access_refusals`);
    await db.query(`ALTER TABLE audit_chain_head DROP COLUMN clock_from_seq`);
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        head audit_chain_head%ROWTYPE;
      BEGIN
        SELECT * INTO STRICT head FROM audit_chain_head WHERE singleton FOR UPDATE;
        NEW.chain_seq := head.last_seq + 1;
        NEW.prev_hash := head.last_hash;
        NEW.row_hash := audit_log_row_hash(NEW);
        UPDATE audit_chain_head
          SET last_seq = NEW.chain_seq, last_id = NEW.id, last_hash = NEW.row_hash
          WHERE singleton;
        RETURN NEW;
      END $$`);
    await db.query(`DROP TRIGGER audit_log_actor ON audit_log`);
    await db.query(`DROP FUNCTION audit_log_actor`);
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_log_canonical(a audit_log) RETURNS text
      LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
        SELECT ${CANONICAL_V1}::text
      $$`);
    await db.query(`ALTER TABLE audit_log DROP COLUMN request_id`);
  }
}
