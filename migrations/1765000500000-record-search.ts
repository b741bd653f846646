import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search across every module (the top bar's box). pg_trgm ships with the embedded build, but under
 * the cluster's C locale it extracts no trigrams from Chinese text (show_trgm('优化营商环境') is
 * empty), so a trigram index cannot narrow a Chinese query. Instead each record keeps the set of
 * its two-character sequences (bigrams, the approach of pg_bigm) in a GIN-indexed array: a query's
 * bigrams must all be present, then strpos confirms the exact substring.
 *
 * workflow_items.search_body holds the record's main text, copied by a trigger on each module
 * table (the modules' own code is untouched); search_grams is generated from title + body.
 */
const BODIES: { table: string; columns: string[] }[] = [
  { table: 'demands', columns: ['description'] },
  { table: 'task_progress', columns: ['work_done', 'problems'] },
  { table: 'pilots', columns: ['document_title', 'document_number', 'issuer'] },
  { table: 'pilot_progress', columns: ['work_done', 'problems'] },
  { table: 'pilot_achievements', columns: ['problems_solved', 'effects'] },
  { table: 'showcase_highlights', columns: ['problems_solved', 'results'] },
  { table: 'risk_events', columns: ['details'] },
  { table: 'plan_updates', columns: ['work_done', 'problems', 'next_steps'] },
  { table: 'project_promotions', columns: ['description'] },
  { table: 'project_brand_items', columns: ['situation', 'measures_results', 'details'] },
];

/** The body kept for search: the first 4000 characters (bounds the bigram array per record). */
const BODY_LIMIT = 4000;

export class RecordSearch1765000500000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION search_bigrams(value text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
          SELECT coalesce(array_agg(DISTINCT gram), '{}')
            FROM (SELECT substr(lower(value), i, 2) AS gram
                    FROM generate_series(1, char_length(value) - 1) AS i) grams
           WHERE gram !~ '\\s'
        $$`);
    await db.query(`ALTER TABLE workflow_items ADD COLUMN search_body text NOT NULL DEFAULT ''`);
    await db.query(`
      CREATE FUNCTION workflow_search_body() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          body text := '';
          col text;
        BEGIN
          FOREACH col IN ARRAY TG_ARGV LOOP
            body := body || ' ' || coalesce(to_jsonb(NEW) ->> col, '');
          END LOOP;
          body := left(btrim(body), ${BODY_LIMIT});
          UPDATE workflow_items SET search_body = body
           WHERE id = NEW.id AND search_body IS DISTINCT FROM body;
          RETURN NULL;
        END
      $$`);
    for (const { table, columns } of BODIES) {
      const args = columns.map((column) => `'${column}'`).join(', ');
      await db.query(
        `CREATE TRIGGER ${table}_search_body AFTER INSERT OR UPDATE OF ${columns.join(', ')} ON ${table}
           FOR EACH ROW EXECUTE FUNCTION workflow_search_body(${args})`,
      );
      const body = columns.map((column) => `coalesce(m.${column}, '')`).join(` || ' ' || `);
      await db.query(
        `UPDATE workflow_items wi SET search_body = left(btrim(${body}), ${BODY_LIMIT})
           FROM ${table} m WHERE m.id = wi.id`,
      );
    }
    await db.query(`
      ALTER TABLE workflow_items ADD COLUMN search_grams text[]
        GENERATED ALWAYS AS (search_bigrams(title || ' ' || search_body)) STORED`);
    await db.query(
      `CREATE INDEX workflow_items_search_grams ON workflow_items USING gin (search_grams)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const { table } of BODIES) {
      await db.query(`DROP TRIGGER ${table}_search_body ON ${table}`);
    }
    await db.query(`DROP FUNCTION workflow_search_body()`);
    await db.query(`ALTER TABLE workflow_items DROP COLUMN search_grams`);
    await db.query(`ALTER TABLE workflow_items DROP COLUMN search_body`);
    await db.query(`DROP FUNCTION search_bigrams(text)`);
  }
}
