import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records behind a district report's numbers as references, one row per district and
 * indicator: the approved revisions' ids in the order the pages list them (an approved revision
 * never changes), with what may change afterwards frozen beside them (the pilots' acceptance dates and whether on time,
 * the risk level's name, the satisfaction survey's title). PostgreSQL writes them from the records
 * themselves in the statement that reads the report's raw values. Frozen like the report. Rows of
 * reports generated before keep their evidence in report_rows.evidence; readers take either.
 */
export class DistrictReportEvidence1765200000000 implements MigrationInterface {
  name = 'DistrictReportEvidence1765200000000';

  async up(db: QueryRunner): Promise<void> {
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
    await db.query(
      `CREATE TRIGGER report_evidence_frozen BEFORE UPDATE OR DELETE ON report_evidence FOR EACH ROW EXECUTE FUNCTION refuse_report_change()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE report_evidence`);
  }
}
