import type { AuthUser } from '../../auth/auth-context.js';
import { SqlConditions } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { pageOfListing } from './listing-page.js';
import type { ListingScope } from '../workflow-visibility.js';

/**
 * A ledger filter's SQL as data: per field, its condition with `?` for the value (every `?` is
 * that one value), or a function adding what the value needs. Fields not set add nothing.
 */
export type FilterSql<F> = {
  [K in keyof F]?: string | ((conditions: SqlConditions, value: NonNullable<F[K]>) => void);
};

/** The conditions of a ledger's filter; $1 is the user's unit (for the visibility rules). */
export function ledgerConditions<F extends object>(
  user: AuthUser,
  filter: F,
  where: FilterSql<F>,
): SqlConditions {
  const conditions = new SqlConditions([user.unitId]);
  for (const key of Object.keys(where) as (keyof F)[]) {
    const value = filter[key];
    const condition = where[key];
    if (value === undefined || value === null || value === '' || !condition) {
      continue;
    }
    if (typeof condition === 'string') {
      conditions.add(condition, value);
    } else {
      condition(conditions, value);
    }
  }
  return conditions;
}

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

/** One page of a record ledger in the shared listing rule's form (pageOfListing), filtered. */
export async function ledgerPage<F extends { page: number }, S, R>(
  db: SqlRunner,
  user: AuthUser,
  filter: F,
  sql: LedgerSql<F, S, R>,
  pageSize: number,
): Promise<{ rows: R[]; total: number }> {
  const conditions = ledgerConditions(user, filter, sql.where);
  const page = await pageOfListing<S>(db, user, sql.scope, conditions, sql, pageSize, filter.page);
  return { total: page.total, rows: page.rows.map(sql.view) };
}
