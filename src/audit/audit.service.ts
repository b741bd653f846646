import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { currentRequestId } from '../common/http/request-context.js';
import type { AuditAction } from './audit-actions.js';

export interface AuditEntry {
  action: AuditAction;
  result?: 'success' | 'failure';
  /** The acting user; absent for anonymous events such as a failed login. */
  actor?: Pick<AuthUser, 'id' | 'name' | 'mobile' | 'unitId' | 'unitName' | 'roles'>;
  /** The acting user by id alone (the database fills the rest); used when `actor` is absent. */
  actorId?: string;
  target?: { type: string; id: string | number; label?: string };
  detail?: Record<string, unknown>;
  ip?: string;
  /** The HTTP request's id; by default the one being served (common/http/request-context). */
  requestId?: string;
}

/**
 * Writes the append-only audit log. Pass the transaction's manager so that the audit row and the
 * change it records commit (or fail) together. The database stamps the time and fills the actor's
 * name, mobile, unit and roles from `users` by actor id (migration 1764200000000-audit-integrity):
 * only the id is taken from here.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const { sql, params } = auditInsert(entry);
    await (manager ?? this.dataSource.manager).query(sql, params);
  }

  /**
   * Makes a change and records it in one transaction, so both commit or neither: `entry` may
   * depend on what the change returns (a new row's id).
   */
  change<T>(
    entry: AuditEntry | ((result: T) => AuditEntry),
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const result = await work(manager);
      await this.record(typeof entry === 'function' ? entry(result) : entry, manager);
      return result;
    });
  }
}

/**
 * The audit row's INSERT, its parameters numbered from `$first`: what record() runs, and what a
 * service may put into the one statement that also makes the change it records (report generation:
 * one round trip, atomic without a transaction around it).
 */
export function auditInsert(entry: AuditEntry, first = 1): { sql: string; params: unknown[] } {
  const params = [
    entry.actor?.id ?? entry.actorId ?? null,
    entry.actor?.name ?? null,
    entry.actor?.mobile ?? null,
    entry.actor?.unitId ?? null,
    entry.actor?.unitName ?? null,
    entry.actor?.roles ?? null,
    entry.action,
    entry.result ?? 'success',
    entry.target?.type ?? null,
    entry.target === undefined ? null : String(entry.target.id),
    entry.target?.label?.slice(0, 200) ?? null,
    entry.detail === undefined ? null : JSON.stringify(entry.detail),
    entry.ip?.slice(0, 64) ?? null,
    (entry.requestId ?? currentRequestId())?.slice(0, 64) ?? null,
  ];
  return {
    sql: `INSERT INTO audit_log (actor_id, actor_name, actor_mobile, actor_unit_id, actor_unit_name, actor_roles,
                              action, result, target_type, target_id, target_label, detail, ip, request_id)
       VALUES (${params.map((_, index) => `$${first + index}`).join(', ')})`,
    params,
  };
}
