import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { PROJECT_PROMOTION_TYPE } from '../project-labels.js';
import { ledgerConditions, pageOfUpdates, type LedgerFilter } from './update-access.js';
import type { PromotionFormDto } from './update-forms.dto.js';

export interface PromotionRow {
  id: string;
  project_id: string;
  project_name: string;
  unit_name: string;
  method_id: number;
  method: string;
  promoted_on: string;
  description: string;
  evidence_classified: boolean;
  state: WorkflowState;
  stateLabel: string;
}

type PromotionSqlRow = Omit<PromotionRow, 'stateLabel'>;

/** The form's content as the row's columns (what an edit writes and a revision copies). */
export function promotionContent(form: PromotionFormDto): Record<string, unknown> {
  return {
    method_id: form.methodId,
    promoted_on: form.promotedOn,
    description: form.description,
    evidence_classified: form.evidenceClassified,
  };
}

export const PROMOTION_TABLE: RecordTable = {
  type: PROJECT_PROMOTION_TYPE,
  table: 'project_promotions',
  columns: [
    'lineage_id',
    'project_id',
    'method_id',
    'promoted_on',
    'description',
    'evidence_classified',
  ],
};

const SELECT = `SELECT x.id, x.project_id, p.name AS project_name, u.name AS unit_name, x.method_id, m.label AS method,
  to_char(x.promoted_on, 'YYYY-MM-DD') AS promoted_on, x.description, x.evidence_classified, wi.state
  FROM project_promotions x
  JOIN workflow_items wi ON wi.id = x.id
  JOIN major_projects p ON p.id = x.project_id
  JOIN units u ON u.id = p.responsible_unit_id
  JOIN dictionary_items m ON m.id = x.method_id`;

const labelled = (row: PromotionSqlRow): PromotionRow => ({
  ...row,
  stateLabel: WORKFLOW_STATE_LABELS[row.state],
});

/** The SQL of 经验复制推广推进更新. */
@Injectable()
export class PromotionsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<PromotionRow | undefined> {
    const rows: PromotionSqlRow[] = await this.dataSource.query(`${SELECT} WHERE x.id = $1`, [id]);
    return rows[0] && labelled(rows[0]);
  }

  /** The promotion ledger; `from`/`to` filter the promotion date. */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { methodId?: number },
    pageSize: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: PromotionRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'x.project_id',
      period: 'x.promoted_on',
      periodCast: '::date',
    });
    if (filter.methodId) {
      conditions.add('x.method_id = ?', filter.methodId);
    }
    const page = await pageOfUpdates<PromotionSqlRow>(
      db,
      user,
      conditions,
      { from: SELECT, order: 'v.promoted_on DESC, v.project_name, v.id' },
      pageSize,
      filter.page,
    );
    return { total: page.total, rows: page.rows.map(labelled) };
  }

  /** The project's current approved promotions, newest first (project page). */
  approvedForProject(projectId: string): Promise<PromotionSqlRow[]> {
    return this.dataSource.query(
      `${SELECT} WHERE x.project_id = $1 AND wi.is_current_approved ORDER BY x.promoted_on DESC, x.id`,
      [projectId],
    );
  }
}
