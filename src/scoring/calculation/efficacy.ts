/**
 * 功效系数法 (DESIGN §4): every unit's value of an indicator is placed between the standards
 * taken from all units (min / max, or min / median / max) and scaled into a coefficient of the
 * indicator's points. Exact arithmetic throughout; only display rounds.
 */
import { Fraction } from './fraction.js';
import { validateSystem } from './indicator-system.js';
import type { IndicatorSystemDefinition, SecondLevelIndicator } from './indicator-system.js';

export interface UnitInput {
  unit: string;
  /** Raw values by indicator code; for deduction codes, the number of events. */
  values: Record<string, Fraction>;
  /** Exact amounts to deduct by deduction code (frozen on approved events); wins over count × perEvent. */
  deductionAmounts?: Record<string, Fraction>;
  /**
   * Rate codes for which this unit had nothing due (0/0): the indicator's NothingDueRule decides
   * its score, whatever value `values` carries for the code (a value is still needed).
   */
  nothingDue?: readonly string[];
}

export interface UnitResult {
  unit: string;
  /** Score by code of every indicator in play; deduction codes carry the negative amount deducted. */
  indicators: Record<string, Fraction>;
  /**
   * Sum of `indicators` per first-level code with at least one indicator in play, so a
   * deductions-only level (风险管控力) is zero or negative.
   */
  firstLevels: Record<string, Fraction>;
  /** Total amount deducted (zero or positive). */
  deductions: Fraction;
  /** Sum of the scored indicators minus deductions, never below 0. */
  total: Fraction;
  /** Competition rank by total, 1 = best. */
  rank: number;
}

export type ScoringErrorKind =
  | 'invalid_system'
  | 'duplicate_unit'
  | 'unknown_code'
  | 'missing_value'
  | 'bad_count'
  | 'bad_amount';

/** Input the calculation cannot use; names the unit and indicator code when there is one. */
export class ScoringInputError extends Error {
  override readonly name = 'ScoringInputError';

  constructor(
    readonly kind: ScoringErrorKind,
    message: string,
    readonly unit?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Scores units against a system. Indicators that no unit has a value for are not in play (a
 * missing column means the indicator is not scored); once in play every unit needs a value.
 * Results come back in input order.
 */
export function scoreUnits(system: IndicatorSystemDefinition, units: UnitInput[]): UnitResult[] {
  const systemErrors = validateSystem(system);
  if (systemErrors.length > 0) {
    throw new ScoringInputError('invalid_system', `指标体系有误：${systemErrors.join('；')}`);
  }
  checkUnits(system, units);
  const inPlay = system.indicators.filter((indicator) =>
    units.some(
      (unit) =>
        own(unit.values, indicator.code) !== undefined ||
        own(unit.deductionAmounts, indicator.code) !== undefined,
    ),
  );

  const scores: Record<string, Fraction>[] = units.map(() => ({}));
  for (const indicator of inPlay) {
    const method = indicator.method;
    if (method.kind === 'deduction') {
      const perEvent = Fraction.parse(method.perEvent);
      units.forEach((unit, i) => {
        scores[i][indicator.code] = deductionAmount(unit, indicator.code, perEvent).neg();
      });
      continue;
    }
    const given = units.map((unit) => requireValue(unit, indicator));
    const points = Fraction.parse(indicator.points);
    const coefficientsOf = (values: Fraction[]) =>
      method.kind === 'single_tier'
        ? singleTierCoefficients(values, Fraction.parse(method.low), Fraction.parse(method.high))
        : threeTierCoefficients(values, {
            s: Fraction.parse(method.s),
            a: Fraction.parse(method.a),
            b: Fraction.parse(method.b),
          });
    const nothingDue = units.map((unit) => unit.nothingDue?.includes(indicator.code) ?? false);
    const rule = indicator.nothingDue ?? 'full';
    if (rule === 'median' && nothingDue.some(Boolean)) {
      const taking = units.map((_, i) => i).filter((i) => !nothingDue[i]);
      const takingScores = coefficientsOf(taking.map((i) => given[i])).map((coefficient) =>
        points.mul(coefficient),
      );
      taking.forEach((unitIndex, k) => {
        scores[unitIndex][indicator.code] = takingScores[k];
      });
      const top = points.mul(
        Fraction.parse(method.kind === 'single_tier' ? method.high : method.s),
      );
      const median = takingScores.length === 0 ? top : standards(takingScores).median;
      nothingDue.forEach((none, i) => {
        if (none) {
          scores[i][indicator.code] = median;
        }
      });
      continue;
    }
    // full and zero: the rate counts as 100% or 0% and takes part like any other value.
    const values = given.map((value, i) =>
      nothingDue[i] ? (rule === 'zero' ? Fraction.ZERO : Fraction.ONE) : value,
    );
    coefficientsOf(values).forEach((coefficient, i) => {
      scores[i][indicator.code] = points.mul(coefficient);
    });
  }

  const partial = units.map((unit, i) => {
    const indicators = scores[i];
    const firstLevels = new Map<string, Fraction>();
    let scored = Fraction.ZERO;
    let deductions = Fraction.ZERO;
    for (const indicator of inPlay) {
      const score = indicators[indicator.code];
      const level = firstLevels.get(indicator.firstLevel) ?? Fraction.ZERO;
      firstLevels.set(indicator.firstLevel, level.add(score));
      if (indicator.method.kind === 'deduction') {
        deductions = deductions.sub(score);
      } else {
        scored = scored.add(score);
      }
    }
    const net = scored.sub(deductions);
    const total = net.isNegative() ? Fraction.ZERO : net;
    return {
      unit: unit.unit,
      indicators,
      firstLevels: Object.fromEntries(firstLevels),
      deductions,
      total,
    };
  });
  const ranks = rankOf(partial.map((result) => result.total));
  return partial.map((result, i) => ({ ...result, rank: ranks[i] }));
}

/**
 * Competition ranking ("1224"): higher is better, equal values share the best rank of their
 * group and the next rank skips. Exact comparison, so 0.1 + 0.2 ties with 0.3.
 */
export function rankOf(values: Fraction[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[j].compare(values[i]));
  const ranks = new Array<number>(values.length);
  order.forEach((index, position) => {
    const previous = order[position - 1];
    ranks[index] =
      position > 0 && values[previous].equals(values[index]) ? ranks[previous] : position + 1;
  });
  return ranks;
}

/** low + (x − min)/(max − min) × (high − low); everyone gets high when max = min. */
export function singleTierCoefficients(
  values: Fraction[],
  low: Fraction,
  high: Fraction,
): Fraction[] {
  if (values.length === 0) {
    return [];
  }
  const { min, max } = standards(values);
  if (min.equals(max)) {
    return values.map(() => high);
  }
  const span = max.sub(min);
  return values.map((x) => low.add(x.sub(min).div(span).mul(high.sub(low))));
}

/**
 * Three tiers with standards max / median / min: S when x = max; A when median ≤ x < max,
 * interpolated from c_A at the median to c_S at max; B when x < median, from c_B at min to c_A
 * at the median. No division by zero: x < max implies max > median in tier A, and x < median
 * implies median > min in tier B; when max = min everyone is at max and gets c_S.
 */
export function threeTierCoefficients(
  values: Fraction[],
  c: { s: Fraction; a: Fraction; b: Fraction },
): Fraction[] {
  if (values.length === 0) {
    return [];
  }
  const { min, median, max } = standards(values);
  return values.map((x) => {
    if (x.equals(max)) {
      return c.s;
    }
    if (x.compare(median) >= 0) {
      return c.a.add(x.sub(median).div(max.sub(median)).mul(c.s.sub(c.a)));
    }
    return c.b.add(x.sub(min).div(median.sub(min)).mul(c.a.sub(c.b)));
  });
}

/** min, max and median (mean of the two middle values for an even count) of a non-empty list. */
export function standards(values: Fraction[]): { min: Fraction; median: Fraction; max: Fraction } {
  const sorted = [...values].sort((x, y) => x.compare(y));
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? sorted[middle]
      : sorted[middle - 1].add(sorted[middle]).div(Fraction.of(2));
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

function checkUnits(system: IndicatorSystemDefinition, units: UnitInput[]): void {
  const known = new Map(system.indicators.map((indicator) => [indicator.code, indicator]));
  const seen = new Set<string>();
  for (const unit of units) {
    if (seen.has(unit.unit)) {
      throw new ScoringInputError('duplicate_unit', `单位“${unit.unit}”重复`, unit.unit);
    }
    seen.add(unit.unit);
    for (const code of Object.keys(unit.values)) {
      if (!known.has(code)) {
        throw new ScoringInputError(
          'unknown_code',
          `单位“${unit.unit}”的“${code}”不是${system.name}的指标代码`,
          unit.unit,
          code,
        );
      }
    }
    for (const [code, amount] of Object.entries(unit.deductionAmounts ?? {})) {
      if (known.get(code)?.method.kind !== 'deduction') {
        throw new ScoringInputError(
          'unknown_code',
          `单位“${unit.unit}”的“${code}”不是${system.name}的扣分项代码`,
          unit.unit,
          code,
        );
      }
      if (amount.isNegative()) {
        throw new ScoringInputError(
          'bad_amount',
          `单位“${unit.unit}”的扣分项“${code}”扣分 ${amount.toString()} 不能为负`,
          unit.unit,
          code,
        );
      }
    }
  }
}

function requireValue(unit: UnitInput, indicator: SecondLevelIndicator): Fraction {
  const value = own(unit.values, indicator.code);
  if (value === undefined) {
    throw new ScoringInputError(
      'missing_value',
      `单位“${unit.unit}”缺少指标“${indicator.code}”（${indicator.name}）的值`,
      unit.unit,
      indicator.code,
    );
  }
  return value;
}

function deductionAmount(unit: UnitInput, code: string, perEvent: Fraction): Fraction {
  const amount = own(unit.deductionAmounts, code);
  if (amount !== undefined) {
    return amount;
  }
  const count = own(unit.values, code);
  if (count === undefined) {
    throw new ScoringInputError(
      'missing_value',
      `单位“${unit.unit}”缺少扣分项“${code}”的事件数`,
      unit.unit,
      code,
    );
  }
  if (!count.isInteger() || count.isNegative()) {
    throw new ScoringInputError(
      'bad_count',
      `单位“${unit.unit}”的扣分项“${code}”事件数 ${count.toString()} 须为非负整数`,
      unit.unit,
      code,
    );
  }
  return count.mul(perEvent);
}

/** Own properties only: codes such as "constructor" must not find Object.prototype members. */
function own(record: Record<string, Fraction> | undefined, code: string): Fraction | undefined {
  return record !== undefined && Object.hasOwn(record, code) ? record[code] : undefined;
}
