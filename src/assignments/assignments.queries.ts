import type { SqlRunner } from '../database/sql-runner.js';
import { firstRow } from '../database/found-row.js';
import { SqlConditions, type FilterSql } from '../database/sql.js';
import type { WorkflowState } from '../workflow/workflow-chain.js';
import { containing } from '../workflow/record-kit/listing-page.js';
import type { AssignmentKind } from './assignment-kinds.js';
import type { TaskStatus } from './task-due-rules.js';
import { toTaskRow, type TaskRow, type TaskSqlRow } from './assignments.view-model.js';

/** The SQL of the assigned-task mechanism (需求清单, 堵点卡点): assignments, tasks, progress. */

/** What the due rules compare with: today (China date) and the start of the current quarter. */
export interface DueCutoffs {
  today: string;
  quarterStart: Date;
}

/**
 * The due rules of task-due-rules.ts in SQL, over `t` (assignment_tasks) and `a` (assignments),
 * with $1 = today (China date) and $2 = the start of the current quarter.
 */
const OVERDUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.first_approved_at IS NULL AND a.deadline < $1::date)`;
const QUARTERLY_DUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.latest_approved_at < $2::timestamptz)`;
const TASK_JOINS = `FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id JOIN units u ON u.id = t.unit_id`;

export const TASK_SORTS = {
  deadline: 'a.deadline, u.sort_order, t.id',
  unit: 'u.sort_order, a.deadline, t.id',
  status: `coalesce(t.latest_status, 'awaiting') DESC, a.deadline, t.id`,
  approved: 't.latest_approved_at DESC NULLS LAST, t.id',
} as const;
export type TaskSort = keyof typeof TASK_SORTS;

export interface TaskFilter {
  status?: TaskStatus | 'none';
  overdue?: boolean;
  quarterlyDue?: boolean;
  unitId?: number;
  domainId?: number;
  deadlineFrom?: string;
  deadlineTo?: string;
  q?: string;
  sort?: TaskSort;
  page: number;
}

/** The task ledger's filter in SQL. */
const TASK_FILTER_SQL: FilterSql<TaskFilter> = {
  status: (conditions, status) =>
    status === 'none'
      ? conditions.raw('t.latest_status IS NULL')
      : conditions.add('t.latest_status = ?', status),
  overdue: OVERDUE_SQL,
  quarterlyDue: QUARTERLY_DUE_SQL,
  unitId: 't.unit_id = ?',
  domainId: 'a.domain_id = ?',
  deadlineFrom: 'a.deadline >= ?::date',
  deadlineTo: 'a.deadline <= ?::date',
  q: (conditions, q) => conditions.add('a.title ILIKE ?', containing(q)),
};

export interface TaskRecord {
  id: string;
  kind: AssignmentKind;
  assignment_id: string;
  title: string;
  description: string;
  deadline: string;
  unit_id: number;
  unit_name: string;
  latest_status: TaskStatus | null;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** The active districts and departments in display order (the units tasks and pilots go to). */
export async function districtsAndDepartments(db: SqlRunner): Promise<{
  units: { id: number; name: string }[];
  districts: { id: number; name: string }[];
  departments: { id: number; name: string }[];
}> {
  const units = await db.query<{ id: number; name: string; kind: string }[]>(
    `SELECT id, name, kind FROM units WHERE active AND kind IN ('district', 'department') ORDER BY sort_order`,
  );
  return {
    units,
    districts: units.filter((unit) => unit.kind === 'district'),
    departments: units.filter((unit) => unit.kind === 'department'),
  };
}

/** The names of the active districts and departments among `unitIds`, in display order. */
export async function assignableUnitNames(db: SqlRunner, unitIds: number[]): Promise<string[]> {
  const rows = await db.query<{ name: string }[]>(
    `SELECT name FROM units WHERE id = ANY($1::int[]) AND active AND kind IN ('district', 'department')
      ORDER BY sort_order`,
    [unitIds],
  );
  return rows.map((row) => row.name);
}

/** An assignment, one task per unit, and a notification to every clerk of those units. */
export async function insertAssignment(
  db: SqlRunner,
  assignment: {
    id: string;
    kind: AssignmentKind;
    title: string;
    description: string;
    domainId: number | null;
    deadline: string;
    createdBy: string;
  },
  unitIds: number[],
  message: string,
): Promise<void> {
  const { id, kind, title, description, domainId, deadline, createdBy } = assignment;
  await db.query(
    `INSERT INTO assignments (id, kind, title, description, domain_id, deadline, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, kind, title, description, domainId, deadline, createdBy],
  );
  await db.query(
    `INSERT INTO assignment_tasks (assignment_id, unit_id) SELECT $1, unnest($2::int[])`,
    [id, unitIds],
  );
  await db.query(
    `INSERT INTO notifications (user_id, kind, message, link)
     SELECT u.id, 'assigned', $1, '/tasks/' || t.id
       FROM assignment_tasks t JOIN users u ON u.unit_id = t.unit_id AND 'entry' = ANY(u.roles) AND u.active
      WHERE t.assignment_id = $2`,
    [message, id],
  );
}

export interface AssignmentListRow {
  id: string;
  title: string;
  deadline: string;
  domain: string | null;
  tasks: number;
  completed: number;
  overdue: number;
}

/** The office's list of one kind's assignments with per-item counts of tasks done and overdue. */
export async function assignmentList(
  db: SqlRunner,
  kind: AssignmentKind,
  today: string,
  filter: { q?: string; page: number },
  pageSize: number,
): Promise<{ rows: AssignmentListRow[]; total: number }> {
  const conditions = new SqlConditions([kind, today])
    .raw('a.kind = $1')
    .filters(filter, { q: TASK_FILTER_SQL.q });
  const limit = conditions.bind(pageSize);
  const offset = conditions.bind((filter.page - 1) * pageSize);
  const rows = await db.query<(AssignmentListRow & { total: number })[]>(
    `SELECT a.id, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, d.label AS domain,
            count(t.id)::int AS tasks,
            count(t.id) FILTER (WHERE t.latest_status = 'completed')::int AS completed,
            count(t.id) FILTER (WHERE ${OVERDUE_SQL.replace('$1', '$2')})::int AS overdue,
            count(*) OVER ()::int AS total
       FROM assignments a
       LEFT JOIN dictionary_items d ON d.id = a.domain_id
       LEFT JOIN assignment_tasks t ON t.assignment_id = a.id
      WHERE ${String(conditions)}
      GROUP BY a.id, d.label
      ORDER BY a.created_at DESC, a.id
      LIMIT ${limit} OFFSET ${offset}`,
    conditions.params,
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export interface AssignmentRecord {
  id: string;
  title: string;
  description: string;
  deadline: string;
  domain: string | null;
  created_at: Date;
}

export async function findAssignment(
  db: SqlRunner,
  kind: AssignmentKind,
  id: string,
): Promise<AssignmentRecord | undefined> {
  if (!UUID.test(id)) {
    return undefined;
  }
  return firstRow<AssignmentRecord>(
    db,
    `SELECT a.id, a.title, a.description, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, d.label AS domain, a.created_at
       FROM assignments a LEFT JOIN dictionary_items d ON d.id = a.domain_id
      WHERE a.id = $1 AND a.kind = $2`,
    [id, kind],
  );
}

/**
 * One page of tasks matching `condition` (its parameters from $3 on) and the filter, with the due
 * flags at `cutoffs`.
 */
export async function taskPage(
  db: SqlRunner,
  cutoffs: DueCutoffs,
  condition: string,
  conditionParams: unknown[],
  filter: TaskFilter,
  pageSize: number,
): Promise<{ rows: TaskRow[]; total: number }> {
  const conditions = new SqlConditions([cutoffs.today, cutoffs.quarterStart, ...conditionParams])
    .raw(condition)
    .filters(filter, TASK_FILTER_SQL);
  const limit = conditions.bind(pageSize);
  const offset = conditions.bind((filter.page - 1) * pageSize);
  const rows = await db.query<TaskSqlRow[]>(
    `SELECT t.id, t.assignment_id, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, t.unit_id, u.name AS unit_name,
            d.label AS domain, t.latest_status, t.latest_approved_at,
            ${OVERDUE_SQL} AS overdue, ${QUARTERLY_DUE_SQL} AS quarterly_due,
            count(*) OVER ()::int AS total
       ${TASK_JOINS}
       LEFT JOIN dictionary_items d ON d.id = a.domain_id
      WHERE ${String(conditions)}
      ORDER BY ${TASK_SORTS[filter.sort ?? 'deadline']}
      LIMIT ${limit} OFFSET ${offset}`,
    conditions.params,
  );
  return { rows: rows.map(toTaskRow), total: rows[0]?.total ?? 0 };
}

/**
 * The unit's tasks that need feedback now: overdue, due for the quarterly update, or still
 * waiting for a first filing.
 */
export async function tasksNeedingFeedback(
  db: SqlRunner,
  cutoffs: DueCutoffs,
  unitId: number,
): Promise<(TaskSqlRow & { kind: AssignmentKind })[]> {
  return await db.query<(TaskSqlRow & { kind: AssignmentKind })[]>(
    `SELECT t.id, t.assignment_id, a.kind, a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, t.unit_id, u.name AS unit_name,
            NULL AS domain, t.latest_status, t.latest_approved_at, ${OVERDUE_SQL} AS overdue, ${QUARTERLY_DUE_SQL} AS quarterly_due
       ${TASK_JOINS}
      WHERE t.unit_id = $3 AND t.latest_status IS DISTINCT FROM 'completed'
        AND (t.first_approved_at IS NULL OR ${QUARTERLY_DUE_SQL})
      ORDER BY a.deadline, t.id
      LIMIT 50`,
    [cutoffs.today, cutoffs.quarterStart, unitId],
  );
}

export async function findTask(db: SqlRunner, taskId: string): Promise<TaskRecord | undefined> {
  if (!UUID.test(taskId)) {
    return undefined;
  }
  return firstRow<TaskRecord>(
    db,
    `SELECT t.id, a.kind, t.assignment_id, a.title, a.description, to_char(a.deadline, 'YYYY-MM-DD') AS deadline,
            t.unit_id, u.name AS unit_name, t.latest_status
       ${TASK_JOINS}
      WHERE t.id = $1`,
    [taskId],
  );
}

/** A task's progress filings the unit may see (others' drafts left out), newest first. */
export async function filingsOfTask(
  db: SqlRunner,
  taskId: string,
  unitId: number,
): Promise<
  { id: string; status: TaskStatus; state: WorkflowState; created_at: Date; updated_at: Date }[]
> {
  return await db.query<
    { id: string; status: TaskStatus; state: WorkflowState; created_at: Date; updated_at: Date }[]
  >(
    `SELECT p.id, p.status, wi.state, p.created_at, wi.updated_at
       FROM task_progress p JOIN workflow_items wi ON wi.id = p.id
      WHERE p.task_id = $1 AND (wi.state <> 'draft' OR wi.owner_unit_id = $2)
      ORDER BY p.created_at DESC`,
    [taskId, unitId],
  );
}

/** Whether the task has a filing other than `exceptId` that is not approved yet. */
export async function hasOpenProgress(
  db: SqlRunner,
  taskId: string,
  exceptId: string,
): Promise<boolean> {
  const open = await db.query<unknown[]>(
    `SELECT p.id FROM task_progress p JOIN workflow_items wi ON wi.id = p.id
      WHERE p.task_id = $1 AND wi.state <> 'approved' AND p.id <> $2`,
    [taskId, exceptId],
  );
  return open.length > 0;
}

export async function findProgress(
  db: SqlRunner,
  progressId: string,
): Promise<
  { task_id: string; status: TaskStatus; work_done: string; problems: string } | undefined
> {
  if (!UUID.test(progressId)) {
    return undefined;
  }
  return firstRow<{ task_id: string; status: TaskStatus; work_done: string; problems: string }>(
    db,
    `SELECT task_id, status, work_done, problems FROM task_progress WHERE id = $1`,
    [progressId],
  );
}

/** Keeps the task's summary (latest approved status and dates) when a filing is approved. */
export async function markProgressApproved(
  db: SqlRunner,
  progressId: string,
  approvedAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE assignment_tasks t
        SET latest_status = p.status, latest_approved_at = $2, first_approved_at = coalesce(t.first_approved_at, $2)
       FROM task_progress p
      WHERE p.id = $1 AND t.id = p.task_id`,
    [progressId, approvedAt],
  );
}
