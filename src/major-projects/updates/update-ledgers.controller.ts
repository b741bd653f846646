import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import { hasRole } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { buildPagination, parsePage, exportHref } from '../../common/http/pagination.js';
import { optionalId, optionalUuid } from '../../common/http/params.js';
import { chinaDate, parseChinaDate } from '../../common/time/china-time.js';
import { formatDateTime } from '../../common/views/handlebars-engine.js';
import { dateRangeLabel, type ExcelColumn } from '../../exports/excel-export.js';
import { LedgerExports, type LedgerFilterSpec } from '../../exports/ledger-exports.js';
import { WORKFLOW_STATE_LABELS, WORKFLOW_STATES } from '../../workflow/workflow-chain.js';
import {
  BRAND_KIND_LABELS,
  BRAND_KINDS,
  PLAN_STATUS_LABELS,
  PLAN_STATUSES,
  type BrandKind,
} from '../project-labels.js';
import { ProjectsService } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import type { BrandItemRow } from './brand-items.queries.js';
import {
  formatAmount,
  IndicatorReportsService,
  type IndicatorLedgerRow,
} from './indicator-reports.service.js';
import { PlanUpdatesService, type PlanUpdateLedgerRow } from './plan-updates.service.js';
import { PromotionsService } from './promotions.service.js';
import type { PromotionRow } from './promotions.queries.js';
import { type LedgerFilter } from './update-access.js';

type Query = Record<string, string>;

const metLabel = (met: boolean | null) => (met === null ? '当月无目标' : met ? '已完成' : '未完成');
const chinaDay = (date: string | null) => (date ? new Date(`${date}T00:00:00+08:00`) : null);

const INDICATOR_COLUMNS: ExcelColumn<IndicatorLedgerRow>[] = [
  { header: '项目名称', width: 36, value: (row) => row.project_name },
  { header: '责任单位', width: 16, value: (row) => row.unit_name },
  { header: '核心指标', width: 30, value: (row) => row.indicator_name },
  { header: '计量单位', width: 10, value: (row) => row.unit_of_measure },
  { header: '填报口径', width: 10, value: (row) => (row.cumulative ? '累计值' : '当月值') },
  { header: '月份', width: 10, value: (row) => row.report_month },
  { header: '当月目标', width: 12, kind: 'number', value: (row) => row.monthly_target },
  { header: '累计目标', width: 12, kind: 'number', value: (row) => row.target_to_date },
  { header: '实际值', width: 12, kind: 'number', value: (row) => row.actual },
  { header: '完成情况', width: 12, value: (row) => metLabel(row.met) },
  { header: '报送情况', width: 10, value: (row) => (row.late ? '逾期报送' : '按时报送') },
  { header: '审核状态', width: 10, value: (row) => row.stateLabel },
];

const PLAN_UPDATE_COLUMNS: ExcelColumn<PlanUpdateLedgerRow>[] = [
  { header: '项目名称', width: 36, value: (row) => row.project_name },
  { header: '责任单位', width: 16, value: (row) => row.unit_name },
  { header: '计划月度', width: 10, value: (row) => row.plan_month },
  { header: '计划类型', width: 14, value: (row) => row.plan_type },
  { header: '计划内容', width: 40, value: (row) => row.plan_content },
  { header: '推进状态', width: 10, value: (row) => row.statusLabel },
  { header: '已开展工作', width: 50, value: (row) => row.work_done },
  { header: '存在问题', width: 40, value: (row) => row.problems },
  { header: '下一步工作计划', width: 40, value: (row) => row.next_steps },
  { header: '开始日期', width: 12, kind: 'date', value: (row) => chinaDay(row.next_from) },
  { header: '结束日期', width: 12, kind: 'date', value: (row) => chinaDay(row.next_to) },
  { header: '首次上报', width: 17, kind: 'datetime', value: (row) => row.first_submitted_at },
  { header: '审核状态', width: 10, value: (row) => row.stateLabel },
];

const PROMOTION_COLUMNS: ExcelColumn<PromotionRow>[] = [
  { header: '项目名称', width: 36, value: (row) => row.project_name },
  { header: '责任单位', width: 16, value: (row) => row.unit_name },
  { header: '推广方式', width: 28, value: (row) => row.method },
  { header: '推广日期', width: 12, kind: 'date', value: (row) => chinaDay(row.promoted_on) },
  { header: '具体情况简介', width: 60, value: (row) => row.description },
  { header: '佐证材料', width: 10, value: (row) => (row.evidence_classified ? '涉密' : '已上传') },
  { header: '审核状态', width: 10, value: (row) => row.stateLabel },
];

const BRAND_COLUMNS: ExcelColumn<BrandItemRow>[] = [
  { header: '项目名称', width: 36, value: (row) => row.project_name },
  { header: '责任单位', width: 16, value: (row) => row.unit_name },
  { header: '品牌创建日期', width: 12, kind: 'date', value: (row) => chinaDay(row.happened_on) },
  { header: '获肯定方式', width: 24, value: (row) => row.kindLabel },
  { header: '具体情形', width: 40, value: (row) => row.situation },
  { header: '解决问题、主要举措及取得实效', width: 60, value: (row) => row.measures_results },
  { header: '获肯定或报道详情', width: 50, value: (row) => row.details },
  { header: '佐证材料', width: 10, value: (row) => (row.evidence_classified ? '涉密' : '已上传') },
  { header: '审核状态', width: 10, value: (row) => row.stateLabel },
];

const parseMonth = (value: unknown) =>
  typeof value === 'string' && /^20\d{2}-(0[1-9]|1[0-2])$/.test(value) ? value : undefined;

function oneOf<T extends string>(values: readonly T[], value: unknown): T | undefined {
  return (values as readonly unknown[]).includes(value) ? (value as T) : undefined;
}

/** The filters every ledger shares; `months` for month ranges, otherwise date ranges. */
function parseFilter(query: Query, months: boolean): LedgerFilter {
  const parseBound = months ? parseMonth : parseChinaDate;
  return {
    projectId: optionalUuid(query.project, 'project'),
    unitId: optionalId(query.unit, 'unit'),
    from: parseBound(query.from),
    to: parseBound(query.to),
    state: oneOf(WORKFLOW_STATES, query.state),
    page: parsePage(query.page),
  };
}

interface LedgerCell {
  text: string;
  href?: string;
  tag?: string;
  className?: string;
}

/** The four ledgers of the monthly updates: filters, paging, and the Excel of what they select. */
@Controller('major-projects/ledgers')
@Roles('entry', 'reviewer', 'office', 'leader', 'admin')
export class UpdateLedgersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly indicatorReports: IndicatorReportsService,
    private readonly planUpdates: PlanUpdatesService,
    private readonly promotions: PromotionsService,
    private readonly brands: BrandItemsService,
    private readonly ledgerExports: LedgerExports,
  ) {}

  @Get('indicators')
  async indicators(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query, true);
    const { rows, total } = await this.indicatorReports.ledger(user, filter);
    return this.render(reply, user, query, {
      active: 'indicators',
      title: '量化目标推进台账',
      empty: '没有符合条件的量化目标推进记录',
      monthRange: true,
      filter,
      total,
      headers: [
        '项目',
        '核心指标',
        '月份',
        '当月目标',
        '累计目标',
        '实际值',
        '完成情况',
        '报送',
        '状态',
      ],
      rows: rows.map((row) => ({
        id: `${row.report_id}-${row.indicator_key}`,
        cells: [
          { text: row.project_name, href: `/major-projects/indicator-reports/${row.report_id}` },
          { text: `${row.indicator_name}（${row.cumulative ? '累计值' : '当月值'}）` },
          { text: row.report_month },
          { text: `${formatAmount(row.monthly_target)} ${row.unit_of_measure}` },
          { text: `${formatAmount(row.target_to_date)} ${row.unit_of_measure}` },
          { text: `${formatAmount(row.actual)} ${row.unit_of_measure}` },
          {
            text: metLabel(row.met),
            tag: row.met === null ? undefined : row.met ? 'tag tag-ok' : 'tag tag-warn',
          },
          row.late ? { text: '逾期报送', tag: 'tag tag-bad' } : { text: '按时' },
          { text: row.stateLabel, tag: `state state-${row.state}` },
        ],
      })),
    });
  }

  @Get('indicators/export')
  async indicatorsExport(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query, true);
    await this.ledgerExports.stream(
      reply,
      {
        label: '量化目标推进台账',
        today: chinaDate(new Date()),
        columns: INDICATOR_COLUMNS,
        filters: await this.exportFilters(user, filter, true),
      },
      (page, pageSize, db) => this.indicatorReports.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('plan-updates')
  async planUpdatesLedger(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = { ...parseFilter(query, true), status: oneOf(PLAN_STATUSES, query.status) };
    const { rows, total } = await this.planUpdates.ledger(user, filter);
    return this.render(reply, user, query, {
      active: 'plan-updates',
      title: '月度计划推进台账',
      empty: '没有符合条件的月度计划推进更新',
      monthRange: true,
      filter,
      total,
      extra: {
        name: 'status',
        label: '推进状态',
        value: filter.status ?? '',
        options: PLAN_STATUSES.map((value) => ({ value, label: PLAN_STATUS_LABELS[value] })),
      },
      headers: ['项目', '计划月度', '计划类型', '计划内容', '推进状态', '首次上报', '状态'],
      rows: rows.map((row) => ({
        id: row.id,
        cells: [
          { text: row.project_name, href: `/major-projects/plan-updates/${row.id}` },
          { text: row.plan_month ?? '' },
          { text: row.plan_type ?? '' },
          { text: row.plan_content ?? '', className: 'prewrap' },
          { text: row.statusLabel },
          { text: row.first_submitted_at ? formatDateTime(row.first_submitted_at) : '未上报' },
          { text: row.stateLabel, tag: `state state-${row.state}` },
        ],
      })),
    });
  }

  @Get('plan-updates/export')
  async planUpdatesExport(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = { ...parseFilter(query, true), status: oneOf(PLAN_STATUSES, query.status) };
    await this.ledgerExports.stream(
      reply,
      {
        label: '月度计划推进台账',
        today: chinaDate(new Date()),
        columns: PLAN_UPDATE_COLUMNS,
        filters: await this.exportFilters(user, filter, true, {
          label: '推进状态',
          value: filter.status && PLAN_STATUS_LABELS[filter.status],
        }),
      },
      (page, pageSize, db) => this.planUpdates.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('promotions')
  async promotionsLedger(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = { ...parseFilter(query, false), methodId: optionalId(query.method, 'method') };
    const { rows, total } = await this.promotions.ledger(user, filter);
    return this.render(reply, user, query, {
      active: 'promotions',
      title: '经验复制推广台账',
      empty: '没有符合条件的经验复制推广记录',
      monthRange: false,
      filter,
      total,
      extra: {
        name: 'method',
        label: '推广方式',
        value: filter.methodId ?? '',
        options: (await this.promotions.methods()).map((method) => ({
          value: method.id,
          label: method.label,
        })),
      },
      headers: ['项目', '推广方式', '推广日期', '具体情况简介', '状态'],
      rows: rows.map((row) => ({
        id: row.id,
        cells: [
          { text: row.project_name, href: `/major-projects/promotions/${row.id}` },
          { text: row.method },
          { text: row.promoted_on },
          { text: row.description, className: 'prewrap' },
          { text: row.stateLabel, tag: `state state-${row.state}` },
        ],
      })),
    });
  }

  @Get('promotions/export')
  async promotionsExport(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = { ...parseFilter(query, false), methodId: optionalId(query.method, 'method') };
    await this.ledgerExports.stream(
      reply,
      {
        label: '经验复制推广台账',
        today: chinaDate(new Date()),
        columns: PROMOTION_COLUMNS,
        filters: await this.exportFilters(user, filter, false, {
          label: '推广方式',
          dictionaryId: filter.methodId,
        }),
      },
      (page, pageSize, db) => this.promotions.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('brand-items')
  async brandItemsLedger(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = {
      ...parseFilter(query, false),
      kind: oneOf<BrandKind>(BRAND_KINDS, query.kind),
    };
    const { rows, total } = await this.brands.ledger(user, filter);
    return this.render(reply, user, query, {
      active: 'brand-items',
      title: '品牌显示度台账',
      empty: '没有符合条件的品牌显示度记录',
      monthRange: false,
      filter,
      total,
      extra: {
        name: 'kind',
        label: '获肯定方式',
        value: filter.kind ?? '',
        options: BRAND_KINDS.map((value) => ({ value, label: BRAND_KIND_LABELS[value] })),
      },
      headers: ['项目', '品牌创建日期', '获肯定方式', '具体情形', '状态'],
      rows: rows.map((row) => ({
        id: row.id,
        cells: [
          { text: row.project_name, href: `/major-projects/brand-items/${row.id}` },
          { text: row.happened_on },
          { text: row.kindLabel },
          { text: row.situation, className: 'prewrap' },
          { text: row.stateLabel, tag: `state state-${row.state}` },
        ],
      })),
    });
  }

  @Get('brand-items/export')
  async brandItemsExport(
    @Query() query: Query,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = {
      ...parseFilter(query, false),
      kind: oneOf<BrandKind>(BRAND_KINDS, query.kind),
    };
    await this.ledgerExports.stream(
      reply,
      {
        label: '品牌显示度台账',
        today: chinaDate(new Date()),
        columns: BRAND_COLUMNS,
        filters: await this.exportFilters(user, filter, false, {
          label: '获肯定方式',
          value: filter.kind && BRAND_KIND_LABELS[filter.kind],
        }),
      },
      (page, pageSize, db) => this.brands.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  /** The shared filters (and the ledger's own one) by label, for the file's title block. */
  private async exportFilters(
    user: AuthUser,
    filter: LedgerFilter,
    months: boolean,
    extra?: LedgerFilterSpec,
  ) {
    // The project's name only among the projects the user may see (as the page's dropdown).
    const project = filter.projectId
      ? ((await this.projects.choices(user)).find((p) => p.id === filter.projectId)?.name ?? '—')
      : undefined;
    return this.ledgerExports.filters([
      { label: '项目', value: project },
      { label: '责任单位', unitId: filter.unitId },
      ...(extra ? [extra] : []),
      { label: months ? '月份' : '日期', value: dateRangeLabel(filter.from, filter.to) },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
    ]);
  }

  private async render(
    reply: FastifyReply,
    user: AuthUser,
    query: Query,
    page: {
      active: string;
      title: string;
      empty: string;
      monthRange: boolean;
      filter: LedgerFilter;
      total: number;
      extra?: {
        name: string;
        label: string;
        value: string | number;
        options: { value: string | number; label: string }[];
      };
      headers: string[];
      rows: { id: string; cells: LedgerCell[] }[];
    },
  ) {
    const path = `/major-projects/ledgers/${page.active}`;
    const seesAll = hasRole(user, 'office', 'leader', 'admin');
    return reply.view('major-projects/updates/ledger.hbs', {
      ...page,
      path,
      filters: {
        project: page.filter.projectId ?? '',
        unit: page.filter.unitId ?? '',
        from: page.filter.from ?? '',
        to: page.filter.to ?? '',
        state: page.filter.state ?? '',
      },
      projectOptions: await this.projects.choices(user),
      unitOptions: seesAll ? await this.responsibleUnits() : [],
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
      exportHref: exportHref(path, query),
      pagination: buildPagination(path, query, page.filter.page, page.total),
    });
  }

  private async responsibleUnits(): Promise<{ id: number; name: string }[]> {
    return this.dataSource.query(
      `SELECT u.id, u.name FROM units u
        WHERE EXISTS (SELECT 1 FROM major_projects p WHERE p.responsible_unit_id = u.id)
        ORDER BY u.sort_order, u.id`,
    );
  }
}
