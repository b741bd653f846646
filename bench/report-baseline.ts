import type pg from 'pg';
import { COUNTING_START } from '../src/pilots/pilot-counting.js';
import { parsePeriod, windowStart } from '../src/scoring/reports/report-periods.js';

/** The raw values of the district index for one district, as plain numbers. */
export type DistrictRawValues = Record<string, number>;

/**
 * The limit for report generation: the raw values of the district index for all 41 districts
 * computed by hand-written SQL, one GROUP BY per source, in one statement — no evidence lists, no
 * scoring, nothing stored. The same rules as the modules: current approved revisions only,
 * counted pilots (DESIGN §4), the year's highlights and risk events up to the period's last day,
 * the quarter's satisfaction score.
 */
export async function districtRawValuesBySql(
  db: pg.Pool | pg.Client,
  periodCode: string,
): Promise<Map<number, DistrictRawValues>> {
  const period = parsePeriod('district', periodCode);
  if (!period) {
    throw new Error(`Not a quarter: ${periodCode}`);
  }
  const yearFrom = windowStart('year_to_date', period);
  const quarter = periodCode;
  const { rows } = await db.query<{
    unit_id: number;
    pilot_count: number;
    due: number;
    on_time: number;
    national: number;
    citywide: number;
    central_media: number;
    satisfaction: string | null;
    negative_opinion: number;
    incident_larger: number;
    incident_major: number;
    incident_extreme: number;
  }>(
    `WITH districts AS (
       SELECT id, sort_order FROM units WHERE kind = 'district' AND active
     ), pilot AS (
       SELECT s.unit_id, count(*)::int AS pilot_count,
              count(*) FILTER (WHERE p.acceptance_due <= $1::date)::int AS due,
              count(*) FILTER (WHERE p.acceptance_due <= $1::date AND s.accepted_on <= p.acceptance_due
                                 AND s.accepted_on <= $1::date)::int AS on_time
         FROM pilot_streams s
         JOIN workflow_items wi ON wi.lineage_id = s.pilot_lineage_id AND wi.is_current_approved AND wi.record_type = 'pilot'
         JOIN pilots p ON p.id = wi.id AND p.deployed_on <= $1::date
        WHERE NOT p.citywide AND (p.deployed_on >= $4::date OR NOT p.finished)
        GROUP BY s.unit_id
     ), brand AS (
       SELECT h.unit_id,
              count(*) FILTER (WHERE h.category = 'national')::int AS national,
              count(*) FILTER (WHERE h.category = 'citywide')::int AS citywide,
              count(*) FILTER (WHERE h.category = 'central_media')::int AS central_media
         FROM showcase_highlights h JOIN workflow_items wi ON wi.id = h.id AND wi.is_current_approved
        WHERE h.happened_on BETWEEN $2::date AND $1::date
        GROUP BY h.unit_id
     ), satisfaction AS (
       SELECT DISTINCT ON (s.unit_id) s.unit_id, s.score
         FROM satisfaction_scores s
         JOIN satisfaction_returns r ON r.id = s.return_id AND r.quarter = $3
         JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
        ORDER BY s.unit_id, wi.approved_at DESC
     ), risk AS (
       SELECT e.involved_unit_id AS unit_id,
              count(*) FILTER (WHERE e.level_code = 'negative_opinion')::int AS negative_opinion,
              count(*) FILTER (WHERE e.level_code = 'incident_larger')::int AS incident_larger,
              count(*) FILTER (WHERE e.level_code = 'incident_major')::int AS incident_major,
              count(*) FILTER (WHERE e.level_code = 'incident_extreme')::int AS incident_extreme
         FROM risk_events e JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved
        WHERE e.occurred_on BETWEEN $2::date AND $1::date AND e.involved_unit_id IS NOT NULL
        GROUP BY e.involved_unit_id
     )
     SELECT d.id AS unit_id, coalesce(p.pilot_count, 0) AS pilot_count, coalesce(p.due, 0) AS due,
            coalesce(p.on_time, 0) AS on_time, coalesce(b.national, 0) AS national,
            coalesce(b.citywide, 0) AS citywide, coalesce(b.central_media, 0) AS central_media,
            s.score::text AS satisfaction,
            coalesce(r.negative_opinion, 0) AS negative_opinion, coalesce(r.incident_larger, 0) AS incident_larger,
            coalesce(r.incident_major, 0) AS incident_major, coalesce(r.incident_extreme, 0) AS incident_extreme
       FROM districts d
       LEFT JOIN pilot p ON p.unit_id = d.id
       LEFT JOIN brand b ON b.unit_id = d.id
       LEFT JOIN satisfaction s ON s.unit_id = d.id
       LEFT JOIN risk r ON r.unit_id = d.id
      ORDER BY d.sort_order`,
    [period.end, yearFrom, quarter, COUNTING_START],
  );
  return new Map(
    rows.map((row) => [
      row.unit_id,
      {
        pilot_count: row.pilot_count,
        pilot_acceptance_rate: row.due === 0 ? 1 : row.on_time / row.due,
        national_affirmation: row.national,
        citywide_promotion: row.citywide,
        central_media: row.central_media,
        satisfaction: row.satisfaction === null ? 0 : Number(row.satisfaction),
        negative_opinion: row.negative_opinion,
        incident_larger: row.incident_larger,
        incident_major: row.incident_major,
        incident_extreme: row.incident_extreme,
      },
    ]),
  );
}

/** Differences between a generated report's raw values and the SQL's, as readable lines (empty: they agree). */
export async function compareWithReport(
  db: pg.Pool | pg.Client,
  reportId: string,
  expected: Map<number, DistrictRawValues>,
): Promise<string[]> {
  const { rows } = await db.query<{ unit_id: number; raw_values: Record<string, string> }>(
    `SELECT unit_id, raw_values FROM report_rows WHERE report_id = $1`,
    [reportId],
  );
  const differences: string[] = [];
  for (const row of rows) {
    const sql = expected.get(row.unit_id);
    for (const [code, text] of Object.entries(row.raw_values)) {
      const [numerator, denominator = '1'] = text.split('/');
      const value = Number(numerator) / Number(denominator);
      const other = sql?.[code];
      if (other === undefined || Math.abs(other - value) > 1e-9) {
        differences.push(`unit ${row.unit_id} ${code}: report ${text}, SQL ${String(other)}`);
      }
    }
  }
  return differences;
}
