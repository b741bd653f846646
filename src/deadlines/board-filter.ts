import { labelledCodes } from '../common/codes/labelled-codes.js';
import { quarterBounds, quarterOf, lastDayOfMonth } from './work-calendar.js';

export const BOARD_STATUSES = labelledCodes({
  all: '全部',
  overdue: '有逾期',
  pending: '有未到期未报送',
  reviewing: '有审核中',
  approved: '全部已通过',
});
export type BoardStatus = (typeof BOARD_STATUSES.codes)[number];

export const BOARD_UNIT_KINDS = labelledCodes({
  all: '全部单位',
  district: '区县',
  department: '市级部门',
});
export type BoardUnitKind = (typeof BOARD_UNIT_KINDS.codes)[number];

/** The board's selection: a month (2026-10) or a quarter (2026-Q4) of due days, module, units. */
export interface BoardFilter {
  period: string;
  periodLabel: string;
  from: string;
  to: string;
  module: string;
  unitKind: BoardUnitKind;
  status: BoardStatus;
  unitId?: number;
}

/** A period code as a range of due days, or undefined when it is neither a month nor a quarter. */
export function periodRange(code: string): { from: string; to: string; label: string } | undefined {
  if (/^20\d{2}-(0[1-9]|1[0-2])$/.test(code)) {
    return {
      from: `${code}-01`,
      to: lastDayOfMonth(code),
      label: `${code.slice(0, 4)}年${Number(code.slice(5))}月`,
    };
  }
  if (/^20\d{2}-Q[1-4]$/.test(code)) {
    const { start, end } = quarterBounds(code);
    return {
      from: start,
      to: end,
      label: `${code.slice(0, 4)}年第${'一二三四'[Number(code.slice(6)) - 1]}季度`,
    };
  }
  return undefined;
}

/** Reads the board's query; anything unusable falls back to this quarter, all modules, all units. */
export function parseBoardFilter(
  query: Record<string, unknown>,
  today: string,
  modules: readonly string[],
): BoardFilter {
  const requested = typeof query.period === 'string' ? query.period : '';
  const period = periodRange(requested) ? requested : quarterOf(today);
  const range = periodRange(period)!;
  const unit =
    typeof query.unit === 'string' && /^\d{1,9}$/.test(query.unit) ? Number(query.unit) : undefined;
  return {
    period,
    periodLabel: range.label,
    from: range.from,
    to: range.to,
    module: typeof query.module === 'string' && modules.includes(query.module) ? query.module : '',
    unitKind: BOARD_UNIT_KINDS.is(query.kind) ? query.kind : 'all',
    status: BOARD_STATUSES.is(query.status) ? query.status : 'all',
    unitId: unit,
  };
}

/** The months and quarters the picker offers: this one and the eleven months / five quarters before. */
export function periodChoices(today: string): { value: string; label: string }[] {
  const choices: { value: string; label: string }[] = [];
  let quarter = quarterOf(today);
  for (let i = 0; i < 6; i += 1) {
    choices.push({ value: quarter, label: periodRange(quarter)!.label });
    const { start } = quarterBounds(quarter);
    const previous = new Date(`${start}T00:00:00Z`);
    previous.setUTCDate(0);
    quarter = quarterOf(previous.toISOString().slice(0, 10));
  }
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  for (let i = 0; i < 12; i += 1) {
    const code = `${year}-${String(month).padStart(2, '0')}`;
    choices.push({ value: code, label: periodRange(code)!.label });
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return choices;
}
