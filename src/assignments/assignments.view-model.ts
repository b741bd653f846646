import type { AssignmentKind } from './assignment-kinds.js';
import { TASK_STATUS_LABELS, type TaskStatus } from './task-due-rules.js';

/** One unit's task as the ledgers, the 待办 and the Excel export show it. */
export interface TaskRow {
  id: string;
  assignmentId: string;
  title: string;
  deadline: string;
  unitId: number;
  unitName: string;
  domain: string | null;
  statusLabel: string;
  latestStatus: TaskStatus | null;
  latestApprovedAt: Date | null;
  overdue: boolean;
  quarterlyDue: boolean;
}

/** A task as assignments.queries.ts reads it. */
export interface TaskSqlRow {
  id: string;
  assignment_id: string;
  kind?: AssignmentKind;
  title: string;
  deadline: string;
  unit_id: number;
  unit_name: string;
  domain?: string | null;
  latest_status: TaskStatus | null;
  latest_approved_at: Date | null;
  overdue: boolean;
  quarterly_due: boolean;
  total?: number;
}

export function toTaskRow(row: TaskSqlRow): TaskRow {
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    title: row.title,
    deadline: row.deadline,
    unitId: row.unit_id,
    unitName: row.unit_name,
    domain: row.domain ?? null,
    latestStatus: row.latest_status,
    statusLabel: row.latest_status ? TASK_STATUS_LABELS[row.latest_status] : '未反馈',
    latestApprovedAt: row.latest_approved_at,
    overdue: row.overdue,
    quarterlyDue: row.quarterly_due,
  };
}
