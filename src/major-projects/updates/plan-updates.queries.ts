import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import type { WorkflowState } from '../../workflow/workflow-chain.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { listingUnion } from '../../workflow/workflow-visibility.js';
import { PLAN_STATUS_LABELS, PLAN_UPDATE_TYPE, type PlanStatus } from '../project-labels.js';
import type { ProjectRow } from '../projects.service.js';
import { stateLabelled } from './dated-update.queries.js';
import { ledgerConditions, pageOfUpdates, type LedgerFilter } from './update-access.js';
import type { PlanUpdateFormDto } from './update-forms.dto.js';

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

/** The form's content as the row's columns (what an edit writes). */
export function planUpdateContent(form: PlanUpdateFormDto): Record<string, unknown> {
  return {
    status: form.status,
    work_done: form.workDone,
    problems: form.problems,
    next_steps: form.nextSteps ?? '',
    next_from: form.nextFrom ?? null,
    next_to: form.nextTo ?? null,
    evidence_classified: form.evidenceClassified,
  };
}

export const PLAN_UPDATE_TABLE: RecordTable = {
  type: PLAN_UPDATE_TYPE,
  table: 'plan_updates',
  columns: [
    'lineage_id',
    'project_id',
    'plan_key',
    'status',
    'work_done',
    'problems',
    'next_steps',
    'next_from',
    'next_to',
    'evidence_classified',
    'first_submitted_at',
  ],
};

const UPDATE_COLUMNS = `pu.id, pu.lineage_id, pu.project_id, pu.plan_key, pu.status, pu.work_done, pu.problems, pu.next_steps,
  to_char(pu.next_from, 'YYYY-MM-DD') AS next_from, to_char(pu.next_to, 'YYYY-MM-DD') AS next_to,
  pu.evidence_classified, pu.first_submitted_at, wi.state`;

function labelled<T extends { status: PlanStatus; state: WorkflowState }>(row: T) {
  return { ...stateLabelled(row), statusLabel: PLAN_STATUS_LABELS[row.status] };
}

/** The SQL of 月度计划推进更新. */
@Injectable()
export class PlanUpdatesQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** A plan of the project by its key, from the newest version that has it. */
  async findPlan(project: ProjectRow, planKey: string): Promise<PlanInfo | undefined> {
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

  /**
   * The plan's earlier updates, newest first: every current approved one, and the department's
   * own in any state (their latest revision). `exceptLineage` leaves out the record being shown.
   */
  async history(
    projectId: string,
    planKey: string,
    user: AuthUser,
    exceptLineage?: string,
  ): Promise<PlanUpdateRow[]> {
    // The listing rule with every reader of the project involved: others' approved revisions in
    // force, the department's own records in their newest revision.
    const union = listingUnion(
      user,
      { involved: 'true' },
      (
        visibility,
      ) => `SELECT ${UPDATE_COLUMNS}, coalesce(pu.first_submitted_at, pu.created_at) AS sort_at
         FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id
        WHERE ${visibility} AND pu.project_id = $2 AND pu.plan_key = $3 AND pu.lineage_id IS DISTINCT FROM $4::uuid`,
    );
    const rows: (Omit<PlanUpdateRow, 'statusLabel' | 'stateLabel'> & { sort_at: Date })[] =
      await this.dataSource.query(`SELECT v.* FROM (${union}) v ORDER BY v.sort_at DESC, v.id`, [
        user.unitId,
        projectId,
        planKey,
        exceptLineage ?? null,
      ]);
    return rows.map(({ sort_at: _at, ...row }) => labelled(row));
  }

  async find(id: string): Promise<PlanUpdateRow | undefined> {
    const rows: Omit<PlanUpdateRow, 'statusLabel' | 'stateLabel'>[] = await this.dataSource.query(
      `SELECT ${UPDATE_COLUMNS} FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id WHERE pu.id = $1`,
      [id],
    );
    return rows[0] && labelled(rows[0]);
  }

  /** The approved revision in force of the record, other than `id`, if there is one. */
  async approvedOfLineage(
    manager: EntityManager,
    lineageId: string,
    id: string,
  ): Promise<{ status: PlanStatus; first_submitted_at: Date | null } | undefined> {
    const rows: { status: PlanStatus; first_submitted_at: Date | null }[] = await manager.query(
      `SELECT pu.status, pu.first_submitted_at FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id
        WHERE pu.lineage_id = $1 AND wi.is_current_approved AND pu.id <> $2`,
      [lineageId, id],
    );
    return rows[0];
  }

  /** Stamps the first submission (kept across revisions). */
  async stampFirstSubmission(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE plan_updates SET first_submitted_at = coalesce(first_submitted_at, $2::timestamptz) WHERE id = $1`,
      [id, at],
    );
  }

  /** The plan-update ledger; `from`/`to` filter the plan month (YYYY-MM). */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { status?: PlanStatus },
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: PlanUpdateLedgerRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'pu.project_id',
      period: 'plan.plan_month',
    });
    if (filter.status) {
      conditions.add('pu.status = ?', filter.status);
    }
    const page = await pageOfUpdates<
      Omit<PlanUpdateLedgerRow, 'statusLabel' | 'stateLabel'> & { sort_at: Date }
    >(
      db,
      user,
      conditions,
      {
        from: `SELECT ${UPDATE_COLUMNS}, p.name AS project_name, u.name AS unit_name,
                plan.plan_month, plan.plan_type, plan.content AS plan_content,
                coalesce(pu.first_submitted_at, pu.created_at) AS sort_at
           FROM plan_updates pu
           JOIN workflow_items wi ON wi.id = pu.id
           JOIN major_projects p ON p.id = pu.project_id
           JOIN units u ON u.id = p.responsible_unit_id
           LEFT JOIN LATERAL (
             SELECT mp.plan_month, t.label AS plan_type, mp.content
               FROM map_plans mp JOIN map_versions mv ON mv.id = mp.content_id JOIN dictionary_items t ON t.id = mp.plan_type_id
              WHERE mv.project_id = pu.project_id AND mp.plan_key = pu.plan_key
              ORDER BY mv.version DESC LIMIT 1) plan ON true`,
        order: 'v.plan_month DESC NULLS LAST, v.project_name, v.sort_at DESC, v.id',
      },
      pageSize,
      filter.page,
    );
    return { total: page.total, rows: page.rows.map(({ sort_at: _at, ...row }) => labelled(row)) };
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
