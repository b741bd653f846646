import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { insertRow, SqlConditions, updateRow } from '../database/sql.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { ASSIGNMENT_PROFILES, type AssignmentKind } from './assignment-kinds.js';
import {
  annotateErrors,
  buildImportTemplate,
  parseDemandListWorkbook,
  type ImportError,
} from './demand-list-import.js';
import type { CreateAssignmentDto } from './dto/create-assignment.dto.js';
import { taskProgressErrors, type TaskProgressDto } from './dto/task-progress.dto.js';
import { dueCutoffs, TASK_STATUS_LABELS, type TaskStatus } from './task-due-rules.js';
import type { SqlRunner } from '../database/sql-runner.js';

export interface TaskFilter {
  status?: TaskStatus | 'none';
  overdue?: boolean;
  quarterlyDue?: boolean;
  unitId?: number;
  domainId?: number;
  deadlineFrom?: string;
  deadlineTo?: string;
  q?: string;
  sort?: TaskSort;
  page: number;
}

/**
 * The due rules of task-due-rules.ts in SQL, over `t` (assignment_tasks) and `a` (assignments),
 * with $1 = today (China date) and $2 = the start of the current quarter.
 */
const OVERDUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.first_approved_at IS NULL AND a.deadline < $1::date)`;
const QUARTERLY_DUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.latest_approved_at < $2::timestamptz)`;

export const TASK_SORTS = {
  deadline: 'a.deadline, u.sort_order, t.id',
  unit: 'u.sort_order, a.deadline, t.id',
  status: `coalesce(t.latest_status, 'awaiting') DESC, a.deadline, t.id`,
  approved: 't.latest_approved_at DESC NULLS LAST, t.id',
} as const;
export type TaskSort = keyof typeof TASK_SORTS;

export interface TaskRecord {
  id: string;
  kind: AssignmentKind;
  assignment_id: string;
  title: string;
  description: string;
  deadline: string;
  unit_id: number;
  unit_name: string;
  latest_status: TaskStatus | null;
}

export interface TaskRow {
  id: string;
  assignmentId: string;
  title: string;
  deadline: string;
  unitId: number;
  unitName: string;
  domain: string | null;
  statusLabel: string;
  latestStatus: TaskStatus | null;
  latestApprovedAt: Date | null;
  overdue: boolean;
  quarterlyDue: boolean;
}

interface TaskSqlRow {
  id: string;
  assignment_id: string;
  title: string;
  deadline: string;
  unit_id: number;
  unit_name: string;
  domain?: string | null;
  latest_status: TaskStatus | null;
  latest_approved_at: Date | null;
  overdue: boolean;
  quarterly_due: boolean;
  total?: number;
}

function toTaskRow(row: TaskSqlRow): TaskRow {
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    title: row.title,
    deadline: row.deadline,
    unitId: row.unit_id,
    unitName: row.unit_name,
    domain: row.domain ?? null,
    latestStatus: row.latest_status,
    statusLabel: row.latest_status ? TASK_STATUS_LABELS[row.latest_status] : '未反馈',
    latestApprovedAt: row.latest_approved_at,
    overdue: row.overdue,
    quarterlyDue: row.quarterly_due,
  };
}

/**
 * The assigned-task mechanism shared by the demand list (需求清单) and blockers (堵点卡点): the
 * office assigns an item to units with a deadline; each unit files progress through
 * own reviewer → office; the latest approved progress decides the task's status and flags.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kit: RecordKit,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async assignableUnits(): Promise<{
    districts: { id: number; name: string }[];
    departments: { id: number; name: string }[];
  }> {
    const rows: { id: number; name: string; kind: string }[] = await this.dataSource.query(
      `SELECT id, name, kind FROM units WHERE active AND kind IN ('district', 'department') ORDER BY sort_order`,
    );
    return {
      districts: rows.filter((row) => row.kind === 'district'),
      departments: rows.filter((row) => row.kind === 'department'),
    };
  }

  async assignableUnitList(): Promise<{ id: number; name: string }[]> {
    const { districts, departments } = await this.assignableUnits();
    return [...districts, ...departments];
  }

  /** The office assigns an item to units: one task per unit, their clerks are notified. */
  async create(
    kind: AssignmentKind,
    form: CreateAssignmentDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    return this.dataSource.transaction((manager) => this.createIn(manager, kind, form, user, ip));
  }

  /**
   * The rules of the assignment form a DTO cannot check (a real deadline, an active domain, units
   * that may be assigned), all at once. Fields the DTO refused (`failed`) are not checked (see
   * validateForm).
   */
  async formErrors(
    form: CreateAssignmentDto,
    failed: ReadonlySet<string>,
    db: SqlRunner = this.dataSource,
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('deadline') && !parseChinaDate(form.deadline)) {
      errors.deadline = ['请填写有效的反馈时限（年-月-日）'];
    }
    if (
      !failed.has('domainId') &&
      form.domainId !== undefined &&
      !(await this.dictionaries.isActive('domain', form.domainId))
    ) {
      errors.domainId = ['请选择有效的领域'];
    }
    if (!failed.has('unitIds')) {
      const unitIds = [...new Set(form.unitIds)];
      const units: { id: number }[] = await db.query(
        `SELECT id FROM units WHERE id = ANY($1::int[]) AND active AND kind IN ('district', 'department')`,
        [unitIds],
      );
      if (units.length !== unitIds.length) {
        errors.unitIds = ['承办单位有误，请重新选择'];
      }
    }
    return errors;
  }

  async createIn(
    manager: EntityManager,
    kind: AssignmentKind,
    form: CreateAssignmentDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const errors = await this.formErrors(form, new Set(), manager);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const unitIds = [...new Set(form.unitIds)];
    const units: { name: string }[] = await manager.query(
      `SELECT name FROM units WHERE id = ANY($1::int[]) ORDER BY sort_order`,
      [unitIds],
    );
    const id = randomUUID();
    await manager.query(
      `INSERT INTO assignments (id, kind, title, description, domain_id, deadline, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, kind, form.title, form.description ?? '', form.domainId ?? null, form.deadline, user.id],
    );
    await manager.query(
      `INSERT INTO assignment_tasks (assignment_id, unit_id) SELECT $1, unnest($2::int[])`,
      [id, unitIds],
    );
    const profile = ASSIGNMENT_PROFILES[kind];
    await manager.query(
      `INSERT INTO notifications (user_id, kind, message, link)
       SELECT u.id, 'assigned', $1, '/tasks/' || t.id
         FROM assignment_tasks t JOIN users u ON u.unit_id = t.unit_id AND 'entry' = ANY(u.roles) AND u.active
        WHERE t.assignment_id = $2`,
      [`市委改革办交办${profile.label}《${form.title}》，请于 ${form.deadline} 前反馈`, id],
    );
    await this.audit.record(
      {
        action: 'assignment_created',
        actor: user,
        ip,
        target: { type: kind, id, label: form.title },
        detail: { deadline: form.deadline, units: units.map((unit) => unit.name) },
      },
      manager,
    );
    return id;
  }

  /**
   * Imports a filled demand-list template: every row becomes an assignment, all in one
   * transaction; any bad row imports nothing and yields an annotated copy of the file.
   */
  async importDemandList(
    content: Buffer,
    user: AuthUser,
    ip?: string,
  ): Promise<{ created: number } | { errors: ImportError[]; errorFileId?: string }> {
    const units: { id: number; name: string }[] = await this.dataSource.query(
      `SELECT id, name FROM units WHERE active AND kind IN ('district', 'department')`,
    );
    const domains = await this.dictionaries.activeOptions('domain');
    const { items, errors } = await parseDemandListWorkbook(content, {
      unitIdsByName: new Map(units.map((unit) => [unit.name, unit.id])),
      domainIdsByLabel: new Map(domains.map((domain) => [domain.label, domain.id])),
    });
    if (errors.length > 0) {
      const readable = errors.every((error) => error.row >= 2 || error.row === 1);
      const errorFile = readable
        ? await this.attachments.store(
            {
              fileName: '需求清单导入-错误说明.xlsx',
              content: await annotateErrors(content, errors),
              truncated: false,
            },
            'import_errors',
            user,
          )
        : undefined;
      return { errors, errorFileId: errorFile?.id };
    }
    await this.dataSource.transaction(async (manager) => {
      for (const item of items) {
        await this.createIn(
          manager,
          'demand_list',
          {
            title: item.title,
            description: item.description,
            domainId: item.domainId,
            deadline: item.deadline,
            unitIds: item.unitIds,
          },
          user,
          ip,
        );
      }
    });
    return { created: items.length };
  }

  async importTemplate(): Promise<Buffer> {
    const units: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM units WHERE active AND kind IN ('district', 'department') ORDER BY sort_order`,
    );
    const domains = await this.dictionaries.activeOptions('domain');
    return buildImportTemplate(
      units.map((unit) => unit.name),
      domains.map((domain) => domain.label),
    );
  }

  /** The office's list of assigned items with per-item counts of tasks done and overdue. */
  async listAssignments(kind: AssignmentKind, filter: { q?: string; page: number }) {
    const { today } = dueCutoffs(this.clock.now());
    const conditions = new SqlConditions([kind, today]).raw('a.kind = $1');
    if (filter.q) {
      conditions.add('a.title ILIKE ?', `%${filter.q}%`);
    }
    const limit = conditions.bind(DEFAULT_PAGE_SIZE);
    const offset = conditions.bind((filter.page - 1) * DEFAULT_PAGE_SIZE);
    const rows: {
      id: string;
      title: string;
      deadline: string;
      domain: string | null;
      tasks: number;
      completed: number;
      overdue: number;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT a.id, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, d.label AS domain,
              count(t.id)::int AS tasks,
              count(t.id) FILTER (WHERE t.latest_status = 'completed')::int AS completed,
              count(t.id) FILTER (WHERE ${OVERDUE_SQL.replace('$1', '$2')})::int AS overdue,
              count(*) OVER ()::int AS total
         FROM assignments a
         LEFT JOIN dictionary_items d ON d.id = a.domain_id
         LEFT JOIN assignment_tasks t ON t.assignment_id = a.id
        WHERE ${String(conditions)}
        GROUP BY a.id, d.label
        ORDER BY a.created_at DESC, a.id
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return { rows, total: rows[0]?.total ?? 0 };
  }

  async assignmentDetail(kind: AssignmentKind, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      throw new NotFoundException();
    }
    const rows: {
      id: string;
      title: string;
      description: string;
      deadline: string;
      domain: string | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT a.id, a.title, a.description, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, d.label AS domain, a.created_at
           FROM assignments a LEFT JOIN dictionary_items d ON d.id = a.domain_id
          WHERE a.id = $1 AND a.kind = $2`,
      [id, kind],
    );
    if (!rows[0]) {
      throw new NotFoundException();
    }
    const tasks = await this.queryTasks('t.assignment_id = $3', [id], { page: 1 }, 500);
    return { assignment: rows[0], tasks: tasks.rows };
  }

  /**
   * 需求清单 / 堵点卡点 ledger: office, leaders and admins read every unit's tasks, a unit its own.
   * A task's status comes from approved progress only.
   */
  async taskLedger(
    kind: AssignmentKind,
    user: AuthUser,
    filter: TaskFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ) {
    return hasRole(user, 'office', 'leader', 'admin')
      ? this.queryTasks('a.kind = $3', [kind], filter, pageSize, db)
      : this.queryTasks(
          'a.kind = $3 AND t.unit_id = $4',
          [kind, user.unitId],
          filter,
          pageSize,
          db,
        );
  }

  private async queryTasks(
    condition: string,
    conditionParams: unknown[],
    filter: TaskFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ) {
    const { today, quarterStart } = dueCutoffs(this.clock.now());
    const conditions = new SqlConditions([today, quarterStart, ...conditionParams]).raw(condition);
    if (filter.status === 'none') {
      conditions.raw('t.latest_status IS NULL');
    } else if (filter.status) {
      conditions.add('t.latest_status = ?', filter.status);
    }
    if (filter.overdue) {
      conditions.raw(OVERDUE_SQL);
    }
    if (filter.quarterlyDue) {
      conditions.raw(QUARTERLY_DUE_SQL);
    }
    if (filter.unitId) {
      conditions.add('t.unit_id = ?', filter.unitId);
    }
    if (filter.domainId) {
      conditions.add('a.domain_id = ?', filter.domainId);
    }
    if (filter.deadlineFrom) {
      conditions.add('a.deadline >= ?::date', filter.deadlineFrom);
    }
    if (filter.deadlineTo) {
      conditions.add('a.deadline <= ?::date', filter.deadlineTo);
    }
    if (filter.q) {
      conditions.add('a.title ILIKE ?', `%${filter.q}%`);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: TaskSqlRow[] = await db.query(
      `SELECT t.id, t.assignment_id, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, t.unit_id, u.name AS unit_name,
              d.label AS domain, t.latest_status, t.latest_approved_at,
              ${OVERDUE_SQL} AS overdue, ${QUARTERLY_DUE_SQL} AS quarterly_due,
              count(*) OVER ()::int AS total
         FROM assignment_tasks t
         JOIN assignments a ON a.id = t.assignment_id
         JOIN units u ON u.id = t.unit_id
         LEFT JOIN dictionary_items d ON d.id = a.domain_id
        WHERE ${String(conditions)}
        ORDER BY ${TASK_SORTS[filter.sort ?? 'deadline']}
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return { rows: rows.map(toTaskRow), total: rows[0]?.total ?? 0 };
  }

  /**
   * The unit's tasks that need feedback now, for its clerks' 待办: overdue, due for the quarterly
   * update, or still waiting for a first filing.
   */
  async tasksNeedingFeedback(user: AuthUser): Promise<TaskRow[]> {
    const { today, quarterStart } = dueCutoffs(this.clock.now());
    const rows: (TaskSqlRow & { kind: AssignmentKind })[] = await this.dataSource.query(
      `SELECT t.id, t.assignment_id, a.kind, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, t.unit_id, u.name AS unit_name,
              NULL AS domain, t.latest_status, t.latest_approved_at, ${OVERDUE_SQL} AS overdue, ${QUARTERLY_DUE_SQL} AS quarterly_due
         FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id JOIN units u ON u.id = t.unit_id
        WHERE t.unit_id = $3 AND t.latest_status IS DISTINCT FROM 'completed'
          AND (t.first_approved_at IS NULL OR ${QUARTERLY_DUE_SQL})
        ORDER BY a.deadline, t.id
        LIMIT 50`,
      [today, quarterStart, user.unitId],
    );
    return rows.map((row) => ({
      ...toTaskRow(row),
      title: `${ASSIGNMENT_PROFILES[row.kind].label}：${row.title}`,
    }));
  }

  /** One task with its assignment, every progress filing the user may see, and what they may do. */
  async taskPage(taskId: string, user: AuthUser) {
    const task = await this.findTask(taskId);
    if (!task || !this.canSeeTask(task, user)) {
      throw new NotFoundException();
    }
    const profile = ASSIGNMENT_PROFILES[task.kind];
    const filings: {
      id: string;
      status: TaskStatus;
      state: WorkflowState;
      created_at: Date;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT p.id, p.status, wi.state, p.created_at, wi.updated_at
           FROM task_progress p JOIN workflow_items wi ON wi.id = p.id
          WHERE p.task_id = $1 AND (wi.state <> 'draft' OR wi.owner_unit_id = $2)
          ORDER BY p.created_at DESC`,
      [taskId, user.unitId],
    );
    const open = filings.find((filing) => filing.state !== 'approved');
    const isClerk = hasRole(user, 'entry') && user.unitId === task.unit_id;
    return {
      profile,
      task,
      filings: filings.map((filing) => ({
        id: filing.id,
        statusLabel: TASK_STATUS_LABELS[filing.status],
        stateLabel: WORKFLOW_STATE_LABELS[filing.state],
        state: filing.state,
        updatedAt: filing.updated_at,
      })),
      openFilingId: open?.id,
      canFile: isClerk && !open && task.latest_status !== 'completed',
    };
  }

  async findTask(taskId: string): Promise<TaskRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(taskId)) {
      return undefined;
    }
    const rows = await this.dataSource.query<TaskRecord[]>(
      `SELECT t.id, a.kind, t.assignment_id, a.title, a.description, to_char(a.deadline, 'YYYY-MM-DD') AS deadline,
              t.unit_id, u.name AS unit_name, t.latest_status
         FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id JOIN units u ON u.id = t.unit_id
        WHERE t.id = $1`,
      [taskId],
    );
    return rows[0];
  }

  canSeeTask(task: { unit_id: number }, user: AuthUser): boolean {
    return task.unit_id === user.unitId || hasRole(user, 'office', 'leader', 'admin');
  }

  /**
   * Saves a progress filing as a draft, or submits it. An open (not yet approved) filing is edited
   * in place; a new one is created only when none is open.
   */
  async saveProgress(
    taskId: string,
    form: TaskProgressDto,
    user: AuthUser,
    ip?: string,
    progressId?: string,
  ): Promise<string> {
    const task = await this.findTask(taskId);
    if (!task || !this.canSeeTask(task, user)) {
      throw new NotFoundException();
    }
    const errors = taskProgressErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const type = ASSIGNMENT_PROFILES[task.kind].progressType;
    const save = {
      title: `${task.title}（${task.unit_name}）`,
      files: { evidence: form.evidence },
      submit: form.submit,
    };
    const content = {
      status: form.status,
      work_done: form.workDone ?? '',
      problems: form.problems ?? '',
    };
    if (progressId) {
      const filed = await this.progressTaskId(progressId);
      if (filed !== taskId) {
        throw new NotFoundException();
      }
      await this.kit.updateDraft(progressId, { type, field: 'status' }, save, user, ip, (manager) =>
        updateRow(manager, 'task_progress', progressId, content),
      );
      return progressId;
    }
    if (!(hasRole(user, 'entry') && user.unitId === task.unit_id)) {
      throw new NotFoundException();
    }
    return this.kit.fileRecord(
      { ...save, type, ownerUnitId: task.unit_id },
      user,
      ip,
      async (manager, id) => {
        const open: { id: string }[] = await manager.query(
          `SELECT p.id FROM task_progress p JOIN workflow_items wi ON wi.id = p.id
            WHERE p.task_id = $1 AND wi.state <> 'approved' AND p.id <> $2`,
          [taskId, id],
        );
        if (open.length > 0) {
          throw FormInvalidException.field(
            'status',
            '本任务已有一条未审核完成的反馈，请在原记录上修改',
          );
        }
        await insertRow(manager, 'task_progress', { id, task_id: taskId, ...content });
      },
    );
  }

  /** The task a progress filing belongs to, if the filing exists. */
  private async progressTaskId(progressId: string): Promise<string | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(progressId)) {
      return undefined;
    }
    const rows: { task_id: string }[] = await this.dataSource.query(
      `SELECT task_id FROM task_progress WHERE id = $1`,
      [progressId],
    );
    return rows[0]?.task_id;
  }

  /** A progress filing with its task, for its record page. */
  async progressPage(progressId: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(progressId, user);
    const rows: { task_id: string; status: TaskStatus; work_done: string; problems: string }[] =
      await this.dataSource.query(
        `SELECT task_id, status, work_done, problems FROM task_progress WHERE id = $1`,
        [progressId],
      );
    const progress = rows[0];
    if (!progress) {
      throw new NotFoundException();
    }
    const task = (await this.findTask(progress.task_id))!;
    return {
      item,
      task,
      profile: ASSIGNMENT_PROFILES[task.kind],
      progress: { ...progress, statusLabel: TASK_STATUS_LABELS[progress.status] },
      editable: this.workflow.isEditableBy(item, user),
      files: await this.attachments.listForItem(progressId),
    };
  }

  /** Keeps the task's summary (latest approved status and dates) when a filing is approved. */
  async onProgressApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await manager.query(
      `UPDATE assignment_tasks t
          SET latest_status = p.status, latest_approved_at = $2, first_approved_at = coalesce(t.first_approved_at, $2)
         FROM task_progress p
        WHERE p.id = $1 AND t.id = p.task_id`,
      [item.id, item.approved_at ?? new Date()],
    );
  }
}
