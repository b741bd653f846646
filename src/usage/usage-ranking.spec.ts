import { addDays, parseUsageFilter, usageBounds } from './usage-period.js';
import { compareUsage, hasActivity, rankUsage, type UsageUnit } from './usage-ranking.js';

const DAY = 86_400;

const unit = (unitId: number, unitName: string, unitKind: UsageUnit['unitKind'] = 'district') => ({
  unitId,
  unitName,
  unitKind,
});
const counts = (submissions: number, rejections: number, due: number, onTime: number) => ({
  submissions,
  rejections,
  returns: 0,
  due,
  onTime,
});

describe('rankUsage', () => {
  // Hand-worked:
  //   A: 3 of 4 on time = 75%, 1 rejection, 5 submissions
  //   B: 3 of 4 on time = 75%, 0 rejections, 2 submissions  → above A (fewer rejections)
  //   C: 2 of 2 on time = 100%, 4 rejections                → first (rate before anything else)
  //   D: nothing due, 0 rejections, 9 submissions           → after every unit with a rate
  //   E: 0 of 1 on time = 0%                                → last of the rated
  //   F: 3 of 4 = 75%, 1 rejection, 5 submissions           → ties A exactly: shares its rank
  const units = [
    unit(1, 'A'),
    unit(2, 'B'),
    unit(3, 'C'),
    unit(4, 'D', 'department'),
    unit(5, 'E'),
    unit(6, 'F'),
  ];
  const rows = rankUsage(units, {
    events: new Map([
      [1, { submissions: 5, rejections: 1, returns: 2 }],
      [2, { submissions: 2, rejections: 0, returns: 0 }],
      [3, { submissions: 7, rejections: 4, returns: 1 }],
      [4, { submissions: 9, rejections: 0, returns: 0 }],
      [6, { submissions: 5, rejections: 1, returns: 0 }],
    ]),
    due: new Map([
      [1, { due: 4, onTime: 3 }],
      [2, { due: 4, onTime: 3 }],
      [3, { due: 2, onTime: 2 }],
      [5, { due: 1, onTime: 0 }],
      [6, { due: 4, onTime: 3 }],
    ]),
    overdueNow: new Map([
      [5, 2],
      [1, 1],
    ]),
    // A: 2 records approved after 1 day and 2.5 days → 1.75 → 1.8; C: one after 1/3 day → 0.3.
    reviewTime: new Map([
      [1, { approved: 2, totalSeconds: 3.5 * DAY }],
      [3, { approved: 1, totalSeconds: DAY / 3 }],
    ]),
  });

  it('should order by on-time rate, then rejections, then submissions, no-rate units last', () => {
    expect(rows.map((row) => [row.rank, row.unitName])).toEqual([
      [1, 'C'],
      [2, 'B'],
      [3, 'A'],
      [3, 'F'],
      [5, 'E'],
      [6, 'D'],
    ]);
  });

  it('should combine the measures of each unit, zero where a measure has no row', () => {
    expect(rows.find((row) => row.unitName === 'A')).toEqual({
      unitId: 1,
      unitName: 'A',
      unitKind: 'district',
      rank: 3,
      submissions: 5,
      rejections: 1,
      returns: 2,
      due: 4,
      onTime: 3,
      onTimePercent: 75,
      overdueNow: 1,
      approved: 2,
      meanReviewDays: 1.8,
    });
    expect(rows.find((row) => row.unitName === 'E')).toMatchObject({
      submissions: 0,
      rejections: 0,
      returns: 0,
      onTimePercent: 0,
      overdueNow: 2,
      approved: 0,
      meanReviewDays: null,
    });
    expect(rows.find((row) => row.unitName === 'D')).toMatchObject({
      due: 0,
      onTimePercent: null,
      unitKind: 'department',
    });
    expect(rows.find((row) => row.unitName === 'C')?.meanReviewDays).toBe(0.3);
  });

  it('should compare rates exactly, not as rounded percentages', () => {
    // 2/3 = 66.666…% and 667/1000 = 66.7%: both show 66.7%, but 667/1000 is higher.
    expect(compareUsage(counts(0, 0, 3, 2), counts(0, 0, 1000, 667))).toBeGreaterThan(0);
    expect(compareUsage(counts(0, 0, 2, 1), counts(0, 0, 4, 2))).toBe(0);
    expect(compareUsage(counts(1, 0, 2, 1), counts(3, 0, 4, 2))).toBeGreaterThan(0);
    expect(compareUsage(counts(1, 0, 0, 0), counts(1, 0, 0, 0))).toBe(0);
    const [third] = rankUsage([unit(7, 'G')], {
      events: new Map(),
      due: new Map([[7, { due: 3, onTime: 2 }]]),
      overdueNow: new Map(),
      reviewTime: new Map(),
    });
    expect(third.onTimePercent).toBe(66.7);
  });

  it('should tell a period with no activity at all', () => {
    expect(hasActivity(rows)).toBe(true);
    const idle = rankUsage([unit(1, 'A'), unit(2, 'B')], {
      events: new Map(),
      due: new Map(),
      overdueNow: new Map(),
      reviewTime: new Map(),
    });
    expect(idle.map((row) => row.rank)).toEqual([1, 1]);
    expect(hasActivity(idle)).toBe(false);
  });
});

describe('usage period', () => {
  const now = new Date('2026-05-20T01:00:00+08:00');

  it('should default to this quarter up to today (China dates) and all units', () => {
    // 01:00 in Beijing on 20 May is still 19 May in UTC.
    expect(parseUsageFilter({}, now)).toEqual({
      from: '2026-04-01',
      to: '2026-05-20',
      kind: 'all',
      notice: undefined,
    });
  });

  it('should take valid dates and kinds, swap a reversed period and ignore nonsense', () => {
    expect(
      parseUsageFilter({ from: '2026-01-01', to: '2026-03-31', kind: 'department' }, now),
    ).toMatchObject({
      from: '2026-01-01',
      to: '2026-03-31',
      kind: 'department',
      notice: undefined,
    });
    expect(parseUsageFilter({ from: '2026-03-31', to: '2026-01-01' }, now)).toMatchObject({
      from: '2026-01-01',
      to: '2026-03-31',
      notice: '开始日期晚于结束日期，已互换',
    });
    const odd = parseUsageFilter({ from: '2026-02-30', kind: 'office' }, now);
    expect(odd).toMatchObject({ from: '2026-04-01', to: '2026-05-20', kind: 'all' });
    expect(odd.notice).toContain('无法识别的日期');
  });

  it('should judge deadlines up to yesterday only, and end the period at midnight after `to`', () => {
    const bounds = usageBounds({ from: '2026-04-01', to: '2026-05-20', kind: 'all' }, now);
    expect(bounds).toEqual({
      start: new Date('2026-04-01T00:00:00+08:00'),
      end: new Date('2026-05-21T00:00:00+08:00'),
      from: '2026-04-01',
      dueTo: '2026-05-19',
      today: '2026-05-20',
    });
    expect(usageBounds({ from: '2026-01-01', to: '2026-03-31', kind: 'all' }, now).dueTo).toBe(
      '2026-03-31',
    );
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});
