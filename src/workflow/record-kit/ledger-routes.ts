import { Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser } from '../../auth/auth.decorators.js';
import type { FilterField, FilterOf, LedgerQuery } from '../../common/http/ledger-query.js';
import { chinaDate } from '../../common/time/china-time.js';
import type { Clock } from '../../common/time/clock.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import type { ExcelColumn, ExcelFilter } from '../../exports/excel-export.js';
import type { LedgerExports } from '../../exports/ledger-exports.js';

type Spec = Record<string, FilterField<unknown>>;

/** One ledger page of rows and its total (`more`: the total is a lower bound). */
export interface LedgerRows<R> {
  rows: R[];
  total: number;
  more?: boolean;
}

/** Reads one page of a ledger as `user` may see it (the export reads it page by page on `db`). */
export type LedgerReader<F, R> = (
  user: AuthUser,
  filter: F,
  pageSize?: number,
  db?: SqlRunner,
) => Promise<LedgerRows<R>>;

/** A ledger's page and its 批量下载, as data. */
export interface LedgerRoutesSpec<S extends Spec, R> {
  /** The list's path, e.g. `/news` (the export is `<path>/export`). */
  path: string;
  /** The page's template (`<path>/index.hbs` when omitted). */
  view?: string;
  /** The page's title. */
  title: string;
  /** The Excel file's and sheet's name (`<label>-<today>.xlsx`; the title when omitted). */
  exportLabel?: string;
  query: LedgerQuery<S>;
  columns: ExcelColumn<R>[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor type
type AbstractClass = abstract new (...args: any[]) => object;
class NoBase {}

/**
 * The two routes every record ledger has, written once: GET `''` renders the page (rows, total,
 * filter form values, `filtered`, the export link and the pager from the ledger's filter spec, then
 * what the controller adds: options, permissions) and GET `export` streams the same query as .xlsx.
 * A controller extends `LedgerRoutes(spec)` — or `LedgerRoutes(spec, RecordFormRoutes(...))` to
 * have the form routes too — and says how to read a page and what else the page shows.
 */
export function LedgerRoutes<S extends Spec, R, B extends AbstractClass = typeof NoBase>(
  spec: LedgerRoutesSpec<S, R>,
  Base: B = NoBase as unknown as B,
) {
  abstract class Ledger extends Base {
    protected abstract readonly ledgerExports: LedgerExports;
    protected abstract readonly clock: Clock;

    /** One page of the ledger as `user` may see it (the export reads it page by page on `db`). */
    protected abstract readonly ledgerRows: LedgerReader<FilterOf<S>, R>;

    /** What the page shows besides the ledger: options, what the user may do. */
    protected abstract ledgerExtras(
      user: AuthUser,
      filter: FilterOf<S>,
    ): Promise<Record<string, unknown>> | Record<string, unknown>;

    /** The export's filter lines above the header (none unless a ledger names them). */
    protected exportFilters(_filter: FilterOf<S>): Promise<ExcelFilter[] | undefined> {
      return Promise.resolve(undefined);
    }

    /** The download: the ledger's query page by page from one snapshot. */
    protected async exportLedger(reply: FastifyReply, user: AuthUser, filter: FilterOf<S>) {
      await this.ledgerExports.stream(
        reply,
        {
          label: spec.exportLabel ?? spec.title,
          today: chinaDate(this.clock.now()),
          columns: spec.columns,
          filters: await this.exportFilters(filter),
        },
        (page, pageSize, db) => this.ledgerRows(user, { ...filter, page }, pageSize, db),
      );
    }

    @Get()
    async index(
      @Query() query: Record<string, string>,
      @CurrentUser() user: AuthUser,
      @Res() reply: FastifyReply,
    ) {
      const filter = spec.query.parse(query);
      const result = await this.ledgerRows(user, filter);
      return reply.view(spec.view ?? `${spec.path.slice(1)}/index.hbs`, {
        title: spec.title,
        ...spec.query.page(spec.path, query, filter, result),
        ...(await this.ledgerExtras(user, filter)),
      });
    }

    @Get('export')
    async export(
      @Query() query: Record<string, string>,
      @CurrentUser() user: AuthUser,
      @Res() reply: FastifyReply,
    ) {
      await this.exportLedger(reply, user, spec.query.parse(query));
    }
  }
  return Ledger;
}
