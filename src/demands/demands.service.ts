import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole, seesAllApproved } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { SqlConditions } from '../database/sql.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { cursorBatches } from '../exports/excel-export.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { DemandFormDto } from './dto/demand-form.dto.js';

export const DEMAND_TYPE = 'demand';

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

/**
 * Who sees what, each rule a branch of the ledger query ($1 = the user's unit): other units'
 * demands in their current approved revision (for those who see all approved data); the own
 * unit's in their newest revision, any state.
 */
const OTHER_UNITS_CURRENT = `wi.record_type = 'demand' AND wi.is_current_approved AND wi.owner_unit_id <> $1`;
const OWN_UNIT_NEWEST = `wi.record_type = 'demand' AND wi.owner_unit_id = $1
        AND NOT EXISTS (SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision)`;

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

@Injectable()
export class DemandsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
  ) {}

  async formOptions(domainId?: number) {
    return {
      channels: await this.dictionaries.activeOptions('demand_channel'),
      domains: await this.dictionaries.activeOptions('domain'),
      tracks: domainId ? await this.dictionaries.activeOptions('track', domainId) : [],
    };
  }

  /**
   * The rules of the form a DTO cannot check (active channel, domain and a track of that domain),
   * all at once. Fields the DTO refused (`failed`) are not checked (see validateForm).
   */
  async formErrors(
    form: DemandFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (
      !failed.has('channelId') &&
      !(await this.dictionaries.isActive('demand_channel', form.channelId))
    ) {
      errors.channelId = ['请选择来源渠道'];
    }
    if (!failed.has('domainId') && !(await this.dictionaries.isActive('domain', form.domainId))) {
      errors.domainId = ['请选择领域'];
    }
    if (
      !failed.has('domainId') &&
      !failed.has('trackId') &&
      form.trackId !== undefined &&
      !(await this.dictionaries.isActive('track', form.trackId, form.domainId))
    ) {
      errors.trackId = ['所选跑道不属于该领域，请重新选择'];
    }
    return errors;
  }

  private async checkReferences(form: DemandFormDto): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  /** A clerk files a new demand: a draft, or straight to the reviewer. */
  async create(form: DemandFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind === 'office') {
      throw new NotFoundException();
    }
    await this.checkReferences(form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        { type: DEMAND_TYPE, id, title: form.title, ownerUnitId: user.unitId },
        user,
      );
      await manager.query(
        `INSERT INTO demands (id, lineage_id, unit_id, title, description, channel_id, domain_id, track_id)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          user.unitId,
          form.title,
          form.description,
          form.channelId,
          form.domainId,
          form.trackId ?? null,
        ],
      );
      await this.attachments.linkToItem(manager, id, 'attachments', form.attachments, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  /** Edits a draft or returned demand (and optionally submits it). */
  async update(id: string, form: DemandFormDto, user: AuthUser, ip?: string): Promise<void> {
    await this.checkReferences(form);
    await this.dataSource.transaction(async (manager) => {
      const item = await this.workflow.findItem(id, manager);
      if (!item || item.record_type !== DEMAND_TYPE || !(await this.workflow.mayView(item, user))) {
        throw new NotFoundException();
      }
      if (!this.workflow.isEditableBy(item, user)) {
        throw FormInvalidException.field(
          'title',
          this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
        );
      }
      await manager.query(
        `UPDATE demands SET title = $2, description = $3, channel_id = $4, domain_id = $5, track_id = $6, updated_at = now()
          WHERE id = $1`,
        [id, form.title, form.description, form.channelId, form.domainId, form.trackId ?? null],
      );
      await this.workflow.updateDraft(manager, id, { title: form.title });
      await this.attachments.linkToItem(manager, id, 'attachments', form.attachments, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
  }

  /** Starts a change of an approved demand: a new revision copying the content. */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await this.workflow.openRevision(manager, id, newId, user, ip);
      await manager.query(
        `INSERT INTO demands (id, lineage_id, unit_id, title, description, channel_id, domain_id, track_id)
         SELECT $2, lineage_id, unit_id, title, description, channel_id, domain_id, track_id FROM demands WHERE id = $1`,
        [id, newId],
      );
    });
    return newId;
  }

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    if (item.record_type !== DEMAND_TYPE) {
      throw new NotFoundException();
    }
    const rows: {
      title: string;
      description: string;
      channel_id: number;
      domain_id: number;
      track_id: number | null;
      channel: string;
      domain: string;
      track: string | null;
      unit_name: string;
    }[] = await this.dataSource.query(
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
    return {
      item,
      demand: rows[0],
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
    };
  }

  /**
   * The ledger (台账): outside the filing unit only the current approved revision of each demand;
   * the user's own unit also sees its drafts and records under review (newest revision).
   */
  async ledger(
    user: AuthUser,
    filter: DemandLedgerFilter,
    pageSize = DEFAULT_PAGE_SIZE,
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
    const branch = (visibility: string) =>
      `(SELECT wi.id, wi.updated_at${sort.key}
          FROM workflow_items wi JOIN demands d ON d.id = wi.id ${sort.join}
         WHERE ${visibility} AND ${String(filters)}
         ORDER BY ${sort.branch}${cap ? ` LIMIT ${cap}` : ''})`;
    return seesAllApproved(user)
      ? `${branch(OTHER_UNITS_CURRENT)} UNION ALL ${branch(OWN_UNIT_NEWEST)}`
      : branch(OWN_UNIT_NEWEST);
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
