import { Controller } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { lenientId } from '../common/http/params.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { dateRangeLabel, streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { UnitOptions } from '../units/unit-options.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { RecordFormViews } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { DEMAND_EXAMPLES } from './demand-examples.js';
import {
  DEMAND_SORTS,
  DemandsService,
  type DemandLedgerFilter,
  type DemandRow,
  type DemandSort,
} from './demands.service.js';
import { DemandFormDto } from './dto/demand-form.dto.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { UnitRecordRoutes } from '../workflow/record-kit/unit-record-routes.js';

const DEMAND_COLUMNS: ExcelColumn<DemandRow>[] = [
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

const LEDGER = ledgerQuery({
  unitId: filterField.id('unit'),
  channelId: filterField.id('channel'),
  domainId: filterField.id('domain'),
  trackId: filterField.id('track'),
  state: filterField.oneOf('state', WORKFLOW_STATES),
  from: filterField.date('from'),
  to: filterField.date('to'),
  q: filterField.text('q'),
  sort: filterField.oneOf('sort', Object.keys(DEMAND_SORTS) as DemandSort[]),
});
const stateOptions = optionsOf(WORKFLOW_STATES, WORKFLOW_STATE_LABELS);
const sortOptions = [
  { value: 'updated', label: '按更新时间' },
  { value: 'unit', label: '按填报单位' },
  { value: 'channel', label: '按来源渠道' },
  { value: 'title', label: '按标题' },
];

type DemandPage = Awaited<ReturnType<DemandsService['page']>>;

@Controller('demands')
@Roles(...BUSINESS_ROLES)
export class DemandsController extends LedgerRoutes(
  {
    path: '/demands',
    view: 'demands/index.hbs',
    title: '改革需求台账',
    exportLabel: '改革需求台账',
    query: LEDGER,
    columns: DEMAND_COLUMNS,
  },
  UnitRecordRoutes<DemandFormDto, DemandPage>(
    DemandFormDto,
    { newForm: 'new', create: '', record: ':id', revise: true, link: (id) => `/demands/${id}` },
    {
      view: 'demands/form.hbs',
      title: { create: '填报改革需求', edit: '修改改革需求' },
      filesField: 'attachments',
    },
  ),
) {
  protected readonly ledgerRows: LedgerReader<DemandLedgerFilter, DemandRow> = (user, filter) =>
    this.records.ledger(user, filter);

  constructor(
    protected readonly records: DemandsService,
    protected readonly panels: WorkflowPanelBuilder,
    protected readonly views: RecordFormViews,
    private readonly unitOptions: UnitOptions,
    protected readonly ledgerExports: LedgerExports,
    protected readonly clock: Clock,
  ) {
    super();
  }

  /** 改革需求台账: the city-scale ledger counts a few pages ahead (`more`). */
  protected async ledgerExtras(user: AuthUser, filter: DemandLedgerFilter) {
    return {
      filters: { ...LEDGER.formValues(filter), sort: filter.sort ?? 'updated' },
      sortOptions,
      units: await this.unitOptions.filing(),
      ...(await this.records.formOptions(filter.domainId)),
      stateOptions,
      canFile: user.roles.includes('entry') && user.unitKind !== 'office',
    };
  }

  /** 批量下载: exactly what the ledger's filters select, streamed through one cursor. */
  protected override async exportLedger(
    reply: FastifyReply,
    user: AuthUser,
    filter: DemandLedgerFilter,
  ) {
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
      `改革需求台账-${chinaDate(this.clock.now())}.xlsx`,
      '改革需求台账',
      DEMAND_COLUMNS,
      this.records.exportRows(user, filter),
      { filters },
    );
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

  protected async formOptions(values: Record<string, unknown>) {
    return {
      examples: DEMAND_EXAMPLES,
      ...(await this.records.formOptions(lenientId(values.domainId))),
    };
  }
}
