import { Injectable } from '@nestjs/common';
import type { WorkflowState } from '../../workflow/workflow-chain.js';
import { formColumns } from '../../workflow/record-kit/record-dto.js';
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

/** The form's fields and their columns: what an edit writes, a revision copies, the form shows. */
const PROMOTION_COLUMNS = {
  methodId: 'method_id',
  promotedOn: 'promoted_on',
  description: 'description',
  evidenceClassified: 'evidence_classified',
} satisfies Partial<Record<keyof PromotionFormDto, string>>;
export const PROMOTION_FIELDS = formColumns(PROMOTION_COLUMNS);
export const promotionContent = (form: PromotionFormDto) => PROMOTION_FIELDS.row(form);

export const PROMOTION_TABLE: RecordTable = {
  type: PROJECT_PROMOTION_TYPE,
  table: 'project_promotions',
  columns: ['lineage_id', 'project_id', ...Object.values(PROMOTION_COLUMNS)],
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
