import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { parseChinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { PLAN_STATUS_LABELS, PLAN_UPDATE_TYPE, type PlanStatus } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  ledgerConditions,
  UUID_PATTERN,
  loadVisibleUpdate,
  type IssuedProjectRow,
  type LedgerFilter,
} from './update-access.js';
import { evidenceMissingMessage, type PlanUpdateFormDto } from './update-forms.dto.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';

/** A monthly plan as the update pages show it, with its measure. */
export interface PlanInfo {
  plan_key: string;
  plan_month: string;
  plan_type: string;
  content: string;
  measure_key: string;
  measure_text: string | null;
  measure_number: number | null;
  /** The map version the plan was read from. */
  version: number;
  in_current_version: boolean;
}

export interface PlanUpdateRow {
  id: string;
  lineage_id: string;
  project_id: string;
  plan_key: string;
  status: PlanStatus;
  statusLabel: string;
  work_done: string;
  problems: string;
  next_steps: string;
  next_from: string | null;
  next_to: string | null;
  evidence_classified: boolean;
  first_submitted_at: Date | null;
  state: WorkflowState;
  stateLabel: string;
}

export interface PlanUpdateLedgerRow extends PlanUpdateRow {
  project_name: string;
  unit_name: string;
  plan_month: string | null;
  plan_type: string | null;
  plan_content: string | null;
}

const UPDATE_COLUMNS = `pu.id, pu.lineage_id, pu.project_id, pu.plan_key, pu.status, pu.work_done, pu.problems, pu.next_steps,
  to_char(pu.next_from, 'YYYY-MM-DD') AS next_from, to_char(pu.next_to, 'YYYY-MM-DD') AS next_to,
  pu.evidence_classified, pu.first_submitted_at, wi.state`;

function labelled<T extends { status: PlanStatus; state: WorkflowState }>(row: T) {
  return {
    ...row,
    statusLabel: PLAN_STATUS_LABELS[row.status],
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
  };
}

/**
 * 月度计划推进更新 (seed 001 4.3): the responsible department reports the status of one monthly
 * plan of the version in force, what was done, the problems and the next steps (own reviewer →
 * office). A plan collects a history of such updates; 已完成 needs evidence (or the 涉密 flag).
 */
@Injectable()
export class PlanUpdatesService {
  constructor(
    private readonly dataSource: DataSource,
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
    if (!UUID_PATTERN.test(planKey)) {
      return undefined;
    }
    const rows: PlanInfo[] = await this.dataSource.query(
      `SELECT mp.plan_key, mp.plan_month, t.label AS plan_type, mp.content, mp.measure_key, mm.text AS measure_text,
              (SELECT count(*)::int FROM map_measures o WHERE o.content_id = mm.content_id AND o.position <= mm.position) AS measure_number,
              mv.version, mv.id = $3::uuid AS in_current_version
         FROM map_plans mp
         JOIN map_versions mv ON mv.id = mp.content_id
         JOIN dictionary_items t ON t.id = mp.plan_type_id
         LEFT JOIN map_measures mm ON mm.content_id = mp.content_id AND mm.measure_key = mp.measure_key
        WHERE mv.project_id = $1 AND mp.plan_key = $2
        ORDER BY mv.version DESC LIMIT 1`,
      [project.id, planKey, project.current_content_id],
    );
    return rows[0];
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
  async history(
    project: ProjectRow,
    planKey: string,
    user: AuthUser,
    exceptLineage?: string,
  ): Promise<PlanUpdateRow[]> {
    const rows: Omit<PlanUpdateRow, 'statusLabel' | 'stateLabel'>[] = await this.dataSource.query(
      `SELECT ${UPDATE_COLUMNS}
         FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id
        WHERE pu.project_id = $1 AND pu.plan_key = $2 AND pu.lineage_id IS DISTINCT FROM $4::uuid
          AND (wi.is_current_approved
               OR (wi.owner_unit_id = $3 AND NOT EXISTS (
                     SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision)))
        ORDER BY coalesce(pu.first_submitted_at, pu.created_at) DESC, pu.id`,
      [project.id, planKey, user.unitId, exceptLineage ?? null],
    );
    return rows.map(labelled);
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

  private async submit(manager: EntityManager, id: string, user: AuthUser, ip?: string) {
    await manager.query(
      `UPDATE plan_updates SET first_submitted_at = coalesce(first_submitted_at, $2::timestamptz) WHERE id = $1`,
      [id, this.clock.now()],
    );
    await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
  }

  async create(
    project: IssuedProjectRow,
    plan: PlanInfo,
    form: PlanUpdateFormDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    this.check(form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: PLAN_UPDATE_TYPE,
          id,
          title: updateTitle(project.name, plan),
          ownerUnitId: project.responsible_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO plan_updates (id, lineage_id, project_id, plan_key, status, work_done, problems, next_steps, next_from, next_to, evidence_classified)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          project.id,
          plan.plan_key,
          form.status,
          form.workDone,
          form.problems,
          form.nextSteps ?? '',
          form.nextFrom ?? null,
          form.nextTo ?? null,
          form.evidenceClassified,
        ],
      );
      await this.attachments.linkToItem(
        manager,
        id,
        'evidence',
        form.evidenceClassified ? [] : form.evidence,
        user,
      );
      if (form.submit) {
        await this.submit(manager, id, user, ip);
      }
    });
    return id;
  }

  async update(id: string, form: PlanUpdateFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { item, update } = await this.load(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'status',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    this.check(form);
    await this.dataSource.transaction(async (manager) => {
      // A revision keeps the first submission of the approved update it corrects while the status
      // stays the same; a changed status is a new report, stamped when it is first submitted.
      const approved: { status: PlanStatus; first_submitted_at: Date | null }[] =
        await manager.query(
          `SELECT pu.status, pu.first_submitted_at FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id
            WHERE pu.lineage_id = $1 AND wi.is_current_approved AND pu.id <> $2`,
          [update.lineage_id, id],
        );
      const keep = approved[0] === undefined;
      const stamp = approved[0]?.status === form.status ? approved[0].first_submitted_at : null;
      await manager.query(
        `UPDATE plan_updates SET status = $2, work_done = $3, problems = $4, next_steps = $5, next_from = $6, next_to = $7,
                evidence_classified = $8,
                first_submitted_at = CASE WHEN $9::boolean THEN first_submitted_at ELSE $10::timestamptz END,
                updated_at = now()
          WHERE id = $1`,
        [
          id,
          form.status,
          form.workDone,
          form.problems,
          form.nextSteps ?? '',
          form.nextFrom ?? null,
          form.nextTo ?? null,
          form.evidenceClassified,
          keep,
          stamp,
        ],
      );
      await this.attachments.linkToItem(
        manager,
        id,
        'evidence',
        form.evidenceClassified ? [] : form.evidence,
        user,
      );
      if (form.submit) {
        await this.submit(manager, id, user, ip);
      }
    });
  }

  /** 发起变更 of an approved update: a new revision copying it (files come with the workflow). */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.openRevision(manager, id, newId, user, ip);
      await manager.query(
        `INSERT INTO plan_updates (id, lineage_id, project_id, plan_key, status, work_done, problems, next_steps, next_from, next_to,
                                   evidence_classified, first_submitted_at)
         SELECT $2, lineage_id, project_id, plan_key, status, work_done, problems, next_steps, next_from, next_to,
                evidence_classified, first_submitted_at
           FROM plan_updates WHERE id = $1`,
        [id, newId],
      );
    });
    return newId;
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
    const { item, row, project } = await loadVisibleUpdate<
      Omit<PlanUpdateRow, 'statusLabel' | 'stateLabel'>
    >(
      { workflow: this.workflow, dataSource: this.dataSource, projects: this.projects },
      PLAN_UPDATE_TYPE,
      `SELECT ${UPDATE_COLUMNS} FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id WHERE pu.id = $1`,
      id,
      user,
    );
    const plan = await this.findPlan(project, row.plan_key);
    if (!plan) {
      throw new NotFoundException();
    }
    return { item, update: labelled(row), project, plan };
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

  /** The plan-update ledger; `from`/`to` filter the plan month (YYYY-MM). */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { status?: PlanStatus },
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: PlanUpdateLedgerRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'pu.project_id',
      period: 'plan.plan_month',
    });
    if (filter.status) {
      conditions.add('pu.status = ?', filter.status);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<PlanUpdateLedgerRow, 'statusLabel' | 'stateLabel'> & { total: number })[] =
      await db.query(
        `SELECT ${UPDATE_COLUMNS}, p.name AS project_name, u.name AS unit_name,
                plan.plan_month, plan.plan_type, plan.content AS plan_content, count(*) OVER ()::int AS total
           FROM plan_updates pu
           JOIN workflow_items wi ON wi.id = pu.id
           JOIN major_projects p ON p.id = pu.project_id
           JOIN units u ON u.id = p.responsible_unit_id
           LEFT JOIN LATERAL (
             SELECT mp.plan_month, t.label AS plan_type, mp.content
               FROM map_plans mp JOIN map_versions mv ON mv.id = mp.content_id JOIN dictionary_items t ON t.id = mp.plan_type_id
              WHERE mv.project_id = pu.project_id AND mp.plan_key = pu.plan_key
              ORDER BY mv.version DESC LIMIT 1) plan ON true
          WHERE ${String(conditions)}
          ORDER BY plan.plan_month DESC NULLS LAST, p.name, coalesce(pu.first_submitted_at, pu.created_at) DESC, pu.id
          LIMIT ${limit} OFFSET ${offset}`,
        conditions.params,
      );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => labelled(row)),
    };
  }

  /**
   * The latest approved status of each plan of the project (by when each update was first
   * submitted), for the project page.
   */
  async latestApprovedStatuses(
    projectId: string,
  ): Promise<Map<string, { id: string; status: PlanStatus }>> {
    const rows: { plan_key: string; id: string; status: PlanStatus }[] =
      await this.dataSource.query(
        `SELECT DISTINCT ON (pu.plan_key) pu.plan_key, pu.id, pu.status
           FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id AND wi.is_current_approved
          WHERE pu.project_id = $1
          ORDER BY pu.plan_key, pu.first_submitted_at DESC NULLS LAST, pu.id`,
        [projectId],
      );
    return new Map(rows.map((row) => [row.plan_key, { id: row.id, status: row.status }]));
  }
  /**
   * 驾驶舱重点展示内容: per project, the latest approved plan updates (已开展工作 / 存在问题) — each
   * plan's current approved update, newest approval first, at most `perProject` per project. One
   * query over all projects.
   */
  async latestApprovedByProject(perProject = 3): Promise<Map<string, LatestPlanUpdate[]>> {
    const rows: (LatestPlanUpdate & { project_id: string })[] = await this.dataSource.query(
      `SELECT project_id, id, "planMonth", "planContent", status, "workDone", problems, "approvedOn"
         FROM (SELECT pu.project_id, pu.id, mp.plan_month AS "planMonth", mp.content AS "planContent", pu.status,
                      pu.work_done AS "workDone", pu.problems,
                      to_char(wi.approved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS "approvedOn",
                      row_number() OVER (PARTITION BY pu.project_id ORDER BY wi.approved_at DESC, pu.id) AS position
                 FROM plan_updates pu
                 JOIN workflow_items wi ON wi.id = pu.id AND wi.is_current_approved
                 JOIN major_projects p ON p.id = pu.project_id
                 JOIN LATERAL (SELECT mv.id FROM map_versions mv WHERE mv.project_id = p.id ORDER BY mv.version DESC LIMIT 1) cv ON true
                 JOIN map_plans mp ON mp.content_id = cv.id AND mp.plan_key = pu.plan_key) latest
        WHERE position <= $1
        ORDER BY project_id, position`,
      [perProject],
    );
    const byProject = new Map<string, LatestPlanUpdate[]>();
    for (const { project_id: projectId, ...update } of rows) {
      byProject.set(projectId, [...(byProject.get(projectId) ?? []), update]);
    }
    return byProject;
  }
}

/** A plan's current approved update as the cockpit shows it. */
export interface LatestPlanUpdate {
  id: string;
  planMonth: string;
  planContent: string;
  status: PlanStatus;
  workDone: string;
  problems: string;
  approvedOn: string;
}

export function updateTitle(projectName: string, plan: { plan_month: string }): string {
  return `${projectName}·${plan.plan_month} 月度计划推进更新`;
}
