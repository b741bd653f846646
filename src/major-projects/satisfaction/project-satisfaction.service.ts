import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AttachmentsService, type AttachmentView } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { AuditService } from '../../audit/audit.service.js';
import { FormInvalidException } from '../../common/forms/form-validation.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import {
  checkSatisfactionForm,
  rankByScore,
  type FormProject,
  type SatisfactionInput,
} from './satisfaction-form.js';

export const FIRST_SURVEY_YEAR = 2017;

export interface SurveyRow {
  survey_year: number;
  conclusion: string;
  report_attachment_id: string | null;
  entered_by_name: string;
  entered_at: Date;
}

export interface FormProjectRow extends FormProject {
  responsible_unit: string;
  closed: boolean;
  /** The saved score and remark of this year, if any. */
  score: string | null;
  remark: string | null;
}

/**
 * 重大改革项目满意度 (DESIGN §3 item 6): once a year the office enters every project's satisfaction
 * score with a short remark, the overall conclusion and the survey report. Shown to the office
 * and leaders; not part of any index. Saving a year replaces that year's scores.
 */
@Injectable()
export class ProjectSatisfactionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly attachments: AttachmentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The current year in China, by the app's clock. */
  currentYear(): number {
    return Number(chinaDate(this.clock.now()).slice(0, 4));
  }

  /** A year the pages accept: an integer from 2017 up to the current year. */
  parseYear(value: unknown): number | undefined {
    const year = typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : NaN;
    return year >= FIRST_SURVEY_YEAR && year <= this.currentYear() ? year : undefined;
  }

  /** The edit pages' year: the current year when none is given; a year outside 2017…now is 404. */
  editYear(value: unknown): number {
    if (value === undefined || value === '') {
      return this.currentYear();
    }
    const year = this.parseYear(value);
    if (year === undefined) {
      throw new NotFoundException();
    }
    return year;
  }

  /** Years for the picker: every surveyed year plus the last three, newest first. */
  async years(): Promise<number[]> {
    const rows: { survey_year: number }[] = await this.dataSource.query(
      `SELECT survey_year FROM project_satisfaction_surveys`,
    );
    const current = this.currentYear();
    const years = new Set([
      ...rows.map((row) => row.survey_year),
      ...[current, current - 1, current - 2].filter((year) => year >= FIRST_SURVEY_YEAR),
    ]);
    return [...years].sort((a, b) => b - a);
  }

  async latestSurveyYear(): Promise<number | undefined> {
    const rows: { year: number | null }[] = await this.dataSource.query(
      `SELECT max(survey_year) AS year FROM project_satisfaction_surveys`,
    );
    return rows[0]?.year ?? undefined;
  }

  async survey(year: number): Promise<SurveyRow | undefined> {
    const rows: SurveyRow[] = await this.dataSource.query(
      `SELECT s.survey_year, s.conclusion, s.report_attachment_id, u.name AS entered_by_name, s.entered_at
         FROM project_satisfaction_surveys s JOIN users u ON u.id = s.entered_by
        WHERE s.survey_year = $1`,
      [year],
    );
    return rows[0];
  }

  async reportFiles(survey: SurveyRow | undefined, user: AuthUser): Promise<AttachmentView[]> {
    return survey?.report_attachment_id
      ? this.attachments.describe([survey.report_attachment_id], user)
      : [];
  }

  /** The year's scores, ranked (equal scores share a rank). */
  async table(year: number) {
    const rows: {
      project_id: string;
      name: string;
      responsible_unit: string;
      score: string;
      remark: string;
    }[] = await this.dataSource.query(
      `SELECT p.id AS project_id, p.name, u.name AS responsible_unit, s.score::text AS score, s.conclusion AS remark
         FROM project_satisfaction s
         JOIN major_projects p ON p.id = s.project_id
         JOIN units u ON u.id = p.responsible_unit_id
        WHERE s.survey_year = $1
        ORDER BY u.sort_order, p.name`,
      [year],
    );
    return rankByScore(rows);
  }

  /**
   * The projects a year's form lists: those whose battle map has been issued (the project is under
   * way) for that year or earlier, and any project already scored that year. A closed project may
   * be left blank.
   */
  async formProjects(year: number): Promise<FormProjectRow[]> {
    const rows: {
      id: string;
      name: string;
      responsible_unit: string;
      status: string;
      score: string | null;
      remark: string | null;
    }[] = await this.dataSource.query(
      `SELECT p.id, p.name, u.name AS responsible_unit, p.status, s.score::text AS score, s.conclusion AS remark
         FROM major_projects p
         JOIN units u ON u.id = p.responsible_unit_id
         LEFT JOIN project_satisfaction s ON s.project_id = p.id AND s.survey_year = $1
        WHERE (p.plan_year <= $1 AND EXISTS (SELECT 1 FROM map_versions mv WHERE mv.project_id = p.id))
           OR s.project_id IS NOT NULL
        ORDER BY u.sort_order, p.name`,
      [year],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      responsible_unit: row.responsible_unit,
      closed: row.status === 'closed',
      optional: row.status === 'closed',
      score: row.score,
      remark: row.remark,
    }));
  }

  /** Replaces the year's scores, conclusion and report in one transaction, with an audit row. */
  async save(year: number, input: SatisfactionInput, user: AuthUser, ip?: string): Promise<void> {
    const projects = await this.formProjects(year);
    if (projects.length === 0) {
      throw FormInvalidException.field('scores', `${year} 年暂无作战图已确认下发的项目`);
    }
    const { rows, errors } = checkSatisfactionForm(input, projects);
    const reportId = input.report[0];
    if (
      !errors.report &&
      reportId !== undefined &&
      !(await this.mayUseReport(reportId, year, user))
    ) {
      errors.report = ['调查报告文件不存在或无权使用，请重新上传'];
    }
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    await this.dataSource.transaction(async (manager) => {
      // The survey row first: it locks the year, so two offices saving at once take turns.
      const [survey] = await manager.query<{ inserted: boolean }[]>(
        `INSERT INTO project_satisfaction_surveys (survey_year, conclusion, report_attachment_id, entered_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (survey_year) DO UPDATE
           SET conclusion = EXCLUDED.conclusion, report_attachment_id = EXCLUDED.report_attachment_id,
               entered_by = EXCLUDED.entered_by, entered_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [year, input.conclusion.trim(), reportId ?? null, user.id],
      );
      await manager.query(`DELETE FROM project_satisfaction WHERE survey_year = $1`, [year]);
      for (const row of rows) {
        await manager.query(
          `INSERT INTO project_satisfaction (project_id, survey_year, score, conclusion, entered_by)
           VALUES ($1, $2, $3, $4, $5)`,
          [row.projectId, year, row.score, row.remark, user.id],
        );
      }
      await this.audit.record(
        {
          action: 'project_satisfaction_saved',
          actor: user,
          ip,
          target: {
            type: 'project_satisfaction_survey',
            id: year,
            label: `${year} 年重大改革项目满意度`,
          },
          detail: { year, projects: rows.length, replaced: !survey.inserted },
        },
        manager,
      );
    });
  }

  /** A report may be a file the user's unit uploaded, or the one the year already has. */
  private async mayUseReport(attachmentId: string, year: number, user: AuthUser): Promise<boolean> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(attachmentId)) {
      return false;
    }
    const rows: { ok: boolean }[] = await this.dataSource.query(
      `SELECT (a.unit_id = $2 OR EXISTS (
                SELECT 1 FROM project_satisfaction_surveys s WHERE s.survey_year = $3 AND s.report_attachment_id = a.id)) AS ok
         FROM attachments a WHERE a.id = $1`,
      [attachmentId, user.unitId, year],
    );
    return rows[0]?.ok === true;
  }

  /** Every project's score of a year (display only, never scored), by project id. */
  async scoresOfYear(year: number): Promise<Map<string, string>> {
    const rows: { project_id: string; score: string }[] = await this.dataSource.query(
      `SELECT project_id, score::text AS score FROM project_satisfaction WHERE survey_year = $1`,
      [year],
    );
    return new Map(rows.map((row) => [row.project_id, row.score]));
  }

  /** A project's satisfaction year by year, oldest first (the major-project cockpit's trend). */
  async historyByProject(projectId: string): Promise<{ year: number; score: number }[]> {
    const rows: { survey_year: number; score: string }[] = await this.dataSource.query(
      `SELECT survey_year, score::text AS score FROM project_satisfaction WHERE project_id = $1 ORDER BY survey_year`,
      [projectId],
    );
    return rows.map((row) => ({ year: row.survey_year, score: Number(row.score) }));
  }
}
