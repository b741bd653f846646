import type { AuthUser } from '../../auth/auth-context.js';
import { SqlConditions, type FilterSql } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { pageOfListing } from './listing-page.js';
import type { ListingScope } from '../workflow-visibility.js';

/** A record ledger's query as data: who sees what, the rows' SELECT, the order, the filter. */
export interface LedgerSql<F, S, R> {
  scope: ListingScope;
  /** `SELECT columns FROM tables` (alias `wi` for the workflow item). */
  from: string;
  /** Over the union's columns (alias v). */
  order: string;
  where: FilterSql<F>;
  /** A row as the ledger shows it (labels added). */
  view: (row: S) => R;
}

/**
 * One page of a record ledger in the shared listing rule's form (pageOfListing), filtered; $1 of
 * the conditions is the user's unit (for the visibility rules).
 */
export async function ledgerPage<F extends { page: number }, S, R>(
  db: SqlRunner,
  user: AuthUser,
  filter: F,
  sql: LedgerSql<F, S, R>,
  pageSize: number,
): Promise<{ rows: R[]; total: number }> {
  const conditions = new SqlConditions([user.unitId]).filters(filter, sql.where);
  const page = await pageOfListing<S>(db, user, sql.scope, conditions, sql, pageSize, filter.page);
  return { total: page.total, rows: page.rows.map(sql.view) };
}
