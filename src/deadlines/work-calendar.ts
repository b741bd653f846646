/**
 * Working days in China: Monday–Friday, except the public holidays (休) of the year's State
 * Council notice, plus its make-up working days (班, usually a weekend day). The adjustments are
 * data the admin edits (table work_calendar); with none, only weekends are days off. Pure: dates
 * are China calendar dates YYYY-MM-DD.
 */
export type CalendarDayKind = 'holiday' | 'workday';

export class WorkCalendar {
  static readonly WEEKENDS_ONLY = new WorkCalendar(new Map());

  constructor(private readonly adjustments: ReadonlyMap<string, CalendarDayKind>) {}

  isWorkingDay(date: string): boolean {
    const adjustment = this.adjustments.get(date);
    if (adjustment !== undefined) {
      return adjustment === 'workday';
    }
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The last working day on or before `date`. */
  workingDayOnOrBefore(date: string): string {
    let day = date;
    while (!this.isWorkingDay(day)) {
      day = addDays(day, -1);
    }
    return day;
  }

  /** 每月底最后一个工作日: the last working day of a month (YYYY-MM). */
  lastWorkingDayOfMonth(month: string): string {
    return this.workingDayOnOrBefore(lastDayOfMonth(month));
  }
}

/** A China calendar date moved by whole days. */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (24 * 3600 * 1000),
  );
}

/** The last calendar day of a month ('2026-02' → '2026-02-28'). */
export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const day = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** The months from `from` to `to` (YYYY-MM, both included). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number);
  for (;;) {
    const code = `${year}-${String(month).padStart(2, '0')}`;
    if (code > to) {
      return months;
    }
    months.push(code);
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
}

/** The quarter of a date or month: '2026-11-20' → '2026-Q4'. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** First and last day of a quarter code ('2026-Q4' → 2026-10-01, 2026-12-31). */
export function quarterBounds(quarter: string): { start: string; end: string } {
  const year = Number(quarter.slice(0, 4));
  const index = Number(quarter.slice(6));
  const first = (index - 1) * 3 + 1;
  const start = `${year}-${String(first).padStart(2, '0')}-01`;
  return { start, end: lastDayOfMonth(`${year}-${String(first + 2).padStart(2, '0')}`) };
}

/** The quarters whose last day falls in [from, to] (dates), oldest first. */
export function quartersEndingBetween(from: string, to: string): string[] {
  const quarters: string[] = [];
  let quarter = quarterOf(from);
  for (;;) {
    const { end } = quarterBounds(quarter);
    if (end > to) {
      return quarters;
    }
    if (end >= from) {
      quarters.push(quarter);
    }
    quarter = quarterOf(addDays(end, 1));
  }
}
