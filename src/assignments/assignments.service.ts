import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { insertRow, updateRow } from '../database/sql.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { dictionaryChoiceErrors } from '../workflow/record-kit/dictionary-choices.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { ASSIGNMENT_PROFILES, type AssignmentKind } from './assignment-kinds.js';
import {
  assignableUnitNames,
  assignmentList,
  districtsAndDepartments,
  filingsOfTask,
  findAssignment,
  findProgress,
  findTask,
  hasOpenProgress,
  insertAssignment,
  markProgressApproved,
  taskPage,
  tasksNeedingFeedback,
  type TaskFilter,
  type TaskRecord,
} from './assignments.queries.js';
import { toTaskRow, type TaskRow } from './assignments.view-model.js';
import {
  annotateErrors,
  buildImportTemplate,
  parseDemandListWorkbook,
  type ImportError,
} from './demand-list-import.js';
import type { CreateAssignmentDto } from './dto/create-assignment.dto.js';
import { taskProgressErrors, type TaskProgressDto } from './dto/task-progress.dto.js';
import { dueCutoffs, TASK_STATUS_LABELS } from './task-due-rules.js';
import type { SqlRunner } from '../database/sql-runner.js';

export {
  TASK_SORTS,
  type TaskFilter,
  type TaskRecord,
  type TaskSort,
} from './assignments.queries.js';
export type { TaskRow } from './assignments.view-model.js';

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

  /** The units tasks may go to: active districts and departments, in display order. */
  assignableUnits() {
    return districtsAndDepartments(this.dataSource);
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
    Object.assign(
      errors,
      await dictionaryChoiceErrors(this.dictionaries, form, failed, [
        { field: 'domainId', kind: 'domain', message: '请选择有效的领域' },
      ]),
    );
    if (!failed.has('unitIds')) {
      const unitIds = [...new Set(form.unitIds)];
      if ((await assignableUnitNames(db, unitIds)).length !== unitIds.length) {
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
    const units = await assignableUnitNames(manager, unitIds);
    const id = randomUUID();
    await insertAssignment(
      manager,
      {
        id,
        kind,
        title: form.title,
        description: form.description ?? '',
        domainId: form.domainId ?? null,
        deadline: form.deadline,
        createdBy: user.id,
      },
      unitIds,
      `市委改革办交办${ASSIGNMENT_PROFILES[kind].label}《${form.title}》，请于 ${form.deadline} 前反馈`,
    );
    await this.audit.record(
      {
        action: 'assignment_created',
        actor: user,
        ip,
        target: { type: kind, id, label: form.title },
        detail: { deadline: form.deadline, units },
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
    const { units } = await this.assignableUnits();
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
    const { units } = await this.assignableUnits();
    const domains = await this.dictionaries.activeOptions('domain');
    return buildImportTemplate(
      units.map((unit) => unit.name),
      domains.map((domain) => domain.label),
    );
  }

  /** The office's list of assigned items with per-item counts of tasks done and overdue. */
  listAssignments(kind: AssignmentKind, filter: { q?: string; page: number }) {
    const { today } = dueCutoffs(this.clock.now());
    return assignmentList(this.dataSource, kind, today, filter, DEFAULT_PAGE_SIZE);
  }

  async assignmentDetail(kind: AssignmentKind, id: string) {
    const assignment = await findAssignment(this.dataSource, kind, id);
    if (!assignment) {
      throw new NotFoundException();
    }
    const tasks = await this.queryTasks('t.assignment_id = $3', [id], { page: 1 }, 500);
    return { assignment, tasks: tasks.rows };
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

  private queryTasks(
    condition: string,
    conditionParams: unknown[],
    filter: TaskFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ) {
    const cutoffs = dueCutoffs(this.clock.now());
    return taskPage(db, cutoffs, condition, conditionParams, filter, pageSize);
  }

  /**
   * The unit's tasks that need feedback now, for its clerks' 待办: overdue, due for the quarterly
   * update, or still waiting for a first filing.
   */
  async tasksNeedingFeedback(user: AuthUser): Promise<TaskRow[]> {
    const cutoffs = dueCutoffs(this.clock.now());
    const rows = await tasksNeedingFeedback(this.dataSource, cutoffs, user.unitId);
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
    const filings = await filingsOfTask(this.dataSource, taskId, user.unitId);
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

  findTask(taskId: string): Promise<TaskRecord | undefined> {
    return findTask(this.dataSource, taskId);
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
      const filed = await findProgress(this.dataSource, progressId);
      if (filed?.task_id !== taskId) {
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
        if (await hasOpenProgress(manager, taskId, id)) {
          throw FormInvalidException.field(
            'status',
            '本任务已有一条未审核完成的反馈，请在原记录上修改',
          );
        }
        await insertRow(manager, 'task_progress', { id, task_id: taskId, ...content });
      },
    );
  }

  /** A progress filing with its task, for its record page. */
  async progressPage(progressId: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(progressId, user);
    const progress = await findProgress(this.dataSource, progressId);
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
    await markProgressApproved(manager, item.id, item.approved_at ?? new Date());
  }
}
