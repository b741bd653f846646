import type { SqlRunner } from '../database/sql-runner.js';
import { firstRow } from '../database/found-row.js';
import { insertRow } from '../database/sql.js';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { containing } from '../workflow/record-kit/listing-page.js';
import { formColumns } from '../workflow/record-kit/record-dto.js';
import type { RecordTable } from '../workflow/record-kit/record-kit.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';
import { normalizeDocumentNumber } from './document-number.js';

/** The SQL of 改革试点 (the pilot records, their 文号 register, distribution and 待办). */

export const PILOT_TYPE = 'pilot';

/** A pilot revision as its pages and the ledger read it. */
export interface PilotRow extends PilotContent {
  id: string;
  lineage_id: string;
  creator_unit_id: number;
  creator_unit_name: string;
  competent_unit_name: string;
  involved_unit_names: string[];
  domain: string;
  track: string | null;
}

/** The content columns of a pilot revision (what a revision copies). */
export const PILOT_TABLE: RecordTable = {
  type: PILOT_TYPE,
  table: 'pilots',
  columns: [
    'lineage_id',
    'creator_unit_id',
    'name',
    'level',
    'document_title',
    'document_number',
    'issuer',
    'deployed_on',
    'competent_unit_id',
    'involved_unit_ids',
    'acceptance_due',
    'domain_id',
    'track_id',
    'citywide',
    'document_classified',
    'finished',
  ],
};

const PILOT_COLUMNS = `
  p.id, p.lineage_id, p.creator_unit_id, cu.name AS creator_unit_name, p.name, p.level, p.document_title,
  p.document_number, p.issuer, to_char(p.deployed_on, 'YYYY-MM-DD') AS deployed_on, p.competent_unit_id,
  co.name AS competent_unit_name, p.involved_unit_ids,
  ARRAY(SELECT u.name FROM units u WHERE u.id = ANY(p.involved_unit_ids) ORDER BY u.sort_order) AS involved_unit_names,
  to_char(p.acceptance_due, 'YYYY-MM-DD') AS acceptance_due, p.domain_id, dm.label AS domain, p.track_id,
  tr.label AS track, p.citywide, p.document_classified, p.finished`;
const PILOT_JOINS = `
  JOIN units cu ON cu.id = p.creator_unit_id
  JOIN units co ON co.id = p.competent_unit_id
  JOIN dictionary_items dm ON dm.id = p.domain_id
  LEFT JOIN dictionary_items tr ON tr.id = p.track_id`;

/** Districts involved in a pilot and its competent department list its approved revision. */
export const PILOT_LISTING: RecordListing = {
  scope: { involved: '($1 = ANY(p.involved_unit_ids) OR p.competent_unit_id = $1)' },
  joins: 'JOIN pilots p ON p.id = wi.id',
};

export interface PilotLedgerFilter {
  unitId?: number;
  level?: 'national' | 'municipal';
  competentUnitId?: number;
  state?: WorkflowState;
  due?: boolean;
  accepted?: boolean;
  q?: string;
  page: number;
}

export const PILOT_LEVEL_LABELS = { national: '国家级', municipal: '市级' } as const;

type PilotLedgerSqlRow = PilotRow & { state: WorkflowState; updated_at: Date };

/** The 试点台账's query (see ledgerPage): its rows, order and filter. */
export const PILOT_LEDGER: LedgerSql<
  PilotLedgerFilter,
  PilotLedgerSqlRow,
  PilotLedgerSqlRow & { levelLabel: string; stateLabel: string }
> = {
  scope: PILOT_LISTING.scope,
  from: `SELECT ${PILOT_COLUMNS}, wi.state, wi.updated_at
           FROM pilots p ${PILOT_JOINS} JOIN workflow_items wi ON wi.id = p.id`,
  order: 'v.deployed_on DESC, v.id',
  where: {
    unitId: '? = ANY(p.involved_unit_ids)',
    level: 'p.level = ?',
    competentUnitId: 'p.competent_unit_id = ?',
    state: 'wi.state = ?',
    due: `p.acceptance_due <= (now() AT TIME ZONE 'Asia/Shanghai')::date`,
    accepted: `EXISTS (SELECT 1 FROM pilot_streams s WHERE s.pilot_lineage_id = p.lineage_id AND s.accepted_on IS NOT NULL)`,
    q: (conditions, q) =>
      conditions.add('(p.name ILIKE ? OR p.document_number ILIKE ?)', containing(q)),
  },
  view: (row) => ({
    ...row,
    levelLabel: PILOT_LEVEL_LABELS[row.level],
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
  }),
};

export async function findPilot(db: SqlRunner, id: string): Promise<PilotRow | undefined> {
  return firstRow<PilotRow>(
    db,
    `SELECT ${PILOT_COLUMNS} FROM pilots p ${PILOT_JOINS} WHERE p.id = $1`,
    [id],
  );
}

/** The current approved revision of a pilot lineage (what its streams refer to). */
export async function currentPilot(
  db: SqlRunner,
  lineageId: string,
): Promise<PilotRow | undefined> {
  return firstRow<PilotRow>(
    db,
    `SELECT ${PILOT_COLUMNS} FROM pilots p ${PILOT_JOINS}
       JOIN workflow_items wi ON wi.id = p.id AND wi.is_current_approved
      WHERE p.lineage_id = $1`,
    [lineageId],
  );
}

/** The pilot form's columns as one revision's row. */
export interface PilotContent {
  name: string;
  level: 'national' | 'municipal';
  document_title: string;
  document_number: string;
  issuer: string;
  deployed_on: string;
  competent_unit_id: number;
  involved_unit_ids: number[];
  acceptance_due: string;
  domain_id: number;
  track_id: number | null;
  citywide: boolean;
  document_classified: boolean;
  finished: boolean;
}

/** The pilot form's fields and their columns. */
export const PILOT_FORM = formColumns({
  name: 'name',
  level: 'level',
  documentTitle: 'document_title',
  documentNumber: 'document_number',
  issuer: 'issuer',
  deployedOn: 'deployed_on',
  competentUnitId: 'competent_unit_id',
  involvedUnitIds: 'involved_unit_ids',
  acceptanceDue: 'acceptance_due',
  domainId: 'domain_id',
  trackId: 'track_id',
  citywide: 'citywide',
  documentClassified: 'document_classified',
  finished: 'finished',
});

/** Writes the revision `id` of a pilot (replacing what an edited draft held). */
export async function writePilot(
  db: SqlRunner,
  row: { id: string; lineage_id: string; creator_unit_id: number } & Record<string, unknown>,
): Promise<void> {
  await db.query(`DELETE FROM pilots WHERE id = $1`, [row.id]);
  await insertRow(db, 'pilots', { ...row });
}

/** The pilot that owns a normalised 文号 (its newest revision and the district that created it). */
export async function documentNumberOwner(
  db: SqlRunner,
  normalized: string,
): Promise<{ lineage_id: string; name: string; unit_name: string } | undefined> {
  return firstRow<{ lineage_id: string; name: string; unit_name: string }>(
    db,
    `SELECT n.lineage_id, p.name, u.name AS unit_name
       FROM pilot_document_numbers n
       JOIN LATERAL (SELECT * FROM pilots WHERE lineage_id = n.lineage_id ORDER BY created_at DESC LIMIT 1) p ON true
       JOIN units u ON u.id = p.creator_unit_id
      WHERE n.normalized = $1`,
    [normalized],
  );
}

/** Registers the 文号 as the lineage's (its former number released). */
export async function registerDocumentNumber(
  db: SqlRunner,
  documentNumber: string,
  lineageId: string,
): Promise<void> {
  await db.query(`DELETE FROM pilot_document_numbers WHERE lineage_id = $1`, [lineageId]);
  await db.query(`INSERT INTO pilot_document_numbers (normalized, lineage_id) VALUES ($1, $2)`, [
    normalizeDocumentNumber(documentNumber),
    lineageId,
  ]);
}

/** Whether the unit is an active city department (a pilot's competent department must be one). */
export async function isActiveDepartment(db: SqlRunner, unitId: number): Promise<boolean> {
  const rows = await db.query<unknown[]>(
    `SELECT id FROM units WHERE id = $1 AND kind = 'department' AND active`,
    [unitId],
  );
  return rows.length > 0;
}

/** The involved districts' streams of a pilot lineage, for the pilot's page. */
export async function streamsOfPilot(
  db: SqlRunner,
  lineageId: string,
): Promise<
  {
    id: string;
    unit_id: number;
    unit_name: string;
    accepted_on: string | null;
    latest_status: string | null;
  }[]
> {
  return await db.query<
    {
      id: string;
      unit_id: number;
      unit_name: string;
      accepted_on: string | null;
      latest_status: string | null;
    }[]
  >(
    `SELECT s.id, s.unit_id, u.name AS unit_name, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on, s.latest_status
       FROM pilot_streams s JOIN units u ON u.id = s.unit_id WHERE s.pilot_lineage_id = $1 ORDER BY u.sort_order`,
    [lineageId],
  );
}

/** The districts a pilot revision involves (they read it once it left draft). */
export async function involvedUnitIds(db: SqlRunner, pilotId: string): Promise<number[]> {
  const rows = await db.query<{ involved_unit_ids: number[] }[]>(
    `SELECT involved_unit_ids FROM pilots WHERE id = $1`,
    [pilotId],
  );
  return rows[0]?.involved_unit_ids ?? [];
}

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
