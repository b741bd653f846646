import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 重大改革项目满意度: besides each project's yearly score (project_satisfaction), the year's survey
 * as a whole: the overall conclusion and the survey report file, entered by the office.
 */
export class ProjectSatisfactionSurveys1763871200000 implements MigrationInterface {
  name = 'ProjectSatisfactionSurveys1763871200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE project_satisfaction_surveys (
        survey_year integer PRIMARY KEY CHECK (survey_year BETWEEN 2017 AND 2100),
        conclusion text NOT NULL,
        report_attachment_id uuid REFERENCES attachments(id),
        entered_by uuid NOT NULL REFERENCES users(id),
        entered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX project_satisfaction_surveys_report ON project_satisfaction_surveys (report_attachment_id) WHERE report_attachment_id IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX project_satisfaction_project ON project_satisfaction (project_id, survey_year)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX project_satisfaction_project`);
    await db.query(`DROP TABLE project_satisfaction_surveys`);
  }
}
