import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { keyToToken } from '../battle-map.service.js';
import { centsToDecimal, parseCents } from '../decimal-cents.js';
import { readMapContent, type MapIndicator } from '../map-content.js';
import { INDICATOR_REPORT_TYPE } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { WorkCalendarService } from '../../deadlines/work-calendar.service.js';
import {
  fromCents,
  lastWorkingDay,
  monthIncrements,
  monthMet,
  targetsToDate,
  toCents,
} from './project-progress.js';
import {
  ledgerConditions,
  loadVisibleUpdate,
  type IssuedProjectRow,
  type LedgerFilter,
} from './update-access.js';
import type { SqlRunner } from '../../database/sql-runner.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The form's name of an indicator's actual value. */
export function actualField(indicatorKey: string): string {
  return `actual-${keyToToken(indicatorKey)}`;
}

/** What the clerk is asked to type for an indicator, next to its input. */
export function actualHint(indicator: { cumulative: boolean; unit_of_measure: string }): string {
  return indicator.cumulative
    ? `累计值：填写截至当月底的累计完成值（${indicator.unit_of_measure}）`
    : `当月值：填写当月完成量，不含以前月份（${indicator.unit_of_measure}）`;
}

export interface IndicatorReportForm {
  month: string;
  /** Indicator key → the text typed (actual-<token> fields). */
  actuals: Record<string, string>;
  submit: boolean;
}

/** The indicator inputs of a posted form, by indicator key, for the indicators of the version in force. */
export function actualsFromBody(
  body: unknown,
  indicators: readonly { indicator_key: string }[],
): Record<string, string> {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const actuals: Record<string, string> = {};
  for (const indicator of indicators) {
    const value = source[actualField(indicator.indicator_key)];
    actuals[indicator.indicator_key] = typeof value === 'string' ? value.trim() : '';
  }
  return actuals;
}

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

/** A report is late when first submitted (China date) after its due day. */
const LATE_SQL = `(r.first_submitted_at IS NOT NULL AND (r.first_submitted_at AT TIME ZONE 'Asia/Shanghai')::date > r.due_on)`;

/**
 * 量化目标推进更新 (seed 001 4.2): once a month the responsible department reports the actual
 * value of every core indicator of the version in force (own reviewer → office). One record per
 * project and month; a correction of an approved month is a new revision of that record.
 */
@Injectable()
export class IndicatorReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly clock: Clock,
    private readonly calendars: WorkCalendarService,
  ) {}

  async indicators(project: IssuedProjectRow): Promise<MapIndicator[]> {
    return (await readMapContent(this.dataSource.manager, project.current_content_id)).indicators;
  }

  /** The month a new report starts with: this month, kept inside the plan year. */
  defaultMonth(project: ProjectRow): string {
    const today = chinaDate(this.clock.now()).slice(0, 7);
    const first = `${project.plan_year}-01`;
    const last = `${project.plan_year}-12`;
    return today < first ? first : today > last ? last : today;
  }

  private async check(
    project: IssuedProjectRow,
    form: IndicatorReportForm,
    ownLineageId: string | undefined,
  ): Promise<Map<string, bigint>> {
    const errors: FieldErrors = {};
    const match = MONTH.exec(form.month);
    if (!match) {
      errors.month = ['请选择填报月份（年-月）'];
    } else if (Number(match[1]) !== project.plan_year) {
      errors.month = [`只能填报作战图年度（${project.plan_year} 年）的月份`];
    } else if (form.month > chinaDate(this.clock.now()).slice(0, 7)) {
      errors.month = ['不能填报尚未到来的月份'];
    } else {
      const existing: { id: string; state: WorkflowState }[] = await this.dataSource.query(
        `SELECT r.id, (SELECT l.state FROM workflow_items l WHERE l.lineage_id = r.lineage_id ORDER BY l.revision DESC LIMIT 1) AS state
           FROM indicator_reports r
          WHERE r.project_id = $1 AND r.report_month = $2 AND r.id = r.lineage_id AND r.lineage_id IS DISTINCT FROM $3::uuid`,
        [project.id, form.month, ownLineageId ?? null],
      );
      if (existing[0]) {
        errors.month = [duplicateMessage(form.month, existing[0].state)];
      }
    }
    const values = new Map<string, bigint>();
    for (const indicator of await this.indicators(project)) {
      const field = actualField(indicator.indicator_key);
      const typed = form.actuals[indicator.indicator_key] ?? '';
      if (typed === '') {
        if (form.submit) {
          errors[field] = [`请填写「${indicator.name}」的实际值`];
        }
        continue;
      }
      const cents = parseCents(typed);
      if (cents === undefined) {
        errors[field] = ['请填写数字，最多保留两位小数'];
      } else if (cents < 0n) {
        errors[field] = ['实际值不能为负数'];
      } else {
        values.set(indicator.indicator_key, cents);
      }
    }
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return values;
  }

  private async writeValues(
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

  /** Submits in the caller's transaction, stamping the first submission (kept across revisions). */
  private async submit(
    manager: EntityManager,
    id: string,
    user: AuthUser,
    ip: string | undefined,
  ): Promise<void> {
    await manager.query(
      `UPDATE indicator_reports SET first_submitted_at = coalesce(first_submitted_at, $2::timestamptz) WHERE id = $1`,
      [id, this.clock.now()],
    );
    await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
  }

  async create(
    project: IssuedProjectRow,
    form: IndicatorReportForm,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const values = await this.check(project, form, undefined);
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.workflow.createDraft(
          manager,
          {
            type: INDICATOR_REPORT_TYPE,
            id,
            title: reportTitle(project.name, form.month),
            ownerUnitId: project.responsible_unit_id,
          },
          user,
        );
        await manager.query(
          `INSERT INTO indicator_reports (id, lineage_id, project_id, report_month, due_on) VALUES ($1, $1, $2, $3, $4)`,
          [id, project.id, form.month, lastWorkingDay(form.month, await this.calendars.calendar())],
        );
        await this.writeValues(manager, id, values);
        if (form.submit) {
          await this.submit(manager, id, user, ip);
        }
      });
    } catch (error) {
      // Two first filings of one month at once: the unique index lets one win.
      if ((error as { code?: string }).code === '23505') {
        throw FormInvalidException.field('month', duplicateMessage(form.month, 'draft'));
      }
      throw error;
    }
    return id;
  }

  async update(id: string, form: IndicatorReportForm, user: AuthUser, ip?: string): Promise<void> {
    const { item, report, project } = await this.load(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'month',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    if (project.current_content_id === null) {
      throw new NotFoundException();
    }
    // A revision corrects the month it was opened for: the month is fixed.
    const month = report.id === report.lineage_id ? form.month : report.report_month;
    const values = await this.check(
      project as IssuedProjectRow,
      { ...form, month },
      report.lineage_id,
    );
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE indicator_reports SET report_month = $2, due_on = $3, updated_at = now() WHERE id = $1`,
          [id, month, lastWorkingDay(month, await this.calendars.calendar())],
        );
        await this.writeValues(manager, id, values);
        await this.workflow.updateDraft(manager, id, { title: reportTitle(project.name, month) });
        if (form.submit) {
          await this.submit(manager, id, user, ip);
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw FormInvalidException.field('month', duplicateMessage(month, 'draft'));
      }
      throw error;
    }
  }

  /** 发起变更 of an approved month: a new revision copying the report and its values. */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.openRevision(manager, id, newId, user, ip);
      await manager.query(
        `INSERT INTO indicator_reports (id, lineage_id, project_id, report_month, due_on, first_submitted_at)
         SELECT $2, lineage_id, project_id, report_month, due_on, first_submitted_at FROM indicator_reports WHERE id = $1`,
        [id, newId],
      );
      await manager.query(
        `INSERT INTO indicator_report_values (report_id, indicator_key, actual)
         SELECT $2, indicator_key, actual FROM indicator_report_values WHERE report_id = $1`,
        [id, newId],
      );
    });
    return newId;
  }

  /** The record (any revision the user may read), its report row and its project. */
  async load(
    id: string,
    user: AuthUser,
  ): Promise<{ item: WorkflowItemRow; report: IndicatorReportRow; project: ProjectRow }> {
    const { item, row, project } = await loadVisibleUpdate<IndicatorReportRow>(
      { workflow: this.workflow, dataSource: this.dataSource, projects: this.projects },
      INDICATOR_REPORT_TYPE,
      `SELECT r.id, r.lineage_id, r.project_id, r.report_month, to_char(r.due_on, 'YYYY-MM-DD') AS due_on,
              r.first_submitted_at, ${LATE_SQL} AS late
         FROM indicator_reports r WHERE r.id = $1`,
      id,
      user,
    );
    return { item, report: row, project };
  }

  /** The record page: the report, each indicator with its target and the value reported. */
  async page(id: string, user: AuthUser) {
    const { item, report, project } = await this.load(id, user);
    const values: { indicator_key: string; actual: string }[] = await this.dataSource.query(
      `SELECT indicator_key, actual::text FROM indicator_report_values WHERE report_id = $1`,
      [id],
    );
    const byKey = new Map(values.map((value) => [value.indicator_key, value.actual]));
    const indicators = project.current_content_id
      ? (await readMapContent(this.dataSource.manager, project.current_content_id)).indicators
      : [];
    const month = Number(report.report_month.slice(5));
    return {
      item,
      report,
      project,
      indicators: indicators.map((indicator) => {
        const targets = {
          cumulative: indicator.cumulative,
          monthlyTargets: indicator.monthly_targets,
        };
        const actual = byKey.get(indicator.indicator_key);
        return {
          ...indicator,
          field: actualField(indicator.indicator_key),
          hint: actualHint(indicator),
          monthlyTarget: fromCents(monthIncrements(targets)[month - 1]),
          targetToDate: fromCents(targetsToDate(targets)[month - 1]),
          actual: actual === undefined ? '' : formatAmount(actual),
          met: actual === undefined ? null : monthMet(targets, month, toCents(actual)),
        };
      }),
      editable: this.workflow.isEditableBy(item, user),
    };
  }

  /**
   * The indicator ledger: one row per indicator per reported month (approved months for readers
   * outside the department), with the month's target, the target to date and whether it was met.
   */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: IndicatorLedgerRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'r.project_id',
      period: 'r.report_month',
    });
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<IndicatorLedgerRow, 'stateLabel'> & { total: number })[] = await db.query(
      `SELECT r.id AS report_id, r.project_id, p.name AS project_name, u.name AS unit_name,
                v.indicator_key, mi.name AS indicator_name, mi.unit_of_measure, mi.cumulative, r.report_month,
                t.monthly_target::text, t.target_to_date::text, v.actual::text,
                CASE WHEN t.monthly_target <= 0 THEN NULL
                     WHEN mi.cumulative THEN v.actual >= t.target_to_date
                     ELSE v.actual >= t.monthly_target END AS met,
                ${LATE_SQL} AS late, wi.state, count(*) OVER ()::int AS total
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
           ) t
          WHERE ${String(conditions)}
          ORDER BY r.report_month DESC, p.name, r.project_id, mi.position
          LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
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

export function reportTitle(projectName: string, month: string): string {
  return `${projectName}·${month} 量化目标推进更新`;
}

function duplicateMessage(month: string, state: WorkflowState): string {
  return `${month} 的量化目标推进更新已填报（${WORKFLOW_STATE_LABELS[state]}），一个月只填一份：请打开原记录修改，已通过的请在原记录上发起变更`;
}

/** 12.50 → "12.5", 3.00 → "3": amounts as people type them. */
export function formatAmount(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}
