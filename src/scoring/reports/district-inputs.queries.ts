import type { SqlRunner } from '../../database/sql-runner.js';

/** The highlight categories behind the 品牌显示度 indicators. */
export type ShowcaseCategory = 'national' | 'citywide' | 'central_media';

export interface DistrictSourcesParams {
  /**
   * The report row's INSERT … RETURNING id, its parameters numbered from `first`: it runs in the
   * same statement, whose evidence row goes under that id (the foreign key to it is checked at the
   * statement's end). Its subject count may use `(SELECT count(*) FROM districts)`.
   */
  report: (first: number) => { sql: string; params: unknown[] };
  /** Measured as of this day (YYYY-MM-DD). */
  asOf: string;
  /** Pilots deployed before this day count only while in progress (DESIGN §4). */
  countingStart: string;
  showcaseType: string;
  /** Per highlight category, the first day of its indicator's window. */
  showcaseFrom: Record<ShowcaseCategory, string>;
  riskFrom: string;
  riskType: string;
  /** Risk level codes that count (the system's codes; none without a deduction indicator). */
  riskCodes: string[];
  quarter: string;
  satisfactionTitle: string;
  /** Every indicator code of the system: evidence is kept for those only. */
  codes: string[];
}

/**
 * One district's raw values: per indicator code with a source, [how many records, a measure as
 * exact decimal text] — pilot_count and the highlight codes [records, null];
 * pilot_acceptance_rate [pilots due, how many of them accepted on time]; a risk level
 * [events, the sum of their deductions]; satisfaction [1, the score]. A code without records is
 * absent.
 */
export interface DistrictSourcesRow {
  unit_id: number;
  name: string;
  sources: Record<string, [number, string | null]>;
}

/**
 * The district index's raw values for every active district in one statement, over approved data
 * as of `asOf` — the same rules as the modules' reads (PilotStreamsService.countsByDistrict,
 * ShowcaseService.approvedHighlights, RiskService.approvedEvents, satisfaction scoresForQuarter).
 * The same statement inserts the report row, and PostgreSQL writes the records behind every
 * number into report_evidence_refs from the same rows, as references: the approved revisions' ids
 * in the pages' order (an approved revision never changes: a change of an approved record is a new
 * revision, and only drafts and returned records are edited — workflow-rules isEditable), with
 * what may change afterwards frozen beside them (the acceptance date of each pilot's stream, the
 * risk level's name). Each number is counted from the very aggregate that lists its records, so
 * numbers and evidence cannot disagree; the evidence never travels to the app and back.
 * REPORT_EVIDENCE_ITEMS turns the references back into the lists the pages show.
 */
export async function districtSourcesStoringEvidence(
  db: SqlRunner,
  p: DistrictSourcesParams,
): Promise<{ rows: DistrictSourcesRow[]; satisfactionScores: number }> {
  const report = p.report(13);
  const rows = await db.query<(DistrictSourcesRow & { satisfaction_scores: number })[]>(
    `WITH districts AS NOT MATERIALIZED (
       SELECT id AS unit_id, name, sort_order FROM units WHERE kind = 'district' AND active
     ), pilot AS MATERIALIZED (
       SELECT s.unit_id, p.id, p.deployed_on, s.accepted_on,
              p.acceptance_due <= $1::date AS due,
              s.accepted_on IS NOT NULL AND s.accepted_on <= p.acceptance_due AND s.accepted_on <= $1::date AS on_time
         FROM pilot_streams s
         JOIN workflow_items wi ON wi.lineage_id = s.pilot_lineage_id AND wi.is_current_approved AND wi.record_type = 'pilot'
         JOIN pilots p ON p.id = wi.id AND p.deployed_on <= $1::date
        WHERE p.level IS NOT NULL AND p.acceptance_due IS NOT NULL AND NOT coalesce(p.citywide, false)
          AND (p.deployed_on >= $2::date OR NOT coalesce(p.finished, false))
     ), highlight AS (
       SELECT h.unit_id, h.id, h.category, h.happened_on
         FROM showcase_highlights h
         JOIN workflow_items wi ON wi.id = h.id AND wi.is_current_approved AND wi.record_type = $3
        WHERE h.happened_on BETWEEN least($4::date, $5::date, $6::date) AND $1::date
          AND h.happened_on >= CASE h.category WHEN 'national' THEN $4::date WHEN 'citywide' THEN $5::date
                                               WHEN 'central_media' THEN $6::date END
     ), risk_event AS (
       SELECT e.involved_unit_id AS unit_id, e.id, e.level_code, d.label, e.occurred_on, e.deduction_applied
         FROM risk_events e
         JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved AND wi.record_type = $12
         JOIN dictionary_items d ON d.kind = 'risk_level' AND d.code = e.level_code
        WHERE e.occurred_on BETWEEN $7::date AND $1::date AND e.involved_unit_id IS NOT NULL
          AND e.level_code = ANY($8::text[])
     ), satisfaction AS MATERIALIZED (
       SELECT DISTINCT ON (s.unit_id) s.unit_id, s.score::text AS score, r.id AS return_id
         FROM satisfaction_scores s
         JOIN satisfaction_returns r ON r.id = s.return_id AND r.quarter = $9
         JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
        ORDER BY s.unit_id, wi.approved_at DESC
     ), source AS MATERIALIZED (
       SELECT x.* FROM (
         SELECT unit_id, 'pilot_count' AS code, 'pilot' AS source, array_agg(id ORDER BY deployed_on, id) AS record_ids,
                NULL::date[] AS accepted_on, NULL::boolean[] AS on_time, NULL AS label,
                count(*)::int AS records, NULL AS measure
           FROM pilot GROUP BY unit_id
         UNION ALL
         SELECT unit_id, 'pilot_acceptance_rate', 'acceptance', array_agg(id ORDER BY deployed_on, id),
                array_agg(accepted_on ORDER BY deployed_on, id), array_agg(on_time ORDER BY deployed_on, id), NULL,
                count(*)::int, count(*) FILTER (WHERE on_time)::text
           FROM pilot WHERE due GROUP BY unit_id
         UNION ALL
         SELECT unit_id, CASE category WHEN 'national' THEN 'national_affirmation'
                                       WHEN 'citywide' THEN 'citywide_promotion' ELSE 'central_media' END,
                'highlight', array_agg(id ORDER BY happened_on, id), NULL, NULL, NULL, count(*)::int, NULL
           FROM highlight GROUP BY unit_id, category
         UNION ALL
         SELECT unit_id, level_code, 'risk', array_agg(id ORDER BY occurred_on, id), NULL, NULL, min(label),
                count(*)::int, sum(deduction_applied)::text
           FROM risk_event GROUP BY unit_id, level_code
         UNION ALL
         SELECT unit_id, 'satisfaction', 'satisfaction', ARRAY[return_id], NULL, NULL, $10::text, 1, score
           FROM satisfaction) x
       JOIN districts d USING (unit_id)
     ), report AS (${report.sql}
     ), evidence AS (
       INSERT INTO report_evidence_refs (report_id, refs)
       SELECT (SELECT id FROM report), coalesce(array_agg(ROW(unit_id, code, source, record_ids, accepted_on, on_time, label)::report_evidence_ref
                                     ORDER BY unit_id, code), '{}')
         FROM source WHERE code = ANY($11::text[])
     )
     SELECT d.unit_id, d.name,
            coalesce(json_object_agg(s.code, json_build_array(s.records, s.measure)) FILTER (WHERE s.code IS NOT NULL), '{}')
              AS sources,
            (SELECT count(*)::int FROM satisfaction) AS satisfaction_scores
       FROM districts d LEFT JOIN source s USING (unit_id)
      GROUP BY d.unit_id, d.name, d.sort_order
      ORDER BY d.sort_order`,
    [
      p.asOf,
      p.countingStart,
      p.showcaseType,
      p.showcaseFrom.national,
      p.showcaseFrom.citywide,
      p.showcaseFrom.central_media,
      p.riskFrom,
      p.riskCodes,
      p.quarter,
      p.satisfactionTitle,
      p.codes,
      p.riskType,
      ...report.params,
    ],
  );
  return { rows, satisfactionScores: rows[0]?.satisfaction_scores ?? 0 };
}

/**
 * A district report row's evidence from its references (report_evidence_refs), as the pages list it:
 * per code, the records behind the number with title, link and note — the same text generation
 * used to store. SQL for a correlated subquery over `rr` (report_rows); null when the row has no
 * references (a project report, or a report generated before references).
 */
export const REPORT_EVIDENCE_ITEMS = `(
  SELECT jsonb_object_agg(c.code, c.items) FROM (
    SELECT e.code, jsonb_agg(jsonb_build_object('title', t.title, 'href', t.href, 'note', t.note) ORDER BY r.ord) AS items
      FROM report_evidence_refs er
     CROSS JOIN LATERAL unnest(er.refs) AS e
     CROSS JOIN LATERAL unnest(e.record_ids, coalesce(e.accepted_on, '{}'), coalesce(e.on_time, '{}'))
                        WITH ORDINALITY AS r(id, accepted_on, on_time, ord)
      LEFT JOIN pilots p ON e.source IN ('pilot', 'acceptance') AND p.id = r.id
      LEFT JOIN showcase_highlights h ON e.source = 'highlight' AND h.id = r.id
      LEFT JOIN risk_events ev ON e.source = 'risk' AND ev.id = r.id
      LEFT JOIN satisfaction_scores s ON e.source = 'satisfaction' AND s.return_id = r.id AND s.unit_id = e.unit_id
     CROSS JOIN LATERAL (SELECT
       CASE e.source WHEN 'pilot' THEN coalesce(p.name, '') WHEN 'acceptance' THEN coalesce(p.name, '')
                     WHEN 'highlight' THEN h.matter
                     WHEN 'risk' THEN e.label || '（' || to_char(ev.occurred_on, 'YYYY-MM-DD') || '）'
                     ELSE e.label END AS title,
       CASE e.source WHEN 'highlight' THEN '/showcase/' WHEN 'risk' THEN '/risk/' WHEN 'satisfaction' THEN '/satisfaction/'
                     ELSE '/pilots/' END || r.id AS href,
       CASE e.source
         WHEN 'pilot' THEN CASE p.level WHEN 'national' THEN '国家级' ELSE '市级' END || '，应验收 ' || to_char(p.acceptance_due, 'YYYY-MM-DD')
         WHEN 'acceptance' THEN '应验收 ' || to_char(p.acceptance_due, 'YYYY-MM-DD') || '，' || CASE
           WHEN r.on_time THEN '已按时验收（' || to_char(r.accepted_on, 'YYYY-MM-DD') || '）'
           WHEN r.accepted_on IS NOT NULL THEN '逾期验收（' || to_char(r.accepted_on, 'YYYY-MM-DD') || '）'
           ELSE '未验收' END
         WHEN 'highlight' THEN to_char(h.happened_on, 'YYYY-MM-DD')
         WHEN 'risk' THEN '扣 ' || ev.deduction_applied::text || ' 分（审核通过时的标准）'
         ELSE s.score::text || ' 分' END AS note
       FROM (SELECT 1) one) t
     WHERE er.report_id = rr.report_id AND e.unit_id = rr.unit_id
     GROUP BY e.code) c)`;
