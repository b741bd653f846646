import { labelledCodes } from '../common/codes/labelled-codes.js';
import {
  chinaDate,
  parseChinaDate,
  startOfChinaDate,
  startOfChinaQuarter,
} from '../common/time/china-time.js';

export const USAGE_UNIT_KINDS = labelledCodes({
  all: '区县和市级部门',
  district: '区县',
  department: '市级部门',
});
export type UsageUnitKind = (typeof USAGE_UNIT_KINDS.codes)[number];

/** The evaluation period (China calendar dates, both ends included) and the units compared. */
export interface UsageFilter {
  from: string;
  to: string;
  kind: UsageUnitKind;
  /** Set when the request's dates were unusable or reversed and the page shows what it used. */
  notice?: string;
}

/** The period as the queries use it. */
export interface UsageBounds {
  /** 00:00 China time on `from`. */
  start: Date;
  /** 00:00 China time on the day after `to`: events strictly before it are in the period. */
  end: Date;
  from: string;
  /**
   * The last deadline that counts as due: the earlier of `to` and yesterday. A deadline of today
   * or later can still be met, so it is neither on time nor late yet.
   */
  dueTo: string;
  /** Today in China, for 当前逾期. */
  today: string;
}

/** A China calendar date moved by whole days. */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/**
 * Reads from, to and kind from the query. The default period is this quarter to today; an
 * unreadable date falls back to its default, and a reversed period is put the right way round.
 */
export function parseUsageFilter(query: Record<string, unknown>, now: Date): UsageFilter {
  const today = chinaDate(now);
  const kind = USAGE_UNIT_KINDS.is(query.kind) ? query.kind : 'all';
  const typedFrom = parseChinaDate(query.from);
  const typedTo = parseChinaDate(query.to);
  let from = typedFrom ?? chinaDate(startOfChinaQuarter(now));
  let to = typedTo ?? today;
  const notices: string[] = [];
  if ((query.from && !typedFrom) || (query.to && !typedTo)) {
    notices.push('日期格式应为 年-月-日，无法识别的日期已按默认值（本季度初至今天）处理');
  }
  if (from > to) {
    [from, to] = [to, from];
    notices.push('开始日期晚于结束日期，已互换');
  }
  return { from, to, kind, notice: notices.length > 0 ? notices.join('；') : undefined };
}

export function usageBounds(filter: UsageFilter, now: Date): UsageBounds {
  const today = chinaDate(now);
  const yesterday = addDays(today, -1);
  return {
    start: startOfChinaDate(filter.from),
    end: startOfChinaDate(addDays(filter.to, 1)),
    from: filter.from,
    dueTo: filter.to < yesterday ? filter.to : yesterday,
    today,
  };
}
