import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { hasRole } from '../auth/auth-context.js';
import { setFlash } from '../common/http/flash.js';
import { optionalId, optionalUuid, UuidPipe } from '../common/http/params.js';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import type { DecisionFilter, DecisionTaskRow } from './meetings.queries.js';
import { isOffice, MeetingsService } from './meetings.service.js';
import {
  DECISION_STATES,
  DECISION_STATE_LABELS,
  type DecisionState,
} from './meetings.view-model.js';

const COLUMNS: ExcelColumn<DecisionTaskRow>[] = [
  { header: '议定事项', width: 40, value: (row) => row.title },
  { header: '会议', width: 30, value: (row) => row.meetingName },
  { header: '承办单位', width: 16, value: (row) => row.unitName },
  { header: '分工', width: 6, value: (row) => row.role },
  {
    header: '完成时限',
    width: 12,
    kind: 'date',
    value: (row) => new Date(`${row.deadline}T00:00:00+08:00`),
  },
  { header: '状态', width: 12, value: (row) => row.stateLabel },
  {
    header: '最近反馈（审核通过）',
    width: 18,
    kind: 'datetime',
    value: (row) => row.latestApprovedAt,
  },
  { header: '销号时间', width: 18, kind: 'datetime', value: (row) => row.closedAt },
];

function parseFilter(query: Record<string, string>): DecisionFilter {
  const state: unknown = query.state;
  return {
    meetingId: optionalUuid(query.meeting, 'meeting'),
    unitId: optionalId(query.unit, 'unit'),
    state: (DECISION_STATES as readonly unknown[]).includes(state)
      ? (state as DecisionState)
      : undefined,
    page: parsePage(query.page),
  };
}

/** 议定事项: the ledger of the units' tasks and the office's 销号. */
@Controller('meetings/decisions')
@Roles(...BUSINESS_ROLES)
export class MeetingDecisionsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly ledgerExports: LedgerExports,
    private readonly clock: Clock,
  ) {}

  @Get()
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query);
    const { rows, total } = await this.meetings.decisionLedger(user, filter);
    const seesAll = hasRole(user, 'office', 'leader', 'admin');
    return reply.view('meetings/decisions.hbs', {
      title: '议定事项台账',
      rows,
      total,
      filters: { ...filter, meetingId: filter.meetingId ?? '', state: filter.state ?? '' },
      filtered: Boolean(filter.meetingId || filter.unitId || filter.state),
      meetings: await this.meetings.allMeetings(),
      units: seesAll ? (await this.meetings.options()).taskUnits : undefined,
      stateOptions: DECISION_STATES.map((value) => ({
        value,
        label: DECISION_STATE_LABELS[value],
      })),
      canClose: isOffice(user),
      exportHref: exportHref('/meetings/decisions', query),
      pagination: buildPagination('/meetings/decisions', query, filter.page, total),
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
      { label: '议定事项台账', today: chinaDate(this.clock.now()), columns: COLUMNS },
      (page, pageSize, db) => this.meetings.decisionLedger(user, { ...filter, page }, pageSize, db),
    );
  }

  /** 销号: the office closes one unit's task of a 议定事项. */
  @Post('tasks/:taskId/close')
  @Roles('office')
  async close(
    @Param('taskId', UuidPipe) taskId: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const meetingId = await this.meetings.closeTask(taskId, user, request.ip);
    setFlash(reply, 'success', '已销号');
    return seeOther(request, reply, `/meetings/${meetingId}#decisions`);
  }
}
