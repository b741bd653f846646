import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report reads the year's highlights by day (their district, category and id, never their text:
 * the report keeps references): an index that answers it without visiting the table.
 */
export class HighlightsByDay1765200000001 implements MigrationInterface {
  name = 'HighlightsByDay1765200000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX showcase_highlights_by_day ON showcase_highlights (happened_on) INCLUDE (unit_id, category, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX showcase_highlights_by_day`);
  }
}
