/**
 * 系统使用情况考评 as pure functions: the per-unit measures, each computed by one grouped query,
 * are combined into one row per unit, scored by USAGE_SCORE_RULES and ranked by the score. No
 * database, no clock.
 */
import { Fraction } from '../scoring/calculation/fraction.js';

export interface UsageUnit {
  unitId: number;
  unitName: string;
  unitKind: 'district' | 'department';
}

/** Workflow events on the unit's records in the period. */
export interface EventCounts {
  submissions: number;
  rejections: number;
  returns: number;
}

/** Due filings whose deadline fell in the period, and those filed by their deadline. */
export interface DueCounts {
  due: number;
  onTime: number;
}

/** Records approved in the period and the sum of their review times (first submit → approval). */
export interface ReviewTime {
  approved: number;
  totalSeconds: number;
}

/** The measures by unit id; a unit missing from a map has zero of that measure. */
export interface UsageMeasures {
  events: ReadonlyMap<number, EventCounts>;
  due: ReadonlyMap<number, DueCounts>;
  overdueNow: ReadonlyMap<number, number>;
  reviewTime: ReadonlyMap<number, ReviewTime>;
  /** Measures of other modules by key (news 采用数 later), read by their score rules. */
  extra?: Readonly<Record<string, ReadonlyMap<number, number>>>;
}

export interface UsageRow extends UsageUnit, EventCounts, DueCounts {
  /** 1 for the best; units with equal scores share a rank (1, 1, 3). */
  rank: number;
  /** 考评得分 to two decimals (USAGE_SCORE_RULES); ranked by the exact value. */
  score: number;
  exactScore: Fraction;
  extra: Record<string, number>;
  /** 按时率 in percent with one decimal; null when nothing was due. */
  onTimePercent: number | null;
  overdueNow: number;
  approved: number;
  /** 平均审核用时 in days with one decimal; null when nothing was approved in the period. */
  meanReviewDays: number | null;
}

const SECONDS_PER_DAY = 86_400;

/** Rounded half away from zero to one decimal (values here are never negative). */
function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

/** What a score rule sees of a unit: its measures of the period. */
export type UsageScoreInput = EventCounts &
  DueCounts & {
    overdueNow: number;
    /** Measures other modules add (e.g. news 采用数), by key; 0 when a unit has none. */
    extra: Readonly<Record<string, number>>;
  };

/** What a score rule sees of all units: for the relative parts of the score. */
export interface UsageScoreContext {
  /** The most submissions of any unit ranked together (0 when none submitted anything). */
  maxSubmissions: number;
  /**
   * The median on-time rate of the units with something due (mean of the two middle rates for
   * an even count); null when no unit had anything due.
   */
  medianOnTime: Fraction | null;
  /** The largest value of each extra measure over the units. */
  maxExtra: Readonly<Record<string, number>>;
}

/**
 * One part of the 考评得分: its name, the formula as the page states it, and its points for a
 * unit (negative for a deduction). The score is the sum of the parts, never below 0. Another
 * module adds a part (news 采用数 later) by appending a rule that reads its `extra` measure.
 */
export interface UsageScoreRule {
  key: string;
  label: string;
  formula: string;
  points(unit: UsageScoreInput, context: UsageScoreContext): Fraction;
}

const ON_TIME_POINTS = 50;
const ACTIVITY_POINTS = 50;
const PER_REJECTION = 2;
const PER_OVERDUE = 5;

/**
 * The 考评得分 (0–100 before deductions):
 * - 按时报送 50 × on-time rate; a unit with nothing due has no rate and gets the median rate of
 *   the units that had something due (not full marks: no evidence is not a perfect record), or
 *   full marks when no unit had anything due;
 * - 报送活跃 50 × submissions ÷ the most submissions of any unit ranked (0 when nobody submitted);
 * - 被驳回 −2 per rejection; 当前逾期 −5 per item overdue today.
 */
export const USAGE_SCORE_RULES: readonly UsageScoreRule[] = [
  {
    key: 'on_time',
    label: '按时报送',
    formula: `${ON_TIME_POINTS} × 按时率；没有应报送事项的单位按参与单位按时率的中位数计（所有单位都没有应报送事项时按 100% 计）`,
    points: (unit, context) =>
      Fraction.of(ON_TIME_POINTS).mul(
        unit.due > 0 ? Fraction.of(unit.onTime, unit.due) : (context.medianOnTime ?? Fraction.ONE),
      ),
  },
  {
    key: 'activity',
    label: '报送活跃',
    formula: `${ACTIVITY_POINTS} × 上报次数 ÷ 参与排名单位中最多的上报次数（都没有上报时为 0）`,
    points: (unit, context) =>
      context.maxSubmissions === 0
        ? Fraction.ZERO
        : Fraction.of(ACTIVITY_POINTS * unit.submissions, context.maxSubmissions),
  },
  {
    key: 'rejections',
    label: '被驳回',
    formula: `每次扣 ${PER_REJECTION} 分`,
    points: (unit) => Fraction.of(-PER_REJECTION * unit.rejections),
  },
  {
    key: 'overdue',
    label: '当前逾期',
    formula: `每项扣 ${PER_OVERDUE} 分`,
    points: (unit) => Fraction.of(-PER_OVERDUE * unit.overdueNow),
  },
];

/** The median on-time rate of the units with something due, exactly; null when none. */
export function medianOnTime(units: readonly DueCounts[]): Fraction | null {
  const rates = units
    .filter((unit) => unit.due > 0)
    .map((unit) => Fraction.of(unit.onTime, unit.due))
    .sort((a, b) => a.compare(b));
  if (rates.length === 0) {
    return null;
  }
  const middle = Math.floor(rates.length / 2);
  return rates.length % 2 === 1
    ? rates[middle]
    : rates[middle - 1].add(rates[middle]).div(Fraction.of(2));
}

/** A unit's score: the sum of the rules' points, never below 0, exactly. */
export function usageScore(
  unit: UsageScoreInput,
  context: UsageScoreContext,
  rules: readonly UsageScoreRule[] = USAGE_SCORE_RULES,
): Fraction {
  const total = Fraction.sum(rules.map((rule) => rule.points(unit, context)));
  return total.isNegative() ? Fraction.ZERO : total;
}

/**
 * One row per unit, by score (higher first); equal scores share a rank (1, 1, 3) and keep the
 * order they were given (the units' display order).
 */
export function rankUsage(
  units: readonly UsageUnit[],
  measures: UsageMeasures,
  rules: readonly UsageScoreRule[] = USAGE_SCORE_RULES,
): UsageRow[] {
  const rows = units.map((unit) => {
    const events = measures.events.get(unit.unitId) ?? {
      submissions: 0,
      rejections: 0,
      returns: 0,
    };
    const due = measures.due.get(unit.unitId) ?? { due: 0, onTime: 0 };
    const review = measures.reviewTime.get(unit.unitId) ?? { approved: 0, totalSeconds: 0 };
    const extra = Object.fromEntries(
      Object.entries(measures.extra ?? {}).map(([key, byUnit]) => [
        key,
        byUnit.get(unit.unitId) ?? 0,
      ]),
    );
    return {
      ...unit,
      rank: 0,
      score: 0,
      exactScore: Fraction.ZERO,
      submissions: events.submissions,
      rejections: events.rejections,
      returns: events.returns,
      due: due.due,
      onTime: due.onTime,
      onTimePercent: due.due === 0 ? null : oneDecimal((due.onTime / due.due) * 100),
      overdueNow: measures.overdueNow.get(unit.unitId) ?? 0,
      approved: review.approved,
      meanReviewDays:
        review.approved === 0
          ? null
          : oneDecimal(review.totalSeconds / review.approved / SECONDS_PER_DAY),
      extra,
    } satisfies UsageRow;
  });
  const extraKeys = Object.keys(measures.extra ?? {});
  const context: UsageScoreContext = {
    maxSubmissions: Math.max(0, ...rows.map((row) => row.submissions)),
    medianOnTime: medianOnTime(rows),
    maxExtra: Object.fromEntries(
      extraKeys.map((key) => [key, Math.max(0, ...rows.map((row) => row.extra[key] ?? 0))]),
    ),
  };
  for (const row of rows) {
    row.exactScore = usageScore(row, context, rules);
    row.score = Number(row.exactScore.toFixed(2));
  }
  // Array.prototype.sort is stable: ties keep the units' display order.
  rows.sort((a, b) => b.exactScore.compare(a.exactScore));
  rows.forEach((row, index) => {
    row.rank =
      index > 0 && rows[index - 1].exactScore.equals(row.exactScore)
        ? rows[index - 1].rank
        : index + 1;
  });
  return rows;
}

/** Whether anything happened in the period: otherwise the ranking is all ties on zeros. */
export function hasActivity(rows: readonly UsageRow[]): boolean {
  return rows.some(
    (row) =>
      row.submissions + row.rejections + row.returns + row.due + row.overdueNow + row.approved > 0,
  );
}
