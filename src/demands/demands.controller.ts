import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { lenientId, optionalId } from '../common/http/params.js';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import {
  WORKFLOW_STATES,
  WORKFLOW_STATE_LABELS,
  type WorkflowState,
} from '../workflow/workflow-chain.js';
import { RecordFormViews } from '../workflow/record-kit/record-forms.js';
import { RecordFormRoutes } from '../workflow/record-kit/record-routes.js';
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

const link = (id: string) => `/demands/${id}`;

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

type DemandPage = Awaited<ReturnType<DemandsService['page']>>;

@Controller('demands')
@Roles(...BUSINESS_ROLES)
export class DemandsController extends RecordFormRoutes<DemandFormDto, undefined, DemandPage>(
  DemandFormDto,
  { newForm: 'new', create: '', record: ':id', revise: true, link },
) {
  constructor(
    private readonly demands: DemandsService,
    protected readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly unitOptions: UnitOptions,
    private readonly ledgerExports: LedgerExports,
  ) {
    super();
  }

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
      exportHref: exportHref('/demands', query),
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

  protected filingContext() {
    return Promise.resolve(undefined);
  }

  protected contextOf() {
    return undefined;
  }

  protected page(id: string, user: AuthUser) {
    return this.demands.page(id, user);
  }

  protected formValues({ demand }: DemandPage) {
    return {
      title: demand?.title,
      description: demand?.description,
      channelId: demand?.channel_id,
      domainId: demand?.domain_id,
      trackId: demand?.track_id,
    };
  }

  protected showView(page: DemandPage) {
    return { view: 'demands/show.hbs', title: page.demand?.title ?? page.item.title };
  }

  protected rules(form: DemandFormDto, failed: ReadonlySet<string>) {
    return this.demands.formErrors(form, failed);
  }

  protected createRecord(_context: undefined, data: DemandFormDto, user: AuthUser, ip: string) {
    return this.demands.create(data, user, ip);
  }

  protected updateRecord(id: string, data: DemandFormDto, user: AuthUser, ip: string) {
    return this.demands.update(id, data, user, ip);
  }

  protected override reviseRecord(id: string, user: AuthUser, ip: string) {
    return this.demands.revise(id, user, ip);
  }

  /** The form for a new demand (id undefined) or an editable one, keeping what was typed. */
  protected async renderForm(
    reply: FastifyReply,
    status: number,
    _context: undefined,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const existing = id ? await this.demands.page(id, user) : undefined;
    return reply.code(status).view('demands/form.hbs', {
      title: id ? '修改改革需求' : '填报改革需求',
      id,
      values,
      errors,
      examples: DEMAND_EXAMPLES,
      ...(await this.demands.formOptions(lenientId(values.domainId))),
      ...(await this.views.extras(values, 'attachments', existing, user)),
    });
  }
}
