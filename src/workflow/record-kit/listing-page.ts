import type { AuthUser } from '../../auth/auth-context.js';
import type { FilterField } from '../../common/http/ledger-query.js';
import type { SqlConditions } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { listingUnion, type ListingScope } from '../workflow-visibility.js';

/**
 * One page of a record ledger and its total, in the shared listing rule's UNION ALL form:
 * `from` is `SELECT columns FROM tables` (alias `wi` for the workflow item), run once per
 * visibility branch with the ledger's filters (`conditions`, whose $1 is the user's unit);
 * `order` sorts the union's columns (alias v).
 */
export async function pageOfListing<T>(
  db: SqlRunner,
  user: AuthUser,
  scope: ListingScope,
  conditions: SqlConditions,
  sql: { from: string; order: string },
  pageSize: number,
  page: number,
): Promise<{ rows: T[]; total: number }> {
  const limit = conditions.bind(pageSize);
  const offset = conditions.bind((page - 1) * pageSize);
  const union = listingUnion(
    user,
    scope,
    (visibility) => `${sql.from} WHERE ${visibility} AND ${String(conditions)}`,
  );
  const rows = await db.query<(T & { total: number })[]>(
    `SELECT v.*, count(*) OVER ()::int AS total FROM (${union}) v
      ORDER BY ${sql.order} LIMIT ${limit} OFFSET ${offset}`,
    conditions.params,
  );
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.map(({ total: _total, ...row }) => row as T),
  };
}

/** A ledger filter's checkbox (`name=1` when ticked): true when ticked, else no filter. */
export function checkboxField(param: string): FilterField<boolean> {
  return { param, read: (raw) => (raw === '1' ? true : undefined) };
}
