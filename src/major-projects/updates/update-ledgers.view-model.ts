import type { AuthUser } from '../../auth/auth-context.js';
import { filterField, type FilterField } from '../../common/http/ledger-query.js';
import { formatDateTime } from '../../common/views/handlebars-engine.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import type { ExcelColumn } from '../../exports/excel-export.js';
import type { LedgerFilterSpec } from '../../exports/ledger-exports.js';
import { WORKFLOW_STATES } from '../../workflow/workflow-chain.js';
import type { LabelledCodes } from '../../common/codes/labelled-codes.js';
import { BRAND_KIND, PLAN_STATUS } from '../project-labels.js';
import type { BrandItemsService } from './brand-items.service.js';
import type { BrandItemRow } from './brand-items.queries.js';
import {
  formatAmount,
  type IndicatorLedgerRow,
  type IndicatorReportsService,
} from './indicator-reports.service.js';
import type { PlanUpdateLedgerRow, PlanUpdatesService } from './plan-updates.service.js';
import type { PromotionsService } from './promotions.service.js';
import type { PromotionRow } from './promotions.queries.js';
import type { LedgerFilter } from './update-access.js';

/** The services the four ledgers read. */
export interface LedgerServices {
  indicatorReports: IndicatorReportsService;
  planUpdates: PlanUpdatesService;
  promotions: PromotionsService;
  brands: BrandItemsService;
}

interface LedgerCell {
  text: string;
  href?: string;
  tag?: string;
  className?: string;
}

/** One of the update ledgers as data: its filter, its table, its Excel and how it reads a page. */
interface UpdateLedger<R> {
  title: string;
  empty: string;
  /** Month ranges (YYYY-MM) in the from/to filter, otherwise dates. */
  months: boolean;
  /** The ledger's own filter besides the shared ones (a select). */
  extra?: {
    key: string;
    field: FilterField<unknown>;
    label: string;
    options: (services: LedgerServices) => Promise<{ value: string | number; label: string }[]>;
    /** The filter in the Excel's title block. */
    exportFilter: (value: unknown) => LedgerFilterSpec;
  };
  headers: string[];
  row: (row: R) => { id: string; cells: LedgerCell[] };
  columns: ExcelColumn<R>[];
  read: (
    services: LedgerServices,
    user: AuthUser,
    filter: LedgerFilter,
    pageSize?: number,
    db?: SqlRunner,
  ) => Promise<{ rows: R[]; total: number }>;
}

const metLabel = (met: boolean | null) => (met === null ? '当月无目标' : met ? '已完成' : '未完成');
const chinaDay = (date: string | null) => (date ? new Date(`${date}T00:00:00+08:00`) : null);
/** The first cell of every ledger row: the project's name, linking to the record. */
const projectCell = (name: string, slug: string, id: string) => ({
  text: name,
  href: `/major-projects/${slug}/${id}`,
});
/** A cell whose text keeps its line breaks. */
const prewrap = (text: string): LedgerCell => ({ text, className: 'prewrap' });
const stateCell = (row: { stateLabel: string; state: string }) => ({
  text: row.stateLabel,
  tag: `state state-${row.state}`,
});

/** The columns every update ledger's Excel starts with. */
const PROJECT_COLUMNS = [
  { header: '项目名称', width: 36, value: (row: { project_name: string }) => row.project_name },
  { header: '责任单位', width: 16, value: (row: { unit_name: string }) => row.unit_name },
];
const STATE_COLUMN = {
  header: '审核状态',
  width: 10,
  value: (row: { stateLabel: string }) => row.stateLabel,
};
const EVIDENCE_COLUMN = {
  header: '佐证材料',
  width: 10,
  value: (row: { evidence_classified: boolean }) => (row.evidence_classified ? '涉密' : '已上传'),
};

const monthField = (param: string): FilterField<string> => ({
  param,
  read: (raw) =>
    typeof raw === 'string' && /^20\d{2}-(0[1-9]|1[0-2])$/.test(raw) ? raw : undefined,
});

/** The filters every update ledger shares (see LedgerFilter), and the ledger's own one. */
export function ledgerFilterSpec(ledger: UpdateLedger<unknown>) {
  const bound = ledger.months ? monthField : filterField.date;
  return {
    projectId: filterField.uuid('project'),
    unitId: filterField.id('unit'),
    from: bound('from'),
    to: bound('to'),
    state: filterField.oneOf('state', WORKFLOW_STATES),
    ...(ledger.extra ? { [ledger.extra.key]: ledger.extra.field } : {}),
  } as Record<string, FilterField<unknown>>;
}

/** A ledger's own filter over a fixed list of codes (the query parameter is the filter's key). */
function codeFilter<T extends string>(
  key: string,
  label: string,
  codes: LabelledCodes<T>,
): UpdateLedger<unknown>['extra'] {
  return {
    key,
    field: filterField.oneOf(key, codes.codes),
    label,
    options: () => Promise.resolve(codes.options()),
    exportFilter: (value) => ({ label, value: value ? codes.labels[value as T] : undefined }),
  };
}

/** The columns every ledger row has around its own: the project (linking to the record), the state. */
interface LedgerRow {
  project_name: string;
  unit_name: string;
  state: string;
  stateLabel: string;
}

/**
 * An update ledger from what is its own: `headers`, `cells` and `columns` between the project and
 * the state; `record` the id its project cell links to (the row's `id` by default), `key` the
 * row's id on the page (the record's by default).
 */
function ledger<R extends LedgerRow>(
  definition: Omit<UpdateLedger<R>, 'row'> & {
    slug: string;
    record?: (row: R) => string;
    key?: (row: R) => string;
    /** Plain text or a cell with a link, tag or class. */
    cells: (row: R) => (string | LedgerCell)[];
  },
): UpdateLedger<unknown> {
  const { slug, cells, key, headers, columns } = definition;
  const record = definition.record ?? ((row: R) => (row as R & { id: string }).id);
  const framed: UpdateLedger<R> = {
    ...definition,
    headers: ['项目', ...headers, '状态'],
    row: (row) => ({
      id: key ? key(row) : record(row),
      cells: [
        projectCell(row.project_name, slug, record(row)),
        ...cells(row).map((cell) => (typeof cell === 'string' ? { text: cell } : cell)),
        stateCell(row),
      ],
    }),
    columns: [...PROJECT_COLUMNS, ...columns, STATE_COLUMN],
  };
  return framed as unknown as UpdateLedger<unknown>;
}

const INDICATORS = ledger<IndicatorLedgerRow>({
  title: '量化目标推进台账',
  empty: '没有符合条件的量化目标推进记录',
  months: true,
  slug: 'indicator-reports',
  record: (row) => row.report_id,
  key: (row) => `${row.report_id}-${row.indicator_key}`,
  headers: ['核心指标', '月份', '当月目标', '累计目标', '实际值', '完成情况', '报送'],
  cells: (row) => [
    `${row.indicator_name}（${row.cumulative ? '累计值' : '当月值'}）`,
    row.report_month,
    `${formatAmount(row.monthly_target)} ${row.unit_of_measure}`,
    `${formatAmount(row.target_to_date)} ${row.unit_of_measure}`,
    `${formatAmount(row.actual)} ${row.unit_of_measure}`,
    {
      text: metLabel(row.met),
      tag: row.met === null ? undefined : row.met ? 'tag tag-ok' : 'tag tag-warn',
    },
    row.late ? { text: '逾期报送', tag: 'tag tag-bad' } : '按时',
  ],
  columns: [
    { header: '核心指标', width: 30, value: (row) => row.indicator_name },
    { header: '计量单位', width: 10, value: (row) => row.unit_of_measure },
    { header: '填报口径', width: 10, value: (row) => (row.cumulative ? '累计值' : '当月值') },
    { header: '月份', width: 10, value: (row) => row.report_month },
    { header: '当月目标', width: 12, kind: 'number', value: (row) => row.monthly_target },
    { header: '累计目标', width: 12, kind: 'number', value: (row) => row.target_to_date },
    { header: '实际值', width: 12, kind: 'number', value: (row) => row.actual },
    { header: '完成情况', width: 12, value: (row) => metLabel(row.met) },
    { header: '报送情况', width: 10, value: (row) => (row.late ? '逾期报送' : '按时报送') },
  ],
  read: (services, ...args) => services.indicatorReports.ledger(...args),
});

const PLAN_UPDATES = ledger<PlanUpdateLedgerRow>({
  title: '月度计划推进台账',
  empty: '没有符合条件的月度计划推进更新',
  months: true,
  extra: codeFilter('status', '推进状态', PLAN_STATUS),
  slug: 'plan-updates',
  headers: ['计划月度', '计划类型', '计划内容', '推进状态', '首次上报'],
  cells: (row) => [
    row.plan_month ?? '',
    row.plan_type ?? '',
    prewrap(row.plan_content ?? ''),
    row.statusLabel,
    row.first_submitted_at ? formatDateTime(row.first_submitted_at) : '未上报',
  ],
  columns: [
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
  ],
  read: (services, ...args) => services.planUpdates.ledger(...args),
});

const PROMOTIONS = ledger<PromotionRow>({
  title: '经验复制推广台账',
  empty: '没有符合条件的经验复制推广记录',
  months: false,
  extra: {
    key: 'methodId',
    field: filterField.id('method'),
    label: '推广方式',
    options: async (services) =>
      (await services.promotions.methods()).map((method) => ({
        value: method.id,
        label: method.label,
      })),
    exportFilter: (value) => ({ label: '推广方式', dictionaryId: value as number | undefined }),
  },
  slug: 'promotions',
  headers: ['推广方式', '推广日期', '具体情况简介'],
  cells: (row) => [row.method, row.promoted_on, prewrap(row.description)],
  columns: [
    { header: '推广方式', width: 28, value: (row) => row.method },
    { header: '推广日期', width: 12, kind: 'date', value: (row) => chinaDay(row.promoted_on) },
    { header: '具体情况简介', width: 60, value: (row) => row.description },
    EVIDENCE_COLUMN,
  ],
  read: (services, ...args) => services.promotions.ledger(...args),
});

const BRAND_ITEMS = ledger<BrandItemRow>({
  title: '品牌显示度台账',
  empty: '没有符合条件的品牌显示度记录',
  months: false,
  extra: codeFilter('kind', '获肯定方式', BRAND_KIND),
  slug: 'brand-items',
  headers: ['品牌创建日期', '获肯定方式', '具体情形'],
  cells: (row) => [row.happened_on, row.kindLabel, prewrap(row.situation)],
  columns: [
    { header: '品牌创建日期', width: 12, kind: 'date', value: (row) => chinaDay(row.happened_on) },
    { header: '获肯定方式', width: 24, value: (row) => row.kindLabel },
    { header: '具体情形', width: 40, value: (row) => row.situation },
    { header: '解决问题、主要举措及取得实效', width: 60, value: (row) => row.measures_results },
    { header: '获肯定或报道详情', width: 50, value: (row) => row.details },
    EVIDENCE_COLUMN,
  ],
  read: (services, ...args) => services.brands.ledger(...args),
});

/** The four ledgers by their path under /major-projects/ledgers (the tabs' order). */
export const UPDATE_LEDGERS = {
  indicators: INDICATORS,
  'plan-updates': PLAN_UPDATES,
  promotions: PROMOTIONS,
  'brand-items': BRAND_ITEMS,
};
export type LedgerKey = keyof typeof UPDATE_LEDGERS;
export const LEDGER_KEYS = Object.keys(UPDATE_LEDGERS) as LedgerKey[];
