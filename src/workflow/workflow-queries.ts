import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { SqlConditions } from '../database/sql.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from './workflow-chain.js';
import { WorkflowRegistry } from './workflow-registry.js';
import { OWN_UNIT_NEWEST } from './workflow-visibility.js';
import { WORKFLOW_ACTION_LABELS, type WorkflowAction } from './workflow-rules.js';
import {
  INBOX_PAGE_SIZE,
  inboxPageSql,
  STEP_ENTERED_BY_SQL,
  type InboxSqlRow,
} from './workflow-item.js';

export { INBOX_PAGE_SIZE };

export interface InboxFilter {
  recordType?: string;
  unitId?: number;
  submittedSince?: Date;
  page: number;
}

export interface InboxRow {
  id: string;
  title: string;
  recordType: string;
  recordLabel: string;
  moduleLabel: string;
  unitName: string;
  stepLabel: string;
  submittedAt: Date | null;
  revision: number;
  /** The row's version (compare-and-set of 批量通过); set by the inbox. */
  version?: number;
  link: string;
  /** The user acted on the step before: not theirs to act on (等待其他审核人员). */
  waitingForOther?: boolean;
  /** 等待天数: whole days since the record reached the step that waits; set by the inbox. */
  waitingDays?: number;
}

export interface TimelineEntry {
  action: WorkflowAction;
  actionLabel: string;
  revision: number;
  stepLabel: string | null;
  actorName: string;
  actorUnitName: string;
  toStateLabel: string;
  reasonLabel: string | null;
  detail: string | null;
  at: Date;
  sendsBack: boolean;
}

/** A record revision as lists show it: title, type, owner unit, state and step. */
export interface RecordSummaryRow {
  id: string;
  title: string;
  record_type: string;
  unit_name: string;
  state: WorkflowState;
  step: number | null;
  updated_at: Date;
  revision: number;
}

/** Read paths of the workflow: lean SQL returning exactly what the pages show. */
@Injectable()
export class WorkflowQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly statements: PreparedStatements,
  ) {}

  /**
   * A workflow item row as the inbox and the unit's list show it (labels, step and link). The
   * inbox's own fields (version, waiting, 等待天数 counted from `now`) go into the same object: the
   * inbox is the hottest page, one object per row spares the collector.
   */
  private summary(
    row: {
      id: string;
      title: string;
      record_type: string;
      unit_name: string;
      step: number | null;
      updated_at: Date;
      revision: number;
      version?: number;
      waiting?: boolean;
    },
    now?: number,
  ): InboxRow {
    const definition = this.registry.get(row.record_type);
    return {
      id: row.id,
      title: row.title,
      recordType: row.record_type,
      recordLabel: definition.label,
      moduleLabel: definition.moduleLabel,
      unitName: row.unit_name,
      stepLabel: row.step === null ? '' : (definition.chain.steps[row.step]?.label ?? ''),
      submittedAt: row.updated_at,
      revision: row.revision,
      version: row.version,
      waitingForOther: row.waiting,
      waitingDays:
        now === undefined
          ? undefined
          : Math.max(0, Math.floor((now - row.updated_at.getTime()) / 86_400_000)),
      link: definition.link(row.id),
    };
  }

  /**
   * What waits for this user: items pending at their unit for a role they hold. `actionable`: how
   * many of the matching items this user may act on now (the 待办 badge when nothing is filtered),
   * counted in the same scan; undefined past the last page. 等待天数 are counted up to `now`.
   */
  async inbox(
    user: AuthUser,
    filter: InboxFilter,
    now: Date,
    read?: { page: number; rows: InboxSqlRow[] },
  ): Promise<{ rows: InboxRow[]; total: number; actionable: number | undefined }> {
    let rows: InboxSqlRow[];
    if (
      read &&
      read.page === filter.page &&
      !filter.recordType &&
      !filter.unitId &&
      !filter.submittedSince
    ) {
      // Read with the session (SessionStore.load): JSON, so the time comes as text.
      rows = read.rows;
      for (const row of rows) {
        row.updated_at = new Date(row.updated_at);
      }
    } else {
      const conditions = new SqlConditions([user.unitId, user.roles, user.id]).filters(filter, {
        recordType: 'wi.record_type = ?',
        unitId: 'wi.owner_unit_id = ?',
        submittedSince: 'wi.updated_at >= ?',
      });
      const limit = conditions.bind(INBOX_PAGE_SIZE);
      const offset = conditions.bind((filter.page - 1) * INBOX_PAGE_SIZE);
      rows = await this.statements.query<InboxSqlRow>(
        inboxPageSql({ unitId: '$1', roles: '$2', id: '$3' }, String(conditions), limit, offset),
        conditions.params,
      );
    }
    const nowMs = now.getTime();
    return {
      total: rows[0]?.total ?? (filter.page > 1 ? await this.inboxCount(user) : 0),
      actionable: rows[0] ? rows[0].total - rows[0].waiting_total : filter.page > 1 ? undefined : 0,
      rows: rows.map((row) => this.summary(row, nowMs)),
    };
  }

  /**
   * 下一条: the record the inbox lists first besides `exceptId` that this user may act on now
   * (the inbox's order), for the link on a record page; undefined when nothing else waits.
   */
  async nextInboxLink(user: AuthUser, exceptId: string): Promise<string | undefined> {
    const rows: { id: string; record_type: string }[] = await this.dataSource.query(
      `SELECT wi.id, wi.record_type FROM workflow_items wi
        WHERE wi.state = 'pending' AND wi.pending_unit_id = $1 AND wi.pending_role = ANY($2::text[])
          AND wi.id <> $4::uuid AND ${STEP_ENTERED_BY_SQL} IS DISTINCT FROM $3::uuid
        ORDER BY wi.updated_at DESC, wi.id
        LIMIT 1`,
      [user.unitId, user.roles, user.id, exceptId],
    );
    const row = rows[0];
    return row ? this.registry.get(row.record_type).link(row.id) : undefined;
  }

  /** Per record type, how many items wait for this user (the navigation badge sums them). */
  async inboxCountsByType(user: AuthUser): Promise<Map<string, number>> {
    const rows: { record_type: string; count: number }[] = await this.dataSource.query(
      `SELECT record_type, count(*)::int AS count FROM workflow_items wi
        WHERE state = 'pending' AND pending_unit_id = $1 AND pending_role = ANY($2::text[])
          AND ${STEP_ENTERED_BY_SQL} IS DISTINCT FROM $3::uuid
        GROUP BY record_type`,
      [user.unitId, user.roles, user.id],
    );
    return new Map(rows.map((row) => [row.record_type, row.count]));
  }

  async inboxCount(user: AuthUser): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM workflow_items wi
        WHERE state = 'pending' AND pending_unit_id = $1 AND pending_role = ANY($2::text[])
          AND ${STEP_ENTERED_BY_SQL} IS DISTINCT FROM $3::uuid`,
      [user.unitId, user.roles, user.id],
    );
    return rows[0]?.count ?? 0;
  }

  /** My unit's records by state (我的填报): the latest revision of each record. */
  async unitSubmissions(
    user: AuthUser,
    filter: { state?: WorkflowState; recordType?: string; page: number },
  ): Promise<{
    rows: (InboxRow & {
      state: WorkflowState;
      stateLabel: string;
      reasonLabel: string | null;
      detail: string | null;
      sentBackBy: string | null;
    })[];
    total: number;
  }> {
    // Only the newest revision of each record of the unit (the listing rule's own-unit branch).
    const conditions = new SqlConditions([user.unitId])
      .raw(OWN_UNIT_NEWEST)
      .filters(filter, { state: 'wi.state = ?', recordType: 'wi.record_type = ?' });
    const limit = conditions.bind(DEFAULT_PAGE_SIZE);
    const offset = conditions.bind((filter.page - 1) * DEFAULT_PAGE_SIZE);
    const rows: (RecordSummaryRow & {
      last_reason_label: string | null;
      last_detail: string | null;
      sent_back_by: string | null;
      total: number;
    })[] = await this.dataSource.query(
      `SELECT wi.id, wi.title, wi.record_type, u.name AS unit_name, wi.state, wi.step, wi.updated_at, wi.revision,
              wi.last_reason_label, wi.last_detail,
              CASE WHEN wi.state = 'returned' THEN la.name END AS sent_back_by,
              count(*) OVER ()::int AS total
         FROM workflow_items wi
         JOIN units u ON u.id = wi.owner_unit_id
         LEFT JOIN users la ON la.id = wi.last_actor_id
        WHERE ${String(conditions)}
        ORDER BY wi.updated_at DESC, wi.id
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map((row) => {
        const summary = this.summary(row);
        const { stepLabel } = summary;
        return {
          ...summary,
          state: row.state,
          stateLabel:
            row.state === 'pending'
              ? `${WORKFLOW_STATE_LABELS.pending}（${stepLabel}）`
              : WORKFLOW_STATE_LABELS[row.state],
          reasonLabel: row.last_reason_label,
          detail: row.last_detail,
          sentBackBy: row.sent_back_by,
        };
      }),
    };
  }

  /** Every transition of every revision of a record, oldest first. */
  async timeline(lineageId: string): Promise<TimelineEntry[]> {
    const rows: {
      action: WorkflowAction;
      revision: number;
      step_label: string | null;
      actor_name: string;
      actor_unit_name: string;
      to_state: WorkflowState;
      reason_label: string | null;
      detail: string | null;
      at: Date;
    }[] = await this.dataSource.query(
      `SELECT e.action, wi.revision, e.step_label, e.actor_name, e.actor_unit_name, e.to_state, e.reason_label, e.detail, e.at
         FROM workflow_events e JOIN workflow_items wi ON wi.id = e.item_id
        WHERE e.lineage_id = $1
        ORDER BY e.id`,
      [lineageId],
    );
    return rows.map((row) => ({
      action: row.action,
      actionLabel: WORKFLOW_ACTION_LABELS[row.action],
      revision: row.revision,
      stepLabel: row.step_label,
      actorName: row.actor_name,
      actorUnitName: row.actor_unit_name,
      toStateLabel: WORKFLOW_STATE_LABELS[row.to_state],
      reasonLabel: row.reason_label,
      detail: row.detail,
      at: row.at,
      sendsBack: row.action === 'reject' || row.action === 'return',
    }));
  }

  /** All revisions of a record, newest first, for the record page. */
  async revisions(lineageId: string): Promise<
    {
      id: string;
      revision: number;
      state: WorkflowState;
      stateLabel: string;
      isCurrentApproved: boolean;
      updatedAt: Date;
    }[]
  > {
    const rows: {
      id: string;
      revision: number;
      state: WorkflowState;
      is_current_approved: boolean;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, revision, state, is_current_approved, updated_at FROM workflow_items WHERE lineage_id = $1 ORDER BY revision DESC`,
      [lineageId],
    );
    return rows.map((row) => ({
      id: row.id,
      revision: row.revision,
      state: row.state,
      stateLabel: WORKFLOW_STATE_LABELS[row.state],
      isCurrentApproved: row.is_current_approved,
      updatedAt: row.updated_at,
    }));
  }

  /** Rejections and returns per unit and record type (驳回次数纳入系统使用情况考评). */
  async sendBackCounts(
    from: Date,
    to: Date,
  ): Promise<{ unitId: number; recordType: string; rejected: number; returned: number }[]> {
    const rows: {
      owner_unit_id: number;
      record_type: string;
      rejected: number;
      returned: number;
    }[] = await this.dataSource.query(
      `SELECT owner_unit_id, record_type,
              count(*) FILTER (WHERE action = 'reject')::int AS rejected,
              count(*) FILTER (WHERE action = 'return')::int AS returned
         FROM workflow_events
        WHERE action IN ('reject', 'return') AND at >= $1 AND at < $2
        GROUP BY owner_unit_id, record_type
        ORDER BY owner_unit_id, record_type`,
      [from, to],
    );
    return rows.map((row) => ({
      unitId: row.owner_unit_id,
      recordType: row.record_type,
      rejected: row.rejected,
      returned: row.returned,
    }));
  }

  recordTypeOptions(): { value: string; label: string }[] {
    return this.registry.all().map((definition) => ({
      value: definition.type,
      label: `${definition.moduleLabel} · ${definition.label}`,
    }));
  }
}
