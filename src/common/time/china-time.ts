/** Business dates are China Standard Time (UTC+8, no daylight saving) whatever the server's zone. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date in China of an instant, as YYYY-MM-DD. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China calendar date (YYYY-MM-DD) begins. */
export function startOfChinaDate(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** The instant the calendar quarter (in China) containing `instant` began. */
export function startOfChinaQuarter(instant: Date): Date {
  const [year, month] = chinaDate(instant).split('-').map(Number);
  const quarterMonth = Math.floor((month - 1) / 3) * 3 + 1;
  return startOfChinaDate(`${year}-${String(quarterMonth).padStart(2, '0')}-01`);
}

/** A valid YYYY-MM-DD calendar date (2000–2099), or undefined. */
export function parseChinaDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^20\d{2}-\d{2}-\d{2}$/.test(value)) {
    return undefined;
  }
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
    ? value
    : undefined;
}
