import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';

import { ledgerConditions, pageOfUpdates, type LedgerFilter } from './update-access.js';

/** A row with its workflow state's label. */
export function stateLabelled<S extends { state: WorkflowState }>(row: S) {
  return { ...row, stateLabel: WORKFLOW_STATE_LABELS[row.state] };
}

/** How an update type dated by one column is read (alias `x` for its table, `p` the project). */
export interface DatedUpdateSql<F> {
  /** `SELECT … FROM <table> x JOIN workflow_items wi … JOIN major_projects p … JOIN units u …`. */
  select: string;
  /** The date column (e.g. `happened_on`): the ledger's from/to and its order, newest first. */
  date: string;
  /** The ledger's own filter: its key in the filter and the column it matches. */
  filter: { key: keyof F & string; column: string };
}

/**
 * The SQL of an update type dated by one column (经验复制推广, 品牌显示度): one record, the ledger
 * page under the update records' listing rule, and a project's current approved records.
 */
@Injectable()
export abstract class DatedUpdateQueries<S extends { state: WorkflowState }, R, F> {
  protected abstract readonly sql: DatedUpdateSql<F>;

  constructor(protected readonly dataSource: DataSource) {}

  /** The row as pages show it, with its labels (see stateLabelled). */
  protected abstract labelled(row: S): R;

  async find(id: string): Promise<R | undefined> {
    const rows: S[] = await this.dataSource.query(`${this.sql.select} WHERE x.id = $1`, [id]);
    return rows[0] && this.labelled(rows[0]);
  }

  /** The ledger; `from`/`to` filter the date column. */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & F,
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: R[]; total: number }> {
    const { select, date, filter: own } = this.sql;
    const conditions = ledgerConditions(user, filter, {
      project: 'x.project_id',
      period: `x.${date}`,
      periodCast: '::date',
    });
    const value = filter[own.key];
    if (value) {
      conditions.add(`${own.column} = ?`, value);
    }
    const page = await pageOfUpdates<S>(
      db,
      user,
      conditions,
      { from: select, order: `v.${date} DESC, v.project_name, v.id` },
      pageSize,
      filter.page,
    );
    return { total: page.total, rows: page.rows.map((row) => this.labelled(row)) };
  }

  /** The project's current approved records, newest first (project page). */
  async approvedForProject(projectId: string): Promise<R[]> {
    const rows: S[] = await this.dataSource.query(
      `${this.sql.select} WHERE x.project_id = $1 AND wi.is_current_approved ORDER BY x.${this.sql.date} DESC, x.id`,
      [projectId],
    );
    return rows.map((row) => this.labelled(row));
  }
}
