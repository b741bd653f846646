import { addDays, daysBetween, type WorkCalendar } from './work-calendar.js';

/** Where a due filing stands: nothing (or only a draft, or sent back), waiting for review, approved. */
export type DueStatus = 'not_filed' | 'reviewing' | 'approved';

export const DUE_STATUS_LABELS: Record<DueStatus, string> = {
  not_filed: '未报送',
  reviewing: '审核中',
  approved: '已通过',
};

/** One filing a unit owes by a date: a task's first feedback, a quarter's update, a month's update. */
export interface DueItem {
  /** The module that owes it (a registered source): 'project_indicators', 'blocker', … */
  module: string;
  /** What it is about: a task, a pilot stream, a project, the survey return. */
  itemKey: string;
  /** Which filing of the item: 'first' (反馈时限), a quarter 2026-Q4, a month 2026-10. */
  period: string;
  periodLabel: string;
  unitId: number;
  unitName: string;
  title: string;
  /** The due day, a China date YYYY-MM-DD: filed on it is on time. */
  dueOn: string;
  status: DueStatus;
  link: string;
}

/** Due dates from `from` to `to` (China dates, both included), for one unit or all. */
export interface DueWindow {
  from: string;
  to: string;
  unitId?: number;
  calendar: WorkCalendar;
}

/**
 * A module's contribution to the one list of due dates. Sources register with the
 * DeadlineRegistry when their module starts (meetings' 议定事项 and news 约稿 plug in the same way).
 */
export interface DueSource {
  module: string;
  /** 量化目标推进更新, 堵点卡点任务, … */
  label: string;
  /** How often it falls due, for the board's period picker and the help text (once: 约稿). */
  cadence: 'monthly' | 'quarterly' | 'once';
  /** The rule in words, for the on-page help. */
  rule: string;
  items(window: DueWindow): Promise<DueItem[]>;
}

/** Overdue: the due day has passed (China date) and nothing is filed. Filed (in review) is not. */
export function isOverdue(item: Pick<DueItem, 'dueOn' | 'status'>, today: string): boolean {
  return item.status === 'not_filed' && item.dueOn < today;
}

export type ReminderKind = 'before' | 'due_day' | 'overdue' | 'overdue_office';

export interface ReminderSettings {
  /** 提前提醒天数: the reminder before goes this many days ahead (0: none). */
  daysBefore: number;
  /** 逾期转报天数: an item still overdue this many days after its due day is reported to the office. */
  officeGraceDays: number;
}

/**
 * The reminders an item is owed on `today`, by where today falls against its due day D (d days
 * before D, settings.daysBefore = N, grace G):
 * - D − N ≤ today < D: 'before' (sent once; a run that starts late inside the window still sends it);
 * - today = D: 'due_day';
 * - today > D: 'overdue' (to the unit's clerks and reviewers);
 * - today > D + G: also 'overdue_office' (to the office).
 * Nothing for a filing already made (in review or approved). Each kind is sent once per item and
 * period (the caller records it under a unique key), so a day missed by the scheduler is caught up
 * by the next run with the reminder that is right for that day, never a stale one.
 */
export function remindersDue(
  item: Pick<DueItem, 'dueOn' | 'status'>,
  today: string,
  settings: ReminderSettings,
): ReminderKind[] {
  if (item.status !== 'not_filed') {
    return [];
  }
  const daysLeft = daysBetween(today, item.dueOn);
  if (daysLeft > 0) {
    return daysLeft <= settings.daysBefore ? ['before'] : [];
  }
  if (daysLeft === 0) {
    return ['due_day'];
  }
  return -daysLeft > settings.officeGraceDays ? ['overdue', 'overdue_office'] : ['overdue'];
}

/** The window of due days the reminder run looks at: a quarter back (older ones stay on the board). */
export function reminderWindow(
  today: string,
  settings: ReminderSettings,
): { from: string; to: string } {
  return { from: addDays(today, -92), to: addDays(today, settings.daysBefore) };
}
