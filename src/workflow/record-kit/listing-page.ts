import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
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

/** The ILIKE pattern of a search text. */
export const containing = (text: string): string => `%${text}%`;

/** What a ledger route (its page or its export) reads: the query, its filter and the user. */
export interface LedgerRequest<F> {
  query: Record<string, string>;
  filter: F;
  user: AuthUser;
}

/**
 * `@Ledger(LEDGER) ledger: LedgerRequest<…>`: a ledger route's query string parsed by its
 * ledgerQuery spec (a malformed id is a 400), with the signed-in user.
 */
export const Ledger = createParamDecorator(
  (
    spec: { parse(query: Record<string, unknown>): unknown },
    context: ExecutionContext,
  ): LedgerRequest<unknown> => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.auth) {
      throw new Error('Ledger used on a public route');
    }
    const query = (request.query ?? {}) as Record<string, string>;
    return { query, filter: spec.parse(query), user: request.auth.user };
  },
);
