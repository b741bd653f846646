import { TASK_STATUS_LABELS, type TaskStatus } from '../assignments/task-due-rules.js';
import type { SqlRunner } from '../database/sql-runner.js';
import { firstRow } from '../database/found-row.js';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { containing } from '../workflow/record-kit/listing-page.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';

/** The SQL of the involved districts' streams of a pilot and their filings. */

export const PILOT_PROGRESS_TYPE = 'pilot_progress';
export const PILOT_ACHIEVEMENT_TYPE = 'pilot_achievement';

/** A stream's two kinds of filing: their record type, table and the ledger's three columns. */
export const FILING_KINDS = {
  progress: {
    type: PILOT_PROGRESS_TYPE,
    table: 'pilot_progress',
    label: 'f.status',
    details: `f.status AS label, f.work_done AS text1, f.problems AS text2`,
    search: 'p.name ILIKE ?',
  },
  achievement: {
    type: PILOT_ACHIEVEMENT_TYPE,
    table: 'pilot_achievements',
    label: 'f.name',
    details: `f.name AS label, f.problems_solved AS text1, f.effects AS text2`,
    search: '(p.name ILIKE ? OR f.name ILIKE ?)',
  },
} as const;
export type FilingKind = keyof typeof FILING_KINDS;

export interface StreamRecord {
  id: string;
  pilot_lineage_id: string;
  unit_id: number;
  unit_name: string;
  accepted_on: string | null;
  latest_status: TaskStatus | null;
}

/**
 * The pilot's competent department lists the approved filings of its pilots' streams; the joins
 * reach the stream (s) and the pilot's approved revision in force (p) from a filing of `kind` (f).
 */
export function filingListing(kind: FilingKind): RecordListing {
  return {
    scope: { involved: 'p.competent_unit_id = $1' },
    joins: `JOIN ${FILING_KINDS[kind].table} f ON f.id = wi.id
      JOIN pilot_streams s ON s.id = f.stream_id
      JOIN workflow_items pw ON pw.lineage_id = s.pilot_lineage_id AND pw.is_current_approved AND pw.record_type = 'pilot'
      JOIN pilots p ON p.id = pw.id`,
  };
}

/** A row of the 试点成果 / 推进状态 ledger. */
export interface FilingLedgerRow {
  id: string;
  pilot_name: string;
  unit_name: string;
  /** 推进状态 of a progress filing, 成果名称 of an achievement. */
  label: string;
  /** 已开展工作 / 解决问题. */
  text1: string;
  /** 存在问题 / 具体成效. */
  text2: string;
  state: WorkflowState;
  stateLabel: string;
  approved_at: Date | null;
  updated_at: Date;
}

/** The 试点成果 / 推进状态 ledger's query (see ledgerPage). */
export function filingLedger(
  kind: FilingKind,
): LedgerSql<
  { unitId?: number; q?: string; page: number },
  Omit<FilingLedgerRow, 'stateLabel'>,
  FilingLedgerRow
> {
  return {
    scope: filingListing(kind).scope,
    from: `SELECT f.id, p.name AS pilot_name, u.name AS unit_name, ${FILING_KINDS[kind].details}, wi.state, wi.approved_at, wi.updated_at
             FROM workflow_items wi ${filingListing(kind).joins}
             JOIN units u ON u.id = s.unit_id`,
    order: 'v.updated_at DESC, v.id',
    where: {
      unitId: 's.unit_id = ?',
      q: (conditions, q) => conditions.add(FILING_KINDS[kind].search, containing(q)),
    },
    view: (row) => ({
      ...row,
      label: kind === 'progress' ? TASK_STATUS_LABELS[row.label as TaskStatus] : row.label,
      stateLabel: WORKFLOW_STATE_LABELS[row.state],
    }),
  };
}

export async function activeDistrictOptions(
  db: SqlRunner,
): Promise<{ id: number; name: string }[]> {
  return await db.query<{ id: number; name: string }[]>(
    `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
  );
}

export async function findStream(
  db: SqlRunner,
  streamId: string,
): Promise<StreamRecord | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(streamId)) {
    return undefined;
  }
  return firstRow<StreamRecord>(
    db,
    `SELECT s.id, s.pilot_lineage_id, s.unit_id, u.name AS unit_name, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on, s.latest_status
       FROM pilot_streams s JOIN units u ON u.id = s.unit_id WHERE s.id = $1`,
    [streamId],
  );
}

/** A stream's filings of one kind the unit may see (others' drafts left out), newest first. */
export async function filingsOfStream(
  db: SqlRunner,
  kind: FilingKind,
  streamId: string,
  unitId: number,
): Promise<{ id: string; label: string; state: WorkflowState; updated_at: Date }[]> {
  const { table, label } = FILING_KINDS[kind];
  return await db.query<{ id: string; label: string; state: WorkflowState; updated_at: Date }[]>(
    `SELECT f.id, ${label} AS label, wi.state, wi.updated_at
       FROM ${table} f JOIN workflow_items wi ON wi.id = f.id
      WHERE f.stream_id = $1 AND (wi.state <> 'draft' OR wi.owner_unit_id = $2)
      ORDER BY f.created_at DESC`,
    [streamId, unitId],
  );
}

/** Whether the stream has a progress filing that is not approved yet. */
export async function hasOpenProgress(db: SqlRunner, streamId: string): Promise<boolean> {
  const open = await db.query<unknown[]>(
    `SELECT f.id FROM pilot_progress f JOIN workflow_items wi ON wi.id = f.id WHERE f.stream_id = $1 AND wi.state <> 'approved'`,
    [streamId],
  );
  return open.length > 0;
}

export async function recordAcceptance(
  db: SqlRunner,
  streamId: string,
  acceptedOn: string,
  userId: string,
): Promise<void> {
  await db.query(`UPDATE pilot_streams SET accepted_on = $2, accepted_by = $3 WHERE id = $1`, [
    streamId,
    acceptedOn,
    userId,
  ]);
}

/** A filing's row (progress or achievement). */
export async function findFiling(
  db: SqlRunner,
  kind: FilingKind,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  return firstRow<Record<string, unknown>>(
    db,
    `SELECT * FROM ${FILING_KINDS[kind].table} WHERE id = $1`,
    [id],
  );
}

/**
 * An approved progress filing becomes its stream's latest status; once every involved district
 * reports 已完成 the pilot is no longer in progress.
 */
export async function markProgressApproved(
  db: SqlRunner,
  progressId: string,
  approvedAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE pilot_streams s SET latest_status = f.status, latest_approved_at = $2
       FROM pilot_progress f WHERE f.id = $1 AND s.id = f.stream_id`,
    [progressId, approvedAt],
  );
  await db.query(
    `UPDATE pilots p SET finished = true
      WHERE p.lineage_id = (SELECT s.pilot_lineage_id FROM pilot_streams s JOIN pilot_progress f ON f.stream_id = s.id WHERE f.id = $1)
        AND NOT EXISTS (SELECT 1 FROM pilot_streams s2 WHERE s2.pilot_lineage_id = p.lineage_id AND s2.latest_status IS DISTINCT FROM 'completed')`,
    [progressId],
  );
}

/** The districts involved in the pilot of a filing's stream (they may read the filing). */
export async function filingViewerUnitIds(db: SqlRunner, filingId: string): Promise<number[]> {
  const rows = await db.query<{ involved_unit_ids: number[] }[]>(
    `SELECT p.involved_unit_ids FROM workflow_items wi
       JOIN pilot_streams s ON s.id = (SELECT stream_id FROM pilot_progress WHERE id = wi.id UNION ALL SELECT stream_id FROM pilot_achievements WHERE id = wi.id LIMIT 1)
       JOIN pilots p ON p.lineage_id = s.pilot_lineage_id
       JOIN workflow_items pw ON pw.id = p.id AND pw.is_current_approved
      WHERE wi.id = $1`,
    [filingId],
  );
  return rows[0]?.involved_unit_ids ?? [];
}

export interface DistrictPilotRow {
  unit_id: number;
  unit_name: string;
  pilot_id: string | null;
  pilot_name: string | null;
  level: 'national' | 'municipal' | null;
  citywide: boolean | null;
  deployed_on: string | null;
  finished: boolean | null;
  acceptance_due: string | null;
  accepted_on: string | null;
}

/** Every active district with the confirmed pilots deployed by `reportDate` it has a stream of. */
export async function districtPilots(
  db: SqlRunner,
  reportDate: string,
): Promise<DistrictPilotRow[]> {
  return await db.query<DistrictPilotRow[]>(
    `SELECT u.id AS unit_id, u.name AS unit_name, p.id AS pilot_id, p.name AS pilot_name, p.level, p.citywide, to_char(p.deployed_on, 'YYYY-MM-DD') AS deployed_on,
            p.finished, to_char(p.acceptance_due, 'YYYY-MM-DD') AS acceptance_due, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on
       FROM units u
       LEFT JOIN pilot_streams s ON s.unit_id = u.id
       LEFT JOIN workflow_items wi ON wi.lineage_id = s.pilot_lineage_id AND wi.is_current_approved AND wi.record_type = 'pilot'
       LEFT JOIN pilots p ON p.id = wi.id AND p.deployed_on <= $1::date
      WHERE u.kind = 'district' AND u.active
      ORDER BY u.sort_order, p.deployed_on, p.id`,
    [reportDate],
  );
}
