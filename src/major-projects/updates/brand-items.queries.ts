import { Injectable } from '@nestjs/common';
import type { WorkflowState } from '../../workflow/workflow-chain.js';
import { formColumns } from '../../workflow/record-kit/record-dto.js';
import type { RecordTable } from '../../workflow/record-kit/record-kit.js';
import { BRAND_KIND, PROJECT_BRAND_TYPE, type BrandKind } from '../project-labels.js';
import { DatedUpdateQueries, stateLabelled } from './dated-update.queries.js';
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

/** The form's fields and their columns: what an edit writes, a revision copies, the form shows. */
const BRAND_COLUMNS = {
  happenedOn: 'happened_on',
  kind: 'kind',
  situation: 'situation',
  measuresResults: 'measures_results',
  details: 'details',
  evidenceClassified: 'evidence_classified',
} satisfies Partial<Record<keyof BrandItemFormDto, string>>;
export const BRAND_FIELDS = formColumns(BRAND_COLUMNS);
export const brandContent = (form: BrandItemFormDto) => BRAND_FIELDS.row(form);

export const BRAND_TABLE: RecordTable = {
  type: PROJECT_BRAND_TYPE,
  table: 'project_brand_items',
  columns: ['lineage_id', 'project_id', ...Object.values(BRAND_COLUMNS)],
};

const SELECT = `SELECT x.id, x.project_id, p.name AS project_name, u.name AS unit_name,
  to_char(x.happened_on, 'YYYY-MM-DD') AS happened_on, x.kind, x.situation, x.measures_results, x.details,
  x.evidence_classified, wi.state
  FROM project_brand_items x
  JOIN workflow_items wi ON wi.id = x.id
  JOIN major_projects p ON p.id = x.project_id
  JOIN units u ON u.id = p.responsible_unit_id`;

/** The SQL of 品牌显示度推进更新. */
@Injectable()
export class BrandItemsQueries extends DatedUpdateQueries<
  BrandSqlRow,
  BrandItemRow,
  { kind?: BrandKind }
> {
  protected readonly sql = {
    select: SELECT,
    date: 'happened_on',
    filter: { key: 'kind' as const, column: 'x.kind' },
  };

  protected labelled(row: BrandSqlRow): BrandItemRow {
    return { ...stateLabelled(row), kindLabel: BRAND_KIND.labels[row.kind] };
  }
}
