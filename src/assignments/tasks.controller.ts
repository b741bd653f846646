import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { chinaDate } from '../common/time/china-time.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { dateRangeLabel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { checkboxField, Ledger, type LedgerRequest } from '../workflow/record-kit/listing-page.js';
import {
  createFromForm,
  Posted,
  RecordFormViews,
  updateFromForm,
  type PostedForm,
  type RecordForm,
} from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { ASSIGNMENT_KINDS, ASSIGNMENT_PROFILES } from './assignment-kinds.js';
import { AssignmentsService, TASK_SORTS, type TaskSort } from './assignments.service.js';
import type { TaskRow } from './assignments.view-model.js';
import { TaskProgressDto, taskProgressErrors } from './dto/task-progress.dto.js';
import { TASK_STATUSES, TASK_STATUS_LABELS } from './task-due-rules.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const STATUS_OPTIONS = optionsOf(TASK_STATUSES, TASK_STATUS_LABELS);
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
  dateColumn('反馈时限', 12, (row) => row.deadline),
  { header: '推进状态', width: 10, value: (row) => row.statusLabel },
  { header: '最近审核通过', width: 18, kind: 'datetime', value: (row) => row.latestApprovedAt },
  { header: '已逾期', width: 8, value: (row) => (row.overdue ? '是' : '否') },
  { header: '待季度更新', width: 10, value: (row) => (row.quarterlyDue ? '是' : '否') },
];

/** The task ledger's filter; `kind` (需求清单 or 堵点卡点) is which ledger, not a filter. */
const LEDGER = ledgerQuery({
  status: filterField.oneOf('status', [...TASK_STATUSES, 'none'] as const),
  overdue: checkboxField('overdue'),
  quarterlyDue: checkboxField('quarterlyDue'),
  unitId: filterField.id('unit'),
  domainId: filterField.id('domain'),
  deadlineFrom: filterField.date('from'),
  deadlineTo: filterField.date('to'),
  q: filterField.text('q'),
  sort: filterField.oneOf('sort', Object.keys(TASK_SORTS) as TaskSort[]),
});
const kindOf = filterField.oneOf('kind', ASSIGNMENT_KINDS);

type TaskLedger = LedgerRequest<ReturnType<typeof LEDGER.parse>>;
const kindAndProfile = (query: Record<string, string>) => {
  const kind = kindOf.read(query.kind) ?? 'demand_list';
  return { kind, profile: ASSIGNMENT_PROFILES[kind] };
};

const taskProgressLink = (id: string) => `/task-progress/${id}`;

/** A unit's assigned tasks (需求清单任务, 堵点卡点) and their progress filings. */
@Controller()
@Roles(...BUSINESS_ROLES)
export class TasksController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly dictionaries: DictionariesService,
  ) {}

  /**
   * 需求清单 / 堵点卡点 台账: a unit sees its own tasks, the office and leaders every unit's, with
   * filters, sorting and paging; the Excel download takes the same filters.
   */
  @Get('tasks')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async index(@Ledger(LEDGER) { query, filter, user }: TaskLedger, @Res() reply: FastifyReply) {
    const { kind, profile } = kindAndProfile(query);
    const page = LEDGER.page(
      '/tasks',
      query,
      filter,
      await this.assignments.taskLedger(kind, user, filter),
    );
    const seesAllUnits = hasRole(user, 'office', 'leader', 'admin');
    return reply.view('assignments/tasks-index.hbs', {
      title: `${profile.label}台账`,
      profile,
      ...page,
      filters: { ...page.filters, kind, sort: filter.sort ?? 'deadline' },
      statusOptions: STATUS_OPTIONS,
      sortOptions: SORT_OPTIONS,
      units: seesAllUnits ? (await this.assignments.assignableUnits()).units : [],
      domains: await this.dictionaries.activeOptions('domain'),
    });
  }

  /** 批量下载 of the ledger: the same filters and scope, streamed. */
  @Get('tasks/export')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async export(@Ledger(LEDGER) { query, filter, user }: TaskLedger, @Res() reply: FastifyReply) {
    const { kind, profile } = kindAndProfile(query);
    await this.ledgerExports.stream(
      reply,
      {
        label: `${profile.label}台账`,
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
  file(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const form = this.progressForm((values, errors) =>
      this.renderTask(reply, 422, id, post.user, values, errors),
    );
    return createFromForm(post.request, reply, post.body, form, (data) =>
      this.assignments.saveProgress(id, data, post.user, post.ip),
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
  async update(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const { task } = await this.assignments.progressPage(id, post.user);
    const form = this.progressForm((values, errors) =>
      this.renderProgress(reply, 422, id, post.user, values, errors),
    );
    return updateFromForm(post.request, reply, post.body, id, form, async (data) => {
      await this.assignments.saveProgress(task.id, data, post.user, post.ip, id);
    });
  }

  /** The progress form of a task (new) or of a filing (edit): 422 in place, then its page. */
  private progressForm(rerender: RecordForm<TaskProgressDto>['rerender']) {
    return {
      dto: TaskProgressDto,
      rules: taskProgressErrors,
      rerender,
      link: taskProgressLink,
      answer: (id: string, submitted: boolean) => this.panels.savedAnswer(id, submitted),
    };
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
    return reply.code(status).view('assignments/task-show.hbs', {
      title: page.task.title,
      ...page,
      values: { status: 'in_progress', ...values },
      errors,
      files: await this.views.files(values, 'evidence', [], user),
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
    return reply.code(status).view('assignments/progress-show.hbs', {
      title: `${page.profile.progressLabel} · ${page.task.title}`,
      ...page,
      values: values ?? {
        status: page.progress.status,
        workDone: page.progress.work_done,
        problems: page.progress.problems,
      },
      files: await this.views.files(values ?? {}, 'evidence', page.files, user),
      errors,
      statusOptions: STATUS_OPTIONS,
      panel: await this.panels.build(page.item, user, page.editable ? { omit: ['submit'] } : {}),
    });
  }
}
