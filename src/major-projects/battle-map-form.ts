import {
  CONTROL_CHARACTER_MESSAGE,
  hasControlCharacters,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { parseCents, type Cents } from './decimal-cents.js';

/**
 * The battle map form (项目作战图) as pure rules: the posted fields of the three row sections are
 * parsed into rows (kept as typed, for re-rendering) and checked. Rows are named
 * `<section>-<token>-<field>` where the token is a row's stable id in the page (a new row gets a
 * random one from the server), so rows can be added and removed in any order without renumbering.
 */

export const MEASURE_MAX_CHARS = 300;
export const MIN_INDICATORS = 2;
export const MIN_MEASURES = 3;
const NAME_MAX = 100;
const UNIT_MAX = 20;
const PLAN_CONTENT_MAX = 500;
const BASIS_MAX = 2000;
export const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

export interface IndicatorRow {
  token: string;
  name: string;
  unit: string;
  annual: string;
  /** '1' cumulative (the year's value is the last month's), '0' periodic (the year's value is the sum). */
  cumulative: string;
  months: string[];
}

export interface MeasureRow {
  token: string;
  text: string;
}

export interface PlanRow {
  token: string;
  /** The token of the measure this plan serves. */
  measure: string;
  month: string;
  type: string;
  content: string;
}

export interface BattleMapRows {
  indicators: IndicatorRow[];
  measures: MeasureRow[];
  plans: PlanRow[];
}

const ROW_FIELD = /^(ind|mea|plan)-([a-z0-9]{1,32})-([a-z0-9]{1,12})$/;

function text(value: unknown): string {
  if (Array.isArray(value)) {
    return text(value[0]);
  }
  return typeof value === 'string' ? value.trim() : '';
}

/** Rows in the order the page posted them (object keys keep the form's field order). */
export function parseBattleMapRows(body: Record<string, unknown>): BattleMapRows {
  const sections = {
    ind: new Map<string, Record<string, string>>(),
    mea: new Map<string, Record<string, string>>(),
    plan: new Map<string, Record<string, string>>(),
  };
  for (const [key, value] of Object.entries(body)) {
    const match = ROW_FIELD.exec(key);
    if (!match) {
      continue;
    }
    const [, section, token, field] = match as unknown as [
      string,
      keyof typeof sections,
      string,
      string,
    ];
    const row = sections[section].get(token) ?? {};
    row[field] = text(value);
    sections[section].set(token, row);
  }
  return {
    indicators: [...sections.ind].map(([token, row]) => ({
      token,
      name: row.name ?? '',
      unit: row.unit ?? '',
      annual: row.annual ?? '',
      cumulative: row.cumulative === '1' ? '1' : '0',
      months: MONTHS.map((month) => row[`m${month}`] ?? ''),
    })),
    measures: [...sections.mea].map(([token, row]) => ({ token, text: row.text ?? '' })),
    plans: [...sections.plan].map(([token, row]) => ({
      token,
      measure: row.measure ?? '',
      month: row.month ?? '',
      type: row.type ?? '',
      content: row.content ?? '',
    })),
  };
}

/** Characters as a reader counts them (a CJK character or an emoji is one). */
export function charCount(value: string): number {
  return [...value].length;
}

/**
 * Checks a required text cell: empty, over `max` characters (`tooLong` says so, by default
 * 「<label>不能超过 <max> 字」) or holding a control character puts its message under `field`.
 * Returns whether the text was accepted.
 */
function checkText(
  errors: FieldErrors,
  field: string,
  value: string,
  label: string,
  max: number,
  tooLong = `${label}不能超过 ${max} 字`,
): boolean {
  const error =
    value === ''
      ? `请填写${label}`
      : charCount(value) > max
        ? tooLong
        : hasControlCharacters(value)
          ? CONTROL_CHARACTER_MESSAGE
          : undefined;
  if (error) {
    errors[field] = [error];
  }
  return error === undefined;
}

export interface CheckedIndicator {
  token: string;
  name: string;
  unit: string;
  annualCents: Cents;
  monthlyCents: Cents[];
  cumulative: boolean;
}

export interface CheckedPlan {
  token: string;
  measureToken: string;
  month: string;
  typeId: number;
  content: string;
}

export interface CheckedBattleMap {
  indicators: CheckedIndicator[];
  measures: MeasureRow[];
  plans: CheckedPlan[];
}

const MONTH = /^(20\d{2})-(0[1-9]|1[0-2])$/;

/** Checks the plan rows alone (the map form and the iteration form share them). */
export function checkPlans(
  plans: readonly PlanRow[],
  options: { measureTokens: readonly string[]; planTypeIds: readonly number[]; firstMonth: string },
  errors: FieldErrors,
): CheckedPlan[] {
  const checked: CheckedPlan[] = [];
  for (const plan of plans) {
    const field = (name: string) => `plan-${plan.token}-${name}`;
    let ok = true;
    if (!options.measureTokens.includes(plan.measure)) {
      errors[field('measure')] = ['请选择对应的具体举措'];
      ok = false;
    }
    if (!MONTH.test(plan.month)) {
      errors[field('month')] = ['请选择计划月度'];
      ok = false;
    } else if (plan.month < options.firstMonth) {
      errors[field('month')] = [`计划月度不能早于 ${options.firstMonth}`];
      ok = false;
    }
    const typeId = Number(plan.type);
    if (!options.planTypeIds.includes(typeId)) {
      errors[field('type')] = ['请选择计划类型'];
      ok = false;
    }
    if (!checkText(errors, field('content'), plan.content, '计划内容', PLAN_CONTENT_MAX)) {
      ok = false;
    }
    if (ok) {
      checked.push({
        token: plan.token,
        measureToken: plan.measure,
        month: plan.month,
        typeId,
        content: plan.content,
      });
    }
  }
  return checked;
}

export function checkMeasureText(value: string, field: string, errors: FieldErrors): void {
  const tooLong = `每条举措不超过 ${MEASURE_MAX_CHARS} 字（现 ${charCount(value)} 字）`;
  checkText(errors, field, value, '举措内容', MEASURE_MAX_CHARS, tooLong);
}

export function checkBasis(value: string, errors: FieldErrors): void {
  checkText(errors, 'basis', value, '迭代依据', BASIS_MAX);
}

/**
 * The twelve monthly targets as stored, from what was typed (null: left empty): an increment
 * indicator's empty month adds 0; a cumulative indicator's empty month keeps the previous month's
 * target to date (0 before the first filled month).
 */
export function monthlyTargetCents(typed: readonly (Cents | null)[], cumulative: boolean): Cents[] {
  let previous = 0n;
  return typed.map((value) => {
    const cents = value ?? (cumulative ? previous : 0n);
    previous = cents;
    return cents;
  });
}

/**
 * The rule of an indicator's monthly targets, by kind (Chinese message, undefined when met):
 * - 当期值 (increment): each month's new amount; the twelve add up to the annual target;
 * - 累计值 (cumulative): the value to reach by the end of each month; never lower than the month
 *   before, and December's equals the annual target.
 * The order is checked on every save (a decreasing cumulative target is never right); the totals
 * only on submit, so half a map can be saved as a draft.
 */
export function monthlyTargetProblem(
  cents: readonly Cents[],
  annualCents: Cents,
  cumulative: boolean,
  submit: boolean,
): string | undefined {
  if (cumulative) {
    const drop = cents.findIndex((value, index) => index > 0 && value < cents[index - 1]);
    if (drop > 0) {
      return `累计值指标的月度目标是截至当月底的累计目标，不能低于上月：${drop + 1}月 ${formatCents(cents[drop])} 低于 ${drop}月 ${formatCents(cents[drop - 1])}`;
    }
    if (submit && cents[11] !== annualCents) {
      return `累计值指标 12月的累计目标 ${formatCents(cents[11])} 须等于年度目标值 ${formatCents(annualCents)}`;
    }
    return undefined;
  }
  const sum = cents.reduce((total, value) => total + value, 0n);
  if (submit && sum !== annualCents) {
    return `当期值指标 12个月目标值合计 ${formatCents(sum)}，须与年度目标值 ${formatCents(annualCents)} 一致`;
  }
  return undefined;
}

/**
 * Checks a map. Field formats are checked on every save; the rules that make a map complete
 * (at least 2 indicators and 3 measures, monthly targets by their kind's rule, at least one plan) only when
 * it is submitted, so a clerk can save half a map as a draft.
 */
export function checkBattleMap(
  rows: BattleMapRows,
  options: { submit: boolean; planYear: number; planTypeIds: readonly number[] },
): { map: CheckedBattleMap; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const indicators: CheckedIndicator[] = [];
  for (const row of rows.indicators) {
    const field = (name: string) => `ind-${row.token}-${name}`;
    checkText(errors, field('name'), row.name, '指标名称', NAME_MAX);
    checkText(errors, field('unit'), row.unit, '计量单位', UNIT_MAX);
    const annualCents = parseCents(row.annual);
    if (annualCents === undefined) {
      errors[field('annual')] = ['请填写年度目标值（数字，最多两位小数）'];
    }
    const cumulative = row.cumulative === '1';
    // An empty month: an increment indicator adds nothing that month; a cumulative one keeps the
    // previous month's target to date (0 before the first).
    const typed = row.months.map((value) => (value === '' ? null : parseCents(value)));
    const badMonth = typed.findIndex((value) => value === undefined);
    if (badMonth >= 0) {
      errors[field('months')] = [`${badMonth + 1}月目标值须为数字，最多两位小数`];
    }
    if (annualCents !== undefined && badMonth < 0) {
      const cents = monthlyTargetCents(typed as (Cents | null)[], cumulative);
      const problem = monthlyTargetProblem(cents, annualCents, cumulative, options.submit);
      if (problem) {
        errors[field('months')] = [problem];
      }
      indicators.push({
        token: row.token,
        name: row.name,
        unit: row.unit,
        annualCents,
        monthlyCents: cents,
        cumulative,
      });
    }
  }
  for (const measure of rows.measures) {
    checkMeasureText(measure.text, `mea-${measure.token}-text`, errors);
  }
  const plans = checkPlans(
    rows.plans,
    {
      measureTokens: rows.measures.map((measure) => measure.token),
      planTypeIds: options.planTypeIds,
      firstMonth: `${options.planYear}-01`,
    },
    errors,
  );
  if (options.submit) {
    if (rows.indicators.length < MIN_INDICATORS) {
      errors.indicators = [`核心指标一般不少于 ${MIN_INDICATORS} 个`];
    }
    if (rows.measures.length < MIN_MEASURES) {
      errors.measures = [`具体举措至少 ${MIN_MEASURES} 条`];
    }
    if (rows.plans.length === 0) {
      errors.plans = ['请至少录入一条月度推进计划'];
    }
  }
  return { map: { indicators, measures: rows.measures, plans }, errors };
}

export function formatCents(cents: Cents): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  const whole = absolute / 100n;
  const fraction = absolute % 100n;
  const text =
    fraction === 0n
      ? `${whole}`
      : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
  return negative ? `-${text}` : text;
}
