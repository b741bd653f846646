import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Call, type Caller, Roles } from '../auth/auth.decorators.js';
import { buildPagination, parsePage, exportHref } from '../common/http/pagination.js';
import { optionalId } from '../common/http/params.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dateRangeLabel, streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { AUDIT_ACTION_LABELS, isAuditAction } from './audit-actions.js';
import { AuditLogQueries, type AuditFilter, type AuditRow } from './audit-log.queries.js';
import { AuditService } from './audit.service.js';
import { searchText } from '../common/http/search-text.js';

const PAGE_SIZE = 50;

const AUDIT_COLUMNS: ExcelColumn<AuditRow>[] = [
  { header: '时间', width: 18, kind: 'datetime', value: (row) => row.at },
  { header: '操作人', width: 10, value: (row) => row.actorName },
  { header: '手机号', width: 13, value: (row) => row.actorMobile },
  { header: '单位', width: 16, value: (row) => row.unitName },
  { header: '角色', width: 16, value: (row) => row.roles },
  { header: '操作', width: 14, value: (row) => row.actionLabel },
  { header: '结果', width: 8, value: (row) => (row.result === 'success' ? '成功' : '失败') },
  { header: '对象', width: 30, value: (row) => row.targetLabel },
  { header: '详情', width: 50, value: (row) => row.detail },
  { header: 'IP', width: 16, value: (row) => row.ip },
];

function parseFilter(query: Record<string, string>): AuditFilter {
  const action: unknown = query.action;
  return {
    from: parseChinaDate(query.from),
    to: parseChinaDate(query.to),
    user: searchText(query.user, 50),
    unitId: optionalId(query.unit, 'unit'),
    action: typeof action === 'string' && isAuditAction(action) ? action : undefined,
    result: query.result === 'success' || query.result === 'failure' ? query.result : undefined,
  };
}

/** 审计日志: read-only, for the security auditor alone (三员分立: not even the system administrator). */
@Controller('audit')
@Roles('auditor')
export class AuditLogController {
  constructor(
    private readonly queries: AuditLogQueries,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly ledgerExports: LedgerExports,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const filter = parseFilter(query);
    const page = parsePage(query.page);
    const { rows, total } = await this.queries.page(filter, page, PAGE_SIZE);
    const units: { id: number; name: string }[] = await this.dataSource.query(
      `SELECT id, name FROM units ORDER BY sort_order`,
    );
    return reply.view('audit/index.hbs', {
      title: '审计日志',
      rows,
      total,
      filters: { ...filter, action: filter.action ?? '', result: filter.result ?? '' },
      units,
      actionOptions: Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({
        value,
        label,
      })),
      retentionDays: this.config.audit.retentionDays,
      exportHref: exportHref('/audit', query),
      pagination: buildPagination('/audit', query, page, total, PAGE_SIZE),
    });
  }

  /** The filtered rows as Excel; the export itself is audited. */
  @Get('export')
  async export(
    @Query() query: Record<string, string>,
    @Call() { user, request }: Caller,
    @Res() reply: FastifyReply,
  ) {
    const filter = parseFilter(query);
    await this.audit.record({
      action: 'audit_exported',
      actor: user,
      ip: request.ip,
      detail: { ...filter },
    });
    await streamExcel(
      reply,
      `审计日志-${chinaDate(new Date())}.xlsx`,
      '审计日志',
      AUDIT_COLUMNS,
      this.queries.batches(filter),
      {
        filters: await this.ledgerExports.filters([
          { label: '时间', value: dateRangeLabel(filter.from, filter.to) },
          { label: '用户', value: filter.user },
          { label: '单位', unitId: filter.unitId },
          { label: '操作', value: filter.action && AUDIT_ACTION_LABELS[filter.action] },
          {
            label: '结果',
            value: filter.result && (filter.result === 'success' ? '成功' : '失败'),
          },
        ]),
      },
    );
  }
}
