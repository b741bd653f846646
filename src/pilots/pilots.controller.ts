import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { TASK_STATUS_LABELS } from '../assignments/task-due-rules.js';
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
import { lenientId, optionalId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import {
  WORKFLOW_STATES,
  WORKFLOW_STATE_LABELS,
  type WorkflowState,
} from '../workflow/workflow-chain.js';
import {
  WorkflowConflictException,
  WorkflowActionRefusedException,
} from '../workflow/workflow.exception.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { PilotConfirmationDto, PilotFormDto } from './dto/pilot-form.dto.js';
import { PILOT_LEVEL_LABELS, PilotsService, type PilotLedgerFilter } from './pilots.service.js';
import { searchText } from '../common/http/search-text.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

function parsePilotFilter(query: Record<string, string>): PilotLedgerFilter {
  const state: unknown = query.state;
  return {
    unitId: optionalId(query.unit, 'unit'),
    competentUnitId: optionalId(query.competent, 'competent'),
    level: query.level === 'national' || query.level === 'municipal' ? query.level : undefined,
    state: (WORKFLOW_STATES as readonly unknown[]).includes(state)
      ? (state as WorkflowState)
      : undefined,
    due: query.due === '1',
    accepted: query.accepted === '1',
    q: searchText(query.q),
    page: parsePage(query.page),
  };
}

type PilotLedgerRow = Awaited<ReturnType<PilotsService['ledger']>>['rows'][number];

const PILOT_COLUMNS: ExcelColumn<PilotLedgerRow>[] = [
  { header: '试点名称', width: 36, value: (row) => row.name },
  { header: '试点层级', width: 10, value: (row) => row.levelLabel },
  { header: '部署文件名称', width: 36, value: (row) => row.document_title },
  { header: '文号', width: 22, value: (row) => row.document_number },
  { header: '部署单位', width: 18, value: (row) => row.issuer },
  {
    header: '部署时间',
    width: 12,
    kind: 'date',
    value: (row) => new Date(`${row.deployed_on}T00:00:00+08:00`),
  },
  { header: '试点主管部门', width: 16, value: (row) => row.competent_unit_name },
  { header: '涉及区县', width: 30, value: (row) => row.involved_unit_names.join('、') },
  {
    header: '应验收时间',
    width: 12,
    kind: 'date',
    value: (row) => new Date(`${row.acceptance_due}T00:00:00+08:00`),
  },
  { header: '领域', width: 14, value: (row) => row.domain },
  { header: '跑道', width: 14, value: (row) => row.track },
  { header: '全市所有区县开展', width: 10, value: (row) => (row.citywide ? '是' : '否') },
  { header: '创建区县', width: 12, value: (row) => row.creator_unit_name },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
];

@Controller('pilots')
@Roles(...BUSINESS_ROLES)
export class PilotsController {
  constructor(
    private readonly pilots: PilotsService,
    private readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get()
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parsePilotFilter(query);
    const { rows, total } = await this.pilots.ledger(user, filter);
    const options = await this.pilots.formOptions();
    return reply.view('pilots/index.hbs', {
      title: '改革试点台账',
      rows,
      total,
      filters: { ...filter, state: filter.state ?? '', level: filter.level ?? '' },
      ...options,
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
      canCreate: user.roles.includes('entry') && user.unitKind === 'district',
      exportHref: exportHref('/pilots', query),
      pagination: buildPagination('/pilots', query, filter.page, total),
    });
  }

  @Get('export')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parsePilotFilter(query);
    await this.ledgerExports.stream(
      reply,
      {
        label: '改革试点台账',
        today: chinaDate(new Date()),
        columns: PILOT_COLUMNS,
        filters: await this.ledgerExports.filters([
          { label: '涉及区县', unitId: filter.unitId },
          { label: '主管部门', unitId: filter.competentUnitId },
          { label: '层级', value: filter.level && PILOT_LEVEL_LABELS[filter.level] },
          { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
          { label: '已到应验收时间', value: filter.due ? '是' : undefined },
          { label: '已有区县通过验收', value: filter.accepted ? '是' : undefined },
          { label: '名称或文号', value: filter.q },
        ]),
      },
      (page, pageSize, db) => this.pilots.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('new')
  @Roles('entry')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, { level: 'municipal' }, {});
  }

  @Post()
  @FormWithFiles({ pdfOnly: ['document'] })
  @Roles('entry')
  async create(
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      PilotFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, undefined, values, errors, user),
      async (data) => {
        const id = await this.pilots.create(data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/pilots/${id}`);
      },
      (form, failed) => this.pilots.formErrors(form, user.unitId, undefined, failed),
    );
  }

  @Get(':id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.pilots.page(id, user);
    if (page.editable) {
      const { pilot } = page;
      return this.renderForm(
        reply,
        200,
        id,
        {
          name: pilot.name,
          level: pilot.level,
          documentTitle: pilot.document_title,
          documentNumber: pilot.document_number,
          issuer: pilot.issuer,
          deployedOn: pilot.deployed_on,
          competentUnitId: pilot.competent_unit_id,
          involvedUnitIds: pilot.involved_unit_ids,
          acceptanceDue: pilot.acceptance_due,
          domainId: pilot.domain_id,
          trackId: pilot.track_id,
          citywide: pilot.citywide,
          documentClassified: pilot.document_classified,
          finished: pilot.finished,
        },
        {},
        user,
      );
    }
    return this.renderPage(reply, 200, id, user, {});
  }

  @Post(':id')
  @FormWithFiles({ pdfOnly: ['document'] })
  @Roles('entry')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      PilotFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, id, values, errors, user),
      async (data) => {
        await this.pilots.update(id, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/pilots/${id}`);
      },
      (form, failed) => this.pilots.editFormErrors(id, form, user, failed),
    );
  }

  /** 确认分发: the competent department's clerk completes 涉及区县 and confirms. */
  @Post(':id/confirmation')
  @Roles('entry')
  async confirm(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(PilotConfirmationDto, body);
    if (!form.ok) {
      return this.renderPage(reply, 422, id, user, form.errors, formValues(body));
    }
    try {
      await this.pilots.confirm(id, form.data, user, request.ip);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderPage(reply, 422, id, user, error.errors, formValues(body));
      }
      if (
        error instanceof WorkflowConflictException ||
        error instanceof WorkflowActionRefusedException
      ) {
        setFlash(reply, 'error', error.message);
        return seeOther(request, reply, `/pilots/${id}`);
      }
      throw error;
    }
    setFlash(reply, 'success', '已确认分发，涉及区县可更新推进状态');
    return seeOther(request, reply, `/pilots/${id}`);
  }

  @Post(':id/revision')
  @Roles('entry')
  async revise(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.pilots.revise(id, user, request.ip);
    setFlash(reply, 'info', '已发起变更：修改后保存并上报，审核通过前仍以原版本为准');
    return seeOther(request, reply, `/pilots/${newId}`);
  }

  private async renderPage(
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    errors: FieldErrors,
    typed?: Record<string, unknown>,
  ) {
    const page = await this.pilots.page(id, user);
    const options = page.confirming ? await this.pilots.formOptions() : undefined;
    const involved = typed
      ? (Array.isArray(typed.involvedUnitIds)
          ? typed.involvedUnitIds
          : [typed.involvedUnitIds]
        ).map(String)
      : page.pilot.involved_unit_ids.map(String);
    return reply.code(status).view('pilots/show.hbs', {
      title: page.pilot.name,
      ...page,
      errors,
      statusLabels: TASK_STATUS_LABELS,
      correction: {
        level: typed?.level ?? page.pilot.level,
        documentNumber: typed?.documentNumber ?? page.pilot.document_number,
        deployedOn: typed?.deployedOn ?? page.pilot.deployed_on,
        acceptanceDue: typed?.acceptanceDue ?? page.pilot.acceptance_due,
      },
      districts: options?.districts.map((district) => ({
        ...district,
        checked: involved.includes(String(district.id)),
      })),
      panel: await this.panels.build(page.item, user, page.confirming ? { omit: ['confirm'] } : {}),
    });
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user?: AuthUser,
  ) {
    const options = await this.pilots.formOptions(lenientId(values.domainId));
    const involved = (
      Array.isArray(values.involvedUnitIds) ? values.involvedUnitIds : [values.involvedUnitIds]
    ).map(String);
    const existing = id && user ? await this.pilots.page(id, user) : undefined;
    const typedFiles =
      values.document === undefined
        ? undefined
        : Array.isArray(values.document)
          ? values.document
          : [values.document];
    return reply.code(status).view('pilots/form.hbs', {
      title: id ? '修改试点项目' : '试点项目录入',
      id,
      values,
      errors,
      ...options,
      districts: options.districts.map((district) => ({
        ...district,
        checked: involved.includes(String(district.id)),
      })),
      files: typedFiles
        ? await this.attachments.describe(
            typedFiles.filter((file): file is string => typeof file === 'string'),
            user!,
          )
        : (existing?.files ?? []),
      panel: existing
        ? await this.panels.build(existing.item, user!, { omit: ['submit'] })
        : undefined,
    });
  }
}
