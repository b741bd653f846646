import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { ledgerReader } from '../workflow/record-kit/ledger-reader.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';

export const RISK_TYPE = 'risk_event';

export interface RiskEventRow {
  id: string;
  occurred_on: string;
  level_code: string;
  level_label: string;
  unit_name: string;
  /** The involved district's name, or the involved project's. */
  involved_unit_name: string;
  involved_project_id: string | null;
  details: string;
  deduction_applied: string | null;
  state: WorkflowState;
  stateLabel: string;
}

export interface RiskLedgerFilter {
  involvedUnitId?: number;
  involvedProjectId?: string;
  levelCode?: string;
  /** 发生时间 from / to, YYYY-MM-DD, both inclusive. */
  from?: string;
  to?: string;
  state?: WorkflowState;
  page: number;
}

/** The district involved, or the involved project's responsible unit, lists approved events. */
export const RISK_LISTING: RecordListing = {
  scope: { involved: '(e.involved_unit_id = $1 OR ip.responsible_unit_id = $1)' },
  joins: `JOIN risk_events e ON e.id = wi.id
    LEFT JOIN major_projects ip ON ip.id = e.involved_project_id`,
};

const SELECT = `SELECT e.id, to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.level_code, d.label AS level_label,
         u.name AS unit_name, coalesce(iu.name, ip.name) AS involved_unit_name, e.involved_project_id, e.details,
         e.deduction_applied::text, wi.state
    FROM risk_events e
    JOIN workflow_items wi ON wi.id = e.id
    JOIN units u ON u.id = e.unit_id
    LEFT JOIN units iu ON iu.id = e.involved_unit_id
    LEFT JOIN major_projects ip ON ip.id = e.involved_project_id
    JOIN dictionary_items d ON d.kind = 'risk_level' AND d.code = e.level_code`;

type RiskSqlRow = Omit<RiskEventRow, 'stateLabel'>;
const labelled = (row: RiskSqlRow): RiskEventRow => ({
  ...row,
  stateLabel: WORKFLOW_STATE_LABELS[row.state],
});

const RISK_LEDGER: LedgerSql<RiskLedgerFilter, RiskSqlRow, RiskEventRow> = {
  scope: RISK_LISTING.scope,
  from: SELECT,
  order: 'v.occurred_on DESC, v.id',
  where: {
    involvedUnitId: 'e.involved_unit_id = ?',
    involvedProjectId: 'e.involved_project_id = ?::uuid',
    levelCode: 'e.level_code = ?',
    from: 'e.occurred_on >= ?::date',
    to: 'e.occurred_on <= ?::date',
    state: 'wi.state = ?',
  },
  view: labelled,
};

/** The SQL of 改革风险. */
@Injectable()
export class RiskQueries {
  constructor(private readonly dataSource: DataSource) {}

  levels() {
    return this.dataSource.query<{ code: string; label: string; points: string }[]>(
      `SELECT d.code, d.label, r.points FROM dictionary_items d JOIN risk_deductions r ON r.level_code = d.code
        WHERE d.kind = 'risk_level' AND d.active ORDER BY d.sort_order`,
    );
  }

  districts() {
    return this.dataSource.query<{ id: number; name: string }[]>(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
  }

  projects() {
    return this.dataSource.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM major_projects ORDER BY name`,
    );
  }

  async find(id: string): Promise<RiskEventRow | undefined> {
    const rows: RiskSqlRow[] = await this.dataSource.query(`${SELECT} WHERE e.id = $1`, [id]);
    return rows[0] && labelled(rows[0]);
  }

  /** The unit that reads an approved event besides the reporter and the office. */
  async involvedUnitIds(id: string): Promise<number[]> {
    const rows: { unit_id: number }[] = await this.dataSource.query(
      `SELECT coalesce(e.involved_unit_id, p.responsible_unit_id) AS unit_id
         FROM risk_events e LEFT JOIN major_projects p ON p.id = e.involved_project_id WHERE e.id = $1`,
      [id],
    );
    return rows.map((row) => row.unit_id);
  }

  /** Freezes the deduction in force now on the event. */
  async freezeDeduction(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE risk_events e SET deduction_applied = r.points FROM risk_deductions r WHERE e.id = $1 AND r.level_code = e.level_code`,
      [id],
    );
  }

  /** Sets a level's deduction; the previous value, or undefined for an unknown level. */
  async setDeduction(
    manager: EntityManager,
    levelCode: string,
    points: number,
  ): Promise<number | undefined> {
    const rows: { points: string }[] = await manager.query(
      `SELECT points FROM risk_deductions WHERE level_code = $1`,
      [levelCode],
    );
    if (rows[0]) {
      await manager.query(
        `UPDATE risk_deductions SET points = $2, updated_at = now() WHERE level_code = $1`,
        [levelCode, points],
      );
    }
    return rows[0] ? Number(rows[0].points) : undefined;
  }

  /** Ledger: reporters see their own events in any state; others the approved events they may read. */
  readonly ledger = ledgerReader(() => this.dataSource, RISK_LEDGER);

  /** 风险管控力: per district, approved events and the deductions stored with them, from `from` to `to`. */
  async deductionsByDistrict(
    from: string,
    to: string,
  ): Promise<{ unitId: number; events: number; deduction: number }[]> {
    const rows: { unit_id: number; events: number; deduction: string }[] =
      await this.dataSource.query(
        `SELECT u.id AS unit_id, count(e.id)::int AS events, coalesce(sum(e.deduction_applied), 0)::text AS deduction
         FROM units u
         LEFT JOIN risk_events e ON e.involved_unit_id = u.id AND e.occurred_on BETWEEN $1::date AND $2::date
              AND EXISTS (SELECT 1 FROM workflow_items wi WHERE wi.id = e.id AND wi.is_current_approved)
        WHERE u.kind = 'district' AND u.active
        GROUP BY u.id ORDER BY u.sort_order`,
        [from, to],
      );
    return rows.map((row) => ({
      unitId: row.unit_id,
      events: row.events,
      deduction: Number(row.deduction),
    }));
  }

  /**
   * Approved events from `from` to `to` involving districts or major projects, with the deduction
   * frozen on each at approval (exact decimal text): the 风险管控力 deductions and their records.
   */
  async approvedEvents(
    target: 'district' | 'project',
    from: string,
    to: string,
  ): Promise<
    {
      id: string;
      unitId: number | null;
      projectId: string | null;
      levelCode: string;
      levelLabel: string;
      occurredOn: string;
      deduction: string;
    }[]
  > {
    const rows = await this.dataSource.query<
      {
        id: string;
        involved_unit_id: number | null;
        involved_project_id: string | null;
        level_code: string;
        level_label: string;
        occurred_on: string;
        deduction: string;
      }[]
    >(
      `SELECT e.id, e.involved_unit_id, e.involved_project_id, e.level_code, d.label AS level_label,
              to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.deduction_applied::text AS deduction
         FROM risk_events e
         JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved
         JOIN dictionary_items d ON d.kind = 'risk_level' AND d.code = e.level_code
        WHERE e.occurred_on BETWEEN $1::date AND $2::date
          AND ${target === 'district' ? 'e.involved_unit_id IS NOT NULL' : 'e.involved_project_id IS NOT NULL'}
        ORDER BY e.occurred_on, e.id`,
      [from, to],
    );
    return rows.map((row) => ({
      id: row.id,
      unitId: row.involved_unit_id,
      projectId: row.involved_project_id,
      levelCode: row.level_code,
      levelLabel: row.level_label,
      occurredOn: row.occurred_on,
      deduction: row.deduction,
    }));
  }
}
