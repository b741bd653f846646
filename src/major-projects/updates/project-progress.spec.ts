import { Fraction } from '../../scoring/calculation/fraction.js';
import {
  annualRatio,
  annualTargetValues,
  endedMonths,
  fromCents,
  lastDayOfMonth,
  lastWorkingDay,
  meanAnnualRatio,
  monthlyTargetCompletion,
  monthIncrements,
  monthMet,
  onTimePlanCompletion,
  progressAsOf,
  targetsToDate,
  toCents,
  type IndicatorTargets,
  type MonthlyActual,
} from './project-progress.js';

const months = (...values: string[]) => [...values, ...Array<string>(12 - values.length).fill('0')];

/** A periodic indicator (the month's own amount) with a zero-target March. */
const periodic: IndicatorTargets = {
  key: 'a',
  cumulative: false,
  annualTarget: '40.00',
  monthlyTargets: months('10.00', '10.00', '0.00', '20.00'),
};
/**
 * A cumulative indicator (value to date): its targets are targets to date, 5, 5, 10, 20 (February
 * adds nothing), ending at the annual target 20.
 */
const cumulative: IndicatorTargets = {
  key: 'b',
  cumulative: true,
  annualTarget: '20.00',
  monthlyTargets: ['5.00', '5.00', '10.00', ...Array<string>(9).fill('20.00')],
};
const actuals: MonthlyActual[] = [
  { indicatorKey: 'a', month: 1, actual: '12.00' },
  { indicatorKey: 'a', month: 2, actual: '9.50' },
  { indicatorKey: 'a', month: 3, actual: '3.00' },
  // a: no April report.
  { indicatorKey: 'b', month: 1, actual: '5.00' },
  { indicatorKey: 'b', month: 2, actual: '4.00' },
  { indicatorKey: 'b', month: 3, actual: '10.00' },
  { indicatorKey: 'b', month: 4, actual: '19.99' },
];

describe('month arithmetic', () => {
  it.each([
    ['2026-01', '2026-01-30'], // the 31st is a Saturday
    ['2026-02', '2026-02-27'], // the 28th is a Saturday
    ['2026-05', '2026-05-29'], // the 31st is a Sunday, the 30th a Saturday
    ['2026-11', '2026-11-30'], // a Monday
    ['2026-12', '2026-12-31'], // a Thursday
  ])('should give the last working day of %s as %s', (month, day) => {
    expect(lastWorkingDay(month)).toBe(day);
  });

  it('should give the last calendar day, leap years included', () => {
    expect(lastDayOfMonth('2026-02')).toBe('2026-02-28');
    expect(lastDayOfMonth('2028-02')).toBe('2028-02-29');
    expect(lastDayOfMonth('2026-04')).toBe('2026-04-30');
  });

  it.each([
    ['2025-12-31', 0], // before the plan year
    ['2026-01-30', 0], // January has not ended
    ['2026-01-31', 1], // January's last day: it has ended
    ['2026-04-29', 3],
    ['2026-04-30', 4],
    ['2026-12-31', 12],
    ['2027-01-01', 12], // after the plan year
  ])('should count the months of 2026 ended by %s as %i', (asOf, count) => {
    expect(endedMonths(2026, asOf)).toBe(count);
  });

  it('should convert decimal text to cents and back exactly', () => {
    expect(toCents('9.5')).toBe(950n);
    expect(toCents('0.1') + toCents('0.2')).toBe(toCents('0.30'));
    expect(toCents('-3.05')).toBe(-305n);
    expect(fromCents(2450n)).toBe('24.50');
    expect(fromCents(-5n)).toBe('-0.05');
    expect(() => toCents('1.234')).toThrow();
  });
});

describe('monthlyTargetCompletion (核心指标月度目标完成率)', () => {
  it('should skip zero-target months, compare cumulative actuals with the target to date, and count a missing month as not met', () => {
    // Months 1..4.
    // a (periodic): Jan 12 ≥ 10 met; Feb 9.5 < 10 not met; Mar target 0 skipped; Apr no report, not met
    //   → due 3, met 1.
    // b (cumulative): targets to date Jan 5, Feb 5, Mar 10, Apr 20; Jan 5 ≥ 5 met; Feb target 0 skipped;
    //   Mar 10 ≥ 10 met; Apr 19.99 < 20 not met → due 3, met 2.
    // Total: met 1 + 2 = 3, due 3 + 3 = 6.
    expect(monthlyTargetCompletion([periodic, cumulative], actuals, 4)).toEqual({ met: 3, due: 6 });
  });

  it('should only look at the months that have ended', () => {
    // Months 1..3: a due Jan, Feb (met Jan) → 1/2; b due Jan, Mar (both met) → 2/2. Total 3/4.
    expect(monthlyTargetCompletion([periodic, cumulative], actuals, 3)).toEqual({ met: 3, due: 4 });
    // No month ended: nothing due, and the caller decides what 0/0 means.
    expect(monthlyTargetCompletion([periodic, cumulative], actuals, 0)).toEqual({ met: 0, due: 0 });
  });

  it('should ignore actuals of other indicators and of months not yet ended', () => {
    // Only a, month 1: due 1, met 1 (12 ≥ 10); the February and b rows do not matter.
    expect(monthlyTargetCompletion([periodic], actuals, 1)).toEqual({ met: 1, due: 1 });
  });
});

describe('annualTargetValues and the mean annual ratio (年度目标完成率)', () => {
  it('should sum a periodic indicator and take the latest month of a cumulative one', () => {
    // a: 12 + 9.5 + 3 = 24.50 (no April); b: April's 19.99 (the latest month ≤ 4).
    expect(annualTargetValues([periodic, cumulative], actuals, 4)).toEqual([
      { indicatorKey: 'a', value: '24.50', target: '40.00' },
      { indicatorKey: 'b', value: '19.99', target: '20.00' },
    ]);
    // Up to February: a 12 + 9.5 = 21.50; b February's 4.00.
    expect(annualTargetValues([periodic, cumulative], actuals, 2)).toEqual([
      { indicatorKey: 'a', value: '21.50', target: '40.00' },
      { indicatorKey: 'b', value: '4.00', target: '20.00' },
    ]);
    // Nothing reported yet: 0.
    expect(annualTargetValues([periodic], [], 12)).toEqual([
      { indicatorKey: 'a', value: '0.00', target: '40.00' },
    ]);
  });

  it('should cap a ratio at 1, count a target of zero as reached, and average exactly', () => {
    expect(annualRatio({ indicatorKey: 'x', value: '50.00', target: '40.00' })).toEqual(
      Fraction.ONE,
    );
    expect(annualRatio({ indicatorKey: 'x', value: '0.00', target: '0.00' })).toEqual(Fraction.ONE);
    expect(annualRatio({ indicatorKey: 'x', value: '-1.00', target: '40.00' })).toEqual(
      Fraction.ZERO,
    );
    // a 24.50 / 40.00 = 2450/4000 = 49/80; b 19.99 / 20.00 = 1999/2000.
    // Mean: (49/80 + 1999/2000) / 2 = (1225/2000 + 1999/2000) / 2 = 3224/4000 = 403/500.
    expect(
      meanAnnualRatio([
        { indicatorKey: 'a', value: '24.50', target: '40.00' },
        { indicatorKey: 'b', value: '19.99', target: '20.00' },
      ]),
    ).toEqual(Fraction.of(403, 500));
    expect(meanAnnualRatio([])).toEqual(Fraction.ONE);
  });
});

describe('onTimePlanCompletion (月度计划按期完成率)', () => {
  const plans = [
    { planKey: 'p1', planMonth: '2026-01' },
    { planKey: 'p2', planMonth: '2026-02' },
    { planKey: 'p3', planMonth: '2026-03' },
    { planKey: 'p4', planMonth: '2026-04' },
    { planKey: 'p5', planMonth: '2026-05' },
    { planKey: 'p6', planMonth: '2026-02' },
  ];
  const completions = [
    { planKey: 'p1', completedOn: '2026-01-31' }, // the month's last day: on time
    { planKey: 'p2', completedOn: '2026-03-02' },
    { planKey: 'p2', completedOn: '2026-02-27' }, // the earliest completion counts: on time
    { planKey: 'p3', completedOn: '2026-04-01' }, // after March: late
    { planKey: 'p4', completedOn: '2026-04-10' },
    // p5 and p6: never completed.
  ];

  it('should count plans whose month has ended, on time when first completed by the month end', () => {
    // As of 2026-04-29: due p1, p2, p3, p6 (April has not ended, May is ahead) = 4; on time p1, p2 = 2.
    expect(onTimePlanCompletion(plans, completions, '2026-04-29')).toEqual({ onTime: 2, due: 4 });
    // As of 2026-04-30 April has ended: p4 is due too and was completed on 04-10 → 3 of 5.
    expect(onTimePlanCompletion(plans, completions, '2026-04-30')).toEqual({ onTime: 3, due: 5 });
    // Before any month ended: nothing due.
    expect(onTimePlanCompletion(plans, completions, '2026-01-30')).toEqual({ onTime: 0, due: 0 });
  });
});

describe('progressAsOf (months still to come are never missed)', () => {
  it('should measure a period still running at today, and a closed one at its last day', () => {
    expect(progressAsOf('2026-12-31', '2026-12-07')).toBe('2026-12-07');
    expect(progressAsOf('2026-10-31', '2026-12-07')).toBe('2026-10-31');
    expect(progressAsOf('2026-12-07', '2026-12-07')).toBe('2026-12-07');
  });

  it('should count only November in a 11—12月 report made on 12-07, as the cockpit does that day', () => {
    // Plans: n1, n2 in November (both completed in November), d1 in December (not yet done).
    const plans = [
      { planKey: 'n1', planMonth: '2026-11' },
      { planKey: 'n2', planMonth: '2026-11' },
      { planKey: 'd1', planMonth: '2026-12' },
    ];
    const completions = [
      { planKey: 'n1', completedOn: '2026-11-20' },
      { planKey: 'n2', completedOn: '2026-11-30' },
    ];
    // Measured at the period's end (the old reading): d1 due and missed → 2 / 3.
    expect(onTimePlanCompletion(plans, completions, '2026-12-31')).toEqual({ onTime: 2, due: 3 });
    // Measured at progressAsOf('2026-12-31', '2026-12-07') = 12-07: December not ended → 2 / 2.
    const asOf = progressAsOf('2026-12-31', '2026-12-07');
    expect(onTimePlanCompletion(plans, completions, asOf)).toEqual({ onTime: 2, due: 2 });
    // Monthly targets: an indicator with 10 in November and 10 in December, 12 reported for
    // November. On 12-07 eleven months have ended: November due and met (12 ≥ 10) → 1 / 1;
    // December's target is not due (measured at 12-31 it would be 1 / 2).
    const indicator: IndicatorTargets = {
      key: 'x',
      cumulative: false,
      annualTarget: '20.00',
      monthlyTargets: [...Array<string>(10).fill('0'), '10.00', '10.00'],
    };
    const reported = [{ indicatorKey: 'x', month: 11, actual: '12.00' }];
    expect(monthlyTargetCompletion([indicator], reported, endedMonths(2026, asOf))).toEqual({
      met: 1,
      due: 1,
    });
    expect(monthlyTargetCompletion([indicator], reported, endedMonths(2026, '2026-12-31'))).toEqual(
      { met: 1, due: 2 },
    );
  });
});

describe('increment (当期值) and cumulative (累计值) targets, each by its own rule', () => {
  it('should add up increments and take cumulative targets as they are', () => {
    // periodic: 10, 10, 0, 20 → to date 10, 20, 20, 40 (then 40 to December).
    expect(targetsToDate(periodic).slice(0, 5)).toEqual([1000n, 2000n, 2000n, 4000n, 4000n]);
    // cumulative: 5, 5, 10, 20 held as they are; what each month adds: 5, 0, 5, 10, 0.
    expect(targetsToDate(cumulative).slice(0, 5)).toEqual([500n, 500n, 1000n, 2000n, 2000n]);
    expect(monthIncrements(cumulative).slice(0, 5)).toEqual([500n, 0n, 500n, 1000n, 0n]);
    expect(monthIncrements(periodic).slice(0, 4)).toEqual([1000n, 1000n, 0n, 2000n]);
  });

  it('should judge a month of a cumulative indicator by the cumulative picture', () => {
    // A cumulative indicator with targets to date 30, 60, 90 (each month adds 30). March's value
    // to date 95 ≥ 90: done, although the month added only 95 − 70 = 25 < 30 on its own step.
    const coverage = {
      cumulative: true,
      monthlyTargets: ['30', '60', '90', ...Array<string>(9).fill('90')],
    };
    expect(monthMet(coverage, 3, toCents('95'))).toBe(true);
    expect(monthMet(coverage, 3, toCents('89.99'))).toBe(false);
    expect(monthMet(coverage, 4, toCents('95'))).toBeNull(); // April adds nothing
    expect(monthMet(coverage, 2, undefined)).toBe(false); // due, not reported
    // The same numbers as increments (30 each month): March's own amount 25 < 30 is not done.
    const monthly = {
      cumulative: false,
      monthlyTargets: ['30', '30', '30', ...Array<string>(9).fill('0')],
    };
    expect(monthMet(monthly, 3, toCents('25'))).toBe(false);
    expect(monthMet(monthly, 3, toCents('30'))).toBe(true);
  });
});
