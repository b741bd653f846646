import { Controller, Get, Query, Render } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { optionalId } from '../common/http/params.js';
import { searchText } from '../common/http/search-text.js';
import { UnitOptions } from '../units/unit-options.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS, type WorkflowState } from './workflow-chain.js';
import { INBOX_PAGE_SIZE, WorkflowQueries } from './workflow-queries.js';
import { WorkflowRegistry } from './workflow-registry.js';

function parseDate(raw: unknown): Date | undefined {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    return undefined;
  }
  const date = new Date(`${raw}T00:00:00+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

@Controller()
export class InboxController {
  constructor(
    private readonly queries: WorkflowQueries,
    private readonly unitOptions: UnitOptions,
    private readonly registry: WorkflowRegistry,
  ) {}

  /** 待办: what waits for me, grouped by functional area. */
  @Get('inbox')
  @Roles('reviewer', 'entry', 'office')
  @Render('workflow/inbox.hbs')
  async inbox(@CurrentUser() user: AuthUser, @Query() query: Record<string, string>) {
    const page = parsePage(query.page);
    const unitId = optionalId(query.unit, 'unit');
    const filter = {
      recordType: searchText(query.type, 60),
      unitId,
      submittedSince: parseDate(query.since),
      page,
    };
    const { rows, total } = await this.queries.inbox(user, filter);
    const groups: { moduleLabel: string; rows: typeof rows }[] = [];
    for (const row of rows) {
      const group = groups.find((candidate) => candidate.moduleLabel === row.moduleLabel);
      if (group) {
        group.rows.push(row);
      } else {
        groups.push({ moduleLabel: row.moduleLabel, rows: [row] });
      }
    }
    const units = await this.unitOptions.active();
    return {
      title: '待办',
      groups,
      sections: await this.registry.inboxSections(user),
      total,
      filters: { type: query.type ?? '', unit: unitId ?? '', since: query.since ?? '' },
      typeOptions: this.queries.recordTypeOptions(),
      units,
      pagination: buildPagination('/inbox', query, page, total, INBOX_PAGE_SIZE),
    };
  }

  /** 我的填报: my unit's records by state, the reason shown when one came back. */
  @Get('my-submissions')
  @Roles('entry', 'reviewer')
  @Render('workflow/my-submissions.hbs')
  async mySubmissions(@CurrentUser() user: AuthUser, @Query() query: Record<string, string>) {
    const page = parsePage(query.page);
    const state = (WORKFLOW_STATES as readonly string[]).includes(query.state)
      ? (query.state as WorkflowState)
      : undefined;
    const { rows, total } = await this.queries.unitSubmissions(user, {
      state,
      recordType: searchText(query.type, 60),
      page,
    });
    return {
      title: '我的填报',
      rows,
      total,
      filters: { state: state ?? '', type: query.type ?? '' },
      stateOptions: WORKFLOW_STATES.map((value) => ({
        value,
        label: WORKFLOW_STATE_LABELS[value],
      })),
      typeOptions: this.queries.recordTypeOptions(),
      pagination: buildPagination('/my-submissions', query, page, total),
    };
  }
}
