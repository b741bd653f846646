import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { optionalId } from '../common/http/params.js';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { dateRangeLabel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import {
  WORKFLOW_STATES,
  WORKFLOW_STATE_LABELS,
  type WorkflowState,
} from '../workflow/workflow-chain.js';
import { RecordFormViews } from '../workflow/record-kit/record-forms.js';
import { RecordFormRoutes } from '../workflow/record-kit/record-routes.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import {
  SHOWCASE_CATEGORIES,
  ShowcaseFormDto,
  type ShowcaseCategory,
} from './dto/showcase-form.dto.js';
import { CATEGORY_LABELS, ShowcaseService, type ShowcaseRow } from './showcase.service.js';

const COLUMNS: ExcelColumn<ShowcaseRow>[] = [
  { header: '改革事项', width: 36, value: (row) => row.matter },
  { header: '填报单位', width: 14, value: (row) => row.unit_name },
  { header: '类别', width: 28, value: (row) => row.categoryLabel },
  { header: '具体情形', width: 40, value: (row) => row.sub_kind },
  {
    header: '日期',
    width: 12,
    kind: 'date',
    value: (row) => new Date(`${row.happened_on}T00:00:00+08:00`),
  },
  { header: '解决问题', width: 40, value: (row) => row.problems_solved },
  { header: '主要成果', width: 50, value: (row) => row.results },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
];

function parseFilter(query: Record<string, string>) {
  const category: unknown = query.category;
  const state: unknown = query.state;
  return {
    unitId: optionalId(query.unit, 'unit'),
    category: (SHOWCASE_CATEGORIES as readonly unknown[]).includes(category)
      ? (category as ShowcaseCategory)
      : undefined,
    subKindId: optionalId(query.subKind, 'subKind'),
    from: parseChinaDate(query.from),
    to: parseChinaDate(query.to),
    state: (WORKFLOW_STATES as readonly unknown[]).includes(state)
      ? (state as WorkflowState)
      : undefined,
    page: parsePage(query.page),
  };
}

type ShowcasePage = Awaited<ReturnType<ShowcaseService['page']>>;

@Controller('showcase')
@Roles(...BUSINESS_ROLES)
export class ShowcaseController extends RecordFormRoutes<ShowcaseFormDto, undefined, ShowcasePage>(
  ShowcaseFormDto,
  {
    newForm: 'new',
    create: '',
    record: ':id',
    link: (id) => `/showcase/${id}`,
    updateFlash: { submitted: '已保存并上报' },
  },
) {
  constructor(
    private readonly showcase: ShowcaseService,
    private readonly ledgerExports: LedgerExports,
    protected readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
  ) {
    super();
  }

  @Get()
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query);
    const { rows, total } = await this.showcase.ledger(user, filter);
    return reply.view('showcase/index.hbs', {
      title: '成效晾晒台账',
      rows,
      total,
      filters: { ...filter, category: filter.category ?? '', state: filter.state ?? '' },
      categories: await this.categoryGroups(),
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
      canCreate: user.roles.includes('entry') && user.unitKind !== 'office',
      exportHref: exportHref('/showcase', query),
      pagination: buildPagination('/showcase', query, filter.page, total),
    });
  }

  @Get('export')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query);
    await this.ledgerExports.stream(
      reply,
      {
        label: '成效晾晒台账',
        today: chinaDate(new Date()),
        columns: COLUMNS,
        filters: await this.ledgerExports.filters([
          { label: '单位', unitId: filter.unitId },
          { label: '类别', value: filter.category && CATEGORY_LABELS[filter.category] },
          { label: '具体情形', dictionaryId: filter.subKindId },
          { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
          { label: '日期', value: dateRangeLabel(filter.from, filter.to) },
        ]),
      },
      (page, pageSize, db) => this.showcase.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  protected filingContext() {
    return Promise.resolve(undefined);
  }

  protected contextOf() {
    return undefined;
  }

  protected page(id: string, user: AuthUser) {
    return this.showcase.page(id, user);
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

  protected rules(form: ShowcaseFormDto, failed: ReadonlySet<string>) {
    return this.showcase.formErrors(form, failed);
  }

  protected createRecord(_context: undefined, data: ShowcaseFormDto, user: AuthUser, ip: string) {
    return this.showcase.create(data, user, ip);
  }

  protected updateRecord(id: string, data: ShowcaseFormDto, user: AuthUser, ip: string) {
    return this.showcase.update(id, data, user, ip);
  }

  private async categoryGroups() {
    return Promise.all(
      SHOWCASE_CATEGORIES.map(async (category) => ({
        value: category,
        label: CATEGORY_LABELS[category],
        subKinds: await this.showcase.subKinds(category),
      })),
    );
  }

  protected async renderForm(
    reply: FastifyReply,
    status: number,
    _context: undefined,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const existing = id ? await this.showcase.page(id, user) : undefined;
    return reply.code(status).view('showcase/form.hbs', {
      title: id ? '修改成效亮点' : '填报成效亮点',
      id,
      values,
      errors,
      yearStart: this.showcase.yearStart(),
      categories: await this.categoryGroups(),
      definitions: await this.showcase.definitions(),
      ...(await this.views.extras(values, 'evidence', existing, user)),
    });
  }
}
