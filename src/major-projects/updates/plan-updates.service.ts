import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { UUID_PATTERN } from '../../common/http/params.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { parseChinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { insertRow, updateRow } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { RecordKit } from '../../workflow/record-kit/record-kit.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { PLAN_UPDATE_TYPE, type PlanStatus } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  PLAN_UPDATE_TABLE,
  planUpdateContent,
  PlanUpdatesQueries,
  type PlanInfo,
  type PlanUpdateLedgerRow,
  type PlanUpdateRow,
} from './plan-updates.queries.js';
import { loadVisibleUpdate, type IssuedProjectRow, type LedgerFilter } from './update-access.js';
import {
  evidenceFiles,
  evidenceMissingMessage,
  type PlanUpdateFormDto,
} from './update-forms.dto.js';

export type {
  LatestPlanUpdate,
  PlanInfo,
  PlanUpdateLedgerRow,
  PlanUpdateRow,
} from './plan-updates.queries.js';
import type { LatestPlanUpdate } from './plan-updates.queries.js';

/**
 * 月度计划推进更新 (seed 001 4.3): the responsible department reports the status of one monthly
 * plan of the version in force, what was done, the problems and the next steps (own reviewer →
 * office). A plan collects a history of such updates; 已完成 needs evidence (or the 涉密 flag).
 */
@Injectable()
export class PlanUpdatesService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: PlanUpdatesQueries,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  /**
   * A plan of the project by its key, from the newest version that has it (the version in force
   * unless an iteration dropped it); undefined when the project never had it.
   */
  async findPlan(project: ProjectRow, planKey: string): Promise<PlanInfo | undefined> {
    return UUID_PATTERN.test(planKey) ? this.queries.findPlan(project, planKey) : undefined;
  }

  /** A plan of the version in force, for filing an update; 404 otherwise. */
  async requireCurrentPlan(project: IssuedProjectRow, planKey: string): Promise<PlanInfo> {
    const plan = await this.findPlan(project, planKey);
    if (!plan?.in_current_version) {
      throw new NotFoundException();
    }
    return plan;
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

  private check(form: PlanUpdateFormDto): void {
    const errors = this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  /** Stamps the first submission in the submit's transaction (kept across revisions). */
  private readonly stamp = (manager: EntityManager, id: string) =>
    this.queries.stampFirstSubmission(manager, id, this.clock.now());

  async create(
    project: IssuedProjectRow,
    plan: PlanInfo,
    form: PlanUpdateFormDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    this.check(form);
    return this.kit.fileRecord(
      {
        type: PLAN_UPDATE_TYPE,
        title: updateTitle(project.name, plan),
        ownerUnitId: project.responsible_unit_id,
        files: evidenceFiles(form),
        submit: form.submit,
        beforeSubmit: this.stamp,
      },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, PLAN_UPDATE_TABLE.table, {
          id,
          lineage_id: id,
          project_id: project.id,
          plan_key: plan.plan_key,
          ...planUpdateContent(form),
        }),
    );
  }

  async update(id: string, form: PlanUpdateFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { update, project, plan } = await this.load(id, user);
    await this.kit.updateDraft(
      id,
      { type: PLAN_UPDATE_TYPE, field: 'status', validate: () => this.check(form) },
      {
        title: updateTitle(project.name, plan),
        files: evidenceFiles(form),
        submit: form.submit,
        beforeSubmit: this.stamp,
      },
      user,
      ip,
      async (manager) => {
        // A revision keeps the first submission of the approved update it corrects while the
        // status stays the same; a changed status is a new report, stamped when first submitted.
        const approved = await this.queries.approvedOfLineage(manager, update.lineage_id, id);
        const row = planUpdateContent(form);
        if (approved !== undefined) {
          row.first_submitted_at =
            approved.status === form.status ? approved.first_submitted_at : null;
        }
        await updateRow(manager, PLAN_UPDATE_TABLE.table, id, row);
      },
    );
  }

  /** 发起变更 of an approved update: a new revision copying it (files come with the workflow). */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    return this.kit.reviseRecord(id, PLAN_UPDATE_TABLE, user, ip);
  }

  async load(
    id: string,
    user: AuthUser,
  ): Promise<{
    item: WorkflowItemRow;
    update: PlanUpdateRow;
    project: ProjectRow;
    plan: PlanInfo;
  }> {
    const { item, row, project } = await loadVisibleUpdate(
      { workflow: this.workflow, projects: this.projects },
      PLAN_UPDATE_TYPE,
      (rowId) => this.queries.find(rowId),
      id,
      user,
    );
    const plan = await this.findPlan(project, row.plan_key);
    if (!plan) {
      throw new NotFoundException();
    }
    return { item, update: row, project, plan };
  }

  async page(id: string, user: AuthUser) {
    const loaded = await this.load(id, user);
    return {
      ...loaded,
      files: await this.attachments.listForItem(id),
      history: await this.history(
        loaded.project,
        loaded.plan.plan_key,
        user,
        loaded.update.lineage_id,
      ),
      editable: this.workflow.isEditableBy(loaded.item, user),
    };
  }

  ledger(
    user: AuthUser,
    filter: LedgerFilter & { status?: PlanStatus },
    pageSize = DEFAULT_PAGE_SIZE,
    db?: SqlRunner,
  ): Promise<{ rows: PlanUpdateLedgerRow[]; total: number }> {
    return this.queries.ledger(user, filter, pageSize, db);
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
