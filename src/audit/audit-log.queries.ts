import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ROLE_LABELS, type RoleCode } from '../auth/roles.js';
import { SqlConditions } from '../database/sql.js';
import { AUDIT_ACTION_LABELS, type AuditAction } from './audit-actions.js';
import { AuditCodeLabels } from './audit-code-labels.js';
import { describeAuditDetail, type AuditDetailContext } from './audit-detail.js';

export interface AuditFilter {
  from?: string;
  to?: string;
  user?: string;
  unitId?: number;
  action?: AuditAction;
  result?: 'success' | 'failure';
}

export interface AuditRow {
  id: string;
  at: Date;
  actorName: string | null;
  actorMobile: string | null;
  unitName: string | null;
  roles: string;
  action: string;
  actionLabel: string;
  result: 'success' | 'failure';
  targetLabel: string | null;
  detail: string;
  ip: string | null;
}

/** The auditor's reads of the append-only log: filtered, newest first, keyset-paged for exports. */
@Injectable()
export class AuditLogQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly codeLabels: AuditCodeLabels,
  ) {}

  private where(filter: AuditFilter): SqlConditions {
    const conditions = new SqlConditions();
    if (filter.from) {
      conditions.add(`a.at >= (?::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, filter.from);
    }
    if (filter.to) {
      conditions.add(`a.at < ((?::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`, filter.to);
    }
    if (filter.user) {
      conditions.add(
        `(a.actor_name ILIKE ? OR a.actor_mobile LIKE ? OR a.detail->>'mobile' LIKE ?)`,
        `%${filter.user}%`,
      );
    }
    if (filter.unitId) {
      conditions.add('a.actor_unit_id = ?', filter.unitId);
    }
    if (filter.action) {
      conditions.add('a.action = ?', filter.action);
    }
    if (filter.result) {
      conditions.add('a.result = ?', filter.result);
    }
    return conditions;
  }

  /** The names the details' unit ids point at (every unit, deactivated ones included). */
  private async detailContext(): Promise<AuditDetailContext> {
    const units: { id: number; name: string }[] = await this.dataSource.query(
      `SELECT id, name FROM units`,
    );
    return {
      unitNames: new Map(units.map((unit) => [unit.id, unit.name])),
      codeLabels: this.codeLabels.all(),
    };
  }

  private map(
    row: {
      id: string;
      at: Date;
      actor_name: string | null;
      actor_mobile: string | null;
      actor_unit_name: string | null;
      actor_roles: RoleCode[] | null;
      action: string;
      result: 'success' | 'failure';
      target_label: string | null;
      detail: unknown;
      ip: string | null;
    },
    context: AuditDetailContext,
  ): AuditRow {
    return {
      id: String(row.id),
      at: row.at,
      actorName: row.actor_name,
      actorMobile: row.actor_mobile,
      unitName: row.actor_unit_name,
      roles: (row.actor_roles ?? []).map((role) => ROLE_LABELS[role] ?? role).join('、'),
      action: row.action,
      actionLabel: AUDIT_ACTION_LABELS[row.action as AuditAction] ?? row.action,
      result: row.result,
      targetLabel: row.target_label,
      detail: describeAuditDetail(row.action, row.detail, context),
      ip: row.ip,
    };
  }

  private readonly columns = `a.id, a.at, a.actor_name, a.actor_mobile, a.actor_unit_name, a.actor_roles, a.action, a.result,
                              a.target_label, a.detail, a.ip`;

  async page(
    filter: AuditFilter,
    page: number,
    pageSize: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const conditions = this.where(filter);
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((page - 1) * pageSize);
    const rows: (Parameters<AuditLogQueries['map']>[0] & { total: number })[] =
      await this.dataSource.query(
        `SELECT ${this.columns}, count(*) OVER ()::int AS total FROM audit_log a WHERE ${String(conditions)}
        ORDER BY a.id DESC LIMIT ${limit} OFFSET ${offset}`,
        conditions.params,
      );
    const context = await this.detailContext();
    return { rows: rows.map((row) => this.map(row, context)), total: rows[0]?.total ?? 0 };
  }

  /** Every matching row, newest first, in keyset pages (id < last id): flat memory for any size. */
  async *batches(filter: AuditFilter, batchSize = 1000): AsyncIterable<AuditRow[]> {
    const context = await this.detailContext();
    let before: string | undefined;
    for (;;) {
      const conditions = this.where(filter);
      const cursor = conditions.bind(before ?? null);
      const limit = conditions.bind(batchSize);
      const rows: Parameters<AuditLogQueries['map']>[0][] = await this.dataSource.query(
        `SELECT ${this.columns} FROM audit_log a WHERE ${String(conditions)} AND (${cursor}::bigint IS NULL OR a.id < ${cursor}::bigint)
          ORDER BY a.id DESC LIMIT ${limit}`,
        conditions.params,
      );
      if (rows.length > 0) {
        yield rows.map((row) => this.map(row, context));
        before = String(rows[rows.length - 1].id);
      }
      if (rows.length < batchSize) {
        return;
      }
    }
  }
}
