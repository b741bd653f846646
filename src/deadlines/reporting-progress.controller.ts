import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Call, type Caller, Roles } from '../auth/auth.decorators.js';
import { setFlash } from '../common/http/flash.js';
import { optionalId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import {
  BOARD_STATUSES,
  BOARD_UNIT_KINDS,
  parseBoardFilter,
  periodChoices,
  type BoardFilter,
} from './board-filter.js';
import type { DueItem } from './due-items.js';
import { ReportingProgressService, itemState } from './reporting-progress.service.js';
import { WorkCalendarService } from './work-calendar.service.js';

function boardQuery(filter: BoardFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    period: filter.period,
    module: filter.module,
    kind: filter.unitKind,
    status: filter.status,
    ...extra,
  });
  return params.toString();
}

/** 填报进度 / 催报: the office's board of due filings per period, module and unit. */
@Controller('reporting-progress')
@Roles('office')
export class ReportingProgressController {
  constructor(
    private readonly progress: ReportingProgressService,
    private readonly calendars: WorkCalendarService,
    private readonly clock: Clock,
  ) {}

  private filter(query: Record<string, unknown>): { filter: BoardFilter; today: string } {
    const today = chinaDate(this.clock.now());
    const modules = this.progress.modules().map((module) => module.value);
    return { filter: parseBoardFilter(query, today, modules), today };
  }

  @Get()
  async board(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const { filter, today } = this.filter(query);
    const board = await this.progress.board(filter, today);
    const settings = await this.calendars.settings();
    return reply.view('deadlines/board.hbs', {
      title: '填报进度',
      filter,
      today,
      ...board,
      settings,
      query: boardQuery(filter),
      exportHref: `/reporting-progress/export?${boardQuery(filter)}`,
      modules: this.progress.modules(),
      periods: periodChoices(today).map((choice) => ({
        ...choice,
        selected: choice.value === filter.period,
      })),
      statuses: BOARD_STATUSES.options(),
      unitKinds: BOARD_UNIT_KINDS.options(),
      anyOverdue: board.totals.overdue > 0,
    });
  }

  @Get('export')
  async export(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const { filter, today } = this.filter(query);
    const items = await this.progress.items({ ...filter, unitId: undefined });
    const columns: ExcelColumn<DueItem>[] = [
      { header: '单位', width: 24, value: (item) => item.unitName },
      { header: '报送事项', width: 22, value: (item) => this.progress.label(item.module) },
      { header: '名称', width: 40, value: (item) => item.title },
      { header: '期次', width: 14, value: (item) => item.periodLabel },
      { header: '应报送日期', width: 12, value: (item) => item.dueOn },
      { header: '状态', width: 18, value: (item) => itemState(item, today).text },
    ];
    // The file holds the period, module and unit kind of the board (the status picks unit rows
    // on the page, not items): the title block names those.
    await streamExcel(
      reply,
      `填报进度-${filter.period}-${today}.xlsx`,
      '填报进度',
      columns,
      [items],
      {
        filters: [
          { label: '期间', value: filter.periodLabel },
          { label: '报送事项', value: filter.module && this.progress.label(filter.module) },
          {
            label: '单位类型',
            value: filter.unitKind === 'all' ? undefined : BOARD_UNIT_KINDS.labels[filter.unitKind],
          },
        ],
      },
    );
  }

  @Post('urge')
  async urge(@Call() { body, user, request }: Caller, @Res() reply: FastifyReply) {
    const { filter } = this.filter(body ?? {});
    const unitId = body?.all === '1' ? undefined : optionalId(body?.unitId, 'unitId');
    if (unitId === undefined && body?.all !== '1') {
      setFlash(reply, 'error', '请选择要催报的单位，或选择“催报全部逾期单位”');
      return seeOther(request, reply, `/reporting-progress?${boardQuery(filter)}`);
    }
    const result = await this.progress.urge(filter, unitId, user);
    const parts: string[] = [];
    if (result.urged.length > 0) {
      parts.push(
        `已催报 ${new Set(result.urged.map((urge) => urge.unitName)).size} 个单位（${result.urged
          .map((urge) => `${urge.unitName}·${urge.moduleLabel} ${urge.count} 项`)
          .join('，')}），通知 ${result.notified} 人`,
      );
    }
    if (result.refused.length > 0) {
      parts.push(
        `${result.refused
          .map((refused) => `${refused.unitName}的${refused.moduleLabel}`)
          .join('、')}今天已催报过，同一单位同一事项每天最多催报一次，请明天再催`,
      );
    }
    if (parts.length === 0) {
      parts.push('所选范围内没有逾期未报送的事项，无需催报');
    }
    setFlash(reply, result.urged.length > 0 ? 'success' : 'error', parts.join('；'));
    return seeOther(request, reply, `/reporting-progress?${boardQuery(filter)}`);
  }
}
