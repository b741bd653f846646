import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search's bigrams move from the wide workflow_items rows to a narrow table of their own:
 * one row per revision with only what the search filters and sorts on (type, lineage, revision,
 * owner, state, approved-in-force, updated_at) and the bigram array under a GIN index. A trigger
 * on workflow_items keeps it in the same transaction as every write (a new revision, a
 * transition, a module's text copied into search_body); the bigrams are computed again only when
 * the title or the body changed. The search confirms the substring on workflow_items for the
 * page's hits only. btree_gin (shipped with PostgreSQL, a trusted extension) lets the GIN index
 * hold updated_at beside the bigrams.
 */
export class RecordSearchTable1765100000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE record_search (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        record_type varchar(40) NOT NULL,
        lineage_id uuid NOT NULL,
        revision integer NOT NULL,
        owner_unit_id integer NOT NULL,
        state varchar(20) NOT NULL,
        is_current_approved boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        search_grams text[] NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION record_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.title = OLD.title AND NEW.search_body = OLD.search_body THEN
            UPDATE record_search
               SET record_type = NEW.record_type, owner_unit_id = NEW.owner_unit_id, state = NEW.state,
                   is_current_approved = NEW.is_current_approved, updated_at = NEW.updated_at
             WHERE id = NEW.id;
          ELSE
            INSERT INTO record_search (id, record_type, lineage_id, revision, owner_unit_id, state,
                                       is_current_approved, updated_at, search_grams)
            VALUES (NEW.id, NEW.record_type, NEW.lineage_id, NEW.revision, NEW.owner_unit_id, NEW.state,
                    NEW.is_current_approved, NEW.updated_at, search_bigrams(NEW.title || ' ' || NEW.search_body))
            ON CONFLICT (id) DO UPDATE
              SET record_type = EXCLUDED.record_type, owner_unit_id = EXCLUDED.owner_unit_id,
                  state = EXCLUDED.state, is_current_approved = EXCLUDED.is_current_approved,
                  updated_at = EXCLUDED.updated_at, search_grams = EXCLUDED.search_grams;
          END IF;
          RETURN NULL;
        END
      $$`);
    await db.query(`
      INSERT INTO record_search (id, record_type, lineage_id, revision, owner_unit_id, state,
                                 is_current_approved, updated_at, search_grams)
      SELECT id, record_type, lineage_id, revision, owner_unit_id, state, is_current_approved,
             updated_at, search_grams
        FROM workflow_items`);
    await db.query(`
      CREATE TRIGGER workflow_items_search
        AFTER INSERT OR UPDATE OF record_type, title, search_body, owner_unit_id, state, is_current_approved, updated_at
        ON workflow_items FOR EACH ROW EXECUTE FUNCTION record_search_sync()`);
    await db.query(`ALTER TABLE workflow_items DROP COLUMN search_grams`);
    // The bigrams with updated_at in one GIN index (btree_gin): a search first probes the newest
    // records only (updated_at >= a bound) without reading every older match.
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await db.query(
      `CREATE INDEX record_search_grams ON record_search USING gin (search_grams, updated_at)`,
    );
    // The probe's bound (the newest records), and the own unit's records.
    await db.query(`CREATE INDEX record_search_recent ON record_search (updated_at DESC)`);
    await db.query(
      `CREATE INDEX record_search_owner ON record_search (owner_unit_id, updated_at DESC)`,
    );
    await db.query(`ANALYZE record_search`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER workflow_items_search ON workflow_items`);
    await db.query(`DROP FUNCTION record_search_sync()`);
    await db.query(`DROP TABLE record_search`);
    await db.query(`
      ALTER TABLE workflow_items ADD COLUMN search_grams text[]
        GENERATED ALWAYS AS (search_bigrams(title || ' ' || search_body)) STORED`);
    await db.query(
      `CREATE INDEX workflow_items_search_grams ON workflow_items USING gin (search_grams)`,
    );
  }
}
