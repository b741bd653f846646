import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { optionalId } from '../common/http/params.js';
import { chinaDate } from '../common/time/china-time.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TaskProgressDto, taskProgressErrors } from '../assignments/dto/task-progress.dto.js';
import { TASK_STATUSES, TASK_STATUS_LABELS } from '../assignments/task-due-rules.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import {
  FormInvalidException,
  formValues,
  validateForm,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { PilotAcceptanceDto, PilotAchievementDto } from './dto/pilot-form.dto.js';
import { PilotStreamsService, type FilingLedgerRow } from './pilot-streams.service.js';
import { searchText } from '../common/http/search-text.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const STATUS_OPTIONS = TASK_STATUSES.map((value) => ({ value, label: TASK_STATUS_LABELS[value] }));
type FormName = 'progress' | 'achievement' | 'acceptance';

/** One district's stream of a pilot: progress, achievements, acceptance; and each filing's page. */
@Controller()
@Roles(...BUSINESS_ROLES)
export class PilotStreamsController {
  constructor(
    private readonly streams: PilotStreamsService,
    private readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
  ) {}

  @Get('pilot-streams/:id')
  show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderStream(reply, 200, id, user);
  }

  @Post('pilot-streams/:id/progress')
  @FormWithFiles()
  @Roles('entry')
  async fileProgress(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(TaskProgressDto, body, taskProgressErrors);
    if (!form.ok) {
      return this.renderStream(reply, 422, id, user, {
        form: 'progress',
        values: formValues(body),
        errors: form.errors,
      });
    }
    return this.afterSave(
      request,
      reply,
      id,
      user,
      'progress',
      body,
      () => this.streams.fileProgress(id, form.data, user, request.ip),
      Boolean(form.data.submit),
    );
  }

  @Post('pilot-streams/:id/achievements')
  @FormWithFiles()
  @Roles('entry')
  async fileAchievement(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(PilotAchievementDto, body);
    if (!form.ok) {
      return this.renderStream(reply, 422, id, user, {
        form: 'achievement',
        values: formValues(body),
        errors: form.errors,
      });
    }
    return this.afterSave(
      request,
      reply,
      id,
      user,
      'achievement',
      body,
      () => this.streams.fileAchievement(id, form.data, user, request.ip),
      Boolean(form.data.submit),
    );
  }

  @Post('pilot-streams/:id/acceptance')
  @Roles('entry')
  async acceptance(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(PilotAcceptanceDto, body);
    if (!form.ok) {
      return this.renderStream(reply, 422, id, user, {
        form: 'acceptance',
        values: formValues(body),
        errors: form.errors,
      });
    }
    return this.afterSave(request, reply, id, user, 'acceptance', body, async () => {
      await this.streams.recordAcceptance(id, form.data, user, request.ip);
      return undefined;
    });
  }

  /** 试点成果台账 (kind=achievement, what the cockpit shows) and 推进状态台账 (kind=progress). */
  @Get('pilot-filings')
  async ledger(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind = query.kind === 'progress' ? 'progress' : 'achievement';
    const filter = {
      unitId: optionalId(query.unit, 'unit'),
      q: searchText(query.q),
      page: parsePage(query.page),
    };
    const { rows, total } = await this.streams.filingsLedger(kind, user, filter);
    return reply.view('pilots/filings-index.hbs', {
      title: kind === 'progress' ? '试点推进状态台账' : '试点成果台账',
      kind,
      rows,
      total,
      filters: filter,
      districts: await this.streams.districtOptions(),
      exportHref: exportHref('/pilot-filings', query),
      pagination: buildPagination('/pilot-filings', query, filter.page, total),
    });
  }

  @Get('pilot-filings/export')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind = query.kind === 'progress' ? 'progress' : 'achievement';
    const filter = {
      unitId: optionalId(query.unit, 'unit'),
      q: searchText(query.q),
    };
    const label = kind === 'progress' ? '试点推进状态台账' : '试点成果台账';
    const columns: ExcelColumn<FilingLedgerRow>[] = [
      { header: '试点名称', width: 30, value: (row) => row.pilot_name },
      { header: '区县', width: 12, value: (row) => row.unit_name },
      {
        header: kind === 'progress' ? '推进状态' : '成果名称',
        width: 24,
        value: (row) => row.label,
      },
      {
        header: kind === 'progress' ? '已开展工作' : '解决问题',
        width: 50,
        value: (row) => row.text1,
      },
      {
        header: kind === 'progress' ? '存在问题' : '具体成效',
        width: 50,
        value: (row) => row.text2,
      },
      { header: '状态', width: 10, value: (row) => row.stateLabel },
      { header: '审核通过时间', width: 18, kind: 'datetime', value: (row) => row.approved_at },
    ];
    await this.ledgerExports.stream(
      reply,
      {
        label,
        today: chinaDate(new Date()),
        columns,
        filters: await this.ledgerExports.filters([
          { label: '区县', unitId: filter.unitId },
          { label: '试点或成果名称', value: filter.q },
        ]),
      },
      (page, pageSize, db) =>
        this.streams.filingsLedger(kind, user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('pilot-filings/:id')
  filing(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderFiling(reply, 200, id, user);
  }

  @Post('pilot-filings/:id')
  @FormWithFiles()
  @Roles('entry')
  async updateFiling(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.streams.filingPage(id, user);
    const form =
      page.kind === 'progress'
        ? await validateForm(TaskProgressDto, body, taskProgressErrors)
        : await validateForm(PilotAchievementDto, body);
    if (!form.ok) {
      return this.renderFiling(reply, 422, id, user, formValues(body), form.errors);
    }
    try {
      await this.streams.updateFiling(id, form.data, user, request.ip);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderFiling(reply, 422, id, user, formValues(body), error.errors);
      }
      throw error;
    }
    setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(form.data.submit)));
    return seeOther(request, reply, `/pilot-filings/${id}`);
  }

  private async afterSave(
    request: FastifyRequest,
    reply: FastifyReply,
    streamId: string,
    user: AuthUser,
    formName: FormName,
    body: unknown,
    save: () => Promise<string | undefined>,
    submitted = false,
  ) {
    try {
      const filingId = await save();
      setFlash(
        reply,
        'success',
        formName === 'acceptance' || !filingId
          ? '已登记验收'
          : await this.panels.savedAnswer(filingId, submitted),
      );
      return seeOther(
        request,
        reply,
        filingId ? `/pilot-filings/${filingId}` : `/pilot-streams/${streamId}`,
      );
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderStream(reply, 422, streamId, user, {
          form: formName,
          values: formValues(body),
          errors: error.errors,
        });
      }
      throw error;
    }
  }

  private async renderStream(
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    typed: { form?: FormName; values?: Record<string, unknown>; errors?: FieldErrors } = {},
  ) {
    const page = await this.streams.streamPage(id, user);
    return reply.code(status).view('pilots/stream.hbs', {
      title: `${page.pilot.name} · ${page.stream.unit_name}`,
      ...page,
      openForm: typed.form,
      values: { status: 'in_progress', ...(typed.values ?? {}) },
      errors: typed.errors ?? {},
      files: [],
      statusOptions: STATUS_OPTIONS,
    });
  }

  private async renderFiling(
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    values?: Record<string, unknown>,
    errors: FieldErrors = {},
  ) {
    const page = await this.streams.filingPage(id, user);
    const filing = page.filing as Record<string, unknown>;
    const editable = page.item.state === 'draft' || page.item.state === 'returned';
    const panel = await this.panels.build(page.item, user, editable ? { omit: ['submit'] } : {});
    return reply.code(status).view('pilots/filing.hbs', {
      title: page.kind === 'progress' ? '试点推进状态' : '试点成果',
      ...page,
      editable: editable && panel.readOnlyReason === undefined,
      values: values ?? {
        status: filing.status,
        workDone: filing.work_done,
        problems: filing.problems,
        name: filing.name,
        problemsSolved: filing.problems_solved,
        effects: filing.effects,
      },
      errors,
      statusOptions: STATUS_OPTIONS,
      panel,
    });
  }
}
