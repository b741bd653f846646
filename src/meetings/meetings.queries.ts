import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlConditions } from '../database/sql.js';
import type { SqlRunner } from '../database/sql-runner.js';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { ledgerReader } from '../workflow/record-kit/ledger-reader.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';
import {
  decisionState,
  DECISION_STATES,
  MEETING_KINDS,
  MEETING_STATUSES,
  TOPIC_KINDS,
  TOPIC_RESULTS,
  type DecisionState,
  type MeetingKind,
  type MeetingStatus,
  type TopicKind,
  type TopicResult,
} from './meetings.view-model.js';

/** A unit's 议题申报 (unit clerk → unit reviewer → office 采纳). */
export const TOPIC_TYPE = 'meeting_topic';
/** A topic the office adds itself (the office 采纳 it straight away). */
export const OFFICE_TOPIC_TYPE = 'meeting_topic_office';

export interface MeetingRow {
  id: string;
  name: string;
  kind: MeetingKind;
  kindLabel: string;
  held_on: string;
  place: string;
  host: string;
  status: MeetingStatus;
  statusLabel: string;
  minutes_classified: boolean;
  minutes_note: string;
  /** The minutes file (meeting page only). */
  minutes_attachment_id?: string | null;
  minutes_file_name?: string | null;
  topics: number;
  decisions: number;
}

export interface MeetingFilter {
  kind?: MeetingKind;
  status?: MeetingStatus;
  year?: number;
  q?: string;
  page: number;
}

export interface TopicRow {
  id: string;
  title: string;
  unit_id: number;
  unit_name: string;
  reporting_unit_id: number;
  reporting_unit_name: string;
  topic_kind: TopicKind;
  topicKindLabel: string;
  summary: string;
  domain_id: number | null;
  domain: string | null;
  files_classified: boolean;
  classified_note: string;
  meeting_id: string | null;
  meeting_name: string | null;
  agenda_order: number | null;
  result: TopicResult | null;
  resultLabel: string;
  state: WorkflowState;
  stateLabel: string;
  record_type: string;
}

/** The columns of a topic the form writes. */
export interface TopicContent {
  reporting_unit_id: number;
  title: string;
  topic_kind: TopicKind;
  summary: string;
  domain_id: number | null;
  files_classified: boolean;
  classified_note: string;
}

const topicValues = (content: TopicContent) => [
  content.reporting_unit_id,
  content.title,
  content.topic_kind,
  content.summary,
  content.domain_id,
  content.files_classified,
  content.classified_note,
];

export interface TopicFilter {
  meetingId?: string;
  unitId?: number;
  topicKind?: TopicKind;
  result?: TopicResult | 'none';
  state?: WorkflowState;
  page: number;
}

export interface DecisionTaskRow {
  taskId: string;
  decisionId: string;
  assignmentId: string;
  title: string;
  requirement: string;
  meetingId: string;
  meetingName: string;
  topicTitle: string | null;
  unitId: number;
  unitName: string;
  role: '牵头' | '配合';
  deadline: string;
  latestStatus: string | null;
  latestApprovedAt: Date | null;
  closedAt: Date | null;
  state: DecisionState;
  stateLabel: string;
}

export interface DecisionFilter {
  meetingId?: string;
  unitId?: number;
  state?: DecisionState;
  page: number;
}

const TOPIC_SELECT = `SELECT t.id, t.title, t.unit_id, u.name AS unit_name, t.reporting_unit_id, ru.name AS reporting_unit_name,
         t.topic_kind, t.summary, t.domain_id, d.label AS domain, t.files_classified, t.classified_note,
         t.meeting_id, m.name AS meeting_name, m.held_on AS meeting_held_on, t.agenda_order, t.result, wi.state, wi.record_type,
         t.created_at
    FROM meeting_topics t
    JOIN workflow_items wi ON wi.id = t.id
    JOIN units u ON u.id = t.unit_id
    JOIN units ru ON ru.id = t.reporting_unit_id
    LEFT JOIN dictionary_items d ON d.id = t.domain_id
    LEFT JOIN meetings m ON m.id = t.meeting_id`;

/** The 汇报单位 lists the adopted topic it reports on besides the proposing unit. */
export const TOPIC_LISTING: RecordListing = {
  scope: { involved: 't.reporting_unit_id = $1', officeQueue: true },
  joins: 'JOIN meeting_topics t ON t.id = wi.id',
};

type TopicSqlRow = Omit<TopicRow, 'topicKindLabel' | 'resultLabel' | 'stateLabel'>;
const labelTopic = (row: TopicSqlRow): TopicRow => ({
  ...row,
  topicKindLabel: TOPIC_KINDS.labels[row.topic_kind],
  resultLabel: row.result ? TOPIC_RESULTS.labels[row.result] : '',
  stateLabel:
    row.state === 'approved'
      ? '已采纳'
      : row.state === 'returned'
        ? '已退回'
        : WORKFLOW_STATE_LABELS[row.state],
});

type MeetingSqlRow = Omit<MeetingRow, 'kindLabel' | 'statusLabel'>;
const labelMeeting = (row: MeetingSqlRow): MeetingRow => ({
  ...row,
  kindLabel: MEETING_KINDS.labels[row.kind],
  statusLabel: MEETING_STATUSES.labels[row.status],
});

/**
 * The due rules of src/assignments (task-due-rules.ts) over `t` (assignment_tasks) and `a`
 * (assignments), $1 = today (China date), $2 = the start of the current quarter; a closed task is
 * marked completed, so neither flag holds for it.
 */
const OVERDUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.first_approved_at IS NULL AND a.deadline < $1::date)`;
const QUARTERLY_DUE_SQL = `(t.latest_status IS DISTINCT FROM 'completed' AND t.latest_approved_at < $2::timestamptz)`;

const DECISION_STATE_SQL: Record<DecisionState, string> = {
  closed: 'c.task_id IS NOT NULL',
  overdue: `c.task_id IS NULL AND ${OVERDUE_SQL}`,
  quarterly_due: `c.task_id IS NULL AND NOT ${OVERDUE_SQL} AND ${QUARTERLY_DUE_SQL}`,
  awaiting_close: `c.task_id IS NULL AND t.latest_status = 'completed'`,
  in_progress: `c.task_id IS NULL AND NOT ${OVERDUE_SQL} AND NOT coalesce(${QUARTERLY_DUE_SQL}, false) AND t.latest_status IN ('not_started', 'in_progress')`,
  awaiting_feedback: `c.task_id IS NULL AND NOT ${OVERDUE_SQL} AND t.latest_status IS NULL`,
};

interface DecisionSqlRow {
  task_id: string;
  decision_id: string;
  assignment_id: string;
  title: string;
  description: string;
  meeting_id: string;
  meeting_name: string;
  topic_title: string | null;
  unit_id: number;
  unit_name: string;
  lead_unit_id: number;
  deadline: string;
  latest_status: string | null;
  latest_approved_at: Date | null;
  closed_at: Date | null;
  overdue: boolean;
  quarterly_due: boolean | null;
  total?: number;
}

const toDecisionRow = (row: DecisionSqlRow): DecisionTaskRow => {
  const state = decisionState({
    closed: row.closed_at !== null,
    overdue: row.overdue,
    quarterlyDue: row.quarterly_due === true,
    latestStatus: row.latest_status,
  });
  return {
    taskId: row.task_id,
    decisionId: row.decision_id,
    assignmentId: row.assignment_id,
    title: row.title,
    requirement: row.description,
    meetingId: row.meeting_id,
    meetingName: row.meeting_name,
    topicTitle: row.topic_title,
    unitId: row.unit_id,
    unitName: row.unit_name,
    role: row.unit_id === row.lead_unit_id ? '牵头' : '配合',
    deadline: row.deadline,
    latestStatus: row.latest_status,
    latestApprovedAt: row.latest_approved_at,
    closedAt: row.closed_at,
    state,
    stateLabel: DECISION_STATES.labels[state],
  };
};

const DECISION_SELECT = `SELECT t.id AS task_id, md.id AS decision_id, a.id AS assignment_id, a.title, a.description,
         m.id AS meeting_id, m.name AS meeting_name, tp.title AS topic_title, t.unit_id, u.name AS unit_name,
         md.lead_unit_id, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, t.latest_status, t.latest_approved_at,
         c.closed_at, ${OVERDUE_SQL} AS overdue, ${QUARTERLY_DUE_SQL} AS quarterly_due
    FROM meeting_decisions md
    JOIN meetings m ON m.id = md.meeting_id
    JOIN assignments a ON a.id = md.assignment_id
    JOIN assignment_tasks t ON t.assignment_id = a.id
    JOIN units u ON u.id = t.unit_id
    LEFT JOIN meeting_topics tp ON tp.id = md.topic_id
    LEFT JOIN meeting_decision_closures c ON c.task_id = t.id`;

const TOPIC_LEDGER: LedgerSql<TopicFilter, TopicSqlRow, TopicRow> = {
  scope: TOPIC_LISTING.scope,
  from: TOPIC_SELECT,
  order: 'v.meeting_held_on DESC NULLS FIRST, v.agenda_order NULLS LAST, v.created_at DESC, v.id',
  where: {
    meetingId: 't.meeting_id = ?::uuid',
    unitId: 't.reporting_unit_id = ?',
    topicKind: 't.topic_kind = ?',
    result: (conditions, result) =>
      result === 'none'
        ? conditions.raw('t.result IS NULL')
        : conditions.add('t.result = ?', result),
    state: 'wi.state = ?',
  },
  view: labelTopic,
};

/** The SQL of 深改委会议管理. */
@Injectable()
export class MeetingsQueries {
  constructor(private readonly dataSource: DataSource) {}

  units() {
    return this.dataSource.query<{ id: number; name: string; kind: string }[]>(
      `SELECT id, name, kind FROM units WHERE active AND kind IN ('district', 'department', 'office') ORDER BY sort_order`,
    );
  }

  async activeUnitIds(ids: readonly number[], db: SqlRunner = this.dataSource): Promise<number[]> {
    const rows = await db.query<{ id: number }[]>(
      `SELECT id FROM units WHERE id = ANY($1::int[]) AND active AND kind IN ('district', 'department', 'office')`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async insertMeeting(
    manager: EntityManager,
    meeting: {
      name: string;
      kind: MeetingKind;
      heldOn: string;
      place: string;
      host: string;
      status: MeetingStatus;
      createdBy: string;
    },
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO meetings (name, kind, held_on, place, host, status, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        meeting.name,
        meeting.kind,
        meeting.heldOn,
        meeting.place,
        meeting.host,
        meeting.status,
        meeting.createdBy,
      ],
    );
    return rows[0].id;
  }

  async updateMeeting(
    manager: EntityManager,
    id: string,
    meeting: {
      name: string;
      kind: MeetingKind;
      heldOn: string;
      place: string;
      host: string;
      status: MeetingStatus;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE meetings SET name = $2, kind = $3, held_on = $4, place = $5, host = $6, status = $7, updated_at = now() WHERE id = $1`,
      [id, meeting.name, meeting.kind, meeting.heldOn, meeting.place, meeting.host, meeting.status],
    );
  }

  async setMeetingUnits(
    manager: EntityManager,
    id: string,
    attend: readonly number[],
    observe: readonly number[],
  ): Promise<void> {
    await manager.query(`DELETE FROM meeting_units WHERE meeting_id = $1`, [id]);
    await manager.query(
      `INSERT INTO meeting_units (meeting_id, unit_id, role)
       SELECT $1, unit_id, role FROM (
         SELECT unnest($2::int[]) AS unit_id, 'attend' AS role
         UNION ALL SELECT unnest($3::int[]), 'observe') x
       ON CONFLICT DO NOTHING`,
      [id, attend, observe],
    );
  }

  async setMinutes(
    id: string,
    classified: boolean,
    note: string,
    attachmentId: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE meetings SET minutes_classified = $2, minutes_note = $3, minutes_attachment_id = $4, updated_at = now() WHERE id = $1`,
      [id, classified, note, attachmentId],
    );
  }

  /** Uploaded files of the unit's (the office's own uploads), by id. */
  ownUnitFiles(ids: readonly string[], unitId: number) {
    return this.dataSource.query<{ id: string; name: string }[]>(
      `SELECT id, original_name AS name FROM attachments WHERE id = ANY($1::uuid[]) AND unit_id = $2`,
      [ids, unitId],
    );
  }

  async meetingLedger(
    filter: MeetingFilter,
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: MeetingRow[]; total: number }> {
    const conditions = new SqlConditions([]).raw('true');
    if (filter.kind) {
      conditions.add('m.kind = ?', filter.kind);
    }
    if (filter.status) {
      conditions.add('m.status = ?', filter.status);
    }
    if (filter.year) {
      conditions.add('extract(year FROM m.held_on) = ?', filter.year);
    }
    if (filter.q) {
      conditions.add('m.name ILIKE ?', `%${filter.q}%`);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows = await db.query<(MeetingSqlRow & { total: number })[]>(
      `SELECT m.id, m.name, m.kind, to_char(m.held_on, 'YYYY-MM-DD') AS held_on, m.place, m.host, m.status,
              m.minutes_classified, m.minutes_note,
              (SELECT count(*)::int FROM meeting_topics t JOIN workflow_items wi ON wi.id = t.id AND wi.state = 'approved' WHERE t.meeting_id = m.id) AS topics,
              (SELECT count(*)::int FROM meeting_decisions md WHERE md.meeting_id = m.id) AS decisions,
              count(*) OVER ()::int AS total
         FROM meetings m
        WHERE ${String(conditions)}
        ORDER BY m.held_on DESC, m.id
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return { rows: rows.map(labelMeeting), total: rows[0]?.total ?? 0 };
  }

  async findMeeting(id: string, db: SqlRunner = this.dataSource): Promise<MeetingRow | undefined> {
    const rows = await db.query<MeetingSqlRow[]>(
      `SELECT m.id, m.name, m.kind, to_char(m.held_on, 'YYYY-MM-DD') AS held_on, m.place, m.host, m.status,
              m.minutes_classified, m.minutes_note, 0 AS topics, 0 AS decisions,
              m.minutes_attachment_id, a.original_name AS minutes_file_name
         FROM meetings m LEFT JOIN attachments a ON a.id = m.minutes_attachment_id WHERE m.id = $1`,
      [id],
    );
    return rows[0] && labelMeeting(rows[0]);
  }

  meetingUnits(id: string) {
    return this.dataSource.query<{ unit_id: number; name: string; role: 'attend' | 'observe' }[]>(
      `SELECT mu.unit_id, u.name, mu.role FROM meeting_units mu JOIN units u ON u.id = mu.unit_id
        WHERE mu.meeting_id = $1 ORDER BY u.sort_order`,
      [id],
    );
  }

  /** Meetings a topic may still be placed on (筹备中). */
  openMeetings(db: SqlRunner = this.dataSource) {
    return db.query<{ id: string; name: string; held_on: string }[]>(
      `SELECT id, name, to_char(held_on, 'YYYY-MM-DD') AS held_on FROM meetings WHERE status = 'preparing' ORDER BY held_on, id`,
    );
  }

  allMeetings() {
    return this.dataSource.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM meetings ORDER BY held_on DESC, id`,
    );
  }

  /** The meeting's agenda: its adopted topics in order. */
  async agenda(meetingId: string): Promise<TopicRow[]> {
    const rows: TopicSqlRow[] = await this.dataSource.query(
      `${TOPIC_SELECT} WHERE t.meeting_id = $1 AND wi.state = 'approved' ORDER BY t.agenda_order, t.id`,
      [meetingId],
    );
    return rows.map(labelTopic);
  }

  async findTopic(id: string, db: SqlRunner = this.dataSource): Promise<TopicRow | undefined> {
    const rows = await db.query<TopicSqlRow[]>(`${TOPIC_SELECT} WHERE t.id = $1`, [id]);
    return rows[0] && labelTopic(rows[0]);
  }

  async reportingUnitIds(id: string): Promise<number[]> {
    const rows: { reporting_unit_id: number }[] = await this.dataSource.query(
      `SELECT reporting_unit_id FROM meeting_topics WHERE id = $1`,
      [id],
    );
    return rows.map((row) => row.reporting_unit_id);
  }

  /** Places a topic at the end of a meeting's agenda. */
  async placeOnAgenda(manager: EntityManager, topicId: string, meetingId: string): Promise<void> {
    await manager.query(`SELECT id FROM meetings WHERE id = $1 FOR UPDATE`, [meetingId]);
    await manager.query(
      `UPDATE meeting_topics SET meeting_id = $2, updated_at = now(),
              agenda_order = (SELECT coalesce(max(agenda_order), 0) + 1 FROM meeting_topics WHERE meeting_id = $2)
        WHERE id = $1`,
      [topicId, meetingId],
    );
  }

  async setResult(manager: EntityManager, topicId: string, result: TopicResult): Promise<void> {
    await manager.query(`UPDATE meeting_topics SET result = $2, updated_at = now() WHERE id = $1`, [
      topicId,
      result,
    ]);
  }

  async insertTopic(
    manager: EntityManager,
    id: string,
    unitId: number,
    content: TopicContent,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO meeting_topics (id, lineage_id, unit_id, reporting_unit_id, title, topic_kind, summary, domain_id, files_classified, classified_note)
       VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, unitId, ...topicValues(content)],
    );
  }

  async updateTopic(manager: EntityManager, id: string, content: TopicContent): Promise<void> {
    await manager.query(
      `UPDATE meeting_topics SET reporting_unit_id = $2, title = $3, topic_kind = $4, summary = $5, domain_id = $6,
              files_classified = $7, classified_note = $8, updated_at = now() WHERE id = $1`,
      [id, ...topicValues(content)],
    );
  }

  /** The meeting a topic is placed on, if any. */
  async topicMeetingId(manager: EntityManager, id: string): Promise<string | null> {
    const rows = await manager.query<{ meeting_id: string | null }[]>(
      `SELECT meeting_id FROM meeting_topics WHERE id = $1`,
      [id],
    );
    return rows[0]?.meeting_id ?? null;
  }

  readonly topicLedger = ledgerReader(() => this.dataSource, TOPIC_LEDGER);

  async insertDecision(
    manager: EntityManager,
    decision: {
      meetingId: string;
      topicId: string | null;
      assignmentId: string;
      leadUnitId: number;
    },
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO meeting_decisions (meeting_id, topic_id, assignment_id, lead_unit_id) VALUES ($1, $2, $3, $4) RETURNING id`,
      [decision.meetingId, decision.topicId, decision.assignmentId, decision.leadUnitId],
    );
    return rows[0].id;
  }

  /** The unit tasks of 议定事项; `unitId` limits them to one unit's. */
  async decisionLedger(
    cutoffs: { today: string; quarterStart: Date },
    filter: DecisionFilter & { ownUnitId?: number },
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: DecisionTaskRow[]; total: number }> {
    const conditions = new SqlConditions([cutoffs.today, cutoffs.quarterStart]).raw('true');
    if (filter.ownUnitId) {
      conditions.add('t.unit_id = ?', filter.ownUnitId);
    }
    if (filter.meetingId) {
      conditions.add('md.meeting_id = ?::uuid', filter.meetingId);
    }
    if (filter.unitId) {
      conditions.add('t.unit_id = ?', filter.unitId);
    }
    if (filter.state) {
      conditions.raw(`(${DECISION_STATE_SQL[filter.state]})`);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows = await db.query<DecisionSqlRow[]>(
      `SELECT x.*, count(*) OVER ()::int AS total FROM (${DECISION_SELECT} WHERE ${String(conditions)}) x
        ORDER BY x.deadline, x.decision_id, (x.unit_id <> x.lead_unit_id), x.unit_name, x.task_id
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return { rows: rows.map(toDecisionRow), total: rows[0]?.total ?? 0 };
  }

  async decisionTask(
    cutoffs: { today: string; quarterStart: Date },
    taskId: string,
    db: SqlRunner = this.dataSource,
  ): Promise<DecisionTaskRow | undefined> {
    const rows = await db.query<DecisionSqlRow[]>(`${DECISION_SELECT} WHERE t.id = $3`, [
      cutoffs.today,
      cutoffs.quarterStart,
      taskId,
    ]);
    return rows[0] && toDecisionRow(rows[0]);
  }

  /**
   * 销号: the task is recorded closed and marked completed, so the assignment due rules (已逾期,
   * 待季度更新) stop and no further feedback is asked.
   */
  async closeTask(manager: EntityManager, taskId: string, userId: string): Promise<boolean> {
    const rows: { task_id: string }[] = await manager.query(
      `INSERT INTO meeting_decision_closures (task_id, closed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING task_id`,
      [taskId, userId],
    );
    if (rows.length > 0) {
      await manager.query(`UPDATE assignment_tasks SET latest_status = 'completed' WHERE id = $1`, [
        taskId,
      ]);
    }
    return rows.length > 0;
  }

  /**
   * 议定事项落实 per unit, from approved feedback only: tasks assigned; fed back on time (the first
   * approved feedback on or before the deadline day); overdue (deadline passed with no approved
   * feedback by then); 已销号.
   */
  async implementationByUnit(today: string): Promise<
    {
      unitId: number;
      unitName: string;
      assigned: number;
      onTime: number;
      overdue: number;
      closed: number;
    }[]
  > {
    const rows: {
      unit_id: number;
      unit_name: string;
      assigned: number;
      on_time: number;
      overdue: number;
      closed: number;
    }[] = await this.dataSource.query(
      `SELECT u.id AS unit_id, u.name AS unit_name, count(*)::int AS assigned,
              count(*) FILTER (WHERE t.first_approved_at IS NOT NULL
                               AND (t.first_approved_at AT TIME ZONE 'Asia/Shanghai')::date <= a.deadline)::int AS on_time,
              count(*) FILTER (WHERE a.deadline < $1::date AND c.task_id IS NULL
                               AND (t.first_approved_at IS NULL
                                    OR (t.first_approved_at AT TIME ZONE 'Asia/Shanghai')::date > a.deadline))::int AS overdue,
              count(c.task_id)::int AS closed
         FROM meeting_decisions md
         JOIN assignments a ON a.id = md.assignment_id
         JOIN assignment_tasks t ON t.assignment_id = a.id
         JOIN units u ON u.id = t.unit_id
         LEFT JOIN meeting_decision_closures c ON c.task_id = t.id
        GROUP BY u.id, u.name, u.sort_order
        ORDER BY u.sort_order`,
      [today],
    );
    return rows.map((row) => ({
      unitId: row.unit_id,
      unitName: row.unit_name,
      assigned: row.assigned,
      onTime: row.on_time,
      overdue: row.overdue,
      closed: row.closed,
    }));
  }
}
