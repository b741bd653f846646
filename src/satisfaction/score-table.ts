import type { FieldErrors } from '../common/forms/form-validation.js';

/** One row of a satisfaction return as typed or imported: the district's name and its score text. */
export interface ScoreInput {
  /** The Excel row of an imported score; typed scores have none. */
  row?: number;
  district: string;
  score: string;
  /** Imported from a merged cell (the value of another row repeated). */
  merged?: boolean;
}

/** What is wrong with one district's score: shown beside its input. */
export interface ScoreFieldError {
  kind: 'invalid' | 'missing';
  message: string;
}

export interface ScoreTableResult {
  scores: Map<number, number>;
  /** By district id, in the districts' order: a bad score, or none at all. */
  fieldErrors: Map<number, ScoreFieldError>;
  /** Rows of an imported sheet that fit no district (an unknown name, a duplicate), by row. */
  rowErrors: string[];
}

/** The form field of a district's score. */
export const scoreField = (districtId: number): string => `score_${districtId}`;

const at = (row: ScoreInput): string => (row.row === undefined ? '' : `第 ${row.row} 行：`);

/**
 * Checks a return covers every district exactly once with a score from 0 to 100 (two decimals at
 * most). A district's own problem (a bad or missing score) is kept for its input; rows that fit
 * no district are named by row so the survey centre can fix the sheet.
 */
export function checkScoreTable(
  rows: readonly ScoreInput[],
  districts: readonly { id: number; name: string }[],
): ScoreTableResult {
  const idsByName = new Map(districts.map((district) => [district.name, district.id]));
  const scores = new Map<number, number>();
  const problems = new Map<number, ScoreFieldError>();
  const seen = new Set<number>();
  const rowErrors: string[] = [];
  for (const row of rows) {
    const id = idsByName.get(row.district.trim());
    if (id === undefined) {
      rowErrors.push(`${at(row)}没有名为“${row.district.slice(0, 30)}”的区县`);
      continue;
    }
    if (seen.has(id)) {
      rowErrors.push(`${at(row)}${row.district} 重复`);
      continue;
    }
    seen.add(id);
    if (row.merged) {
      problems.set(id, {
        kind: 'invalid',
        message: `${at(row)}得分单元格是合并单元格，请每行单独填写`,
      });
      continue;
    }
    const text = row.score.trim();
    if (text === '') {
      problems.set(id, { kind: 'missing', message: `${at(row)}请填写得分` });
      continue;
    }
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > 100) {
      problems.set(id, {
        kind: 'invalid',
        message: `${at(row)}得分“${text.slice(0, 20)}”须为 0–100 之间、最多两位小数的数`,
      });
      continue;
    }
    scores.set(id, Number(text));
  }
  const fieldErrors = new Map<number, ScoreFieldError>();
  for (const district of districts) {
    // The typed form sends every district (an empty score is "请填写得分"): only a sheet lacks one.
    const problem = seen.has(district.id)
      ? problems.get(district.id)
      : { kind: 'missing' as const, message: '表中缺少该区县，请补上一行' };
    if (problem) {
      fieldErrors.set(district.id, problem);
    }
  }
  const ok = fieldErrors.size === 0 && rowErrors.length === 0;
  return { scores: ok ? scores : new Map<number, number>(), fieldErrors, rowErrors };
}

/** "万州区、黔江区 的得分有误": at most five names, then how many there are in all. */
function sayOf(names: readonly string[], predicate: string): string {
  return names.length <= 5
    ? `${names.join('、')} ${predicate}`
    : `${names.slice(0, 5).join('、')} 等 ${names.length} 个区县${predicate}`;
}

/**
 * A checked table as form errors: each district's message under `score_<id>` (shown beside its
 * input) and under `scores` a one-line summary naming the districts, then the rows that fit no
 * district. No errors when the table is fine.
 */
export function scoreTableErrors(
  result: ScoreTableResult,
  districts: readonly { id: number; name: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  const invalid: string[] = [];
  const missing: string[] = [];
  for (const district of districts) {
    const problem = result.fieldErrors.get(district.id);
    if (problem) {
      errors[scoreField(district.id)] = [problem.message];
      (problem.kind === 'invalid' ? invalid : missing).push(district.name);
    }
  }
  const count = invalid.length + missing.length + result.rowErrors.length;
  if (count === 0) {
    return errors;
  }
  const parts = [
    ...(invalid.length ? [sayOf(invalid, '的得分有误')] : []),
    ...(missing.length ? [sayOf(missing, '没有得分')] : []),
    ...(result.rowErrors.length ? [`表中 ${result.rowErrors.length} 行有误`] : []),
  ];
  errors.scores = [`有 ${count} 处需要修改：${parts.join('；')}`, ...result.rowErrors];
  return errors;
}
