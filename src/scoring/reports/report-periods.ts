import type { DataWindow } from '../calculation/indicator-system.js';

/**
 * Report periods: a district report covers a quarter (2026-Q3), a major-project report two months
 * (2026-B5 = September–October). A report reads approved data as of the period's last day.
 */
export interface ReportPeriod {
  code: string;
  label: string;
  /** First and last day, YYYY-MM-DD. */
  start: string;
  end: string;
  year: number;
}

const QUARTER = /^(20\d{2})-Q([1-4])$/;
const BIMONTH = /^(20\d{2})-B([1-6])$/;

function lastDay(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function monthStart(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

export function parsePeriod(
  kind: 'district' | 'major_project',
  code: string,
): ReportPeriod | undefined {
  const match = (kind === 'district' ? QUARTER : BIMONTH).exec(code);
  if (!match) {
    return undefined;
  }
  const year = Number(match[1]);
  const index = Number(match[2]);
  const months = kind === 'district' ? 3 : 2;
  const first = (index - 1) * months + 1;
  const last = first + months - 1;
  return {
    code,
    label:
      kind === 'district'
        ? `${year}年第${'一二三四'[index - 1]}季度`
        : `${year}年${first}—${last}月`,
    start: monthStart(year, first),
    end: lastDay(year, last),
    year,
  };
}

/**
 * How a period code reads on a page: 2026-Q4 → 2026年第四季度, 2026-B5 → 2026年9—10月; a code that
 * is not one is shown as it is. Codes stay in URLs, form values, exports and the database.
 */
export function periodLabel(kind: 'district' | 'major_project', code: string): string {
  return parsePeriod(kind, code)?.label ?? code;
}

/** A quarter (the satisfaction returns, a district report's period) as pages show it. */
export function quarterLabel(code: string): string {
  return periodLabel('district', code);
}

/** The period containing a date, and the ones before it (newest first), for pickers. */
export function recentPeriods(
  kind: 'district' | 'major_project',
  today: string,
  count: number,
): ReportPeriod[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const perYear = kind === 'district' ? 4 : 6;
  const months = 12 / perYear;
  let index = Math.floor((month - 1) / months) + 1;
  let y = year;
  const periods: ReportPeriod[] = [];
  for (let i = 0; i < count; i += 1) {
    periods.push(parsePeriod(kind, `${y}-${kind === 'district' ? 'Q' : 'B'}${index}`)!);
    index -= 1;
    if (index === 0) {
      index = perYear;
      y -= 1;
    }
  }
  return periods;
}

/**
 * The first day of the records an indicator reads, by its data window: everything, the
 * evaluation year so far, or the period itself; `as_of` reads the state on the last day.
 * `evaluationYearStart` (config, e.g. 2023-01-01 in the seed) moves the year's start when it
 * falls in the period's year.
 */
export function windowStart(
  window: DataWindow,
  period: ReportPeriod,
  evaluationYearStart?: string,
): string {
  switch (window) {
    case 'cumulative':
    case 'as_of':
      return '2000-01-01';
    case 'period':
      return period.start;
    case 'year_to_date':
      return evaluationYearStart?.startsWith(`${period.year}-`) && evaluationYearStart <= period.end
        ? evaluationYearStart
        : `${period.year}-01-01`;
  }
}

/** A period has closed when its last day is before today (China dates): only then is it reported. */
export function isClosed(period: ReportPeriod, today: string): boolean {
  return period.end < today;
}

/** The latest closed period of a kind on `today`. */
export function latestClosedPeriod(
  kind: 'district' | 'major_project',
  today: string,
): ReportPeriod {
  return recentPeriods(kind, today, 2).find((period) => isClosed(period, today))!;
}
