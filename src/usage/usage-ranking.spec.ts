import { addDays, parseUsageFilter, usageBounds } from './usage-period.js';
import { Fraction } from '../scoring/calculation/fraction.js';
import {
  hasActivity,
  medianOnTime,
  rankUsage,
  USAGE_SCORE_RULES,
  usageScore,
  type UsageUnit,
} from './usage-ranking.js';

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

/**
 * The measures rankUsage takes, from rows [unit, submissions, rejections, due, on time] (a unit
 * with no events or nothing due has no row in that map) and the units' current overdue counts.
 */
const measures = (
  rows: [unit: number, submissions: number, rejections: number, due: number, onTime: number][],
  overdueNow: [unit: number, overdue: number][] = [],
) => ({
  events: new Map(
    rows
      .filter(([, submissions, rejections]) => submissions + rejections > 0)
      .map(([id, submissions, rejections]) => [id, { submissions, rejections, returns: 0 }]),
  ),
  due: new Map(
    rows.filter(([, , , due]) => due > 0).map(([id, , , due, onTime]) => [id, { due, onTime }]),
  ),
  overdueNow: new Map(overdueNow),
  reviewTime: new Map(),
});

describe('rankUsage (考评得分)', () => {
  // Five units, worked by hand. Most submissions: 10. On-time rates of the units with something
  // due: U1 4/4 = 1, U2 2/4 = 0.5, U3 0/2 = 0 → median 0.5 (what U4 and U5, nothing due, get).
  //   unit  submissions  due  on time  rejections  overdue   按时报送     报送活跃     扣分     得分
  //   U1        10        4      4         1          0      50 × 1      50 × 10/10   −2       98
  //   U2         5        4      2         0          2      50 × 0.5    50 × 5/10    −10      40
  //   U3         0        2      0         0          2      50 × 0      0            −10     −10 → 0
  //   U4         2        0      —         0          0      50 × 0.5    50 × 2/10     0       35
  //   U5         0        0      —         0          0      50 × 0.5    0             0       25
  // Ranks: U1 1, U2 2, U4 3, U5 4, U3 5 — the unit with 0% on time and 2 overdue is last, and
  // units with nothing due are not first by default.
  const five = rankUsage(
    [unit(1, 'U1'), unit(2, 'U2'), unit(3, 'U3'), unit(4, 'U4', 'department'), unit(5, 'U5')],
    measures(
      [
        [1, 10, 1, 4, 4],
        [2, 5, 0, 4, 2],
        [3, 0, 0, 2, 0],
        [4, 2, 0, 0, 0],
        [5, 0, 0, 0, 0],
      ],
      [
        [2, 2],
        [3, 2],
      ],
    ),
  );

  it('should score and rank the five units as worked out by hand', () => {
    expect(five.map((row) => [row.rank, row.unitName, row.score])).toEqual([
      [1, 'U1', 98],
      [2, 'U2', 40],
      [3, 'U4', 35],
      [4, 'U5', 25],
      [5, 'U3', 0],
    ]);
  });

  it('should take the median of an even number of rates, and full marks when nothing was due anywhere', () => {
    expect(
      medianOnTime([
        counts(0, 0, 4, 4),
        counts(0, 0, 4, 2),
        counts(0, 0, 3, 1),
        counts(0, 0, 0, 0),
      ]),
    ).toEqual(
      // Rates 1, 1/2, 1/3 → median 1/2; the unit with nothing due does not count.
      Fraction.of(1, 2),
    );
    expect(medianOnTime([counts(0, 0, 4, 4), counts(0, 0, 3, 1)])).toEqual(Fraction.of(2, 3));
    expect(medianOnTime([counts(0, 0, 0, 0)])).toBeNull();
    const idle = { ...counts(0, 0, 0, 0), overdueNow: 0, extra: {} };
    expect(
      usageScore(idle, { maxSubmissions: 0, medianOnTime: null, maxExtra: {} }).toString(),
    ).toBe('50');
  });

  it('should compare scores exactly and let equal scores share a rank', () => {
    // A and B: 50 × 1/3 + 50 × 3/3 and 50 × 2/6 + 50 × 3/3 are the same exact score, 200/3.
    const tied = rankUsage(
      [unit(1, 'A'), unit(2, 'B'), unit(3, 'C')],
      measures([
        [1, 3, 0, 3, 1],
        [2, 3, 0, 6, 2],
        [3, 1, 0, 1, 1],
      ]),
    );
    // C: 50 × 1 + 50 × 1/3 = 200/3 as well → all three tie at 66.67.
    expect(tied.map((row) => [row.rank, row.unitName, row.score])).toEqual([
      [1, 'A', 66.67],
      [1, 'B', 66.67],
      [1, 'C', 66.67],
    ]);
  });

  it('should take a part another module adds (e.g. news 采用数) through its extra measure', () => {
    const news = {
      key: 'news_adopted',
      label: '信息采用',
      formula: '每篇 1 分',
      points: (row: { extra: Readonly<Record<string, number>> }) =>
        Fraction.of(row.extra.news_adopted ?? 0),
    };
    const rows = rankUsage(
      [unit(1, 'A'), unit(2, 'B')],
      {
        events: new Map(),
        due: new Map(),
        overdueNow: new Map(),
        reviewTime: new Map(),
        extra: { news_adopted: new Map([[2, 3]]) },
      },
      [...USAGE_SCORE_RULES, news],
    );
    // Both: 50 (nothing due anywhere) + 0; B adds 3.
    expect(rows.map((row) => [row.rank, row.unitName, row.score])).toEqual([
      [1, 'B', 53],
      [2, 'A', 50],
    ]);
  });

  it('should combine the measures of each unit, zero where a measure has no row', () => {
    const rows = rankUsage([unit(1, 'A'), unit(4, 'D', 'department'), unit(5, 'E')], {
      events: new Map([
        [1, { submissions: 5, rejections: 1, returns: 2 }],
        [4, { submissions: 9, rejections: 0, returns: 0 }],
      ]),
      due: new Map([
        [1, { due: 4, onTime: 3 }],
        [5, { due: 1, onTime: 0 }],
      ]),
      overdueNow: new Map([
        [5, 2],
        [1, 1],
      ]),
      // A: 2 records approved after 1 day and 2.5 days → 1.75 → 1.8.
      reviewTime: new Map([[1, { approved: 2, totalSeconds: 3.5 * DAY }]]),
    });
    // Median rate of A 3/4 and E 0 = 3/8. A: 50 × 3/4 + 50 × 5/9 − 2 − 5 = 37.5 + 27.78 − 7 = 58.28;
    // D: 50 × 3/8 + 50 = 68.75; E: 0 + 0 − 10 → 0.
    expect(rows.map((row) => [row.rank, row.unitName, row.score])).toEqual([
      [1, 'D', 68.75],
      [2, 'A', 58.28],
      [3, 'E', 0],
    ]);
    expect(rows.find((row) => row.unitName === 'A')).toMatchObject({
      unitId: 1,
      unitKind: 'district',
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
      onTimePercent: 0,
      overdueNow: 2,
      meanReviewDays: null,
    });
    expect(rows.find((row) => row.unitName === 'D')).toMatchObject({
      due: 0,
      onTimePercent: null,
      unitKind: 'department',
    });
    const [third] = rankUsage([unit(7, 'G')], {
      events: new Map(),
      due: new Map([[7, { due: 3, onTime: 2 }]]),
      overdueNow: new Map(),
      reviewTime: new Map(),
    });
    expect(third.onTimePercent).toBe(66.7);
  });

  it('should tell a period with no activity at all', () => {
    expect(hasActivity(five)).toBe(true);
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
