import { monthlyTargetCents, monthlyTargetProblem } from './battle-map-form.js';

const cents = (...values: number[]) => values.map((value) => BigInt(Math.round(value * 100)));

describe('monthly targets by the indicator kind', () => {
  it('当期值: the twelve increments add up to the annual target', () => {
    // 10 × 11 + 9.5 = 119.5 ≠ 120.
    const increments = cents(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9.5);
    expect(monthlyTargetProblem(increments, 12000n, false, true)).toBe(
      '当期值指标 12个月目标值合计 119.5，须与年度目标值 120 一致',
    );
    expect(monthlyTargetProblem(cents(...Array<number>(12).fill(10)), 12000n, false, true)).toBe(
      undefined,
    );
    // A draft is saved without the total.
    expect(monthlyTargetProblem(increments, 12000n, false, false)).toBeUndefined();
  });

  it('累计值: targets to date never fall and December equals the annual target', () => {
    // 10, 20, …, 90, 90, 90, 90 ends at 90: right, although they add up to 630.
    const toDate = cents(10, 20, 30, 40, 50, 60, 70, 80, 90, 90, 90, 90);
    expect(monthlyTargetProblem(toDate, 9000n, true, true)).toBeUndefined();
    // March 15 below February 20: refused on every save.
    const falling = cents(10, 20, 15, 40, 50, 60, 70, 80, 90, 90, 90, 90);
    expect(monthlyTargetProblem(falling, 9000n, true, false)).toBe(
      '累计值指标的月度目标是截至当月底的累计目标，不能低于上月：3月 15 低于 2月 20',
    );
    // December 85 ≠ 90: refused on submit.
    const short = cents(10, 20, 30, 40, 50, 60, 70, 80, 85, 85, 85, 85);
    expect(monthlyTargetProblem(short, 9000n, true, true)).toBe(
      '累计值指标 12月的累计目标 85 须等于年度目标值 90',
    );
    expect(monthlyTargetProblem(short, 9000n, true, false)).toBeUndefined();
  });

  it('should read an empty month as no increment, or as the previous target to date', () => {
    const typed = [1000n, null, 3000n, null, null, null, null, null, null, null, null, 9000n];
    expect(monthlyTargetCents(typed, false)).toEqual([
      1000n,
      0n,
      3000n,
      0n,
      0n,
      0n,
      0n,
      0n,
      0n,
      0n,
      0n,
      9000n,
    ]);
    expect(monthlyTargetCents(typed, true)).toEqual([
      1000n,
      1000n,
      3000n,
      3000n,
      3000n,
      3000n,
      3000n,
      3000n,
      3000n,
      3000n,
      3000n,
      9000n,
    ]);
  });
});
