import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { centsToDecimal } from '../decimal-cents.js';
import { INDICATOR_REPORT_TYPE } from '../project-labels.js';
import type { ProjectRow } from '../projects.service.js';
import { ledgerConditions, pageOfUpdates, type LedgerFilter } from './update-access.js';

export interface IndicatorReportRow {
  id: string;
  lineage_id: string;
  project_id: string;
  report_month: string;
  due_on: string;
  first_submitted_at: Date | null;
  late: boolean;
}

/** One row of the indicator ledger: an indicator's actual of one reported month. */
export interface IndicatorLedgerRow {
  report_id: string;
  project_id: string;
  project_name: string;
  unit_name: string;
  indicator_key: string;
  indicator_name: string;
  unit_of_measure: string;
  cumulative: boolean;
  report_month: string;
  monthly_target: string;
  target_to_date: string;
  actual: string;
  /** null when the month's target increment is zero (nothing to meet that month). */
  met: boolean | null;
  late: boolean;
  state: WorkflowState;
  stateLabel: string;
}

export const INDICATOR_REPORT_TABLE: RecordTable = {
  type: INDICATOR_REPORT_TYPE,
  table: 'indicator_reports',
  columns: ['lineage_id', 'project_id', 'report_month', 'due_on', 'first_submitted_at'],
};

/** A report is late when first submitted (China date) after its due day. */
const LATE_SQL = `(r.first_submitted_at IS NOT NULL AND (r.first_submitted_at AT TIME ZONE 'Asia/Shanghai')::date > r.due_on)`;

/** The SQL of 量化目标推进更新. */
@Injectable()
export class IndicatorReportsQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Another record's first filing of the month, with the state of its newest revision. */
  async filedMonth(
    projectId: string,
    month: string,
    exceptLineage: string | undefined,
  ): Promise<{ id: string; state: WorkflowState } | undefined> {
    const rows: { id: string; state: WorkflowState }[] = await this.dataSource.query(
      `SELECT r.id, (SELECT l.state FROM workflow_items l WHERE l.lineage_id = r.lineage_id ORDER BY l.revision DESC LIMIT 1) AS state
         FROM indicator_reports r
        WHERE r.project_id = $1 AND r.report_month = $2 AND r.id = r.lineage_id AND r.lineage_id IS DISTINCT FROM $3::uuid`,
      [projectId, month, exceptLineage ?? null],
    );
    return rows[0];
  }

  /** Replaces the report's values (indicator key → cents). */
  async writeValues(
    manager: EntityManager,
    reportId: string,
    values: Map<string, bigint>,
  ): Promise<void> {
    await manager.query(`DELETE FROM indicator_report_values WHERE report_id = $1`, [reportId]);
    for (const [key, cents] of values) {
      await manager.query(
        `INSERT INTO indicator_report_values (report_id, indicator_key, actual) VALUES ($1, $2, $3)`,
        [reportId, key, centsToDecimal(cents)],
      );
    }
  }

  async copyValues(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(
      `INSERT INTO indicator_report_values (report_id, indicator_key, actual)
       SELECT $2, indicator_key, actual FROM indicator_report_values WHERE report_id = $1`,
      [fromId, toId],
    );
  }

  /** Stamps the first submission (kept across revisions). */
  async stampFirstSubmission(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE indicator_reports SET first_submitted_at = coalesce(first_submitted_at, $2::timestamptz) WHERE id = $1`,
      [id, at],
    );
  }

  async find(id: string): Promise<IndicatorReportRow | undefined> {
    const rows: IndicatorReportRow[] = await this.dataSource.query(
      `SELECT r.id, r.lineage_id, r.project_id, r.report_month, to_char(r.due_on, 'YYYY-MM-DD') AS due_on,
              r.first_submitted_at, ${LATE_SQL} AS late
         FROM indicator_reports r WHERE r.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** The report's values by indicator key (decimal text). */
  async values(reportId: string): Promise<Map<string, string>> {
    const rows: { indicator_key: string; actual: string }[] = await this.dataSource.query(
      `SELECT indicator_key, actual::text FROM indicator_report_values WHERE report_id = $1`,
      [reportId],
    );
    return new Map(rows.map((row) => [row.indicator_key, row.actual]));
  }

  /**
   * The indicator ledger: one row per indicator per reported month (approved months for readers
   * outside the department), with the month's target, the target to date and whether it was met.
   */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter,
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: IndicatorLedgerRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'r.project_id',
      period: 'r.report_month',
    });
    const page = await pageOfUpdates<Omit<IndicatorLedgerRow, 'stateLabel'> & { position: number }>(
      db,
      user,
      conditions,
      {
        from: `SELECT r.id AS report_id, r.project_id, p.name AS project_name, u.name AS unit_name,
                v.indicator_key, mi.name AS indicator_name, mi.unit_of_measure, mi.cumulative, r.report_month,
                t.monthly_target::text, t.target_to_date::text, v.actual::text,
                CASE WHEN t.monthly_target <= 0 THEN NULL
                     WHEN mi.cumulative THEN v.actual >= t.target_to_date
                     ELSE v.actual >= t.monthly_target END AS met,
                ${LATE_SQL} AS late, wi.state, mi.position
           FROM indicator_reports r
           JOIN workflow_items wi ON wi.id = r.id
           JOIN major_projects p ON p.id = r.project_id
           JOIN units u ON u.id = p.responsible_unit_id
           JOIN indicator_report_values v ON v.report_id = r.id
           JOIN LATERAL (SELECT mv.id FROM map_versions mv WHERE mv.project_id = p.id ORDER BY mv.version DESC LIMIT 1) cv ON true
           JOIN map_indicators mi ON mi.content_id = cv.id AND mi.indicator_key = v.indicator_key
           CROSS JOIN LATERAL (
             -- The month's target and target to date, as targetsToDate / monthIncrements read them:
             -- a cumulative indicator holds targets to date, an increment one what each month adds.
             SELECT CASE WHEN mi.cumulative
                         THEN mi.monthly_targets[m.n] - coalesce(mi.monthly_targets[m.n - 1], 0)
                         ELSE mi.monthly_targets[m.n] END AS monthly_target,
                    CASE WHEN mi.cumulative THEN mi.monthly_targets[m.n]
                         ELSE (SELECT coalesce(sum(x), 0) FROM unnest(mi.monthly_targets[1:m.n]) x) END AS target_to_date
               FROM (SELECT substr(r.report_month, 6, 2)::int AS n) m
           ) t`,
        order: 'v.report_month DESC, v.project_name, v.project_id, v.position',
      },
      pageSize,
      filter.page,
    );
    return {
      total: page.total,
      rows: page.rows.map(({ position: _position, ...row }) => ({
        ...row,
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }

  /** The project's approved actuals of its plan year, by indicator and month (1–12). */
  async approvedActuals(
    project: ProjectRow,
  ): Promise<{ indicator_key: string; month: number; actual: string; report_id: string }[]> {
    return this.dataSource.query(
      `SELECT v.indicator_key, substr(r.report_month, 6, 2)::int AS month, v.actual::text, r.id AS report_id
         FROM indicator_reports r
         JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
         JOIN indicator_report_values v ON v.report_id = r.id
        WHERE r.project_id = $1 AND r.report_month LIKE $2
        ORDER BY r.report_month`,
      [project.id, `${project.plan_year}-%`],
    );
  }

  /** The latest revision of the project's report for a month, if there is one (for 更新本月进度). */
  async reportOfMonth(projectId: string, month: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT wi.id FROM indicator_reports first JOIN workflow_items wi ON wi.lineage_id = first.lineage_id
        WHERE first.project_id = $1 AND first.report_month = $2 AND first.id = first.lineage_id
        ORDER BY wi.revision DESC LIMIT 1`,
      [projectId, month],
    );
    return rows[0]?.id;
  }
}
