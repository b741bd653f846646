/** The period of a 工作动态 通报: a month, a quarter or a year (China calendar). */
export interface NewsPeriod {
  kind: 'month' | 'quarter' | 'year';
  year: number;
  /** The month (1–12) or quarter (1–4); 1 for a year. */
  number: number;
}

export const PERIOD_KIND_LABELS: Record<NewsPeriod['kind'], string> = {
  month: '月度',
  quarter: '季度',
  year: '年度',
};

const pad = (value: number) => String(value).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period's first and last dates, both inclusive. */
export function periodBounds(period: NewsPeriod): { from: string; to: string } {
  const firstMonth =
    period.kind === 'month' ? period.number : period.kind === 'quarter' ? period.number * 3 - 2 : 1;
  const lastMonth =
    period.kind === 'month' ? period.number : period.kind === 'quarter' ? period.number * 3 : 12;
  return {
    from: `${period.year}-${pad(firstMonth)}-01`,
    to: `${period.year}-${pad(lastMonth)}-${pad(lastDayOfMonth(period.year, lastMonth))}`,
  };
}

export function periodLabel(period: NewsPeriod): string {
  if (period.kind === 'month') {
    return `${period.year}年${period.number}月`;
  }
  return period.kind === 'quarter' ? `${period.year}年第${period.number}季度` : `${period.year}年`;
}

/**
 * The period a query asks for (`period`, `year`, `number`), defaulting to the current month of
 * `today`; a number out of range falls back to the current one.
 */
export function parsePeriod(query: Record<string, unknown>, today: string): NewsPeriod {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const kind =
    query.period === 'quarter' || query.period === 'year' ? query.period : ('month' as const);
  const typedYear = Number(query.year);
  const chosenYear =
    Number.isInteger(typedYear) && typedYear >= 2000 && typedYear <= 2100 ? typedYear : year;
  const max = kind === 'month' ? 12 : kind === 'quarter' ? 4 : 1;
  const current = kind === 'month' ? month : kind === 'quarter' ? Math.ceil(month / 3) : 1;
  const typedNumber = Number(query.number);
  const number =
    Number.isInteger(typedNumber) && typedNumber >= 1 && typedNumber <= max ? typedNumber : current;
  return { kind, year: chosenYear, number: kind === 'year' ? 1 : number };
}

/** 采用率 = 采用数 ÷ 报送数 as a percentage with one decimal; null when nothing was filed. */
export function adoptionRate(adopted: number, submitted: number): number | null {
  return submitted === 0 ? null : Math.round((adopted / submitted) * 1000) / 10;
}
