import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import { UuidPipe } from '../common/http/params.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { Clock } from '../common/time/clock.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { saveForm, type PlainForm } from '../workflow/record-kit/save-form.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { DecisionDto } from './dto/decision.dto.js';
import { MeetingDto, MinutesDto } from './dto/meeting.dto.js';
import type { MeetingFilter, MeetingRow } from './meetings.queries.js';
import { isOffice, MeetingsService } from './meetings.service.js';
import { savePageForm } from './page-form.js';
import { MEETING_KINDS, MEETING_STATUSES } from './meetings.view-model.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const COLUMNS: ExcelColumn<MeetingRow>[] = [
  { header: '会议名称', width: 36, value: (row) => row.name },
  { header: '类型', width: 10, value: (row) => row.kindLabel },
  dateColumn('会议日期', 12, (row) => row.held_on),
  { header: '地点', width: 20, value: (row) => row.place },
  { header: '主持', width: 12, value: (row) => row.host },
  { header: '状态', width: 8, value: (row) => row.statusLabel },
  { header: '议题数', width: 8, kind: 'number', value: (row) => row.topics },
  { header: '议定事项数', width: 10, kind: 'number', value: (row) => row.decisions },
];

const LEDGER = ledgerQuery({
  kind: filterField.oneOf('kind', MEETING_KINDS.codes),
  status: filterField.oneOf('status', MEETING_STATUSES.codes),
  year: filterField.int('year', 2000, 2100),
  q: filterField.text('q'),
});
const link = (id: string) => `/meetings/${id}`;
const kindOptions = MEETING_KINDS.options();
const statusOptions = MEETING_STATUSES.options();

/** 深改委会议: the ledger, the office's meeting form, the meeting page and its 议定事项 form. */
@Controller('meetings')
@Roles(...BUSINESS_ROLES)
export class MeetingsController extends LedgerRoutes({
  path: '/meetings',
  view: 'meetings/index.hbs',
  title: '深改委会议',
  exportLabel: '深改委会议台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  protected readonly ledgerRows: LedgerReader<MeetingFilter, MeetingRow> = (_user, ...page) =>
    this.meetings.meetingLedger(...page);

  constructor(
    private readonly meetings: MeetingsService,
    protected readonly ledgerExports: LedgerExports,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected ledgerExtras(user: AuthUser) {
    return { kindOptions, statusOptions, canCreate: isOffice(user) };
  }

  @Get('new')
  @Roles('office')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, { status: 'preparing' }, {});
  }

  @Post()
  @Roles('office')
  create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    return saveForm(request, reply, body, this.meetingForm(reply, undefined), (data) =>
      this.meetings.saveMeeting(data, user, ip),
    );
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    return this.renderPage(reply, user, id, 200, {}, {});
  }

  @Get(':id/edit')
  @Roles('office')
  async editForm(@Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const page = await this.meetings.meetingPage(id);
    return this.renderForm(
      reply,
      200,
      id,
      {
        name: page.meeting.name,
        kind: page.meeting.kind,
        heldOn: page.meeting.held_on,
        place: page.meeting.place,
        host: page.meeting.host,
        status: page.meeting.status,
        attendUnitIds: page.attendUnits.map((unit) => String(unit.unit_id)),
        observeUnitIds: page.observeUnits.map((unit) => String(unit.unit_id)),
      },
      {},
    );
  }

  @Post(':id')
  @Roles('office')
  async update(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    await this.meetings.requireMeeting(id);
    return saveForm(call.request, reply, call.body, this.meetingForm(reply, id), (data) =>
      this.meetings.saveMeeting(data, call.user, call.ip, id),
    );
  }

  @Post(':id/minutes')
  @FormWithFiles()
  @Roles('office')
  minutes(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    const form: PlainForm<MinutesDto> = {
      dto: MinutesDto,
      rerender: (values, errors) =>
        this.renderPage(reply, call.user, id, 422, { minutes: values }, errors),
      link,
      flash: '会议纪要已登记',
    };
    return savePageForm(call, reply, id, form, (data) =>
      this.meetings.saveMinutes(id, data, call.user),
    );
  }

  @Post(':id/decisions')
  @Roles('office')
  async createDecision(@OnRecord() { id, ...call }: RecordCall, @Res() reply: FastifyReply) {
    await this.meetings.requireMeeting(id);
    const form: PlainForm<DecisionDto> = {
      dto: DecisionDto,
      rules: (data, failed) => this.meetings.decisionErrors(id, data, failed),
      rerender: (values, errors) =>
        this.renderPage(reply, call.user, id, 422, { decision: values }, errors),
      link: (meetingId) => `${link(meetingId)}#decisions`,
      flash: '议定事项已交办，承办单位将在待办中看到',
    };
    return savePageForm(call, reply, id, form, (data) =>
      this.meetings.createDecision(id, data, call.user, call.ip),
    );
  }

  private meetingForm(reply: FastifyReply, id: string | undefined): PlainForm<MeetingDto> {
    return {
      dto: MeetingDto,
      rules: (form, failed) => this.meetings.meetingErrors(form, failed),
      rerender: (values, errors) => this.renderForm(reply, 422, id, values, errors),
      link,
      flash: id ? '会议信息已保存' : '会议已登记',
    };
  }

  private async renderPage(
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    status: number,
    values: { minutes?: Record<string, unknown>; decision?: Record<string, unknown> },
    errors: FieldErrors,
  ) {
    const page = await this.meetings.meetingPage(id);
    const office = isOffice(user);
    const held = page.meeting.status === 'held';
    const decision = values.decision ?? {};
    const assist = (
      Array.isArray(decision.assistUnitIds) ? decision.assistUnitIds : [decision.assistUnitIds]
    ).map(String);
    const { taskUnits } = await this.meetings.options();
    return reply.code(status).view('meetings/show.hbs', {
      title: page.meeting.name,
      ...page,
      canEdit: office,
      canRecordAfter: office && held,
      minutes: values.minutes ?? {
        minutesNote: page.meeting.minutes_note,
        minutesClassified: page.meeting.minutes_classified,
      },
      minutesFiles: await this.meetings.minutesFiles(page.meeting, values.minutes, user),
      // The file is the office's upload: its own unit reads it.
      canReadMinutesFile: user.unitKind === 'office',
      decision,
      errors,
      taskUnits: taskUnits.map((unit) => ({ ...unit, checked: assist.includes(String(unit.id)) })),
      today: this.meetings.today(),
    });
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const selected = (field: string) =>
      (Array.isArray(values[field]) ? (values[field] as unknown[]) : [values[field]]).map(String);
    const attend = selected('attendUnitIds');
    const observe = selected('observeUnitIds');
    const { units } = await this.meetings.options();
    return reply.code(status).view('meetings/form.hbs', {
      title: id ? '修改会议信息' : '登记深改委会议',
      id,
      values,
      errors,
      kindOptions,
      statusOptions,
      units: units.map((unit) => ({
        ...unit,
        attend: attend.includes(String(unit.id)),
        observe: observe.includes(String(unit.id)),
      })),
    });
  }
}
