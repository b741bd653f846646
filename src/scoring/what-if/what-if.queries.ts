import type { SqlRunner } from '../../database/sql-runner.js';

/** The subjects a what-if template lists: the active districts, or the major projects, in order. */
export async function whatIfSubjects(
  db: SqlRunner,
  kind: 'district' | 'major_project',
): Promise<string[]> {
  const rows: { name: string }[] =
    kind === 'district'
      ? await db.query(
          `SELECT name FROM units WHERE kind = 'district' AND active ORDER BY sort_order, id`,
        )
      : await db.query(`SELECT name FROM major_projects ORDER BY plan_year DESC, name LIMIT 1000`);
  return rows.map((row) => row.name);
}
