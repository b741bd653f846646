import type { WorkflowState } from './workflow-chain.js';
import type { WorkflowAction } from './workflow-rules.js';

/** A row of workflow_items as the engine reads it. */
export interface WorkflowItemRow {
  id: string;
  record_type: string;
  lineage_id: string;
  revision: number;
  title: string;
  owner_unit_id: number;
  owner_unit_name: string;
  competent_unit_id: number | null;
  state: WorkflowState;
  step: number | null;
  pending_unit_id: number | null;
  pending_role: string | null;
  is_current_approved: boolean;
  version: number;
  created_by: string;
  submitted_by: string | null;
  last_actor_id: string | null;
  last_action: WorkflowAction | null;
  last_reason_label: string | null;
  last_detail: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  approved_at: Date | null;
  /** True when another revision of the same record is open (draft, pending or returned). */
  has_open_revision: boolean;
  /** Who moved the record into its current pending step (submit, pass, confirm); else null. */
  step_entered_by: string | null;
}

/**
 * The user whose forward action (submit, pass, confirm) put the record `wi` at its current pending
 * step: a withdrawal back to an earlier step finds the action that first reached that step.
 */
export const STEP_ENTERED_BY_SQL = `(
  SELECT e.actor_id FROM workflow_events e
   WHERE e.item_id = wi.id AND wi.state = 'pending' AND e.to_state = 'pending' AND e.to_step = wi.step
     AND e.action IN ('submit', 'pass', 'confirm')
   ORDER BY e.id DESC LIMIT 1)`;

/** A reviewer's inbox is a work queue: 50 rows a page. */
export const INBOX_PAGE_SIZE = 50;

/** A row of the 待办 page as its query answers it (`updated_at` a string when read as JSON). */
export interface InboxSqlRow {
  id: string;
  title: string;
  record_type: string;
  unit_name: string;
  step: number;
  updated_at: Date;
  revision: number;
  version: number;
  waiting: boolean;
  total: number;
  waiting_total: number;
}

/**
 * The 待办 page's rows: items pending at the user's unit for a role they hold, newest first, with
 * how many match and how many wait for someone else. `user`: SQL expressions of the user's unit,
 * roles and id (bound parameters, or the session's columns when the rows come with the session).
 * Who entered each item's step is looked up once per item (OFFSET 0 keeps the planner from
 * inlining it twice), for the rows shown and for the count of those this user may act on.
 */
export function inboxPageSql(
  user: { unitId: string; roles: string; id: string },
  conditions: string,
  limit: string,
  offset: string,
): string {
  return `SELECT wi.id, wi.title, wi.record_type, ou.name AS unit_name, wi.step, wi.updated_at, wi.revision, wi.version,
              w.waiting, count(*) OVER ()::int AS total,
              count(*) FILTER (WHERE w.waiting) OVER ()::int AS waiting_total
         FROM workflow_items wi JOIN units ou ON ou.id = wi.owner_unit_id
        CROSS JOIN LATERAL (SELECT coalesce(${STEP_ENTERED_BY_SQL} = ${user.id}::uuid, false) AS waiting OFFSET 0) w
        WHERE wi.state = 'pending' AND wi.pending_unit_id = ${user.unitId}
          AND wi.pending_role = ANY(${user.roles}::text[]) AND ${conditions}
        ORDER BY wi.updated_at DESC, wi.id
        LIMIT ${limit} OFFSET ${offset}`;
}

export const ITEM_COLUMNS = `
  wi.id, wi.record_type, wi.lineage_id, wi.revision, wi.title, wi.owner_unit_id, ou.name AS owner_unit_name,
  wi.competent_unit_id, wi.state, wi.step, wi.pending_unit_id, wi.pending_role, wi.is_current_approved,
  wi.version, wi.created_by, wi.submitted_by, wi.last_actor_id, wi.last_action, wi.last_reason_label,
  wi.last_detail, wi.created_at, wi.updated_at, wi.submitted_at, wi.approved_at,
  EXISTS (SELECT 1 FROM workflow_items o WHERE o.lineage_id = wi.lineage_id AND o.id <> wi.id AND o.state <> 'approved')
    AS has_open_revision,
  ${STEP_ENTERED_BY_SQL} AS step_entered_by`;
