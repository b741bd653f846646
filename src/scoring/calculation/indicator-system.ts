import { Fraction } from './fraction.js';

/** Which records feed a value: everything so far, the evaluation year so far, the report period, or state on the report date. */
export type DataWindow = 'cumulative' | 'year_to_date' | 'period' | 'as_of';

/** Numbers are decimal strings so definitions stay exact and storable as they were typed. */
export type ScoringMethod =
  | { kind: 'single_tier'; low: string; high: string }
  | { kind: 'three_tier'; s: string; a: string; b: string }
  | { kind: 'deduction'; perEvent: string };

/**
 * How a rate scores for a unit with nothing due (0/0, e.g. 试点按时通过验收率 of a district with no
 * pilot due by the report date), chosen per indicator in the system (DESIGN §4):
 * - full (按满分计): the unit's rate counts as 100% and takes part in the calculation like any
 *   other value; 100% is the highest a rate can be, so the unit gets the indicator's top
 *   coefficient, full marks.
 * - median (不参与该项、按该项中位数计): the unit takes no part in the indicator — its standards
 *   (min, median, max) come from the units with something due only — and it gets the median of
 *   those units' scores on the indicator (the mean of the two middle scores for an even count).
 *   When no unit has anything due, every unit gets the top coefficient (as when all values are
 *   equal).
 * - zero (按0计): the unit's rate counts as 0% and takes part like any other value (0% is the
 *   lowest a rate can be, so the unit gets the indicator's lowest coefficient).
 * An indicator without a rule (systems stored before the rule existed) scores by `full`.
 */
export type NothingDueRule = 'full' | 'median' | 'zero';

export const NOTHING_DUE_RULES: readonly NothingDueRule[] = ['full', 'median', 'zero'];

export const NOTHING_DUE_LABELS: Readonly<Record<NothingDueRule, string>> = {
  full: '按满分计',
  median: '不参与该项、按该项中位数计',
  zero: '按0计',
};

/** What each rule means, as pages state it. */
export const NOTHING_DUE_EXPLANATIONS: Readonly<Record<NothingDueRule, string>> = {
  full: '该单位的比率按 100% 计，与其他单位一同计算，得该项最高系数（满分）',
  median:
    '该单位不参与该项计算（最高值、中位数、最低值只取有应考核事项的单位），该项得分取有应考核事项的单位该项得分的中位数（偶数个时取中间两个得分的平均数）；所有单位都没有应考核事项时均得最高系数',
  zero: '该单位的比率按 0% 计，与其他单位一同计算，得该项最低系数',
};

export interface FirstLevelIndicator {
  code: string;
  name: string;
}

export interface SecondLevelIndicator {
  code: string;
  name: string;
  firstLevel: string;
  /** The weight w; "0" for deductions, which take points off instead. */
  points: string;
  method: ScoringMethod;
  window: DataWindow;
  /**
   * A rate only: how a unit with nothing due (0/0) scores; absent means `full`. See NothingDueRule.
   */
  nothingDue?: NothingDueRule;
  /**
   * Display name of the second-level indicator several deduction codes belong to (the three
   * 群体性事件 levels are one indicator with three rates). Not used in the calculation.
   */
  group?: string;
}

export interface IndicatorSystemDefinition {
  kind: 'district' | 'major_project';
  name: string;
  firstLevels: FirstLevelIndicator[];
  indicators: SecondLevelIndicator[];
}

/**
 * A rate (试点按时通过验收率, 月度目标完成率, …): its code ends in `_rate` and its value is a
 * fraction 0–1, shown as a percentage (0.912 → 91.2%).
 */
export function isRateCode(code: string): boolean {
  return code.endsWith('_rate');
}

/** The first CSV column; no indicator may take this code. */
export const UNIT_COLUMN = 'unit';

const CODE_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

/** Problems of a definition, in Chinese, for the office that edits it; empty when it can be used. */
export function validateSystem(def: IndicatorSystemDefinition): string[] {
  const errors: string[] = [];
  if (def.name.trim() === '') {
    errors.push('指标体系名称为空');
  }
  const firstCodes = new Set<string>();
  for (const level of def.firstLevels) {
    errors.push(...checkCode(level.code, '一级指标'));
    if (firstCodes.has(level.code)) {
      errors.push(`一级指标代码“${level.code}”重复`);
    }
    firstCodes.add(level.code);
    if (level.name.trim() === '') {
      errors.push(`一级指标“${level.code}”的名称为空`);
    }
  }
  const codes = new Set<string>();
  for (const indicator of def.indicators) {
    const label = `二级指标“${indicator.code}”`;
    errors.push(...checkCode(indicator.code, '二级指标'));
    if (codes.has(indicator.code)) {
      errors.push(`${label}的代码重复`);
    }
    codes.add(indicator.code);
    if (indicator.name.trim() === '') {
      errors.push(`${label}的名称为空`);
    }
    if (!firstCodes.has(indicator.firstLevel)) {
      errors.push(`${label}所属的一级指标“${indicator.firstLevel}”不存在`);
    }
    errors.push(...checkMethod(indicator, label));
    if (indicator.nothingDue !== undefined && !NOTHING_DUE_RULES.includes(indicator.nothingDue)) {
      errors.push(`${label}的“无应考核事项（0/0）时”计分规则“${String(indicator.nothingDue)}”无效`);
    }
  }
  if (!def.indicators.some((indicator) => indicator.method.kind !== 'deduction')) {
    errors.push('指标体系没有计分的二级指标');
  }
  return errors;
}

function checkCode(code: string, what: string): string[] {
  if (code === UNIT_COLUMN) {
    return [`${what}代码不能用“${UNIT_COLUMN}”（它是单位列的列名）`];
  }
  if (!CODE_PATTERN.test(code)) {
    return [`${what}代码“${code}”须以小写字母开头，只含小写字母、数字和下划线，最长 50 个字符`];
  }
  return [];
}

function checkMethod(indicator: SecondLevelIndicator, label: string): string[] {
  const method = indicator.method;
  const points = Fraction.tryParse(indicator.points);
  if (points === null) {
    return [`${label}的分值“${indicator.points}”不是数`];
  }
  switch (method.kind) {
    case 'deduction': {
      const errors = points.isZero() ? [] : [`${label}是扣分项，分值须为 0`];
      const perEvent = Fraction.tryParse(method.perEvent);
      if (perEvent === null || perEvent.compare(Fraction.ZERO) <= 0) {
        errors.push(`${label}的每次扣分“${method.perEvent}”须为正数`);
      }
      return errors;
    }
    case 'single_tier':
    case 'three_tier': {
      const errors = points.compare(Fraction.ZERO) > 0 ? [] : [`${label}的分值须为正数`];
      const named: [string, string][] =
        method.kind === 'single_tier'
          ? [
              ['低档系数', method.low],
              ['高档系数', method.high],
            ]
          : [
              ['S 档系数', method.s],
              ['A 档系数', method.a],
              ['B 档系数', method.b],
            ];
      const values: Fraction[] = [];
      for (const [name, text] of named) {
        const value = Fraction.tryParse(text);
        if (
          value === null ||
          value.compare(Fraction.ZERO) <= 0 ||
          value.compare(Fraction.ONE) > 0
        ) {
          errors.push(`${label}的${name}“${text}”须大于 0 且不大于 1`);
        } else {
          values.push(value);
        }
      }
      if (values.length === named.length) {
        // Listed from the lowest (single tier) or the highest (three tiers) coefficient.
        const ordered =
          method.kind === 'single_tier'
            ? values[0].compare(values[1]) <= 0
            : values[0].compare(values[1]) >= 0 && values[1].compare(values[2]) >= 0;
        if (!ordered) {
          errors.push(
            method.kind === 'single_tier'
              ? `${label}的低档系数不能大于高档系数`
              : `${label}的系数须满足 S ≥ A ≥ B`,
          );
        }
      }
      return errors;
    }
  }
}
