import { Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { hasRole } from '../auth/auth-context.js';
import { setFlash } from '../common/http/flash.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Clock } from '../common/time/clock.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import type { DecisionFilter, DecisionTaskRow } from './meetings.queries.js';
import { isOffice, MeetingsService } from './meetings.service.js';
import { DECISION_STATES } from './meetings.view-model.js';

const COLUMNS: ExcelColumn<DecisionTaskRow>[] = [
  { header: '议定事项', width: 40, value: (row) => row.title },
  { header: '会议', width: 30, value: (row) => row.meetingName },
  { header: '承办单位', width: 16, value: (row) => row.unitName },
  { header: '分工', width: 6, value: (row) => row.role },
  dateColumn('完成时限', 12, (row) => row.deadline),
  { header: '状态', width: 12, value: (row) => row.stateLabel },
  {
    header: '最近反馈（审核通过）',
    width: 18,
    kind: 'datetime',
    value: (row) => row.latestApprovedAt,
  },
  { header: '销号时间', width: 18, kind: 'datetime', value: (row) => row.closedAt },
];

const LEDGER = ledgerQuery({
  meetingId: filterField.uuid('meeting'),
  unitId: filterField.id('unit'),
  state: filterField.oneOf('state', DECISION_STATES.codes),
});
const stateOptions = DECISION_STATES.options();

/** 议定事项: the ledger of the units' tasks and the office's 销号. */
@Controller('meetings/decisions')
@Roles(...BUSINESS_ROLES)
export class MeetingDecisionsController extends LedgerRoutes({
  path: '/meetings/decisions',
  view: 'meetings/decisions.hbs',
  title: '议定事项台账',
  exportLabel: '议定事项台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  protected readonly ledgerRows: LedgerReader<DecisionFilter, DecisionTaskRow> = (...args) =>
    this.meetings.decisionLedger(...args);

  constructor(
    private readonly meetings: MeetingsService,
    protected readonly ledgerExports: LedgerExports,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    const seesAll = hasRole(user, 'office', 'leader', 'admin');
    return {
      meetings: await this.meetings.allMeetings(),
      units: seesAll ? (await this.meetings.options()).taskUnits : undefined,
      stateOptions,
      canClose: isOffice(user),
    };
  }

  /** 销号: the office closes one unit's task of a 议定事项. */
  @Post('tasks/:taskId/close')
  @Roles('office')
  async close(@OnRecord('taskId') task: RecordCall, @Res() reply: FastifyReply) {
    const meetingId = await this.meetings.closeTask(task.id, task.user, task.ip);
    setFlash(reply, 'success', '已销号');
    return seeOther(task.request, reply, `/meetings/${meetingId}#decisions`);
  }
}
