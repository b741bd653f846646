import { Body, Controller, Get, HttpCode, Post, Query, Render, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { optionalId, UUID_PATTERN } from '../common/http/params.js';
import { hasControlCharacters } from '../common/forms/form-validation.js';
import { Clock } from '../common/time/clock.js';
import { BULK_PASS_MAX, BulkReviewService, type BulkSelection } from './bulk-review.service.js';
import { searchText } from '../common/http/search-text.js';
import { UnitOptions } from '../units/unit-options.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS, type WorkflowState } from './workflow-chain.js';
import { setNavigationBadge } from '../home/navigation.js';
import { NavigationBadges } from './navigation-badges.js';
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
    private readonly bulk: BulkReviewService,
    private readonly clock: Clock,
    private readonly badges: NavigationBadges,
  ) {}

  /** 待办: what waits for me, grouped by functional area. */
  @Get('inbox')
  @Roles('reviewer', 'entry', 'office')
  @Render('workflow/inbox.hbs')
  async inbox(
    @CurrentUser() user: AuthUser,
    @Query() query: Record<string, string>,
    @Req() request: Pick<FastifyRequest, 'auth' | 'navigation'>,
  ) {
    const page = parsePage(query.page);
    const unitId = optionalId(query.unit, 'unit');
    const filter = {
      recordType: searchText(query.type, 60),
      unitId,
      submittedSince: parseDate(query.since),
      page,
    };
    const { rows, total, actionable } = await this.queries.inbox(
      user,
      filter,
      this.clock.now(),
      request.auth?.inboxRead,
    );
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
    // The session left the 待办 badge to this page (configure-app.ts): unfiltered, the query has
    // counted it; otherwise (past the last page) it is counted as on any other page. The badge
    // goes into the navigation the request already built.
    const badges = request.auth?.badges;
    if (badges && badges.inbox === undefined) {
      const unfiltered = !filter.recordType && !filter.unitId && !filter.submittedSince;
      badges.inbox =
        unfiltered && actionable !== undefined ? actionable : (await this.badges.count(user)).inbox;
      setNavigationBadge(request.navigation, 'inbox', badges.inbox);
    }
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

  /**
   * 批量通过: the records ticked in the inbox (`items` = id:version as the page showed them), each
   * passed through the engine on its own; the answer lists what went through and what did not.
   */
  @Post('inbox/pass')
  @HttpCode(200)
  @Roles('reviewer', 'entry', 'office')
  @Render('workflow/bulk-pass.hbs')
  async passMany(
    @CurrentUser() user: AuthUser,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const raw = Array.isArray(body.items) ? (body.items as unknown[]) : [body.items];
    const selections: BulkSelection[] = [];
    for (const value of raw) {
      const [id, version] = typeof value === 'string' ? value.split(':') : [];
      if (id && UUID_PATTERN.test(id) && /^\d{1,9}$/.test(version ?? '')) {
        if (!selections.some((selection) => selection.id === id)) {
          selections.push({ id: id.toLowerCase(), version: Number(version) });
        }
      }
    }
    const comment = typeof body.detail === 'string' ? body.detail.trim() : '';
    const problem =
      selections.length === 0
        ? '请先勾选要通过的记录'
        : selections.length > BULK_PASS_MAX
          ? `一次最多通过 ${BULK_PASS_MAX} 条`
          : comment.length > 2000
            ? '审核意见不能超过 2000 字'
            : hasControlCharacters(comment)
              ? '审核意见含有不可见的控制字符'
              : undefined;
    if (problem) {
      return { title: '批量通过', problem };
    }
    const result = await this.bulk.passMany(selections, user, comment || undefined, request.ip);
    return { title: '批量通过结果', ...result, comment };
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
