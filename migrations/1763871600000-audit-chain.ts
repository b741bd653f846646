import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence for the audit log: a SHA-256 hash chain over its rows, computed by PostgreSQL.
 *
 * A BEFORE INSERT trigger locks the single row of `audit_chain_head` (FOR UPDATE, held until the
 * inserting transaction ends), gives the new row the next `chain_seq`, takes the head's hash as
 * `prev_hash` and stores `row_hash` = sha256 of the row's canonical text (which includes
 * `prev_hash`). Concurrent writers therefore queue on the head and cannot fork the chain; a rolled
 * back insert rolls the head back with it, so `chain_seq` has no gaps. The function runs as its
 * owner (SECURITY DEFINER), so the app's role needs no right on the head table.
 *
 * Canonical text: the jsonb array of the columns below in this order, `at` as UTC with
 * microseconds. `npm run audit:verify` (src/audit/audit-chain.ts) recomputes it on its own.
 * Rows already present are chained here in id order.
 */
export class AuditChain1763871600000 implements MigrationInterface {
  name = 'AuditChain1763871600000';

  async up(db: QueryRunner): Promise<void> {
    // Old app instances may still be writing: nothing enters the log until it is chained.
    await db.query(`LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`);
    await db.query(`
      ALTER TABLE audit_log
        ADD COLUMN chain_seq bigint,
        ADD COLUMN prev_hash char(64),
        ADD COLUMN row_hash char(64)`);
    await db.query(`
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_seq bigint NOT NULL,
        last_id bigint,
        last_hash char(64) NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION audit_log_canonical(a audit_log) RETURNS text
      LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
        SELECT jsonb_build_array(
          a.chain_seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          a.actor_id, a.actor_name, a.actor_mobile, a.actor_unit_id, a.actor_unit_name, a.actor_roles,
          a.action, a.result, a.target_type, a.target_id, a.target_label, a.detail, a.ip,
          a.prev_hash)::text
      $$`);
    await db.query(`
      CREATE FUNCTION audit_log_row_hash(a audit_log) RETURNS char(64)
      LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
        SELECT encode(sha256(convert_to(audit_log_canonical(a), 'UTF8')), 'hex')
      $$`);

    // Chain what is there, oldest first (the append-only trigger is off for this one update).
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`);
    await db.query(`
      DO $$
      DECLARE
        r record;
        seq bigint := 0;
        prev char(64) := repeat('0', 64);
        last bigint;
      BEGIN
        FOR r IN SELECT id FROM audit_log ORDER BY id LOOP
          seq := seq + 1;
          UPDATE audit_log SET chain_seq = seq, prev_hash = prev WHERE id = r.id;
          UPDATE audit_log a SET row_hash = audit_log_row_hash(a) WHERE a.id = r.id
            RETURNING a.row_hash INTO prev;
          last := r.id;
        END LOOP;
        INSERT INTO audit_chain_head (last_seq, last_id, last_hash) VALUES (seq, last, prev);
      END $$`);
    await db.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`);
    await db.query(`
      ALTER TABLE audit_log
        ALTER COLUMN chain_seq SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL,
        ALTER COLUMN row_hash SET NOT NULL,
        ADD CONSTRAINT audit_log_chain_seq_unique UNIQUE (chain_seq)`);

    await db.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger
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
    await db.query(`REVOKE ALL ON FUNCTION audit_log_chain() FROM PUBLIC`);
    await db.query(`
      CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER audit_log_chain ON audit_log`);
    await db.query(`DROP FUNCTION audit_log_chain`);
    await db.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_chain_seq_unique`);
    await db.query(`DROP FUNCTION audit_log_row_hash`);
    await db.query(`DROP FUNCTION audit_log_canonical`);
    await db.query(`DROP TABLE audit_chain_head`);
    await db.query(`
      ALTER TABLE audit_log DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN row_hash`);
  }
}
