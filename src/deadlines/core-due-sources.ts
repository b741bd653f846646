import { Injectable, type OnModuleInit } from '@nestjs/common';
import { quarterLabel } from '../scoring/reports/report-periods.js';
import { DeadlineRegistry } from './deadline-registry.js';
import { DeadlineQueries, monthDueDays, type DueRow } from './deadlines.queries.js';
import type { DueItem, DueSource, DueWindow } from './due-items.js';
import { quartersEndingBetween } from './work-calendar.js';

const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/** A due source's row as a DueItem (modules' own sources use it too). */
export function toItem(
  module: string,
  row: DueRow,
  link: string,
  periodLabel: (period: string) => string,
): DueItem {
  return {
    module,
    itemKey: row.item_key,
    period: row.period,
    periodLabel: periodLabel(row.period),
    unitId: row.unit_id,
    unitName: row.unit_name,
    title: row.title,
    dueOn: row.due_on,
    status: row.status,
    link,
  };
}

/** A due source whose items are query rows: how to read them, link them and name their period. */
interface RowSource extends Omit<DueSource, 'items'> {
  rows: (window: DueWindow) => Promise<DueRow[]>;
  link: (row: DueRow) => string;
  periodLabel: (period: string) => string;
}

/**
 * The due filings of the modules that exist today, registered with the DeadlineRegistry. A module
 * added later (meetings' 议定事项, news 约稿) registers its own source the same way.
 */
@Injectable()
export class CoreDueSources implements OnModuleInit {
  constructor(
    private readonly registry: DeadlineRegistry,
    private readonly queries: DeadlineQueries,
  ) {}

  onModuleInit(): void {
    const unit = (window: DueWindow) => window.unitId ?? null;
    const months = (window: DueWindow) =>
      monthDueDays(window.calendar, window.from.slice(0, 7), window.to.slice(0, 7));
    const quarters = (window: DueWindow) => quartersEndingBetween(window.from, window.to);
    const sources: RowSource[] = [
      {
        module: 'project_indicators',
        label: '重大项目量化目标推进更新',
        cadence: 'monthly',
        rule: '作战图已下发、正在加快实施的重大改革项目，每月最后一个工作日前报送当月进度值（作战图下发前已过时限的月份不计）。',
        rows: (window) =>
          this.queries.projectItems(
            'indicators',
            months(window),
            window.from,
            window.to,
            unit(window),
          ),
        link: (row) => `/major-projects/${row.item_key}/indicator-reports/new?month=${row.period}`,
        periodLabel: monthLabel,
      },
      {
        module: 'project_plans',
        label: '重大项目月度计划推进更新',
        cadence: 'monthly',
        rule: '作战图（现行版本）中安排在当月的每项月度计划，每月最后一个工作日前更新推进状态。',
        rows: (window) =>
          this.queries.projectItems('plans', months(window), window.from, window.to, unit(window)),
        link: (row) => `/major-projects/${row.item_key}`,
        periodLabel: monthLabel,
      },
      ...(
        [
          ['demand_list', '需求清单任务'],
          ['blocker', '堵点卡点任务'],
          // 深改委议定事项 are assignment tasks too (src/meetings): the same first-then-quarterly rule.
          ['meeting_decision', '深改委议定事项'],
        ] as const
      ).map(([module, label]): RowSource => ({
        module,
        label,
        cadence: 'quarterly',
        rule: '反馈时限前完成首次反馈；之后每季度（季度最后一天前）更新一次，直至推进状态为“已完成”。',
        rows: (window) =>
          this.queries.taskItems(module, window.from, window.to, quarters(window), unit(window)),
        link: (row) => `/tasks/${row.item_key}`,
        periodLabel: (period) => (period === 'first' ? '首次反馈' : quarterLabel(period)),
      })),
      {
        module: 'pilot_progress',
        label: '改革试点推进状态',
        cadence: 'quarterly',
        rule: '主管部门确认分发后，每个承接区县每季度（季度最后一天前）更新一次推进状态，直至试点通过验收；在季度最后一个月分发的，从下一季度起。',
        rows: (window) => this.queries.pilotItems(quarters(window), unit(window)),
        link: (row) => `/pilot-streams/${row.item_key}`,
        periodLabel: quarterLabel,
      },
      {
        module: 'satisfaction',
        label: '区县改革满意度',
        cadence: 'quarterly',
        rule: '市社情民意调查中心每季度（季度最后一天前）报送一次各区县改革满意度得分。',
        rows: (window) => this.queries.satisfactionItems(quarters(window), unit(window)),
        link: () => '/satisfaction/new',
        periodLabel: quarterLabel,
      },
    ];
    for (const { rows, link, periodLabel, ...source } of sources) {
      this.registry.register({
        ...source,
        items: async (window) =>
          (await rows(window)).map((row) => toItem(source.module, row, link(row), periodLabel)),
      });
    }
  }
}
