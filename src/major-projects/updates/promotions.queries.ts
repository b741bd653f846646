import { Injectable } from '@nestjs/common';
import type { WorkflowState } from '../../workflow/workflow-chain.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { PROJECT_PROMOTION_TYPE } from '../project-labels.js';
import { DatedUpdateQueries, stateLabelled } from './dated-update.queries.js';
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

/** The SQL of 经验复制推广推进更新. */
@Injectable()
export class PromotionsQueries extends DatedUpdateQueries<
  PromotionSqlRow,
  PromotionRow,
  { methodId?: number }
> {
  protected readonly sql = {
    select: SELECT,
    date: 'promoted_on',
    filter: { key: 'methodId' as const, column: 'x.method_id' },
  };

  protected labelled(row: PromotionSqlRow): PromotionRow {
    return stateLabelled(row);
  }
}
