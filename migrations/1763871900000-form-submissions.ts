import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per filing form submitted: the form's one-time token, who sent it and where the saved
 * record is. A second submission of the same form (Back and 保存 again, a double click, a resend
 * after a timeout) finds the row and is led to the record instead of filing it twice. Rows are
 * kept one day.
 */
export class FormSubmissions1763871900000 implements MigrationInterface {
  name = 'FormSubmissions1763871900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE form_submissions (
        token uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        location text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX form_submissions_created ON form_submissions (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE form_submissions`);
  }
}
