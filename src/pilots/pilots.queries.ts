import type { SqlRunner } from '../database/sql-runner.js';

/**
 * SQL of the pilot flows added after the module was written (distribution to the involved
 * districts, their 待办, the competent department's corrections). Older queries still live in
 * pilots.service.ts.
 */

/**
 * Opens a stream for every involved district that has none yet and tells that district's clerks
 * (试点已确认分发，请更新推进状态): the manual's "自动推送给所有承接了该项目的区县". A re-approved
 * revision only notifies the districts it added. Returns the districts that got a new stream.
 */
export async function distributePilot(db: SqlRunner, pilotId: string): Promise<number[]> {
  const opened: { unit_id: number }[] = await db.query(
    `WITH opened AS (
       INSERT INTO pilot_streams (pilot_lineage_id, unit_id)
       SELECT p.lineage_id, unnest(p.involved_unit_ids) FROM pilots p WHERE p.id = $1
       ON CONFLICT (pilot_lineage_id, unit_id) DO NOTHING
       RETURNING id, unit_id
     ), told AS (
       INSERT INTO notifications (user_id, item_id, kind, message, link)
       SELECT u.id, $1, 'assigned',
              left('试点《' || p.name || '》已由' || co.name || '确认分发，请本区县按季度更新推进状态', 400),
              '/pilot-streams/' || o.id
         FROM opened o
         JOIN pilots p ON p.id = $1
         JOIN units co ON co.id = p.competent_unit_id
         JOIN users u ON u.unit_id = o.unit_id AND 'entry' = ANY(u.roles) AND u.active
     )
     SELECT unit_id FROM opened`,
    [pilotId],
  );
  return opened.map((row) => row.unit_id);
}

export interface StreamToUpdate {
  stream_id: string;
  pilot_name: string;
  acceptance_due: string;
  /** No progress filing of the stream has left draft yet. */
  never_filed: boolean;
}

/**
 * The unit's pilot streams that wait for a progress update this quarter: the pilot is confirmed
 * and not finished, the stream not accepted, and no filing of the stream was submitted since
 * `quarterStart` (a draft does not count).
 */
export async function streamsToUpdate(
  db: SqlRunner,
  unitId: number,
  quarterStart: Date,
): Promise<StreamToUpdate[]> {
  return db.query(
    `SELECT s.id AS stream_id, p.name AS pilot_name, to_char(p.acceptance_due, 'YYYY-MM-DD') AS acceptance_due,
            NOT EXISTS (SELECT 1 FROM pilot_progress f JOIN workflow_items fi ON fi.id = f.id
                         WHERE f.stream_id = s.id AND fi.submitted_at IS NOT NULL) AS never_filed
       FROM pilot_streams s
       JOIN workflow_items wi ON wi.lineage_id = s.pilot_lineage_id AND wi.is_current_approved
       JOIN pilots p ON p.id = wi.id
      WHERE s.unit_id = $1 AND s.accepted_on IS NULL AND NOT p.finished
        AND NOT EXISTS (SELECT 1 FROM pilot_progress f JOIN workflow_items fi ON fi.id = f.id
                         WHERE f.stream_id = s.id AND fi.submitted_at >= $2)
      ORDER BY p.acceptance_due, p.name
      LIMIT 200`,
    [unitId, quarterStart],
  );
}

/** The fields the competent department may correct at confirmation (予以修正). */
export interface PilotCorrection {
  level: 'national' | 'municipal';
  documentNumber: string;
  deployedOn: string;
  acceptanceDue: string;
  involvedUnitIds: number[];
}

export async function correctPilot(
  db: SqlRunner,
  pilotId: string,
  correction: PilotCorrection,
): Promise<void> {
  await db.query(
    `UPDATE pilots SET level = $2, document_number = $3, deployed_on = $4, acceptance_due = $5,
                       involved_unit_ids = $6, updated_at = now()
      WHERE id = $1`,
    [
      pilotId,
      correction.level,
      correction.documentNumber,
      correction.deployedOn,
      correction.acceptanceDue,
      correction.involvedUnitIds,
    ],
  );
}

/** The district ids among `unitIds` that are active districts. */
export async function activeDistricts(db: SqlRunner, unitIds: number[]): Promise<number[]> {
  const rows: { id: number }[] = await db.query(
    `SELECT id FROM units WHERE id = ANY($1::int[]) AND kind = 'district' AND active`,
    [unitIds],
  );
  return rows.map((row) => row.id);
}

/** Whether every linked file of the item's `field` is a PDF (the deploying document must be one). */
export async function nonPdfNames(db: SqlRunner, attachmentIds: string[]): Promise<string[]> {
  if (attachmentIds.length === 0) {
    return [];
  }
  const rows: { original_name: string }[] = await db.query(
    `SELECT original_name FROM attachments
      WHERE id::text = ANY($1::text[]) AND media_type <> 'application/pdf'
      ORDER BY original_name`,
    [attachmentIds],
  );
  return rows.map((row) => row.original_name);
}
