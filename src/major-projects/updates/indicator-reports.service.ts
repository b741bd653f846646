import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentView } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { insertRow, updateRow } from '../../database/sql.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { LedgerReader } from '../../workflow/record-kit/ledger-routes.js';
import { RecordKit } from '../../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { BattleMapService, keyToToken } from '../battle-map.service.js';
import { parseCents } from '../decimal-cents.js';
import type { MapIndicator } from '../map-content.js';
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
  INDICATOR_REPORT_TABLE,
  IndicatorReportsQueries,
  type IndicatorLedgerRow,
} from './indicator-reports.queries.js';
import {
  loadVisibleUpdate,
  projectIdOf,
  requireFilingProject,
  type IssuedProjectRow,
  type LedgerFilter,
} from './update-access.js';

export type { IndicatorLedgerRow, IndicatorReportRow } from './indicator-reports.queries.js';

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
  submit?: boolean;
}

/** Two first filings of one month at once: the unique index lets one win. */
function isDuplicateMonth(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

/**
 * 量化目标推进更新 (seed 001 4.2): once a month the responsible department reports the actual
 * value of every core indicator of the version in force (own reviewer → office). One record per
 * project and month; a correction of an approved month is a new revision of that record.
 */
@Injectable()
export class IndicatorReportsService {
  constructor(
    private readonly maps: BattleMapService,
    private readonly kit: RecordKit,
    private readonly queries: IndicatorReportsQueries,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly clock: Clock,
    private readonly calendars: WorkCalendarService,
  ) {}

  /** The core indicators of the version in force (none until the map is issued). */
  async indicators(project: ProjectRow): Promise<MapIndicator[]> {
    return (await this.maps.currentContent(project))?.indicators ?? [];
  }

  /** A new report's project, from the form route's parameters (see requireFilingProject). */
  async filingContext(
    params: Record<string, string>,
    user: AuthUser,
  ): Promise<{ project: IssuedProjectRow }> {
    return { project: await requireFilingProject(this.projects, projectIdOf(params), user) };
  }

  /**
   * The form's rules beside its DTO's: none, because they need the project's indicators and
   * months, so they all run on save (check) and come back together.
   */
  formErrors(): FieldErrors {
    return {};
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
      const existing = await this.queries.filedMonth(project.id, form.month, ownLineageId);
      if (existing) {
        errors.month = [duplicateMessage(form.month, existing.state)];
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

  /** Stamps the first submission in the submit's transaction (kept across revisions). */
  private readonly stamp = (manager: EntityManager, id: string) =>
    this.queries.stampFirstSubmission(manager, id, this.clock.now());

  async create(
    project: IssuedProjectRow,
    form: IndicatorReportForm,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const values = await this.check(project, form, undefined);
    try {
      return await this.kit.fileRecord(
        {
          type: INDICATOR_REPORT_TYPE,
          title: reportTitle(project.name, form.month),
          ownerUnitId: project.responsible_unit_id,
          submit: form.submit,
          beforeSubmit: this.stamp,
        },
        user,
        ip,
        async (manager, id) => {
          await insertRow(manager, INDICATOR_REPORT_TABLE.table, {
            id,
            lineage_id: id,
            project_id: project.id,
            report_month: form.month,
            due_on: lastWorkingDay(form.month, await this.calendars.calendar()),
          });
          await this.queries.writeValues(manager, id, values);
        },
      );
    } catch (error) {
      if (isDuplicateMonth(error)) {
        throw FormInvalidException.field('month', duplicateMessage(form.month, 'draft'));
      }
      throw error;
    }
  }

  async update(id: string, form: IndicatorReportForm, user: AuthUser, ip?: string): Promise<void> {
    const { report, project } = await this.load(id, user);
    // A revision corrects the month it was opened for: the month is fixed.
    const month = report.id === report.lineage_id ? form.month : report.report_month;
    let values = new Map<string, bigint>();
    const validate = async () => {
      if (project.current_content_id === null) {
        throw new NotFoundException();
      }
      values = await this.check(project as IssuedProjectRow, { ...form, month }, report.lineage_id);
    };
    try {
      await this.kit.updateDraft(
        id,
        { type: INDICATOR_REPORT_TYPE, field: 'month', validate },
        { title: reportTitle(project.name, month), submit: form.submit, beforeSubmit: this.stamp },
        user,
        ip,
        async (manager) => {
          await updateRow(manager, INDICATOR_REPORT_TABLE.table, id, {
            report_month: month,
            due_on: lastWorkingDay(month, await this.calendars.calendar()),
          });
          await this.queries.writeValues(manager, id, values);
        },
      );
    } catch (error) {
      if (isDuplicateMonth(error)) {
        throw FormInvalidException.field('month', duplicateMessage(month, 'draft'));
      }
      throw error;
    }
  }

  /** 发起变更 of an approved month: a new revision copying the report and its values. */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    return this.kit.reviseRecord(id, INDICATOR_REPORT_TABLE, user, ip, (manager, newId) =>
      this.queries.copyValues(manager, id, newId),
    );
  }

  /** The record (any revision the user may read), its report row and its project. */
  async load(id: string, user: AuthUser) {
    const { item, row, project } = await loadVisibleUpdate(
      { workflow: this.workflow, projects: this.projects },
      INDICATOR_REPORT_TYPE,
      (rowId) => this.queries.find(rowId),
      id,
      user,
    );
    return { item, report: row, project };
  }

  /** The record page: the report, each indicator with its target and the value reported. */
  async page(id: string, user: AuthUser) {
    const { item, report, project } = await this.load(id, user);
    const byKey = await this.queries.values(id);
    const indicators = await this.indicators(project);
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
      // The form needs the indicators of the version in force.
      editable: this.workflow.isEditableBy(item, user) && project.current_content_id !== null,
      // A report has no upload field.
      files: [] as AttachmentView[],
    };
  }

  /** The indicator ledger, one row per indicator per reported month (see the queries). */
  readonly ledger: LedgerReader<LedgerFilter, IndicatorLedgerRow> = (
    user,
    filter,
    pageSize = DEFAULT_PAGE_SIZE,
    db,
  ) => this.queries.ledger(user, filter, pageSize, db);

  /** The project's approved actuals of its plan year, by indicator and month (1–12). */
  approvedActuals(project: ProjectRow) {
    return this.queries.approvedActuals(project);
  }

  /** The latest revision of the project's report for a month, if there is one (for 更新本月进度). */
  reportOfMonth(projectId: string, month: string): Promise<string | undefined> {
    return this.queries.reportOfMonth(projectId, month);
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
