import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import {
  type FieldErrors,
  FormInvalidException,
  formValues,
  handleForm,
  validateForm,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { optionalId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import {
  ASSIGNMENT_KINDS,
  ASSIGNMENT_PROFILES,
  isTaskStatus,
  type AssignmentKind,
} from './assignment-kinds.js';
import {
  AssignmentsService,
  TASK_SORTS,
  type TaskFilter,
  type TaskRow,
  type TaskSort,
} from './assignments.service.js';
import { dateRangeLabel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { hasRole } from '../auth/auth-context.js';
import { TaskProgressDto, taskProgressErrors } from './dto/task-progress.dto.js';
import { TASK_STATUSES, TASK_STATUS_LABELS } from './task-due-rules.js';
import { searchText } from '../common/http/search-text.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const STATUS_OPTIONS = TASK_STATUSES.map((value) => ({ value, label: TASK_STATUS_LABELS[value] }));
const SORT_OPTIONS: { value: TaskSort; label: string }[] = [
  { value: 'deadline', label: '按反馈时限' },
  { value: 'unit', label: '按承办单位' },
  { value: 'status', label: '按推进状态' },
  { value: 'approved', label: '按最近审核通过' },
];

export const TASK_COLUMNS: ExcelColumn<TaskRow>[] = [
  { header: '任务', width: 40, value: (row) => row.title },
  { header: '承办单位', width: 16, value: (row) => row.unitName },
  { header: '领域', width: 16, value: (row) => row.domain },
  {
    header: '反馈时限',
    width: 12,
    kind: 'date',
    value: (row) => new Date(`${row.deadline}T00:00:00+08:00`),
  },
  { header: '推进状态', width: 10, value: (row) => row.statusLabel },
  { header: '最近审核通过', width: 18, kind: 'datetime', value: (row) => row.latestApprovedAt },
  { header: '已逾期', width: 8, value: (row) => (row.overdue ? '是' : '否') },
  { header: '待季度更新', width: 10, value: (row) => (row.quarterlyDue ? '是' : '否') },
];

export function parseKind(value: unknown): AssignmentKind {
  return (ASSIGNMENT_KINDS as readonly unknown[]).includes(value)
    ? (value as AssignmentKind)
    : 'demand_list';
}

export function parseTaskFilter(query: Record<string, string>): TaskFilter {
  const rawStatus: unknown = query.status;
  const rawSort: unknown = query.sort;
  return {
    status: isTaskStatus(rawStatus) ? rawStatus : rawStatus === 'none' ? 'none' : undefined,
    overdue: query.overdue === '1',
    quarterlyDue: query.quarterlyDue === '1',
    unitId: optionalId(query.unit, 'unit'),
    domainId: optionalId(query.domain, 'domain'),
    deadlineFrom: parseChinaDate(query.from),
    deadlineTo: parseChinaDate(query.to),
    q: searchText(query.q),
    sort:
      typeof rawSort === 'string' && Object.hasOwn(TASK_SORTS, rawSort)
        ? (rawSort as TaskSort)
        : undefined,
    page: parsePage(query.page),
  };
}

/** A unit's assigned tasks (需求清单任务, 堵点卡点) and their progress filings. */
@Controller()
@Roles(...BUSINESS_ROLES)
export class TasksController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
  ) {}

  /**
   * 需求清单 / 堵点卡点 台账: a unit sees its own tasks, the office and leaders every unit's, with
   * filters, sorting and paging; the Excel download takes the same filters.
   */
  @Get('tasks')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind = parseKind(query.kind);
    const filter = parseTaskFilter(query);
    const { rows, total } = await this.assignments.taskLedger(kind, user, filter);
    const seesAllUnits = hasRole(user, 'office', 'leader', 'admin');
    return reply.view('assignments/tasks-index.hbs', {
      title: `${ASSIGNMENT_PROFILES[kind].label}台账`,
      profile: ASSIGNMENT_PROFILES[kind],
      rows,
      total,
      filters: { ...filter, kind, status: filter.status ?? '', sort: filter.sort ?? 'deadline' },
      statusOptions: STATUS_OPTIONS,
      sortOptions: SORT_OPTIONS,
      units: seesAllUnits ? await this.assignments.assignableUnitList() : [],
      domains: await this.dictionaries.activeOptions('domain'),
      exportHref: exportHref('/tasks', query),
      pagination: buildPagination('/tasks', query, filter.page, total),
    });
  }

  /** 批量下载 of the ledger: the same filters and scope, streamed. */
  @Get('tasks/export')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind = parseKind(query.kind);
    const filter = parseTaskFilter(query);
    const label = `${ASSIGNMENT_PROFILES[kind].label}台账`;
    await this.ledgerExports.stream(
      reply,
      {
        label,
        today: chinaDate(new Date()),
        columns: TASK_COLUMNS,
        filters: await this.ledgerExports.filters([
          { label: '承办单位', unitId: filter.unitId },
          { label: '领域', dictionaryId: filter.domainId },
          {
            label: '推进状态',
            value:
              filter.status === 'none'
                ? '未反馈'
                : filter.status && TASK_STATUS_LABELS[filter.status],
          },
          { label: '已逾期', value: filter.overdue ? '是' : undefined },
          { label: '待季度更新', value: filter.quarterlyDue ? '是' : undefined },
          { label: '反馈时限', value: dateRangeLabel(filter.deadlineFrom, filter.deadlineTo) },
          { label: '标题', value: filter.q },
        ]),
      },
      (page, pageSize, db) =>
        this.assignments.taskLedger(kind, user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('tasks/:id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderTask(reply, 200, id, user, {}, {});
  }

  @Post('tasks/:id/progress')
  @FormWithFiles()
  @Roles('entry')
  async file(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      TaskProgressDto,
      body,
      (values, errors) => this.renderTask(reply, 422, id, user, values, errors),
      async (data) => {
        const progressId = await this.assignments.saveProgress(id, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(progressId, Boolean(data.submit)));
        return seeOther(request, reply, `/task-progress/${progressId}`);
      },
      taskProgressErrors,
    );
  }

  @Get('task-progress/:id')
  async progress(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return this.renderProgress(reply, 200, id, user, undefined, {});
  }

  @Post('task-progress/:id')
  @FormWithFiles()
  @Roles('entry')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(TaskProgressDto, body, taskProgressErrors);
    const page = await this.assignments.progressPage(id, user);
    if (!form.ok) {
      return this.renderProgress(reply, 422, id, user, formValues(body), form.errors);
    }
    try {
      await this.assignments.saveProgress(page.task.id, form.data, user, request.ip, id);
      setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(form.data.submit)));
      return seeOther(request, reply, `/task-progress/${id}`);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderProgress(reply, 422, id, user, formValues(body), error.errors);
      }
      throw error;
    }
  }

  private async renderTask(
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const page = await this.assignments.taskPage(id, user);
    const files = await this.attachments.describe(asIds(values.evidence), user);
    return reply.code(status).view('assignments/task-show.hbs', {
      title: page.task.title,
      ...page,
      values: { status: 'in_progress', ...values },
      errors,
      files,
      statusOptions: STATUS_OPTIONS,
    });
  }

  private async renderProgress(
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    values: Record<string, unknown> | undefined,
    errors: FieldErrors,
  ) {
    const page = await this.assignments.progressPage(id, user);
    if (!page) {
      throw new NotFoundException();
    }
    const typed = values !== undefined;
    return reply.code(status).view('assignments/progress-show.hbs', {
      title: `${page.profile.progressLabel} · ${page.task.title}`,
      ...page,
      values: typed
        ? values
        : {
            status: page.progress.status,
            workDone: page.progress.work_done,
            problems: page.progress.problems,
          },
      files: typed ? await this.attachments.describe(asIds(values.evidence), user) : page.files,
      errors,
      statusOptions: STATUS_OPTIONS,
      panel: await this.panels.build(page.item, user, page.editable ? { omit: ['submit'] } : {}),
    });
  }
}

function asIds(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter(
    (item): item is string => typeof item === 'string',
  );
}
