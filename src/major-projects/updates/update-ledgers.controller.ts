import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { ledgerQuery } from '../../common/http/ledger-query.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { dateRangeLabel } from '../../exports/excel-export.js';
import { LedgerExports } from '../../exports/ledger-exports.js';
import { WORKFLOW_STATE_LABELS, WORKFLOW_STATES } from '../../workflow/workflow-chain.js';
import { ProjectsService } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import { IndicatorReportsService } from './indicator-reports.service.js';
import { PlanUpdatesService } from './plan-updates.service.js';
import { PromotionsService } from './promotions.service.js';
import type { LedgerFilter } from './update-access.js';
import {
  LEDGER_KEYS,
  ledgerFilterSpec,
  UPDATE_LEDGERS,
  type LedgerKey,
  type LedgerServices,
} from './update-ledgers.view-model.js';

type Query = Record<string, string>;
type Filter = LedgerFilter & Record<string, unknown>;

/**
 * The four ledgers of the monthly updates: filters, paging, and the Excel of what they select.
 * Each ledger is data (UPDATE_LEDGERS); its two routes (`<key>` and `<key>/export`) are declared
 * from that list below the class.
 */
@Controller('major-projects/ledgers')
@Roles('entry', 'reviewer', 'office', 'leader', 'admin')
export class UpdateLedgersController {
  private readonly services: LedgerServices;

  constructor(
    private readonly projects: ProjectsService,
    indicatorReports: IndicatorReportsService,
    planUpdates: PlanUpdatesService,
    promotions: PromotionsService,
    brands: BrandItemsService,
    private readonly ledgerExports: LedgerExports,
    private readonly clock: Clock,
  ) {
    this.services = { indicatorReports, planUpdates, promotions, brands };
  }

  async list(key: LedgerKey, query: Query, user: AuthUser, reply: FastifyReply) {
    const ledger = UPDATE_LEDGERS[key];
    const spec = ledgerQuery(ledgerFilterSpec(ledger));
    const filter = spec.parse(query) as Filter;
    const path = `/major-projects/ledgers/${key}`;
    const result = await ledger.read(this.services, user, filter);
    const extra = ledger.extra;
    const page = spec.page(path, query, filter, result);
    return reply.view('major-projects/updates/ledger.hbs', {
      active: key,
      title: ledger.title,
      empty: ledger.empty,
      monthRange: ledger.months,
      headers: ledger.headers,
      ...page,
      rows: result.rows.map(ledger.row),
      path,
      extra: extra && {
        name: extra.field.param,
        label: extra.label,
        value: page.filters[extra.key],
        options: await extra.options(this.services),
      },
      projectOptions: await this.projects.choices(user),
      unitOptions: this.projects.canReadAll(user) ? await this.projects.responsibleUnits() : [],
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
    });
  }

  async export(key: LedgerKey, query: Query, user: AuthUser, reply: FastifyReply) {
    const ledger = UPDATE_LEDGERS[key];
    const filter = ledgerQuery(ledgerFilterSpec(ledger)).parse(query) as Filter;
    // The project's name only among the projects the user may see (as the page's dropdown).
    const project = filter.projectId
      ? ((await this.projects.choices(user)).find((p) => p.id === filter.projectId)?.name ?? '—')
      : undefined;
    const extra = ledger.extra;
    const filters = await this.ledgerExports.filters([
      { label: '项目', value: project },
      { label: '责任单位', unitId: filter.unitId },
      ...(extra ? [extra.exportFilter(filter[extra.key])] : []),
      { label: ledger.months ? '月份' : '日期', value: dateRangeLabel(filter.from, filter.to) },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
    ]);
    await this.ledgerExports.stream(
      reply,
      {
        label: ledger.title,
        today: chinaDate(this.clock.now()),
        columns: ledger.columns,
        filters,
      },
      (page, pageSize, db) => ledger.read(this.services, user, { ...filter, page }, pageSize, db),
    );
  }
}

// GET <key> and GET <key>/export of every ledger, each a handler of its own (as if written out).
for (const key of LEDGER_KEYS) {
  const name = key.replace(/-(\w)/g, (_match, letter: string) => letter.toUpperCase());
  for (const [suffix, handler] of [
    ['', 'list'],
    ['/export', 'export'],
  ] as const) {
    const method = `${name}${suffix ? 'Export' : 'Ledger'}`;
    const prototype = UpdateLedgersController.prototype as unknown as Record<string, unknown>;
    prototype[method] = function (
      this: UpdateLedgersController,
      query: Query,
      user: AuthUser,
      reply: FastifyReply,
    ) {
      return this[handler](key, query, user, reply);
    };
    const descriptor = Object.getOwnPropertyDescriptor(prototype, method)!;
    Get(`${key}${suffix}`)(prototype, method, descriptor);
    Query()(prototype, method, 0);
    CurrentUser()(prototype, method, 1);
    Res()(prototype, method, 2);
  }
}
