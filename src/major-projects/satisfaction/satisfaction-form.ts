import {
  CONTROL_CHARACTER_MESSAGE,
  hasControlCharacters,
  type FieldErrors,
} from '../../common/forms/form-validation.js';

/**
 * The yearly major-project satisfaction form (重大改革项目满意度) as pure rules: one score (0–100,
 * at most two decimals) and a short remark per project, the overall conclusion, one report file.
 * Fields are named `score_<projectId>` and `remark_<projectId>`; errors name the project.
 */

export const REMARK_MAX = 200;
export const CONCLUSION_MAX = 5000;
const SCORE = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

export interface FormProject {
  id: string;
  name: string;
  /** A closed project (已结项) may be left without a score: it may not have been surveyed. */
  optional: boolean;
}

export interface SatisfactionInput {
  scores: Record<string, string>;
  remarks: Record<string, string>;
  conclusion: string;
  report: string[];
}

export interface CheckedScore {
  projectId: string;
  /** Decimal text PostgreSQL numeric takes, e.g. "92.50". */
  score: string;
  remark: string;
}

/** A score as hundredths (0–10000), or undefined when it is not a number from 0 to 100 with ≤ 2 decimals. */
export function scoreCents(text: string): number | undefined {
  const match = SCORE.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents <= 10000 ? cents : undefined;
}

export function centsText(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function checkSatisfactionForm(
  input: SatisfactionInput,
  projects: readonly FormProject[],
): { rows: CheckedScore[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const rows: CheckedScore[] = [];
  for (const project of projects) {
    const typed = (input.scores[project.id] ?? '').trim();
    const remark = (input.remarks[project.id] ?? '').trim();
    if ([...remark].length > REMARK_MAX) {
      errors[`remark_${project.id}`] = [`「${project.name}」的备注不能超过 ${REMARK_MAX} 字`];
    } else if (hasControlCharacters(remark)) {
      errors[`remark_${project.id}`] = [`「${project.name}」的备注${CONTROL_CHARACTER_MESSAGE}`];
    }
    if (typed === '') {
      if (!project.optional) {
        errors[`score_${project.id}`] = [`请填写「${project.name}」的满意度得分`];
      } else if (remark !== '') {
        errors[`score_${project.id}`] = [`「${project.name}」填写了备注，请同时填写得分`];
      }
      continue;
    }
    const cents = scoreCents(typed);
    if (cents === undefined) {
      errors[`score_${project.id}`] = [
        `「${project.name}」的得分“${typed.slice(0, 20)}”须为 0–100 之间、最多两位小数的数`,
      ];
      continue;
    }
    rows.push({ projectId: project.id, score: centsText(cents), remark });
  }
  const conclusion = input.conclusion.trim();
  if (conclusion === '') {
    errors.conclusion = ['请填写总体调查结论'];
  } else if ([...conclusion].length > CONCLUSION_MAX) {
    errors.conclusion = [`总体调查结论不能超过 ${CONCLUSION_MAX} 字`];
  } else if (hasControlCharacters(conclusion)) {
    errors.conclusion = [CONTROL_CHARACTER_MESSAGE];
  }
  if (input.report.length > 1) {
    errors.report = ['调查报告只需上传一个文件，请移除多余的文件'];
  }
  if (projects.length > 0 && rows.length === 0 && Object.keys(errors).length === 0) {
    errors.scores = ['请至少填写一个项目的满意度得分'];
  }
  return { rows, errors };
}

/** Ranks by score, highest first; equal scores share a rank (1, 2, 2, 4). */
export function rankByScore<T extends { score: string }>(
  rows: readonly T[],
): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => (scoreCents(b.score) ?? 0) - (scoreCents(a.score) ?? 0));
  let previous: number | undefined;
  let rank = 0;
  return sorted.map((row, index) => {
    const cents = scoreCents(row.score) ?? 0;
    if (cents !== previous) {
      rank = index + 1;
      previous = cents;
    }
    return { ...row, rank };
  });
}
