import type { DataSource } from 'typeorm';
import type { SystemKind } from '../systems/indicator-systems.service.js';

/**
 * The report of the previous period of the same kind (its newest generation), for 较上期: period
 * codes of one kind sort as text (2026-Q2 < 2026-Q3, 2026-B4 < 2026-B5).
 */
export async function previousReport(
  dataSource: DataSource,
  kind: SystemKind,
  period: string,
): Promise<{ id: string; period: string } | undefined> {
  const rows = await dataSource.query<{ id: string; period: string }[]>(
    `SELECT id, period FROM reports WHERE kind = $1 AND period < $2
      ORDER BY period DESC, generated_at DESC LIMIT 1`,
    [kind, period],
  );
  return rows[0];
}

/** Every subject's rank in a report, keyed by unit id or project id. */
export async function ranksOfReport(
  dataSource: DataSource,
  reportId: string,
): Promise<Map<string, number>> {
  const rows = await dataSource.query<{ key: string; rank: number }[]>(
    `SELECT COALESCE(unit_id::text, project_id::text) AS key, rank FROM report_rows WHERE report_id = $1`,
    [reportId],
  );
  return new Map(rows.map((row) => [row.key, row.rank]));
}
