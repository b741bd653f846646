import { parsePeriod, recentPeriods, windowStart } from './report-periods.js';

describe('report periods', () => {
  it('should read a quarter and a two-month period with their first and last days', () => {
    expect(parsePeriod('district', '2026-Q3')).toEqual({
      code: '2026-Q3',
      label: '2026年第三季度',
      start: '2026-07-01',
      end: '2026-09-30',
      year: 2026,
    });
    // February of a leap year ends on the 29th.
    expect(parsePeriod('major_project', '2028-B1')).toMatchObject({
      label: '2028年1—2月',
      start: '2028-01-01',
      end: '2028-02-29',
    });
    expect(parsePeriod('major_project', '2026-B6')).toMatchObject({ end: '2026-12-31' });
    expect(parsePeriod('district', '2026-B1')).toBeUndefined();
    expect(parsePeriod('district', '2026-Q5')).toBeUndefined();
  });

  it('should list the current and earlier periods across a year boundary', () => {
    expect(recentPeriods('district', '2026-02-10', 3).map((p) => p.code)).toEqual([
      '2026-Q1',
      '2025-Q4',
      '2025-Q3',
    ]);
    expect(recentPeriods('major_project', '2026-11-23', 2).map((p) => p.code)).toEqual([
      '2026-B6',
      '2026-B5',
    ]);
  });

  it('should start each data window where DESIGN §4 says', () => {
    const q3 = parsePeriod('district', '2026-Q3')!;
    expect(windowStart('period', q3)).toBe('2026-07-01');
    expect(windowStart('year_to_date', q3)).toBe('2026-01-01');
    // A configured evaluation year start counts only inside the period's year.
    expect(windowStart('year_to_date', q3, '2026-03-01')).toBe('2026-03-01');
    expect(windowStart('year_to_date', q3, '2023-01-01')).toBe('2026-01-01');
    expect(windowStart('as_of', q3)).toBe('2000-01-01');
  });
});
