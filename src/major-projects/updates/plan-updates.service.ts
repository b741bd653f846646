import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { UUID_PATTERN } from '../../common/http/params.js';
import { parseChinaDate } from '../../common/time/china-time.js';
import { updateRow } from '../../database/sql.js';
import type { PlanStatus } from '../project-labels.js';
import type { ProjectRow } from '../projects.service.js';
import {
  PLAN_UPDATE_TABLE,
  planUpdateContent,
  PlanUpdatesQueries,
  type PlanInfo,
  type PlanUpdateLedgerRow,
  type PlanUpdateRow,
} from './plan-updates.queries.js';
import {
  ProjectUpdateDeps,
  ProjectUpdateService,
  type UpdateContext,
} from './project-update.service.js';
import { evidenceMissingMessage, type PlanUpdateFormDto } from './update-forms.dto.js';

export type {
  LatestPlanUpdate,
  PlanInfo,
  PlanUpdateLedgerRow,
  PlanUpdateRow,
} from './plan-updates.queries.js';
import type { LatestPlanUpdate } from './plan-updates.queries.js';

/** A plan update is filed under its project and the plan it reports on. */
export interface PlanContext extends UpdateContext {
  plan: PlanInfo;
}

/**
 * 月度计划推进更新 (seed 001 4.3): the responsible department reports the status of one monthly
 * plan of the version in force, what was done, the problems and the next steps (own reviewer →
 * office). A plan collects a history of such updates; 已完成 needs evidence (or the 涉密 flag).
 */
@Injectable()
export class PlanUpdatesService extends ProjectUpdateService<
  PlanUpdateFormDto,
  PlanUpdateRow,
  PlanUpdateLedgerRow,
  { status?: PlanStatus },
  PlanContext
> {
  protected readonly kind = {
    table: PLAN_UPDATE_TABLE,
    field: 'status',
    content: planUpdateContent,
  };

  constructor(
    deps: ProjectUpdateDeps,
    protected override readonly queries: PlanUpdatesQueries,
  ) {
    super(deps, queries);
  }

  /**
   * A plan of the project by its key, from the newest version that has it (the version in force
   * unless an iteration dropped it); undefined when the project never had it.
   */
  async findPlan(project: ProjectRow, planKey: string): Promise<PlanInfo | undefined> {
    return UUID_PATTERN.test(planKey) ? this.queries.findPlan(project, planKey) : undefined;
  }

  /** The project and a plan of the version in force, for filing an update; 404 otherwise. */
  override async filingContext(params: Record<string, string>, user: AuthUser) {
    const { project } = await super.filingContext(params, user);
    const plan = await this.findPlan(project, params.planKey);
    if (!plan?.in_current_version) {
      throw new NotFoundException();
    }
    return { project, plan };
  }

  /** The plan an update reports on (404 when the project never had it). */
  protected override async contextOfRecord(row: PlanUpdateRow, project: ProjectRow) {
    const plan = await this.findPlan(project, row.plan_key);
    if (!plan) {
      throw new NotFoundException();
    }
    return { project, plan };
  }

  protected override filedColumns(context: PlanContext) {
    return { ...super.filedColumns(context), plan_key: context.plan.plan_key };
  }

  protected title({ project, plan }: PlanContext): string {
    return updateTitle(project.name, plan);
  }

  /**
   * The plan's earlier updates, newest first: every current approved one, and the department's
   * own in any state (their latest revision). `exceptLineage` leaves out the record being shown.
   */
  history(
    project: ProjectRow,
    planKey: string,
    user: AuthUser,
    exceptLineage?: string,
  ): Promise<PlanUpdateRow[]> {
    return this.queries.history(project.id, planKey, user, exceptLineage);
  }

  /**
   * The rules of the form a DTO cannot check, all at once: the next steps and their dates unless
   * the plan is completed, the dates in order, evidence for 已完成. Fields the DTO refused
   * (`failed`) are not checked, nor the rules that depend on a refused 推进状态 (see validateForm).
   */
  formErrors(form: PlanUpdateFormDto, failed: ReadonlySet<string> = new Set()): FieldErrors {
    const errors: FieldErrors = {};
    const statusKnown = !failed.has('status');
    const completed = form.status === 'completed';
    if (statusKnown && !completed && !failed.has('nextSteps') && !form.nextSteps) {
      errors.nextSteps = ['请填写下一步工作计划（具体时间安排和具体内容）'];
    }
    const from =
      failed.has('nextFrom') || form.nextFrom === undefined
        ? undefined
        : parseChinaDate(form.nextFrom);
    const to =
      failed.has('nextTo') || form.nextTo === undefined ? undefined : parseChinaDate(form.nextTo);
    if (!failed.has('nextFrom')) {
      if (form.nextFrom !== undefined && !from) {
        errors.nextFrom = ['请填写有效的开始日期'];
      } else if (statusKnown && !completed && !from) {
        errors.nextFrom = ['请填写下一步工作的开始日期'];
      }
    }
    if (!failed.has('nextTo')) {
      if (form.nextTo !== undefined && !to) {
        errors.nextTo = ['请填写有效的结束日期'];
      } else if (statusKnown && !completed && !to) {
        errors.nextTo = ['请填写下一步工作的结束日期'];
      } else if (from && to && to < from) {
        errors.nextTo = ['结束日期不能早于开始日期'];
      }
    }
    if (statusKnown && completed && evidenceMissing(form, failed)) {
      errors.evidence = [evidenceMissingMessage('推进状态为“已完成”时务必上传佐证材料')];
    }
    return errors;
  }

  /** Stamps the first submission in the submit's transaction (kept across revisions). */
  protected override readonly beforeSubmit = (manager: EntityManager, id: string) =>
    this.queries.stampFirstSubmission(manager, id, this.deps.clock.now());

  /**
   * A revision keeps the first submission of the approved update it corrects while the status
   * stays the same; a changed status is a new report, stamped when first submitted.
   */
  protected override async writeUpdate(
    manager: EntityManager,
    id: string,
    form: PlanUpdateFormDto,
    { record }: { record: PlanUpdateRow },
  ): Promise<void> {
    const approved = await this.queries.approvedOfLineage(manager, record.lineage_id, id);
    const row = planUpdateContent(form);
    if (approved !== undefined) {
      row.first_submitted_at = approved.status === form.status ? approved.first_submitted_at : null;
    }
    await updateRow(manager, PLAN_UPDATE_TABLE.table, id, row);
  }

  /** The record page, with the plan's other updates. */
  override async page(id: string, user: AuthUser) {
    const page = await super.page(id, user);
    const { project, plan, record } = page;
    return {
      ...page,
      history: await this.history(project, plan.plan_key, user, record.lineage_id),
    };
  }

  latestApprovedStatuses(projectId: string) {
    return this.queries.latestApprovedStatuses(projectId);
  }
  /**
   * 驾驶舱重点展示内容: per project, the latest approved plan updates (已开展工作 / 存在问题), at most
   * `perProject` each, newest approval first.
   */
  latestApprovedByProject(perProject = 3): Promise<Map<string, LatestPlanUpdate[]>> {
    return this.queries.latestApprovedByProject(perProject);
  }
}

export function updateTitle(projectName: string, plan: { plan_month: string }): string {
  return `${projectName}·${plan.plan_month} 月度计划推进更新`;
}
