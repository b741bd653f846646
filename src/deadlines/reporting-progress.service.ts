import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { TtlCache } from '../common/time/ttl-cache.js';
import { WorkflowRegistry, type InboxSection } from '../workflow/workflow-registry.js';
import type { BoardFilter } from './board-filter.js';
import { DeadlineRegistry } from './deadline-registry.js';
import { DeadlineQueries, ReminderWrites } from './deadlines.queries.js';
import { DUE_STATUS_LABELS, isOverdue, type DueItem } from './due-items.js';
import { addDays, daysBetween, lastDayOfMonth, quarterBounds, quarterOf } from './work-calendar.js';
import { WorkCalendarService } from './work-calendar.service.js';

export interface BoardUnitRow {
  unitId: number;
  unitName: string;
  unitKind: string;
  due: number;
  /** Not filed, due day still ahead (today included). */
  pending: number;
  reviewing: number;
  approved: number;
  overdue: number;
}

export interface UrgeResult {
  urged: { unitName: string; moduleLabel: string; count: number }[];
  refused: { unitName: string; moduleLabel: string }[];
  notified: number;
}

/** How long the 待办's 待报送 of a unit is reused (a workflow transition drops it at once). */
const DUE_SOON_TTL_MS = 60_000;

/** How an item's state reads on a page, with the tag class. */
export function itemState(item: DueItem, today: string): { text: string; tag: string } {
  if (isOverdue(item, today)) {
    return { text: `已逾期 ${daysBetween(item.dueOn, today)} 天`, tag: 'tag tag-bad' };
  }
  if (item.status === 'not_filed') {
    const left = daysBetween(today, item.dueOn);
    return left === 0
      ? { text: '今日截止', tag: 'tag tag-warn' }
      : { text: `未报送（还有 ${left} 天）`, tag: left <= 3 ? 'tag tag-warn' : 'tag' };
  }
  return {
    text: DUE_STATUS_LABELS[item.status],
    tag: item.status === 'approved' ? 'tag tag-ok' : 'tag',
  };
}

/**
 * 填报进度 / 催报: per unit, what falls due in the period and where each filing stands; the 催报
 * action (at most once a day per unit and module); the unit's own 待报送 on the home page and in 待办.
 */
@Injectable()
export class ReportingProgressService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: DeadlineRegistry,
    private readonly calendars: WorkCalendarService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly workflowRegistry: WorkflowRegistry,
    private readonly queries: DeadlineQueries,
  ) {}

  /**
   * The 待办's 待报送 per day and unit: seven due sources' queries, several milliseconds of SQL, on
   * every inbox page otherwise (issue 21: the inbox within 0.9 of the raw stack). Kept for a
   * minute; dropped as soon as a record moves through the workflow here (filed, passed, returned:
   * the statuses it shows). Another instance, or a change of the calendar, the reminder settings
   * or the tasks assigned, shows within the minute.
   */
  private readonly dueSoon = new TtlCache<InboxSection>(DUE_SOON_TTL_MS, 1000, () =>
    this.clock.now().getTime(),
  );

  onModuleInit(): void {
    // 待办: the own unit's filings due soon or overdue, for its clerks and reviewers.
    this.workflowRegistry.registerInboxSection(async (user) => {
      if (!user.roles.includes('entry') && !user.roles.includes('reviewer')) {
        return undefined;
      }
      const today = chinaDate(this.clock.now());
      return this.dueSoon.get(`${today}:${user.unitId}`, () =>
        this.dueSoonSection(user.unitId, today),
      );
    });
    this.workflowRegistry.onCommittedTransition(() => this.dueSoon.clear());
  }

  private async dueSoonSection(unitId: number, today: string): Promise<InboxSection> {
    const settings = await this.calendars.settings();
    const items = (await this.unitItems(unitId, today)).filter(
      (item) =>
        item.status === 'not_filed' && daysBetween(today, item.dueOn) <= settings.daysBefore,
    );
    return {
      title: '待报送（临近截止和已逾期）',
      rows: items.map((item) => {
        const state = itemState(item, today);
        return {
          href: item.link,
          title: item.title,
          meta: `${this.label(item.module)} · ${item.periodLabel} · 应于 ${item.dueOn} 前报送`,
          flags: [{ label: state.text, kind: isOverdue(item, today) ? 'bad' : 'warn' }],
        };
      }),
    };
  }

  modules(): { value: string; label: string; rule: string }[] {
    return this.registry
      .all()
      .map((source) => ({ value: source.module, label: source.label, rule: source.rule }));
  }

  label(module: string): string {
    return this.registry.get(module)?.label ?? module;
  }

  /** The items of the board's selection (module, period, unit kind), unit filter not applied. */
  async items(filter: BoardFilter): Promise<DueItem[]> {
    const calendar = await this.calendars.calendar();
    const items = await this.registry.items(
      { from: filter.from, to: filter.to, calendar, unitId: filter.unitId },
      filter.module || undefined,
    );
    if (filter.unitKind === 'all') {
      return items;
    }
    const kinds = await this.unitKinds();
    return items.filter((item) => kinds.get(item.unitId) === filter.unitKind);
  }

  async board(filter: BoardFilter, today: string) {
    const items = await this.items({ ...filter, unitId: undefined });
    const kinds = await this.unitKinds();
    const byUnit = new Map<number, BoardUnitRow>();
    for (const item of items) {
      let row = byUnit.get(item.unitId);
      if (!row) {
        row = {
          unitId: item.unitId,
          unitName: item.unitName,
          unitKind: kinds.get(item.unitId) ?? '',
          due: 0,
          pending: 0,
          reviewing: 0,
          approved: 0,
          overdue: 0,
        };
        byUnit.set(item.unitId, row);
      }
      row.due += 1;
      if (isOverdue(item, today)) {
        row.overdue += 1;
      } else if (item.status === 'not_filed') {
        row.pending += 1;
      } else if (item.status === 'reviewing') {
        row.reviewing += 1;
      } else {
        row.approved += 1;
      }
    }
    const rows = [...byUnit.values()]
      .filter((row) => {
        switch (filter.status) {
          case 'all':
            return true;
          case 'overdue':
            return row.overdue > 0;
          case 'pending':
            return row.pending > 0;
          case 'reviewing':
            return row.reviewing > 0;
          case 'approved':
            return row.approved === row.due;
        }
      })
      .sort((a, b) => b.overdue - a.overdue || a.unitName.localeCompare(b.unitName, 'zh-CN'));
    const totals = rows.reduce(
      (sum, row) => ({
        due: sum.due + row.due,
        pending: sum.pending + row.pending,
        reviewing: sum.reviewing + row.reviewing,
        approved: sum.approved + row.approved,
        overdue: sum.overdue + row.overdue,
      }),
      { due: 0, pending: 0, reviewing: 0, approved: 0, overdue: 0 },
    );
    const urgedToday = await ReminderWrites.urgedToday(this.dataSource, today);
    const detail =
      filter.unitId === undefined
        ? undefined
        : items
            .filter((item) => item.unitId === filter.unitId)
            .map((item) => ({
              ...item,
              moduleLabel: this.label(item.module),
              state: itemState(item, today),
            }));
    return {
      rows: rows.map((row) => ({
        ...row,
        urgedToday: urgedToday.some(
          (urge) =>
            urge.unit_id === row.unitId && (filter.module === '' || urge.module === filter.module),
        ),
      })),
      totals,
      detail,
      detailUnitName: detail?.[0]?.unitName,
    };
  }

  /**
   * 催报: notifies the clerks and reviewers of each unit with overdue items in the selection (one
   * unit, or all), one message per unit and module, at most once a day per unit and module (a
   * second 催报 the same day is refused and named in the answer). Audited.
   */
  async urge(filter: BoardFilter, unitId: number | undefined, user: AuthUser): Promise<UrgeResult> {
    const today = chinaDate(this.clock.now());
    const items = (await this.items({ ...filter, unitId })).filter((item) =>
      isOverdue(item, today),
    );
    const groups = new Map<string, DueItem[]>();
    for (const item of items) {
      const key = `${item.unitId}|${item.module}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const result: UrgeResult = { urged: [], refused: [], notified: 0 };
    await this.dataSource.transaction(async (manager) => {
      for (const group of groups.values()) {
        const [first] = group;
        const moduleLabel = this.label(first.module);
        const claimed = await ReminderWrites.claimUrge(manager, {
          unitId: first.unitId,
          module: first.module,
          period: filter.period,
          today,
          count: group.length,
          by: user.id,
        });
        if (!claimed) {
          result.refused.push({ unitName: first.unitName, moduleLabel });
          continue;
        }
        const earliest = group.reduce(
          (min, item) => (item.dueOn < min ? item.dueOn : min),
          first.dueOn,
        );
        result.notified += await ReminderWrites.notifyUnit(
          manager,
          first.unitId,
          ['entry', 'reviewer'],
          'urge',
          `【催报】市委改革办提醒：贵单位有 ${group.length} 项${moduleLabel}已逾期未报送（最早应于 ${earliest} 前报送），请尽快填报并审核上报`,
          group.length === 1 ? first.link : '/',
        );
        result.urged.push({ unitName: first.unitName, moduleLabel, count: group.length });
        await this.audit.record(
          {
            action: 'reporting_urged',
            actor: user,
            target: { type: 'unit', id: first.unitId, label: first.unitName },
            detail: { module: first.module, period: filter.period, overdueItems: group.length },
          },
          manager,
        );
      }
    });
    return result;
  }

  /** The unit's items due this month or this quarter, and any overdue in the last quarter. */
  async unitItems(unitId: number, today: string): Promise<DueItem[]> {
    const calendar = await this.calendars.calendar();
    const quarter = quarterBounds(quarterOf(today));
    const monthEnd = lastDayOfMonth(today.slice(0, 7));
    const items = await this.registry.items({
      from: addDays(today, -92) < quarter.start ? addDays(today, -92) : quarter.start,
      to: monthEnd > quarter.end ? monthEnd : quarter.end,
      calendar,
      unitId,
    });
    return items.filter((item) => item.dueOn >= quarter.start || isOverdue(item, today));
  }

  /** 本月/本季度待报送 on the home page of a unit's clerks and reviewers. */
  async homeSummary(user: AuthUser) {
    const today = chinaDate(this.clock.now());
    const settings = await this.calendars.settings();
    const items = await this.unitItems(user.unitId, today);
    const monthEnd = lastDayOfMonth(today.slice(0, 7));
    const view = (item: DueItem) => ({
      ...item,
      moduleLabel: this.label(item.module),
      state: itemState(item, today),
    });
    return {
      overdue: items.filter((item) => isOverdue(item, today)).map(view),
      thisMonth: items
        .filter(
          (item) =>
            !isOverdue(item, today) &&
            item.dueOn >= today.slice(0, 8) + '01' &&
            item.dueOn <= monthEnd,
        )
        .map(view),
      laterThisQuarter: items
        .filter((item) => !isOverdue(item, today) && item.dueOn > monthEnd)
        .map(view),
      daysBefore: settings.daysBefore,
    };
  }

  private async unitKinds(): Promise<Map<number, string>> {
    return this.queries.unitKinds();
  }
}
