import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TaskProgressDto, taskProgressErrors } from '../assignments/dto/task-progress.dto.js';
import { TASK_STATUSES, TASK_STATUS_LABELS } from '../assignments/task-due-rules.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { chinaDate } from '../common/time/china-time.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import {
  createFromForm,
  Posted,
  updateFromForm,
  type PostedForm,
  type RecordForm,
} from '../workflow/record-kit/record-forms.js';
import { Ledger, type LedgerRequest } from '../workflow/record-kit/listing-page.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { PilotAcceptanceDto, PilotAchievementDto } from './dto/pilot-form.dto.js';
import {
  PilotStreamsService,
  type FilingKind,
  type FilingLedgerRow,
} from './pilot-streams.service.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const STATUS_OPTIONS = optionsOf(TASK_STATUSES, TASK_STATUS_LABELS);
type FormName = FilingKind | 'acceptance';

const LEDGER = ledgerQuery({ unitId: filterField.id('unit'), q: filterField.text('q') });
type FilingLedger = LedgerRequest<ReturnType<typeof LEDGER.parse>>;
const filingKindOf = (query: Record<string, string>): FilingKind =>
  query.kind === 'progress' ? 'progress' : 'achievement';

/** Each filing kind's ledger: its title and the headers of its three own columns. */
const FILING_LEDGERS = {
  progress: { title: '试点推进状态台账', headers: ['推进状态', '已开展工作', '存在问题'] },
  achievement: { title: '试点成果台账', headers: ['成果名称', '解决问题', '具体成效'] },
} as const;

function filingColumns(kind: FilingKind): ExcelColumn<FilingLedgerRow>[] {
  const [label, text1, text2] = FILING_LEDGERS[kind].headers;
  return [
    { header: '试点名称', width: 30, value: (row) => row.pilot_name },
    { header: '区县', width: 12, value: (row) => row.unit_name },
    { header: label, width: 24, value: (row) => row.label },
    { header: text1, width: 50, value: (row) => row.text1 },
    { header: text2, width: 50, value: (row) => row.text2 },
    { header: '状态', width: 10, value: (row) => row.stateLabel },
    { header: '审核通过时间', width: 18, kind: 'datetime', value: (row) => row.approved_at },
  ];
}

const filingLink = (id: string) => `/pilot-filings/${id}`;
const streamLink = (id: string) => `/pilot-streams/${id}`;
/** The rule of a progress filing its DTO cannot express (an achievement has none). */
const filingRules = (form: TaskProgressDto | PilotAchievementDto, failed: ReadonlySet<string>) =>
  'status' in form ? taskProgressErrors(form, failed) : {};

type FilingPage = Awaited<ReturnType<PilotStreamsService['filingPage']>>;

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
  fileProgress(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const form = { dto: TaskProgressDto, rules: taskProgressErrors };
    return this.saveOnStream(id, 'progress', form, post, reply, (data) =>
      this.streams.fileProgress(id, data, post.user, post.ip),
    );
  }

  @Post('pilot-streams/:id/achievements')
  @FormWithFiles()
  @Roles('entry')
  fileAchievement(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    return this.saveOnStream(id, 'achievement', { dto: PilotAchievementDto }, post, reply, (data) =>
      this.streams.fileAchievement(id, data, post.user, post.ip),
    );
  }

  @Post('pilot-streams/:id/acceptance')
  @Roles('entry')
  acceptance(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const form = { dto: PilotAcceptanceDto, link: streamLink, answer: () => '已登记验收' };
    return this.saveOnStream(id, 'acceptance', form, post, reply, async (data) => {
      await this.streams.recordAcceptance(id, data, post.user, post.ip);
      return id;
    });
  }

  /** 试点成果台账 (kind=achievement, what the cockpit shows) and 推进状态台账 (kind=progress). */
  @Get('pilot-filings')
  async ledger(@Ledger(LEDGER) { query, filter, user }: FilingLedger, @Res() reply: FastifyReply) {
    const kind = filingKindOf(query);
    const result = await this.streams.filingsLedger(kind, user, filter);
    return reply.view('pilots/filings-index.hbs', {
      title: FILING_LEDGERS[kind].title,
      kind,
      ...LEDGER.page('/pilot-filings', query, filter, result),
      districts: await this.streams.districtOptions(),
    });
  }

  @Get('pilot-filings/export')
  async export(@Ledger(LEDGER) { query, filter, user }: FilingLedger, @Res() reply: FastifyReply) {
    const kind = filingKindOf(query);
    await this.ledgerExports.stream(
      reply,
      {
        label: FILING_LEDGERS[kind].title,
        today: chinaDate(new Date()),
        columns: filingColumns(kind),
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
  async filing(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderFiling(reply, 200, await this.streams.filingPage(id, user), user);
  }

  @Post('pilot-filings/:id')
  @FormWithFiles()
  @Roles('entry')
  async updateFiling(
    @Param('id') id: string,
    @Posted() post: PostedForm,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.streams.filingPage(id, post.user);
    const form = {
      dto: page.kind === 'progress' ? TaskProgressDto : PilotAchievementDto,
      rules: filingRules,
      rerender: (values: Record<string, unknown>, errors: FieldErrors) =>
        this.renderFiling(reply, 422, page, post.user, values, errors),
      link: filingLink,
      answer: (filingId: string, submitted: boolean) =>
        this.panels.savedAnswer(filingId, submitted),
    };
    return updateFromForm(post.request, reply, post.body, id, form, (data) =>
      this.streams.updateFiling(id, data, post.user, post.ip),
    );
  }

  /**
   * A form of the stream page: 422 on the stream page with that form open, else to the new
   * filing's page (or back to the stream) with the chain's flash.
   */
  private saveOnStream<T extends object>(
    streamId: string,
    formName: FormName,
    form: Pick<RecordForm<T>, 'dto' | 'rules'> & Partial<RecordForm<T>>,
    post: PostedForm,
    reply: FastifyReply,
    save: (data: T) => Promise<string>,
  ) {
    return createFromForm(
      post.request,
      reply,
      post.body,
      {
        rerender: (values, errors) =>
          this.renderStream(reply, 422, streamId, post.user, { form: formName, values, errors }),
        link: filingLink,
        answer: (id, submitted) => this.panels.savedAnswer(id, submitted),
        ...form,
      },
      save,
    );
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
    page: FilingPage,
    user: AuthUser,
    values?: Record<string, unknown>,
    errors: FieldErrors = {},
  ) {
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
