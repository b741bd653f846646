import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { SqlConditions } from '../database/sql.js';
import { cursorBatches } from '../exports/excel-export.js';
import type { RecordTable } from '../workflow/record-kit/record-kit.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { listingUnion } from '../workflow/workflow-visibility.js';
import type { DemandFormDto } from './dto/demand-form.dto.js';

export const DEMAND_TYPE = 'demand';

/** The form's content as the row's columns (what an edit writes). */
export function demandContent(form: DemandFormDto): Record<string, unknown> {
  return {
    title: form.title,
    description: form.description,
    channel_id: form.channelId,
    domain_id: form.domainId,
    track_id: form.trackId ?? null,
  };
}

export const DEMAND_TABLE: RecordTable = {
  type: DEMAND_TYPE,
  table: 'demands',
  columns: ['lineage_id', 'unit_id', 'title', 'description', 'channel_id', 'domain_id', 'track_id'],
};

/** One demand as its page shows it. */
export interface DemandPageRow {
  title: string;
  description: string;
  channel_id: number;
  domain_id: number;
  track_id: number | null;
  channel: string;
  domain: string;
  track: string | null;
  unit_name: string;
}

export const DEMAND_SORTS = {
  updated: 'wi.updated_at DESC, d.id',
  unit: 'u.sort_order, wi.updated_at DESC, d.id',
  channel: 'c.sort_order, wi.updated_at DESC, d.id',
  title: 'd.title, d.id',
} as const;
export type DemandSort = keyof typeof DEMAND_SORTS;

/**
 * The same orders for a ledger page: inside each visibility branch (aliases wi, d), with the key
 * the branches hand up, and over the candidates (alias p).
 */
const PAGE_SORTS: Record<DemandSort, { key: string; join: string; branch: string; page: string }> =
  {
    updated: {
      key: '',
      join: '',
      branch: 'wi.updated_at DESC, wi.id',
      page: 'p.updated_at DESC, p.id',
    },
    unit: {
      key: ', u.sort_order AS sort_key',
      join: 'JOIN units u ON u.id = d.unit_id',
      branch: 'u.sort_order, wi.updated_at DESC, wi.id',
      page: 'p.sort_key, p.updated_at DESC, p.id',
    },
    channel: {
      key: ', c.sort_order AS sort_key',
      join: 'JOIN dictionary_items c ON c.id = d.channel_id',
      branch: 'c.sort_order, wi.updated_at DESC, wi.id',
      page: 'p.sort_key, p.updated_at DESC, p.id',
    },
    title: {
      key: ', d.title AS sort_key',
      join: '',
      branch: 'd.title, wi.id',
      page: 'p.sort_key, p.id',
    },
  };

/**
 * A ledger page counts the rows it can see at most this far past itself (3 pages of 20): the
 * total is exact below that, a lower bound ("120+") above, so no request counts a whole table.
 */
export const LEDGER_COUNT_AHEAD = 60;

export interface DemandLedgerFilter {
  sort?: DemandSort;
  unitId?: number;
  channelId?: number;
  domainId?: number;
  trackId?: number;
  state?: WorkflowState;
  from?: string;
  to?: string;
  q?: string;
  page: number;
}

export interface DemandRow {
  id: string;
  title: string;
  description: string;
  unitName: string;
  channel: string;
  domain: string;
  track: string | null;
  state: WorkflowState;
  stateLabel: string;
  revision: number;
  updatedAt: Date;
  approvedAt: Date | null;
}

interface DemandSqlRow {
  id: string;
  title: string;
  description: string;
  unit_name: string;
  channel: string;
  domain: string;
  track: string | null;
  state: WorkflowState;
  revision: number;
  updated_at: Date;
  approved_at: Date | null;
}

function toDemandRow(row: DemandSqlRow): DemandRow {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    unitName: row.unit_name,
    channel: row.channel,
    domain: row.domain,
    track: row.track,
    state: row.state,
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
    revision: row.revision,
    updatedAt: row.updated_at,
    approvedAt: row.approved_at,
  };
}

/** The SQL of 改革需求: the page, the city-scale ledger and its export. */
@Injectable()
export class DemandsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<DemandPageRow | undefined> {
    const rows: DemandPageRow[] = await this.dataSource.query(
      `SELECT d.title, d.description, d.channel_id, d.domain_id, d.track_id, c.label AS channel, dm.label AS domain,
              tr.label AS track, u.name AS unit_name
         FROM demands d
         JOIN dictionary_items c ON c.id = d.channel_id
         JOIN dictionary_items dm ON dm.id = d.domain_id
         LEFT JOIN dictionary_items tr ON tr.id = d.track_id
         JOIN units u ON u.id = d.unit_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * The ledger (台账): outside the filing unit only the current approved revision of each demand;
   * the user's own unit also sees its drafts and records under review (newest revision).
   */
  async ledger(
    user: AuthUser,
    filter: DemandLedgerFilter,
    pageSize: number,
  ): Promise<{ rows: DemandRow[]; total: number; more: boolean }> {
    // Each visibility rule is its own branch, ordered and cut at `cap` (the newest current
    // revisions of other units walk an index in order and stop early); the page and the count are
    // taken from the at most 2 × cap candidates, then only the page's rows are joined in full.
    const filters = this.ledgerFilters(user, filter);
    const offsetRows = (filter.page - 1) * pageSize;
    const cap = offsetRows + pageSize + LEDGER_COUNT_AHEAD;
    const sort = PAGE_SORTS[filter.sort ?? 'updated'];
    const capParam = filters.bind(cap);
    const limit = filters.bind(pageSize);
    const offset = filters.bind(offsetRows);
    const rows: (DemandSqlRow & { total: number })[] = await this.dataSource.query(
      `WITH candidates AS (${this.candidatesSql(user, filters, filter.sort, capParam)}),
            page AS (SELECT p.*, count(*) OVER ()::int AS total FROM candidates p
                      ORDER BY ${sort.page} LIMIT ${limit} OFFSET ${offset})
       ${this.detailsSql('page', ', p.total', sort.page)}`,
      filters.params,
    );
    const total = rows[0]?.total ?? 0;
    return { total, more: total >= cap, rows: rows.map(toDemandRow) };
  }

  /**
   * Every demand the ledger's filters select, in the ledger's order, for the Excel export: the same
   * ordered branches without a cut, read through a cursor, so rows stream from the first fetch on.
   */
  async *exportRows(user: AuthUser, filter: DemandLedgerFilter): AsyncIterable<DemandRow[]> {
    const filters = this.ledgerFilters(user, filter);
    const sort = PAGE_SORTS[filter.sort ?? 'updated'];
    for await (const batch of cursorBatches<DemandSqlRow>(
      this.dataSource,
      `WITH candidates AS (${this.candidatesSql(user, filters, filter.sort)})
       ${this.detailsSql('candidates', '', sort.page)}`,
      filters.params,
    )) {
      yield batch.map(toDemandRow);
    }
  }

  /** The visible demands' ids and sort keys: one ordered branch per visibility rule, cut at `cap`. */
  private candidatesSql(
    user: AuthUser,
    filters: SqlConditions,
    sortName: DemandSort = 'updated',
    cap?: string,
  ) {
    const sort = PAGE_SORTS[sortName];
    return listingUnion(
      user,
      {},
      (visibility) =>
        `SELECT wi.id, wi.updated_at${sort.key}
          FROM workflow_items wi JOIN demands d ON d.id = wi.id ${sort.join}
         WHERE wi.record_type = '${DEMAND_TYPE}' AND ${visibility} AND ${String(filters)}
         ORDER BY ${sort.branch}${cap ? ` LIMIT ${cap}` : ''}`,
    );
  }

  /** The ledger's columns for the rows of `source` (alias p), in the ledger's order. */
  private detailsSql(source: string, extra: string, order: string): string {
    return `SELECT d.id, d.title, d.description, u.name AS unit_name, c.label AS channel, dm.label AS domain,
              tr.label AS track, wi.state, wi.revision, wi.updated_at, wi.approved_at${extra}
         FROM ${source} p
         JOIN workflow_items wi ON wi.id = p.id
         JOIN demands d ON d.id = p.id
         JOIN units u ON u.id = d.unit_id
         JOIN dictionary_items c ON c.id = d.channel_id
         JOIN dictionary_items dm ON dm.id = d.domain_id
         LEFT JOIN dictionary_items tr ON tr.id = d.track_id
        ORDER BY ${order}`;
  }

  /** The ledger's filters; $1 is the user's unit, for the visibility rules. */
  private ledgerFilters(user: AuthUser, filter: DemandLedgerFilter): SqlConditions {
    const conditions = new SqlConditions([user.unitId]);
    if (filter.unitId) {
      conditions.add('d.unit_id = ?', filter.unitId);
    }
    if (filter.channelId) {
      conditions.add('d.channel_id = ?', filter.channelId);
    }
    if (filter.domainId) {
      conditions.add('d.domain_id = ?', filter.domainId);
    }
    if (filter.trackId) {
      conditions.add('d.track_id = ?', filter.trackId);
    }
    if (filter.state) {
      conditions.add('wi.state = ?', filter.state);
    }
    if (filter.from) {
      conditions.add(
        `wi.updated_at >= (?::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`,
        filter.from,
      );
    }
    if (filter.to) {
      conditions.add(
        `wi.updated_at < ((?::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
        filter.to,
      );
    }
    if (filter.q) {
      conditions.add('d.title ILIKE ?', `%${filter.q}%`);
    }
    return conditions;
  }
}
