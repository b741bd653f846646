import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, CurrentUser, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Clock } from '../common/time/clock.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { dateRangeLabel, type ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { createFromForm, refuseFiling } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import {
  RiskEventDto,
  RiskService,
  type RiskEventRow,
  type RiskLedgerFilter,
} from './risk.service.js';

/**
 * The dictionary label holds type and level together, e.g. 群体性事件（重大）; the export shows them
 * in two columns. A label without a bracketed level (重大负面网络舆情) is a type alone.
 */
export function splitLevelLabel(label: string): { type: string; level: string } {
  const match = /^(.+?)\s*[（(]([^（）()]+)[）)]$/.exec(label.trim());
  return match ? { type: match[1], level: match[2] } : { type: label, level: '' };
}

const COLUMNS: ExcelColumn<RiskEventRow>[] = [
  dateColumn('发生时间', 12, (row) => row.occurred_on),
  { header: '类型', width: 20, value: (row) => splitLevelLabel(row.level_label).type },
  { header: '等级', width: 10, value: (row) => splitLevelLabel(row.level_label).level },
  { header: '涉及区县/项目', width: 20, value: (row) => row.involved_unit_name },
  { header: '详情', width: 60, value: (row) => row.details },
  { header: '上报单位', width: 14, value: (row) => row.unit_name },
  {
    header: '扣分',
    width: 8,
    kind: 'number',
    // Frozen at approval; an event still under review has no deduction yet.
    value: (row) =>
      row.state === 'approved' && row.deduction_applied !== null
        ? Number(row.deduction_applied)
        : null,
  },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
];

const LEDGER = ledgerQuery({
  involvedUnitId: filterField.id('unit'),
  involvedProjectId: filterField.uuid('project'),
  levelCode: filterField.text('level', 60),
  from: filterField.date('from'),
  to: filterField.date('to'),
  state: filterField.oneOf('state', WORKFLOW_STATES),
});
const stateOptions = optionsOf(WORKFLOW_STATES, WORKFLOW_STATE_LABELS);

@Controller('risk')
@Roles(...BUSINESS_ROLES)
export class RiskController extends LedgerRoutes({
  path: '/risk',
  view: 'risk/index.hbs',
  title: '改革风险事件',
  exportLabel: '改革风险台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  protected readonly ledgerRows: LedgerReader<RiskLedgerFilter, RiskEventRow> = (...args) =>
    this.risk.ledger(...args);

  constructor(
    private readonly risk: RiskService,
    protected readonly ledgerExports: LedgerExports,
    private readonly panels: WorkflowPanelBuilder,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    const isReporter = this.risk.isReporter(user);
    return {
      ...(await this.risk.options()),
      // Only a reporter unit sees events that are not approved, so only it filters by state.
      stateOptions: isReporter ? stateOptions : undefined,
      canCreate: user.roles.includes('entry') && isReporter,
      canEditDeductions: user.roles.includes('office'),
    };
  }

  protected override async exportFilters(filter: RiskLedgerFilter) {
    const options = await this.risk.options();
    return this.ledgerExports.filters([
      { label: '涉及区县', unitId: filter.involvedUnitId },
      {
        label: '涉及项目',
        value: filter.involvedProjectId
          ? (options.projects.find((p) => p.id === filter.involvedProjectId)?.name ?? '—')
          : undefined,
      },
      {
        label: '类型与等级',
        value: filter.levelCode
          ? (options.levels.find((l) => l.code === filter.levelCode)?.label ?? filter.levelCode)
          : undefined,
      },
      { label: '发生时间', value: dateRangeLabel(filter.from, filter.to) },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
    ]);
  }

  @Get('new')
  @Roles('entry')
  newForm(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderForm(reply, user, 200, {}, {});
  }

  @Post()
  @Roles('entry')
  create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    return createFromForm(
      request,
      reply,
      body,
      {
        dto: RiskEventDto,
        rules: (form, failed) => this.risk.formErrors(form, failed),
        rerender: (values, errors) => this.renderForm(reply, user, 422, values, errors),
        link: (id) => `/risk/${id}`,
        answer: (id, submitted) => this.panels.savedAnswer(id, submitted),
      },
      (data) => this.risk.create(data, user, ip),
    );
  }

  /** 扣分标准 (有事法则): the office edits the values; approved events keep the value they got. */
  @Post('deductions/:code')
  @Roles('office')
  async setDeduction(
    @Param('code') code: string,
    @Call() call: Caller,
    @Res() reply: FastifyReply,
  ) {
    await this.risk.setDeduction(code, Number(call.body.points), call.user, call.ip);
    setFlash(reply, 'success', '扣分标准已更新，只对此后审核通过的事件生效');
    return seeOther(call.request, reply, '/risk');
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const page = await this.risk.page(id, user);
    const panel = await this.panels.build(page.item, user);
    return reply.view('risk/show.hbs', { title: page.event.level_label, ...page, panel });
  }

  private async renderForm(
    reply: FastifyReply,
    user: AuthUser,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    if (!this.risk.isReporter(user)) {
      return refuseFiling(reply, '仅市委网信办、市信访办等风险事件填报单位可以录入改革风险事件。');
    }
    return reply.code(status).view('risk/form.hbs', {
      title: '录入改革风险事件',
      values,
      errors,
      ...(await this.risk.options()),
    });
  }
}
