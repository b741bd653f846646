import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { BRAND_KIND_LABELS, PROJECT_BRAND_TYPE, type BrandKind } from '../project-labels.js';
import { ledgerConditions, pageOfUpdates, type LedgerFilter } from './update-access.js';
import type { BrandItemFormDto } from './update-forms.dto.js';

export interface BrandItemRow {
  id: string;
  project_id: string;
  project_name: string;
  unit_name: string;
  happened_on: string;
  kind: BrandKind;
  kindLabel: string;
  situation: string;
  measures_results: string;
  details: string;
  evidence_classified: boolean;
  state: WorkflowState;
  stateLabel: string;
}

type BrandSqlRow = Omit<BrandItemRow, 'kindLabel' | 'stateLabel'>;

/** The form's content as the row's columns (what an edit writes and a revision copies). */
export function brandContent(form: BrandItemFormDto): Record<string, unknown> {
  return {
    happened_on: form.happenedOn,
    kind: form.kind,
    situation: form.situation,
    measures_results: form.measuresResults,
    details: form.details,
    evidence_classified: form.evidenceClassified,
  };
}

export const BRAND_TABLE: RecordTable = {
  type: PROJECT_BRAND_TYPE,
  table: 'project_brand_items',
  columns: [
    'lineage_id',
    'project_id',
    'happened_on',
    'kind',
    'situation',
    'measures_results',
    'details',
    'evidence_classified',
  ],
};

const SELECT = `SELECT x.id, x.project_id, p.name AS project_name, u.name AS unit_name,
  to_char(x.happened_on, 'YYYY-MM-DD') AS happened_on, x.kind, x.situation, x.measures_results, x.details,
  x.evidence_classified, wi.state
  FROM project_brand_items x
  JOIN workflow_items wi ON wi.id = x.id
  JOIN major_projects p ON p.id = x.project_id
  JOIN units u ON u.id = p.responsible_unit_id`;

function labelled(row: BrandSqlRow): BrandItemRow {
  return {
    ...row,
    kindLabel: BRAND_KIND_LABELS[row.kind],
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
  };
}

/** The SQL of 品牌显示度推进更新. */
@Injectable()
export class BrandItemsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<BrandItemRow | undefined> {
    const rows: BrandSqlRow[] = await this.dataSource.query(`${SELECT} WHERE x.id = $1`, [id]);
    return rows[0] && labelled(rows[0]);
  }

  /** The brand ledger; `from`/`to` filter the 品牌创建日期. */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { kind?: BrandKind },
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: BrandItemRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'x.project_id',
      period: 'x.happened_on',
      periodCast: '::date',
    });
    if (filter.kind) {
      conditions.add('x.kind = ?', filter.kind);
    }
    const page = await pageOfUpdates<BrandSqlRow>(
      db,
      user,
      conditions,
      { from: SELECT, order: 'v.happened_on DESC, v.project_name, v.id' },
      pageSize,
      filter.page,
    );
    return { total: page.total, rows: page.rows.map(labelled) };
  }

  /** The project's current approved brand items, newest first (project page). */
  async approvedForProject(projectId: string): Promise<BrandItemRow[]> {
    const rows: BrandSqlRow[] = await this.dataSource.query(
      `${SELECT} WHERE x.project_id = $1 AND wi.is_current_approved ORDER BY x.happened_on DESC, x.id`,
      [projectId],
    );
    return rows.map(labelled);
  }
}
