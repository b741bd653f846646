import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import type { LedgerReader } from './ledger-routes.js';
import { ledgerPage, type LedgerSql } from './ledger-sql.js';

/**
 * A record ledger's reader (what LedgerRoutes' page and export call) from its query as data: one
 * page as the user may see it, on the export's snapshot `db` when it gives one, else on `runner()`.
 * A queries class writes `readonly ledger = ledgerReader(() => this.dataSource, THE_LEDGER);`.
 */
export function ledgerReader<F extends { page: number }, S, R>(
  runner: () => SqlRunner,
  sql: LedgerSql<F, S, R>,
): LedgerReader<F, R> {
  return (user, filter, pageSize = DEFAULT_PAGE_SIZE, db = runner()) =>
    ledgerPage(db, user, filter, sql, pageSize);
}
