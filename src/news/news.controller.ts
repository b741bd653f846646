import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { handleForm, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { UuidPipe } from '../common/http/params.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Clock } from '../common/time/clock.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { UnitOptions } from '../units/unit-options.js';
import {
  createFromForm,
  RecordFormViews,
  updateFromForm,
  type RecordForm,
} from '../workflow/record-kit/record-forms.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { NEWS_BODY_MAX, NewsFormDto } from './dto/news-form.dto.js';
import { NewsUseDto } from './dto/news-use.dto.js';
import {
  NEWS_USE_KINDS,
  NEWS_USE_LABELS,
  NewsService,
  type NewsLedgerFilter,
  type NewsRow,
} from './news.service.js';
import { parsePeriod, periodLabel, PERIOD_KIND_LABELS } from './news.view-model.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const COLUMNS: ExcelColumn<NewsRow>[] = [
  { header: '标题', width: 36, value: (row) => row.title },
  { header: '报送单位', width: 16, value: (row) => row.unit_name },
  dateColumn('发生日期', 12, (row) => row.occurred_on),
  { header: '领域', width: 16, value: (row) => row.domain },
  { header: '约稿', width: 24, value: (row) => row.request_topic ?? '' },
  { header: '正文', width: 60, value: (row) => row.body },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
  { header: '采用情况', width: 30, value: (row) => row.usesLabel },
];

type StatsRow = Awaited<ReturnType<NewsService['stats']>>['rows'][number];
const STATS_COLUMNS: ExcelColumn<StatsRow>[] = [
  { header: '单位', width: 20, value: (row) => row.unitName },
  { header: '报送数', width: 8, kind: 'number', value: (row) => row.submitted },
  { header: '系统发布', width: 10, kind: 'number', value: (row) => row.published },
  { header: '简报采用', width: 10, kind: 'number', value: (row) => row.bulletin },
  { header: '报送上级采用', width: 12, kind: 'number', value: (row) => row.superior },
  { header: '采用数', width: 8, kind: 'number', value: (row) => row.adopted },
  { header: '采用率（%）', width: 11, kind: 'number', value: (row) => row.rate },
  { header: '批示数', width: 8, kind: 'number', value: (row) => row.instructions },
];

const link = (id: string) => `/news/${id}`;

const LEDGER = ledgerQuery({
  unitId: filterField.id('unit'),
  domainId: filterField.id('domain'),
  state: filterField.oneOf('state', WORKFLOW_STATES),
  from: filterField.date('from'),
  to: filterField.date('to'),
  q: filterField.text('q'),
  adopted: filterField.yesNo('adopted'),
});
const FEED = ledgerQuery({
  unitId: filterField.id('unit'),
  domainId: filterField.id('domain'),
  from: filterField.date('from'),
  to: filterField.date('to'),
});
const stateOptions = optionsOf(WORKFLOW_STATES, WORKFLOW_STATE_LABELS);
const useKinds = optionsOf(NEWS_USE_KINDS, NEWS_USE_LABELS);

/** 工作动态: 报送 (ledger, form, record page), 采用 and the 通报. */
@Controller('news')
@Roles(...BUSINESS_ROLES)
export class NewsController extends LedgerRoutes({
  path: '/news',
  view: 'news/index.hbs',
  title: '工作动态台账',
  exportLabel: '工作动态台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  protected readonly ledgerRows: LedgerReader<NewsLedgerFilter, NewsRow> = (...args) =>
    this.news.ledger(...args);

  constructor(
    private readonly news: NewsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly unitOptions: UnitOptions,
    protected readonly ledgerExports: LedgerExports,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    return {
      units: await this.unitOptions.filing(),
      ...(await this.news.formOptions()),
      stateOptions,
      canFile: this.news.mayFile(user),
    };
  }

  /** 工作动态通报: per unit over a month, quarter or year. */
  @Get('stats')
  @Roles('office', 'leader')
  async stats(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const period = parsePeriod(query, this.news.today());
    const stats = await this.news.stats(period);
    const rows = stats.rows.filter(
      (row) => row.submitted > 0 || row.adopted > 0 || row.instructions > 0,
    );
    const year = Number(this.news.today().slice(0, 4));
    return reply.view('news/stats.hbs', {
      title: '工作动态通报',
      period,
      label: periodLabel(period),
      ...stats,
      rows: rows.map((row) => ({
        ...row,
        rateText: row.rate === null ? '—' : `${row.rate.toFixed(1)}%`,
      })),
      kinds: Object.entries(PERIOD_KIND_LABELS).map(([value, label]) => ({ value, label })),
      years: [year, year - 1, year - 2],
      numbers: Array.from({ length: period.kind === 'month' ? 12 : 4 }, (_, index) => index + 1),
      exportHref: `/news/stats/export?${new URLSearchParams({ period: period.kind, year: String(period.year), number: String(period.number) }).toString()}`,
    });
  }

  @Get('stats/export')
  @Roles('office', 'leader')
  async statsExport(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const period = parsePeriod(query, this.news.today());
    const stats = await this.news.stats(period);
    await streamExcel(
      reply,
      `工作动态通报-${periodLabel(period)}.xlsx`,
      '工作动态通报',
      STATS_COLUMNS,
      [stats.rows.filter((row) => row.submitted > 0 || row.adopted > 0 || row.instructions > 0)],
    );
  }

  /** 工作动态 feed: every user sees the published items, newest first, with their images. */
  @Get('feed')
  async feed(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const filter = FEED.parse(query);
    const { rows, total } = await this.news.feed(filter);
    return reply.view('news/feed.hbs', {
      title: '工作动态',
      ...FEED.page('/news/feed', query, filter, { rows, total }, 10),
      rows: rows.map((row) => ({
        ...row,
        excerpt: [...row.body.replace(/\s+/g, ' ')].slice(0, 160).join(''),
        images: row.image_ids.slice(0, 4),
        moreImages: Math.max(0, row.image_ids.length - 4),
      })),
      units: await this.unitOptions.filing(),
      ...(await this.news.formOptions()),
    });
  }

  @Get('feed/:id')
  async feedItem(@Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const page = await this.news.publishedItem(id);
    return reply.view('news/feed-item.hbs', {
      title: page.news.title,
      ...page,
      paragraphs: page.news.body.split(/\n+/).filter((line) => line.trim() !== ''),
    });
  }

  /** An image of a published item, for every user (the record's own files keep the record's scope). */
  @Get('feed/:id/images/:attachmentId')
  async feedImage(
    @Param('id', UuidPipe) id: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @Res() reply: FastifyReply,
  ) {
    const image = await this.news.publishedImage(id, attachmentId);
    return reply
      .header('Content-Type', image.media_type)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "sandbox; default-src 'none'")
      .header('Cache-Control', 'private, max-age=3600')
      .header('ETag', `"${image.sha256}"`)
      .send(image.content);
  }

  @Get('new')
  @Roles('entry')
  async newForm(@Call() { user, query }: Caller, @Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, { requestId: query.request ?? '' }, {}, user);
  }

  @Post()
  @FormWithFiles()
  @Roles('entry')
  async create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    return createFromForm(request, reply, body, this.form(reply, undefined, user), (data) =>
      this.news.create(data, user, ip),
    );
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const page = await this.news.page(id, user);
    if (page.editable) {
      const { news } = page;
      const values = {
        title: news.title,
        body: news.body,
        occurredOn: news.occurred_on,
        domainId: news.domain_id,
        requestId: news.request_id ?? '',
      };
      return this.renderForm(reply, 200, id, values, {}, user);
    }
    return this.renderShow(reply, 200, page, user, {}, {});
  }

  @Post(':id')
  @FormWithFiles()
  @Roles('entry')
  update(@OnRecord() { id, user, request, body, ip }: RecordCall, @Res() reply: FastifyReply) {
    return updateFromForm(request, reply, body, id, this.form(reply, id, user), (data) =>
      this.news.update(id, data, user, ip),
    );
  }

  /** 登记采用: the office records a use of an approved item. */
  @Post(':id/uses')
  @Roles('office')
  recordUse(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    const { user, request, ip } = call;
    return handleForm(
      NewsUseDto,
      call.body,
      async (values, errors) =>
        this.renderShow(reply, 422, await this.news.page(id, user), user, values, errors),
      async (data) => {
        await this.news.recordUse(id, data, user, ip);
        setFlash(reply, 'success', `已登记：${NEWS_USE_LABELS[data.kind]}`);
        return seeOther(request, reply, link(id));
      },
      (form, failed) => this.news.useErrors(form, failed),
    );
  }

  private async renderShow(
    reply: FastifyReply,
    status: number,
    page: Awaited<ReturnType<NewsService['page']>>,
    user: AuthUser,
    useValues: Record<string, unknown>,
    useErrors: FieldErrors,
  ) {
    return reply.code(status).view('news/show.hbs', {
      title: page.news.title,
      ...page,
      paragraphs: page.news.body.split(/\n+/).filter((line) => line.trim() !== ''),
      useKinds,
      useValues: { kind: 'published', usedOn: this.news.today(), ...useValues },
      errors: useErrors,
      panel: await this.panels.build(page.item, user),
    });
  }

  private form(
    reply: FastifyReply,
    id: string | undefined,
    user: AuthUser,
  ): RecordForm<NewsFormDto> {
    return {
      dto: NewsFormDto,
      rules: (form, failed) => this.news.formErrors(form, user, failed),
      rerender: (values, errors) => this.renderForm(reply, 422, id, values, errors, user),
      link,
    };
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const existing = id ? await this.news.page(id, user) : undefined;
    const attachmentExtras = await this.views.extras(values, 'attachments', existing, user);
    const images = await this.views.files(values, 'images', existing?.images, user);
    return reply.code(status).view('news/form.hbs', {
      title: id ? '修改工作动态' : '报送工作动态',
      id,
      values,
      errors,
      bodyMax: NEWS_BODY_MAX,
      bodyLength: typeof values.body === 'string' ? [...values.body].length : 0,
      ...(await this.news.formOptions(user)),
      files: attachmentExtras.files,
      images,
      panel: attachmentExtras.panel,
    });
  }
}
