/**
 * 系统使用情况考评 as pure functions: the per-unit measures, each computed by one grouped query,
 * are combined into one row per unit and ranked. No database, no clock.
 */

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
}

export interface UsageRow extends UsageUnit, EventCounts, DueCounts {
  /** 1 for the best; units equal on every ranking key share a rank (1, 1, 3). */
  rank: number;
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

/**
 * The order of the ranking (a ranking, not a score):
 * 1. on-time rate, higher first; a unit with nothing due has no rate and comes after every unit
 *    that has one (no evidence is not a perfect record);
 * 2. rejections, fewer first;
 * 3. submissions, more first.
 * Rates are compared exactly (onTime × other due), not as rounded percentages.
 */
export function compareUsage(a: EventCounts & DueCounts, b: EventCounts & DueCounts): number {
  if (a.due === 0 || b.due === 0) {
    if (a.due !== b.due) {
      return a.due === 0 ? 1 : -1;
    }
  } else {
    const byRate = b.onTime * a.due - a.onTime * b.due;
    if (byRate !== 0) {
      return byRate;
    }
  }
  if (a.rejections !== b.rejections) {
    return a.rejections - b.rejections;
  }
  return b.submissions - a.submissions;
}

/**
 * One row per unit, in ranking order. Units equal on every key keep the order they were given
 * (the units' display order) and share a rank.
 */
export function rankUsage(units: readonly UsageUnit[], measures: UsageMeasures): UsageRow[] {
  const rows = units.map((unit) => {
    const events = measures.events.get(unit.unitId) ?? {
      submissions: 0,
      rejections: 0,
      returns: 0,
    };
    const due = measures.due.get(unit.unitId) ?? { due: 0, onTime: 0 };
    const review = measures.reviewTime.get(unit.unitId) ?? { approved: 0, totalSeconds: 0 };
    return {
      ...unit,
      rank: 0,
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
    } satisfies UsageRow;
  });
  // Array.prototype.sort is stable: ties keep the units' display order.
  rows.sort(compareUsage);
  rows.forEach((row, index) => {
    row.rank =
      index > 0 && compareUsage(rows[index - 1], row) === 0 ? rows[index - 1].rank : index + 1;
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
