/** One row of a satisfaction return as typed or imported: the district's name and its score text. */
export interface ScoreInput {
  row: number;
  district: string;
  score: string;
  /** Imported from a merged cell (the value of another row repeated). */
  merged?: boolean;
}

export interface ScoreTableResult {
  scores: Map<number, number>;
  errors: string[];
}

/**
 * Checks a return covers every district exactly once with a score from 0 to 100 (two decimals at
 * most). Problems name the row (and district) so the survey centre can fix the sheet.
 */
export function checkScoreTable(
  rows: readonly ScoreInput[],
  districts: readonly { id: number; name: string }[],
): ScoreTableResult {
  const idsByName = new Map(districts.map((district) => [district.name, district.id]));
  const scores = new Map<number, number>();
  const seen = new Set<number>();
  const errors: string[] = [];
  for (const row of rows) {
    const id = idsByName.get(row.district.trim());
    if (id === undefined) {
      errors.push(`第 ${row.row} 行：没有名为“${row.district.slice(0, 30)}”的区县`);
      continue;
    }
    if (row.merged) {
      errors.push(`第 ${row.row} 行：${row.district} 的得分单元格是合并单元格，请每行单独填写`);
      continue;
    }
    if (seen.has(id)) {
      errors.push(`第 ${row.row} 行：${row.district} 重复`);
      continue;
    }
    seen.add(id);
    const text = row.score.trim();
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > 100) {
      errors.push(
        `第 ${row.row} 行：${row.district} 的得分“${text.slice(0, 20)}”须为 0–100 之间、最多两位小数的数`,
      );
      continue;
    }
    scores.set(id, Number(text));
  }
  for (const district of districts) {
    if (!seen.has(district.id)) {
      errors.push(`缺少 ${district.name} 的得分`);
    }
  }
  return { scores: errors.length === 0 ? scores : new Map<number, number>(), errors };
}
