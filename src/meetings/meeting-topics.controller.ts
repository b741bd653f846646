import { Controller, Get, Post, Res } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { Clock } from '../common/time/clock.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import type { PlainForm } from '../workflow/record-kit/save-form.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import {
  createFromForm,
  RecordFormViews,
  updateFromForm,
} from '../workflow/record-kit/record-forms.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { AdoptTopicDto, TopicDto, TopicResultDto } from './dto/topic.dto.js';
import type { TopicFilter, TopicRow } from './meetings.queries.js';
import { isOffice, MeetingsService } from './meetings.service.js';
import { savePageForm } from './page-form.js';
import { TOPIC_KINDS, TOPIC_RESULTS } from './meetings.view-model.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const COLUMNS: ExcelColumn<TopicRow>[] = [
  { header: '议题', width: 40, value: (row) => row.title },
  { header: '汇报单位', width: 16, value: (row) => row.reporting_unit_name },
  { header: '议题类型', width: 10, value: (row) => row.topicKindLabel },
  { header: '领域', width: 14, value: (row) => row.domain },
  { header: '会议', width: 30, value: (row) => row.meeting_name },
  { header: '议程序号', width: 8, kind: 'number', value: (row) => row.agenda_order },
  { header: '审议结果', width: 14, value: (row) => row.resultLabel },
  { header: '申报单位', width: 16, value: (row) => row.unit_name },
  { header: '状态', width: 8, value: (row) => row.stateLabel },
];

const LEDGER = ledgerQuery({
  meetingId: filterField.uuid('meeting'),
  unitId: filterField.id('unit'),
  topicKind: filterField.oneOf('kind', TOPIC_KINDS.codes),
  result: filterField.oneOf('result', [...TOPIC_RESULTS.codes, 'none'] as const),
  state: filterField.oneOf('state', WORKFLOW_STATES),
});
const link = (id: string) => `/meetings/topics/${id}`;
const kindOptions = TOPIC_KINDS.options();
const resultOptions = TOPIC_RESULTS.options();
// A topic the office has adopted is 已采纳 here, not 审核通过.
const stateOptions = optionsOf(WORKFLOW_STATES, { ...WORKFLOW_STATE_LABELS, approved: '已采纳' });

/** 议题: the ledger, 议题申报 (and the office's own topics), the topic page, 采纳 and 审议结果. */
@Controller('meetings/topics')
@Roles(...BUSINESS_ROLES)
export class MeetingTopicsController extends LedgerRoutes({
  path: '/meetings/topics',
  view: 'meetings/topics.hbs',
  title: '深改委会议议题',
  exportLabel: '深改委会议议题台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  protected readonly ledgerRows: LedgerReader<TopicFilter, TopicRow> = (...args) =>
    this.meetings.topicLedger(...args);

  constructor(
    private readonly meetings: MeetingsService,
    protected readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
    private readonly formViews: RecordFormViews,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    return {
      meetings: await this.meetings.allMeetings(),
      units: (await this.meetings.options()).units,
      kindOptions,
      resultOptions,
      stateOptions,
      canCreate: user.roles.includes('entry') || isOffice(user),
    };
  }

  @Get('new')
  @Roles('entry', 'office')
  async newForm(@Call() { user, query }: Caller, @Res() reply: FastifyReply) {
    const values = { reportingUnitId: isOffice(user) ? undefined : user.unitId };
    return this.renderForm(reply, user, 200, { ...values, meetingId: query.meeting }, {});
  }

  @Post()
  @FormWithFiles()
  @Roles('entry', 'office')
  create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    return createFromForm(
      request,
      reply,
      body,
      {
        dto: TopicDto,
        rules: (form, failed) => this.meetings.topicErrors(form, failed, user),
        rerender: (values, errors) => this.renderForm(reply, user, 422, values, errors),
        link,
        flash: isOffice(user)
          ? { submitted: '议题已列入会议议程', created: '议题已列入会议议程' }
          : undefined,
      },
      (data) => this.meetings.createTopic(data, user, ip),
    );
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    return this.renderPage(reply, user, id, 200, {}, {});
  }

  @Get(':id/edit')
  @Roles('entry')
  async editForm(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const { topic } = await this.meetings.topicForEdit(id, user);
    return this.renderForm(
      reply,
      user,
      200,
      {
        title: topic.title,
        reportingUnitId: topic.reporting_unit_id,
        topicKind: topic.topic_kind,
        summary: topic.summary,
        domainId: topic.domain_id,
        documentsClassified: topic.files_classified,
        classifiedNote: topic.classified_note,
      },
      {},
      id,
    );
  }

  @Post(':id')
  @FormWithFiles()
  @Roles('entry')
  async update(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    const { user, request, body, ip } = call;
    // A topic the user may not read is a 404 before its form is read.
    await this.meetings.topicForEdit(id, user);
    return updateFromForm(
      request,
      reply,
      body,
      id,
      {
        dto: TopicDto,
        rules: (form, failed) => this.meetings.topicErrors(form, failed, user),
        rerender: (values, errors) => this.renderForm(reply, user, 422, values, errors, id),
        link,
      },
      (data) => this.meetings.updateTopic(id, data, user, ip),
    );
  }

  @Post(':id/adopt')
  @Roles('office')
  adopt(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    const form = this.pageForm(reply, call.user, id, AdoptTopicDto, '议题已采纳并列入会议议程');
    return savePageForm(call, reply, id, form, (data) =>
      this.meetings.adopt(id, data.meetingId, call.user, call.ip),
    );
  }

  @Post(':id/result')
  @Roles('office')
  result(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    const form = this.pageForm(reply, call.user, id, TopicResultDto, '审议结果已录入');
    return savePageForm(call, reply, id, form, (data) =>
      this.meetings.setResult(id, data, call.user, call.ip),
    );
  }

  /** A form on the topic's page (采纳, 审议结果): refused, the page again with the errors. */
  private pageForm<T>(
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    dto: ClassConstructor<T>,
    flash: string,
  ): PlainForm<T> {
    return {
      dto,
      rerender: (values, errors) => this.renderPage(reply, user, id, 422, values, errors),
      link,
      flash,
    };
  }

  private async renderPage(
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const page = await this.meetings.topicPage(id, user);
    return reply.code(status).view('meetings/topic.hbs', {
      title: page.topic.title,
      ...page,
      values,
      errors,
      resultOptions,
      // 采纳 is the form above the panel (it needs a meeting), not the panel's button.
      panel: await this.panels.build(page.item, user, { omit: ['confirm'] }),
    });
  }

  private async renderForm(
    reply: FastifyReply,
    user: AuthUser,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
    id?: string,
  ) {
    const office = isOffice(user);
    const existing = id ? await this.meetings.topicForEdit(id, user) : undefined;
    const { units, domains } = await this.meetings.options();
    return reply.code(status).view('meetings/topic-form.hbs', {
      title: id ? '修改议题' : office ? '增加会议议题' : '议题申报',
      id,
      office,
      values,
      errors,
      units,
      domains,
      kindOptions,
      meetings: office ? await this.meetings.openMeetings() : [],
      ...(await this.formViews.extras(values, 'documents', existing, user)),
    });
  }
}
