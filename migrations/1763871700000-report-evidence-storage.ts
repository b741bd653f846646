import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report row's evidence (the records behind each raw value, 10–20 kB of JSON per district) is
 * written once and read rarely: storing it out of line without pglz compression halves the cost
 * of generating a report at city scale, for about twice the bytes of a table that stays small.
 */
export class ReportEvidenceStorage1763871700000 implements MigrationInterface {
  name = 'ReportEvidenceStorage1763871700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE report_rows ALTER COLUMN evidence SET STORAGE EXTERNAL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE report_rows ALTER COLUMN evidence SET STORAGE EXTENDED`);
  }
}
