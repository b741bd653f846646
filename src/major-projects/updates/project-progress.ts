/**
 * The progress rules of a major project's monthly updates, as pure functions over approved data
 * (no database, no clock): which months and plans are due at a date, when a monthly target or a
 * plan counts as met, and the year's value of each core indicator. Amounts are exact: decimal
 * text (numeric(16, 2) from PostgreSQL) is added and compared as integer hundredths (cents).
 */

import { WorkCalendar } from '../../deadlines/work-calendar.js';
import { Fraction } from '../../scoring/calculation/fraction.js';

const pad = (value: number): string => String(value).padStart(2, '0');

/** Days in a calendar month (month 1–12). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function splitMonth(month: string): [number, number] {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) {
    throw new Error(`Not a month (YYYY-MM): ${month}`);
  }
  return [Number(match[1]), Number(match[2])];
}

/** The last calendar day of a month ('2026-02' → '2026-02-28'). */
export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = splitMonth(month);
  return `${month}-${pad(daysInMonth(year, monthNumber))}`;
}

/**
 * When a month's indicator report is due (seed 001: 每月底最后一个工作日更新当月进度值): the last
 * working day of the month by the work calendar (src/deadlines/work-calendar.ts: Monday–Friday,
 * less the public holidays, plus the make-up working days the admin keeps as data). Without a
 * calendar only weekends are skipped.
 */
export function lastWorkingDay(
  month: string,
  calendar: WorkCalendar = WorkCalendar.WEEKENDS_ONLY,
): string {
  splitMonth(month);
  return calendar.lastWorkingDayOfMonth(month);
}

/**
 * How many months of `planYear` have ended on or before `asOf` (YYYY-MM-DD): a month has ended
 * when its last day is on or before `asOf`. 0 before the end of January, 12 after the year.
 */
export function endedMonths(planYear: number, asOf: string): number {
  const [year, month, day] = asOf.split('-').map(Number);
  if (year < planYear) {
    return 0;
  }
  if (year > planYear) {
    return 12;
  }
  return day >= daysInMonth(year, month) ? month : month - 1;
}

/**
 * The date progress is measured at: the earlier of the date asked for (a report period's last day)
 * and today. Targets and plans of months that have not ended by today are never due, so a report
 * on 11—12月 made on 12-07 counts November only, exactly as the cockpit does on that day
 * (DESIGN §4: targets of months still to come never count as missed). Both are YYYY-MM-DD.
 */
export function progressAsOf(asOf: string, today: string): string {
  return asOf < today ? asOf : today;
}

/** Decimal text with at most two decimals → cents. Throws on anything else (a bug, not input). */
export function toCents(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) {
    throw new Error(`Not a decimal amount: ${value}`);
  }
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Cents → decimal text with two decimals, as PostgreSQL prints numeric(16, 2). */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  return `${negative ? '-' : ''}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}

/** A core indicator of the version in force. */
export interface IndicatorTargets {
  key: string;
  /** True: the actual is the value to date (累计值); false: the month's own amount. */
  cumulative: boolean;
  annualTarget: string;
  /**
   * Twelve monthly targets, January first, as the battle map holds them: for an increment
   * indicator (当期值) what each month adds (they add up to the annual target); for a cumulative
   * one (累计值) the value to reach by the end of each month (never decreasing, December's is the
   * annual target).
   */
  monthlyTargets: readonly string[];
}

/** The twelve targets to date in cents: cumulative targets as held, increments added up. */
export function targetsToDate(
  indicator: Pick<IndicatorTargets, 'cumulative' | 'monthlyTargets'>,
): bigint[] {
  let running = 0n;
  return Array.from({ length: 12 }, (_unused, index) => {
    const target = toCents(indicator.monthlyTargets[index] ?? '0');
    running = indicator.cumulative ? target : running + target;
    return running;
  });
}

/**
 * What each month adds, in cents: increments as held; for a cumulative indicator the target to
 * date less the previous month's. A month that adds nothing has no target of its own.
 */
export function monthIncrements(
  indicator: Pick<IndicatorTargets, 'cumulative' | 'monthlyTargets'>,
): bigint[] {
  const toDate = targetsToDate(indicator);
  return toDate.map((value, index) => value - (index === 0 ? 0n : toDate[index - 1]));
}

/**
 * Whether month m (1–12) of an indicator is 已完成, given its approved actual (cents, undefined
 * when none); null when the month adds nothing (no target of its own). An increment indicator
 * compares the month's own amount with what the month adds; a cumulative indicator compares the
 * value to date with the target to date — the cumulative picture, so a month behind on its own
 * step but on track overall counts as done.
 */
export function monthMet(
  indicator: Pick<IndicatorTargets, 'cumulative' | 'monthlyTargets'>,
  month: number,
  actual: bigint | undefined,
): boolean | null {
  const increment = monthIncrements(indicator)[month - 1];
  if (increment <= 0n) {
    return null;
  }
  if (actual === undefined) {
    return false;
  }
  return actual >= (indicator.cumulative ? targetsToDate(indicator)[month - 1] : increment);
}

/** An approved actual of one indicator for one month of the plan year. */
export interface MonthlyActual {
  indicatorKey: string;
  /** 1–12. */
  month: number;
  actual: string;
}

function actualsByIndicator(actuals: readonly MonthlyActual[]): Map<string, Map<number, bigint>> {
  const byIndicator = new Map<string, Map<number, bigint>>();
  for (const actual of actuals) {
    let months = byIndicator.get(actual.indicatorKey);
    if (!months) {
      months = new Map();
      byIndicator.set(actual.indicatorKey, months);
    }
    months.set(actual.month, toCents(actual.actual));
  }
  return byIndicator;
}

/**
 * 核心指标月度目标完成率 as counts. The pairs (indicator, month m) for m = 1..`months` whose month
 * adds to the target (monthIncrements above zero) are due; a pair is met by monthMet:
 * - increment indicator (当期值): actual(m) ≥ what month m adds;
 * - cumulative indicator (累计值): actual(m), the value to date, ≥ the target to date of month m.
 * A month without an approved actual is due and not met. With nothing due the answer is
 * { met: 0, due: 0 }: the caller decides what that rate is (the system's 0/0 rule).
 */
export function monthlyTargetCompletion(
  indicators: readonly IndicatorTargets[],
  actuals: readonly MonthlyActual[],
  months: number,
): { met: number; due: number } {
  const byIndicator = actualsByIndicator(actuals);
  let met = 0;
  let due = 0;
  for (const indicator of indicators) {
    const reported = byIndicator.get(indicator.key);
    for (let month = 1; month <= months; month += 1) {
      const result = monthMet(indicator, month, reported?.get(month));
      if (result === null) {
        continue;
      }
      due += 1;
      if (result) {
        met += 1;
      }
    }
  }
  return { met, due };
}

/** One indicator's value for the year to date against its annual target, as exact decimal text. */
export interface AnnualValue {
  indicatorKey: string;
  value: string;
  target: string;
}

/**
 * The year's value to date of each indicator, over approved actuals of months 1..`months`:
 * cumulative → the actual of the latest month that has one; periodic → the sum of the actuals.
 * No approved actual gives 0.
 */
export function annualTargetValues(
  indicators: readonly IndicatorTargets[],
  actuals: readonly MonthlyActual[],
  months: number,
): AnnualValue[] {
  const byIndicator = actualsByIndicator(actuals);
  return indicators.map((indicator) => {
    const reported = [...(byIndicator.get(indicator.key) ?? new Map<number, bigint>())]
      .filter(([month]) => month >= 1 && month <= months)
      .sort(([a], [b]) => a - b);
    let value = 0n;
    if (indicator.cumulative) {
      value = reported.at(-1)?.[1] ?? 0n;
    } else {
      for (const [, actual] of reported) {
        value += actual;
      }
    }
    return {
      indicatorKey: indicator.key,
      value: fromCents(value),
      target: fromCents(toCents(indicator.annualTarget)),
    };
  });
}

/**
 * One indicator's 年度目标完成率, exact, in [0, 1]: min(value / target, 1); a target of zero or
 * below counts as reached (1), a negative value as 0.
 */
export function annualRatio(value: AnnualValue): Fraction {
  const target = Fraction.parse(value.target);
  const actual = Fraction.parse(value.value);
  if (target.compare(Fraction.ZERO) <= 0 || actual.compare(target) >= 0) {
    return Fraction.ONE;
  }
  return actual.isNegative() ? Fraction.ZERO : actual.div(target);
}

/**
 * The project's 年度目标完成率: the mean of its indicators' annual ratios, exactly,
 * (r1 + … + rn) / n. No indicator gives 1 (nothing to reach counts as reached).
 */
export function meanAnnualRatio(values: readonly AnnualValue[]): Fraction {
  if (values.length === 0) {
    return Fraction.ONE;
  }
  return Fraction.sum(values.map(annualRatio)).div(Fraction.of(values.length));
}

/** A monthly plan of the version in force. */
export interface PlanFacts {
  planKey: string;
  /** YYYY-MM. */
  planMonth: string;
}

/** The China date (YYYY-MM-DD) a plan's earliest approved 已完成 update was first submitted. */
export interface PlanCompletion {
  planKey: string;
  completedOn: string;
}

/**
 * 月度计划按期完成率 as counts. Plans whose month has ended by `asOf` are due (plan month ≤ the
 * month of `asOf`, and its last day ≤ `asOf`); a due plan is on time when its earliest approved
 * update with status 已完成 was first submitted on or before the last day of the plan month.
 * With nothing due the answer is { onTime: 0, due: 0 } (the caller decides; the index says 100%).
 */
export function onTimePlanCompletion(
  plans: readonly PlanFacts[],
  completions: readonly PlanCompletion[],
  asOf: string,
): { onTime: number; due: number } {
  const completedOn = new Map<string, string>();
  for (const completion of completions) {
    const earlier = completedOn.get(completion.planKey);
    if (earlier === undefined || completion.completedOn < earlier) {
      completedOn.set(completion.planKey, completion.completedOn);
    }
  }
  let onTime = 0;
  let due = 0;
  for (const plan of plans) {
    const monthEnd = lastDayOfMonth(plan.planMonth);
    if (monthEnd > asOf) {
      continue;
    }
    due += 1;
    const completed = completedOn.get(plan.planKey);
    if (completed !== undefined && completed <= monthEnd) {
      onTime += 1;
    }
  }
  return { onTime, due };
}

/**
 * A completion rate from counts, exactly: met / due, and 1 (100%) when nothing is due — the
 * index's reading of 0/0 (DESIGN §4: none due counts as 100%).
 */
export function completionRate(met: number, due: number): Fraction {
  return due === 0 ? Fraction.ONE : Fraction.of(met, due);
}
