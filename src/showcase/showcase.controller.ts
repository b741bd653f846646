import { Controller } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import { Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { Clock } from '../common/time/clock.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { UnitRecordRoutes } from '../workflow/record-kit/unit-record-routes.js';
import { dateRangeLabel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { RecordFormViews } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { SHOWCASE_CATEGORIES, ShowcaseFormDto } from './dto/showcase-form.dto.js';
import type { ShowcaseLedgerFilter } from './showcase.queries.js';
import { CATEGORY_LABELS, ShowcaseService, type ShowcaseRow } from './showcase.service.js';

const COLUMNS: ExcelColumn<ShowcaseRow>[] = [
  { header: '改革事项', width: 36, value: (row) => row.matter },
  { header: '填报单位', width: 14, value: (row) => row.unit_name },
  { header: '类别', width: 28, value: (row) => row.categoryLabel },
  { header: '具体情形', width: 40, value: (row) => row.sub_kind },
  dateColumn('日期', 12, (row) => row.happened_on),
  { header: '解决问题', width: 40, value: (row) => row.problems_solved },
  { header: '主要成果', width: 50, value: (row) => row.results },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
];

const LEDGER = ledgerQuery({
  unitId: filterField.id('unit'),
  category: filterField.oneOf('category', SHOWCASE_CATEGORIES),
  subKindId: filterField.id('subKind'),
  from: filterField.date('from'),
  to: filterField.date('to'),
  state: filterField.oneOf('state', WORKFLOW_STATES),
});
const stateOptions = optionsOf(WORKFLOW_STATES, WORKFLOW_STATE_LABELS);

type ShowcasePage = Awaited<ReturnType<ShowcaseService['page']>>;

@Controller('showcase')
@Roles(...BUSINESS_ROLES)
export class ShowcaseController extends LedgerRoutes(
  {
    path: '/showcase',
    view: 'showcase/index.hbs',
    title: '成效晾晒台账',
    exportLabel: '成效晾晒台账',
    query: LEDGER,
    columns: COLUMNS,
  },
  UnitRecordRoutes<ShowcaseFormDto, ShowcasePage>(
    ShowcaseFormDto,
    {
      newForm: 'new',
      create: '',
      record: ':id',
      link: (id) => `/showcase/${id}`,
      updateFlash: { submitted: '已保存并上报' },
    },
    {
      view: 'showcase/form.hbs',
      title: { create: '填报成效亮点', edit: '修改成效亮点' },
      filesField: 'evidence',
    },
  ),
) {
  protected readonly ledgerRows: LedgerReader<ShowcaseLedgerFilter, ShowcaseRow> = (...args) =>
    this.records.ledger(...args);

  constructor(
    protected readonly records: ShowcaseService,
    protected readonly ledgerExports: LedgerExports,
    protected readonly panels: WorkflowPanelBuilder,
    protected readonly views: RecordFormViews,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    return {
      categories: await this.categoryGroups(),
      stateOptions,
      canCreate: user.roles.includes('entry') && user.unitKind !== 'office',
    };
  }

  protected override exportFilters(filter: ShowcaseLedgerFilter) {
    return this.ledgerExports.filters([
      { label: '单位', unitId: filter.unitId },
      { label: '类别', value: filter.category && CATEGORY_LABELS[filter.category] },
      { label: '具体情形', dictionaryId: filter.subKindId },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
      { label: '日期', value: dateRangeLabel(filter.from, filter.to) },
    ]);
  }

  protected formValues({ highlight }: ShowcasePage) {
    return {
      matter: highlight.matter,
      category: highlight.category,
      subKindId: highlight.sub_kind_id,
      happenedOn: highlight.happened_on,
      problemsSolved: highlight.problems_solved,
      results: highlight.results,
      evidenceClassified: highlight.evidence_classified,
      singleReport: highlight.category === 'central_media',
    };
  }

  protected showView(page: ShowcasePage) {
    return { view: 'showcase/show.hbs', title: page.highlight.matter };
  }

  private async categoryGroups() {
    return Promise.all(
      SHOWCASE_CATEGORIES.map(async (category) => ({
        value: category,
        label: CATEGORY_LABELS[category],
        subKinds: await this.records.subKinds(category),
      })),
    );
  }

  protected async formOptions() {
    return {
      yearStart: this.records.yearStart(),
      categories: await this.categoryGroups(),
      definitions: await this.records.definitions(),
    };
  }
}
