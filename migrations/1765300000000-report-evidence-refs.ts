import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A district report's evidence references as one row per report instead of one per district and
 * indicator: the same references (district, code, source, the approved revisions' ids in page
 * order and what is frozen beside them) as an array of a composite type. Every row inserted pays
 * its foreign key checks one by one: at 41 districts and ten indicators the 656 checks cost more
 * than reading the records did (9 ms of a 23 ms statement at 100k records). The districts are
 * those of the report's rows (which reference units); the source keeps its closed list through a
 * domain. The ids are random: stored without compression.
 */
export class ReportEvidenceRefs1765300000000 implements MigrationInterface {
  name = 'ReportEvidenceRefs1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE DOMAIN report_evidence_source AS varchar(20)
        CHECK (VALUE IN ('pilot', 'acceptance', 'highlight', 'risk', 'satisfaction'))`);
    await db.query(`
      CREATE TYPE report_evidence_ref AS (
        unit_id integer,
        code varchar(50),
        source report_evidence_source,
        record_ids uuid[],
        accepted_on date[],
        on_time boolean[],
        label text
      )`);
    await db.query(`
      CREATE TABLE report_evidence_refs (
        report_id uuid PRIMARY KEY REFERENCES reports(id),
        refs report_evidence_ref[] NOT NULL
      )`);
    await db.query(`ALTER TABLE report_evidence_refs ALTER COLUMN refs SET STORAGE EXTERNAL`);
    await db.query(`
      INSERT INTO report_evidence_refs (report_id, refs)
      SELECT report_id,
             array_agg(ROW(unit_id, code, source, record_ids, accepted_on, on_time, label)::report_evidence_ref
                       ORDER BY unit_id, code)
        FROM report_evidence GROUP BY report_id`);
    await db.query(`DROP TABLE report_evidence`);
    await db.query(
      `CREATE TRIGGER report_evidence_refs_frozen BEFORE UPDATE OR DELETE ON report_evidence_refs FOR EACH ROW EXECUTE FUNCTION refuse_report_change()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE report_evidence (
        report_id uuid NOT NULL REFERENCES reports(id),
        unit_id integer NOT NULL REFERENCES units(id),
        code varchar(50) NOT NULL,
        source varchar(20) NOT NULL CHECK (source IN ('pilot', 'acceptance', 'highlight', 'risk', 'satisfaction')),
        record_ids uuid[] NOT NULL,
        accepted_on date[],
        on_time boolean[],
        label text,
        PRIMARY KEY (report_id, unit_id, code)
      )`);
    await db.query(`
      INSERT INTO report_evidence (report_id, unit_id, code, source, record_ids, accepted_on, on_time, label)
      SELECT e.report_id, r.unit_id, r.code, r.source, r.record_ids, r.accepted_on, r.on_time, r.label
        FROM report_evidence_refs e CROSS JOIN LATERAL unnest(e.refs) AS r`);
    await db.query(
      `CREATE TRIGGER report_evidence_frozen BEFORE UPDATE OR DELETE ON report_evidence FOR EACH ROW EXECUTE FUNCTION refuse_report_change()`,
    );
    await db.query(`DROP TABLE report_evidence_refs`);
    await db.query(`DROP TYPE report_evidence_ref`);
    await db.query(`DROP DOMAIN report_evidence_source`);
  }
}
