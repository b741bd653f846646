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
import {
  FormInvalidException,
  formValues,
  validateForm,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import {
  ASSIGNMENT_KINDS,
  ASSIGNMENT_PROFILES,
  isTaskStatus,
  type AssignmentKind,
} from './assignment-kinds.js';
import { AssignmentsService, type TaskFilter } from './assignments.service.js';
import { TaskProgressDto } from './dto/task-progress.dto.js';
import { TASK_STATUSES, TASK_STATUS_LABELS } from './task-due-rules.js';

const STATUS_OPTIONS = TASK_STATUSES.map((value) => ({ value, label: TASK_STATUS_LABELS[value] }));

/** A unit's assigned tasks (需求清单任务, 堵点卡点) and their progress filings. */
@Controller()
export class TasksController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get('tasks')
  @Roles('entry', 'reviewer', 'leader')
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind: AssignmentKind = (ASSIGNMENT_KINDS as readonly string[]).includes(query.kind)
      ? (query.kind as AssignmentKind)
      : 'demand_list';
    const page = parsePage(query.page);
    const rawStatus: unknown = query.status;
    const status: TaskFilter['status'] = isTaskStatus(rawStatus)
      ? rawStatus
      : rawStatus === 'none'
        ? 'none'
        : undefined;
    const filter = {
      status,
      overdue: query.overdue === '1',
      quarterlyDue: query.quarterlyDue === '1',
      page,
    };
    const { rows, total } = await this.assignments.unitTasks(kind, user, filter);
    return reply.view('assignments/tasks-index.hbs', {
      title: ASSIGNMENT_PROFILES[kind].label,
      profile: ASSIGNMENT_PROFILES[kind],
      rows,
      total,
      filters: {
        kind,
        status: status ?? '',
        overdue: filter.overdue,
        quarterlyDue: filter.quarterlyDue,
      },
      statusOptions: STATUS_OPTIONS,
      pagination: buildPagination('/tasks', query, page, total),
    });
  }

  @Get('tasks/:id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderTask(reply, 200, id, user, {}, {});
  }

  @Post('tasks/:id/progress')
  @Roles('entry')
  async file(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(TaskProgressDto, body);
    if (!form.ok) {
      return this.renderTask(reply, 422, id, user, formValues(body), form.errors);
    }
    try {
      const progressId = await this.assignments.saveProgress(id, form.data, user, request.ip);
      setFlash(reply, 'success', form.data.submit ? '已保存并上报' : '已保存为草稿');
      return seeOther(request, reply, `/task-progress/${progressId}`);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderTask(reply, 422, id, user, formValues(body), error.errors);
      }
      throw error;
    }
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
  @Roles('entry')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(TaskProgressDto, body);
    const page = await this.assignments.progressPage(id, user);
    if (!form.ok) {
      return this.renderProgress(reply, 422, id, user, formValues(body), form.errors);
    }
    try {
      await this.assignments.saveProgress(page.task.id, form.data, user, request.ip, id);
      setFlash(reply, 'success', form.data.submit ? '已保存并上报' : '已保存');
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
    const files = await this.attachments.describe(asIds(values.evidence));
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
      files: typed ? await this.attachments.describe(asIds(values.evidence)) : page.files,
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
