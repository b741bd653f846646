import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { type FieldErrors, handleForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { lenientId, optionalId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import {
  WORKFLOW_STATES,
  WORKFLOW_STATE_LABELS,
  type WorkflowState,
} from '../workflow/workflow-chain.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { DEMAND_EXAMPLES } from './demand-examples.js';
import {
  DEMAND_SORTS,
  DemandsService,
  type DemandLedgerFilter,
  type DemandRow,
  type DemandSort,
} from './demands.service.js';
import { dateRangeLabel, streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { DemandFormDto } from './dto/demand-form.dto.js';
import { UnitOptions } from '../units/unit-options.js';
import { searchText } from '../common/http/search-text.js';

export const DEMAND_COLUMNS: ExcelColumn<DemandRow>[] = [
  { header: '需求标题', width: 36, value: (row) => row.title },
  { header: '填报单位', width: 16, value: (row) => row.unitName },
  { header: '来源渠道', width: 18, value: (row) => row.channel },
  { header: '领域', width: 16, value: (row) => row.domain },
  { header: '跑道', width: 16, value: (row) => row.track },
  { header: '需求描述', width: 60, value: (row) => row.description },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
  { header: '版本', width: 8, kind: 'number', value: (row) => row.revision },
  { header: '更新时间', width: 18, kind: 'datetime', value: (row) => row.updatedAt },
  { header: '审核通过时间', width: 18, kind: 'datetime', value: (row) => row.approvedAt },
];

export function parseDemandFilter(query: Record<string, string>): DemandLedgerFilter {
  const state: unknown = query.state;
  return {
    unitId: optionalId(query.unit, 'unit'),
    channelId: optionalId(query.channel, 'channel'),
    domainId: optionalId(query.domain, 'domain'),
    trackId: optionalId(query.track, 'track'),
    state: (WORKFLOW_STATES as readonly unknown[]).includes(state)
      ? (state as WorkflowState)
      : undefined,
    from: parseChinaDate(query.from),
    to: parseChinaDate(query.to),
    q: searchText(query.q),
    sort:
      typeof query.sort === 'string' && Object.hasOwn(DEMAND_SORTS, query.sort)
        ? (query.sort as DemandSort)
        : undefined,
    page: parsePage(query.page),
  };
}

@Controller('demands')
@Roles(...BUSINESS_ROLES)
export class DemandsController {
  constructor(
    private readonly demands: DemandsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
    private readonly unitOptions: UnitOptions,
    private readonly ledgerExports: LedgerExports,
  ) {}

  /** 改革需求台账 with filters and paging. */
  @Get()
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseDemandFilter(query);
    const { rows, total, more } = await this.demands.ledger(user, filter);
    const units = await this.unitOptions.filing();
    const exportQuery = new URLSearchParams(
      Object.entries(query).filter(([key]) => key !== 'page'),
    ).toString();
    return reply.view('demands/index.hbs', {
      title: '改革需求台账',
      rows,
      total,
      more,
      filters: { ...filter, state: filter.state ?? '', sort: filter.sort ?? 'updated' },
      sortOptions: [
        { value: 'updated', label: '按更新时间' },
        { value: 'unit', label: '按填报单位' },
        { value: 'channel', label: '按来源渠道' },
        { value: 'title', label: '按标题' },
      ],
      units,
      ...(await this.demands.formOptions(filter.domainId)),
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
      canFile: user.roles.includes('entry') && user.unitKind !== 'office',
      exportHref: `/demands/export${exportQuery ? `?${exportQuery}` : ''}`,
      pagination: buildPagination('/demands', query, filter.page, total, undefined, more),
    });
  }

  /** 批量下载: exactly what the ledger's filters select, streamed. */
  @Get('export')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseDemandFilter(query);
    const filters = await this.ledgerExports.filters([
      { label: '填报单位', unitId: filter.unitId },
      { label: '来源渠道', dictionaryId: filter.channelId },
      { label: '领域', dictionaryId: filter.domainId },
      { label: '跑道', dictionaryId: filter.trackId },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
      { label: '更新日期', value: dateRangeLabel(filter.from, filter.to) },
      { label: '标题', value: filter.q },
    ]);
    await streamExcel(
      reply,
      `改革需求台账-${chinaDate(new Date())}.xlsx`,
      '改革需求台账',
      DEMAND_COLUMNS,
      this.demands.exportRows(user, filter),
      { filters },
    );
  }

  @Get('new')
  @Roles('entry')
  async newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, {}, {});
  }

  @Post()
  @Roles('entry')
  async create(
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      DemandFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, undefined, values, errors, user),
      async (data) => {
        const id = await this.demands.create(data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/demands/${id}`);
      },
      (form, failed) => this.demands.formErrors(form, failed),
    );
  }

  @Get(':id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.demands.page(id, user);
    if (page.editable) {
      const { demand } = page;
      const values = {
        title: demand.title,
        description: demand.description,
        channelId: demand.channel_id,
        domainId: demand.domain_id,
        trackId: demand.track_id,
      };
      return this.renderForm(reply, 200, id, values, {}, user);
    }
    return reply.view('demands/show.hbs', {
      title: page.demand.title,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  @Post(':id')
  @Roles('entry')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      DemandFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, id, values, errors, user),
      async (data) => {
        await this.demands.update(id, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/demands/${id}`);
      },
      (form, failed) => this.demands.formErrors(form, failed),
    );
  }

  @Post(':id/revision')
  @Roles('entry')
  async revise(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.demands.revise(id, user, request.ip);
    setFlash(reply, 'info', '已发起变更：修改后保存并上报，审核通过前仍以原版本为准');
    return seeOther(request, reply, `/demands/${newId}`);
  }

  /** The form for a new demand (id undefined) or an editable one, keeping what was typed. */
  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user?: AuthUser,
  ) {
    const domainId = lenientId(values.domainId);
    const existing = id && user ? await this.demands.page(id, user) : undefined;
    const typedFiles = Array.isArray(values.attachments)
      ? values.attachments
      : values.attachments
        ? [values.attachments]
        : undefined;
    return reply.code(status).view('demands/form.hbs', {
      title: id ? '修改改革需求' : '填报改革需求',
      id,
      values,
      errors,
      examples: DEMAND_EXAMPLES,
      ...(await this.demands.formOptions(domainId)),
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
