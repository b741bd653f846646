import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rate codes a report row had nothing due for (0/0, e.g. 试点按时通过验收率 of a district with
 * no pilot due), so a report names the units scored by its system's 0/0 rule. Rows of reports
 * generated before get an empty list (they scored 0/0 as 100%, which the stored raw value shows).
 */
export class ReportNothingDue1764400000000 implements MigrationInterface {
  name = 'ReportNothingDue1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE report_rows ADD COLUMN nothing_due text[] NOT NULL DEFAULT '{}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE report_rows DROP COLUMN nothing_due`);
  }
}
